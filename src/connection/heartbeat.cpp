#include "heartbeat.h"

#include "protocol/logging.h"

#include <algorithm>

namespace vigil {

Heartbeat::Heartbeat(Settings settings, QObject *parent)
    : QObject(parent)
    , m_settings(settings)
    , m_clock(Clock::system())
{
    m_timeoutTimer.setSingleShot(true);
    connect(&m_intervalTimer, &QTimer::timeout, this, &Heartbeat::beatNow);
    connect(&m_timeoutTimer, &QTimer::timeout, this, &Heartbeat::lost);
}

void Heartbeat::start()
{
    stop();
    noteEvidence();
    m_intervalTimer.start(m_settings.intervalMs);
    // One ping at once, so RTT and liveness are known without waiting a full interval.
    beatNow();
}

void Heartbeat::stop()
{
    ++m_generation;
    m_intervalTimer.stop();
    m_timeoutTimer.stop();
    m_awaiting = false;
    m_missed = 0;
    setStalled(false);
}

void Heartbeat::beatNow()
{
    if (m_awaiting || !m_ping)
        return;
    m_awaiting = true;
    m_sentAt = m_clock.monotonicMs();
    const quint64 generation = m_generation;
    const Sent sent = m_ping();
    if (generation != m_generation)
        return; // sending failed the link, and whoever handled that stopped the heartbeat
    if (sent == Sent::No) {
        m_awaiting = false;
        return;
    }
    if (sent == Sent::TimedHere)
        m_timeoutTimer.start(m_settings.timeoutMs);
}

void Heartbeat::answered(qint64 rttMs)
{
    if (!m_awaiting)
        return;
    m_awaiting = false;
    m_timeoutTimer.stop();
    m_missed = 0;
    noteEvidence();
    setStalled(false);
    const qint64 now = m_clock.monotonicMs();
    const qint64 rtt = std::max<qint64>(0, rttMs >= 0 ? rttMs : now - m_sentAt);
    if (m_stats)
        m_stats->recordRtt(rtt, now);
    Q_EMIT rttMeasured(rtt);
}

void Heartbeat::lost()
{
    if (!m_awaiting)
        return;
    m_awaiting = false;
    m_timeoutTimer.stop();
    ++m_missed;
    if (m_stats)
        m_stats->recordLoss(m_clock.monotonicMs());
    qCWarning(lcNet) << "heartbeat missed" << m_missed << "of" << m_settings.maxMissed;
    setStalled(true);
    Q_EMIT missedBeat(m_missed);
    if (m_missed >= m_settings.maxMissed) {
        m_intervalTimer.stop();
        Q_EMIT dead(m_missed);
        return;
    }
    // Ask again at once rather than a whole interval later.
    beatNow();
}

void Heartbeat::noteEvidence()
{
    m_lastEvidence = m_clock.monotonicMs();
}

qint64 Heartbeat::silentForMs() const
{
    if (!stalled())
        return 0;
    return std::max<qint64>(0, m_clock.monotonicMs() - m_lastEvidence);
}

void Heartbeat::setStalled(bool stalled)
{
    if (stalled == m_stallReported)
        return;
    m_stallReported = stalled;
    Q_EMIT stalledChanged(stalled);
}

} // namespace vigil
