#pragma once

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

namespace vigil::chaos {

/// \brief One fault of a chaos run's schedule.
struct Fault
{
    enum Kind {
        Reset,      ///< every link of the target's proxy aborted (connection reset)
        Blackhole,  ///< the target's proxy silently holds everything for a while
        Latency,    ///< added latency and jitter on the target's proxy for a while
        Bandwidth,  ///< a bandwidth cap on the target's proxy for a while
        RelayKill,  ///< vigil-relay SIGKILLed, started again after `durationMs`
        ClientKill, ///< the target client SIGKILLed, started again after `durationMs`
        DiskFull,   ///< the target client's data directory is full for a while
        KindCount
    };
    qint64 atMs = 0; ///< from the start of the chaos phase
    qint64 durationMs = 0;
    Kind kind = Reset;
    QString target; ///< a client name; empty for the relay
    int latencyMs = 0;
    int jitterMs = 0;
    qint64 bytesPerSecond = 0;

    [[nodiscard]] QJsonObject toJson() const;
    [[nodiscard]] static QString kindName(Kind kind);
};

/// \brief Who a schedule may hit.
struct FaultTargets
{
    QStringList network;           ///< clients behind a fault proxy
    QStringList kill;              ///< clients that may be SIGKILLed and started again
    QString disk;                  ///< the client whose disk may fill (empty: none)
    qint64 relayKillGapMs = 15000; ///< relay kills at least this far apart
};

/// The fault schedule of a chaos phase of `chaosMs`, drawn from `seed` alone: the same seed
/// gives the same faults at the same offsets. Every kind the targets allow appears at least
/// once when the phase is long enough; every fault ends two seconds before the phase does.
/// Shaping faults (blackhole, latency, bandwidth) never overlap on one target, relay kills are
/// at least `targets.relayKillGapMs` apart.
[[nodiscard]] QList<Fault> planFaults(quint64 seed, qint64 chaosMs, const FaultTargets &targets);

} // namespace vigil::chaos
