#include "faultplan.h"

#include <QHash>

#include <algorithm>
#include <limits>
#include <random>

namespace vigil::chaos {

QString Fault::kindName(Kind kind)
{
    switch (kind) {
    case Reset:
        return QStringLiteral("reset");
    case Blackhole:
        return QStringLiteral("blackhole");
    case Latency:
        return QStringLiteral("latency");
    case Bandwidth:
        return QStringLiteral("bandwidth");
    case RelayKill:
        return QStringLiteral("relayKill");
    case ClientKill:
        return QStringLiteral("clientKill");
    case DiskFull:
        return QStringLiteral("diskFull");
    case KindCount:
        break;
    }
    return QStringLiteral("unknown");
}

QJsonObject Fault::toJson() const
{
    QJsonObject json{{QStringLiteral("atMs"), atMs},
                     {QStringLiteral("durationMs"), durationMs},
                     {QStringLiteral("kind"), kindName(kind)}};
    if (!target.isEmpty())
        json.insert(QStringLiteral("target"), target);
    if (kind == Latency) {
        json.insert(QStringLiteral("latencyMs"), latencyMs);
        json.insert(QStringLiteral("jitterMs"), jitterMs);
    }
    if (kind == Bandwidth)
        json.insert(QStringLiteral("bytesPerSecond"), bytesPerSecond);
    return json;
}

QList<Fault> planFaults(quint64 seed, qint64 chaosMs, const FaultTargets &targets)
{
    std::mt19937_64 random(seed);
    auto uniform = [&random](qint64 lo, qint64 hi) {
        return std::uniform_int_distribution<qint64>(lo, hi)(random);
    };
    auto pick = [&random](const QStringList &list) {
        return list.at(int(random() % quint64(list.size())));
    };

    QList<Fault::Kind> possible;
    for (int k = 0; k < Fault::KindCount; ++k) {
        const auto kind = Fault::Kind(k);
        if ((kind == Fault::ClientKill && targets.kill.isEmpty()) ||
            (kind == Fault::DiskFull && targets.disk.isEmpty()) ||
            ((kind == Fault::Reset || kind == Fault::Blackhole || kind == Fault::Latency ||
              kind == Fault::Bandwidth) &&
             targets.network.isEmpty()))
            continue;
        possible.append(kind);
    }
    // First every kind once, in a seeded order; then a seeded mix weighted to network faults.
    QList<Fault::Kind> firstRound = possible;
    std::shuffle(firstRound.begin(), firstRound.end(), random);
    const QList<Fault::Kind> weighted = {
        Fault::Reset, Fault::Blackhole, Fault::Latency,    Fault::Latency,   Fault::Bandwidth,
        Fault::Reset, Fault::Blackhole, Fault::ClientKill, Fault::RelayKill, Fault::DiskFull};

    QList<Fault> plan;
    QHash<QString, qint64> shapedUntil; // target -> end of its current shaping fault
    qint64 diskUntil = 0;
    qint64 lastRelayKill = std::numeric_limits<qint64>::min() / 2;
    const qint64 end = chaosMs - 2000;
    qint64 at = 3000;
    int round = 0;
    while (at < end - 1000) {
        Fault::Kind kind;
        if (round < int(firstRound.size())) {
            kind = firstRound.at(round);
        } else {
            kind = weighted.at(int(random() % quint64(weighted.size())));
            if (!possible.contains(kind))
                kind = Fault::Reset;
        }
        ++round;
        Fault fault;
        fault.atMs = at;
        fault.kind = kind;
        switch (kind) {
        case Fault::Reset:
            fault.target = pick(targets.network);
            break;
        case Fault::Blackhole:
        case Fault::Latency:
        case Fault::Bandwidth: {
            fault.target = pick(targets.network);
            if (shapedUntil.value(fault.target) > at) {
                fault.kind = Fault::Reset; // that link is busy: reset it instead
                break;
            }
            if (kind == Fault::Blackhole) {
                // Longer than a client needs to notice (about 3 s), shorter than the ack
                // timeout (30 s), so what is in flight is sent again, never dead-lettered.
                fault.durationMs = uniform(5000, 9000);
            } else if (kind == Fault::Latency) {
                fault.durationMs = uniform(5000, 15000);
                fault.latencyMs = int(uniform(50, 400));
                fault.jitterMs = int(uniform(0, 200));
            } else {
                fault.durationMs = uniform(5000, 15000);
                fault.bytesPerSecond = uniform(2, 32) * 1024;
            }
            fault.durationMs = std::min(fault.durationMs, end - at);
            shapedUntil.insert(fault.target, at + fault.durationMs);
            break;
        }
        case Fault::RelayKill:
            if (at - lastRelayKill < targets.relayKillGapMs) {
                fault.kind = Fault::Reset;
                fault.target = pick(targets.network);
                break;
            }
            lastRelayKill = at;
            fault.durationMs = uniform(500, 3000); // down for this long
            break;
        case Fault::ClientKill:
            fault.target = pick(targets.kill);
            fault.durationMs = uniform(500, 3000);
            break;
        case Fault::DiskFull:
            if (diskUntil > at) {
                fault.kind = Fault::Reset;
                fault.target = pick(targets.network);
                break;
            }
            fault.target = targets.disk;
            fault.durationMs = std::min(uniform(5000, 10000), end - at);
            diskUntil = at + fault.durationMs;
            break;
        case Fault::KindCount:
            break;
        }
        plan.append(fault);
        at += uniform(2000, 5000);
    }
    return plan;
}

} // namespace vigil::chaos
