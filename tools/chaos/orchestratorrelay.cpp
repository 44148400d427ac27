// The parts of Orchestrator that run the relay: starting it, reading its log, checking what a
// restart kept, and starting it again after a kill or a crash.
#include "orchestrator.h"

#include "hostileworkload.h"
#include "pollreader.h"
#include "runfigures.h"
#include "witness.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace vigil::chaos {

void Orchestrator::startRelay()
{
    QStringList args{QStringLiteral("--port"),
                     QString::number(m_relayPort),
                     QStringLiteral("--data-dir"),
                     m_runDir + QStringLiteral("/relay"),
                     QStringLiteral("--demo"),
                     QStringLiteral("--demo-seed"),
                     QString::number(m_options.seed % 1000000),
                     QStringLiteral("--history"),
                     QString::number(m_options.relayHistory),
                     QStringLiteral("--rate-limit"),
                     QStringLiteral("1000"),
                     QStringLiteral("--heartbeat-ms"),
                     QStringLiteral("2000")};
    // Room for the hostile peers' thousands of idle polls besides the normal clients: at the
    // default (1024) they would fill every HTTP slot, and the relay would turn everyone away.
    if (m_options.hostile)
        args << QStringLiteral("--http-max-connections") << QStringLiteral("4096");
    m_relayListening = false;
    m_relay->setArguments(args);
    m_relay->start();
    event({{QStringLiteral("e"), QStringLiteral("relay-start")},
           {QStringLiteral("pid"), m_relay->pid()}});
}

void Orchestrator::onRelayLine(const QByteArray &line)
{
    const QJsonObject json = QJsonDocument::fromJson(line).object();
    if (json.value(QStringLiteral("event")).toString() != u"listening")
        return;
    const bool first = m_relayPort == 0;
    m_relayPort = quint16(json.value(QStringLiteral("port")).toInt());
    m_relayListening = true;
    event({{QStringLiteral("e"), QStringLiteral("relay-listening")},
           {QStringLiteral("pid"), m_relay->pid()},
           {QStringLiteral("port"), m_relayPort},
           {QStringLiteral("epoch"), json.value(QStringLiteral("epoch"))}});
    if (first) {
        startParticipants();
        warmup();
        return;
    }
    if (m_hostile)
        m_hostile->relayRestarted();
    if (!m_positionsBeforeRestart.isEmpty())
        checkRestart();
}

void Orchestrator::checkRestart()
{
    // What the relay kept of the last messages the witness saw before the kill: the rest was
    // fanned out but never saved (the relay documents that its last fraction of a second may
    // be missing after a crash).
    QHash<QString, qint64> since;
    const QHash<QString, qint64> before = std::exchange(m_positionsBeforeRestart, {});
    for (auto it = before.begin(); it != before.end(); ++it)
        since.insert(it.key(), std::max<qint64>(0, it.value() - 200));
    auto *reader = new PollReader(relayHttp(), this);
    reader->read(since, [this, reader, since, before](bool ok, const QList<HeldMessage> &held) {
        reader->deleteLater();
        QHash<QString, QJsonArray> seqs;
        for (const HeldMessage &m : held)
            seqs[m.channel].append(m.seq);
        QJsonObject heldJson;
        for (auto it = seqs.begin(); it != seqs.end(); ++it)
            heldJson.insert(it.key(), it.value());
        event({{QStringLiteral("e"), QStringLiteral("restartcheck")},
               {QStringLiteral("ok"), ok},
               {QStringLiteral("since"), toJson(since)},
               {QStringLiteral("before"), toJson(before)},
               {QStringLiteral("held"), heldJson}});
    });
}

void Orchestrator::onRelayExit(int exitCode, bool crashed)
{
    m_relayListening = false;
    // Neither killed for a fault nor stopped at the end: the check fails the run on a crash.
    const bool expected = m_phase == u"stopping" || m_relayDownForFault;
    event({{QStringLiteral("e"), QStringLiteral("relay-exit")},
           {QStringLiteral("code"), exitCode},
           {QStringLiteral("crashed"), crashed},
           {QStringLiteral("expected"), expected}});
    if (m_phase == u"stopping" || m_relayDownForFault)
        return;
    if (m_relayPort == 0) {
        fail(QStringLiteral("vigil-relay did not start (see %1/relay.log)").arg(m_runDir));
        return;
    }
    // Not one of ours (or its port was still taken): up again.
    QTimer::singleShot(500, this, [this] { restartRelay(); });
}

void Orchestrator::restartRelay()
{
    if (m_relay->running() || m_phase == u"stopping")
        return;
    // What the witness saw last: after the restart, the check asks what of it was kept.
    if (m_witness && m_positionsBeforeRestart.isEmpty())
        m_positionsBeforeRestart = m_witness->positions();
    startRelay();
}

} // namespace vigil::chaos
