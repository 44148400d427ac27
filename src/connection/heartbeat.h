#pragma once

#include "clock.h"
#include "healthstats.h"

#include <QObject>
#include <QTimer>

#include <functional>

namespace vigil {

/// \brief The liveness check of one link, whatever carries it: a ping every interval, the
/// answer timed, unanswered pings counted, the link declared dead after too many in a row.
///
/// It does not know how a ping travels. The owner gives it a function that sends one (a
/// WebSocket ping, a protocol `ping`, an HTTP round trip) and reports the answer with
/// answered() or the loss with lost(). A transport that times its own requests says so when it
/// sends; otherwise the heartbeat waits `timeoutMs` itself.
///
/// From the first unanswered ping the link is *stalled*: nothing proves that it still works.
/// The next ping goes at once rather than an interval later, so a dead link is declared after
/// `maxMissed` timeouts, not `maxMissed` intervals.
class Heartbeat : public QObject
{
    Q_OBJECT
public:
    struct Settings
    {
        int intervalMs = 30000;
        int timeoutMs = 10000;
        int maxMissed = 3;
    };
    /// What sending a ping came to.
    enum class Sent {
        No,              ///< nothing could be sent (no link)
        TimedHere,       ///< sent; the heartbeat waits timeoutMs for the answer
        TimedByTransport ///< sent; the transport reports answered() or lost() itself
    };

    Heartbeat(Settings settings, QObject *parent = nullptr);

    void setPinger(std::function<Sent()> ping) { m_ping = std::move(ping); }
    void setClock(Clock clock) { m_clock = std::move(clock); }
    /// Where round trips and losses are recorded.
    void setStats(HealthStats *stats) { m_stats = stats; }

    /// A new link: counts from zero, pings now and every interval.
    void start();
    /// The link is gone: no timers, nothing awaited, not stalled.
    void stop();
    /// Pings now unless an answer is awaited (after sleep, a network change).
    void beatNow();
    /// The answer to the last ping arrived; `rttMs` < 0: measure it from when it was sent.
    void answered(qint64 rttMs = -1);
    /// The last ping will not be answered (the transport's request failed or timed out).
    void lost();
    /// The server gave a sign of life (a link opened, an HTTP answer arrived).
    void noteEvidence();

    [[nodiscard]] bool awaiting() const { return m_awaiting; }
    [[nodiscard]] int missed() const { return m_missed; }
    [[nodiscard]] bool stalled() const { return m_missed > 0; }
    /// How long nothing came back while stalled (0 when not stalled).
    [[nodiscard]] qint64 silentForMs() const;
    [[nodiscard]] const Settings &settings() const { return m_settings; }

Q_SIGNALS:
    void rttMeasured(qint64 ms);
    /// A ping went unanswered; `count` in a row so far.
    void missedBeat(int count);
    /// `count` pings in a row went unanswered: the link is dead (the heartbeat stops pinging).
    void dead(int count);
    void stalledChanged(bool stalled);

private:
    void setStalled(bool stalled);

    Settings m_settings;
    std::function<Sent()> m_ping;
    HealthStats *m_stats = nullptr;
    Clock m_clock;
    QTimer m_intervalTimer;
    QTimer m_timeoutTimer;
    bool m_awaiting = false;
    int m_missed = 0;
    bool m_stallReported = false;
    quint64 m_generation = 0; ///< advanced by stop(): a ping sent before it is forgotten
    qint64 m_sentAt = 0;
    qint64 m_lastEvidence = 0;
};

} // namespace vigil
