#pragma once

#include "connection/clock.h"
#include "connection/connectionmanager.h"
#include "connection/reconnectpolicy.h"

#include <QHash>
#include <QObject>
#include <QPointer>
#include <QTimer>

namespace vigil {

class Outbox;
struct DeadLetter;

/// \brief How the outbox is drained into a connection.
struct DrainPolicy
{
    int batchSize = 50;         ///< messages read from the outbox per pass
    double ratePerSecond = 200; ///< sustained sends per second
    int burst = 50;             ///< sends allowed at once after a (re)connect
    int ackTimeoutMs = 30000;   ///< an unacknowledged message counts as failed after this
    int maxFailures = 5;        ///< failures before a message goes to the dead-letter list
    ReconnectPolicy retry{1000, 2.0, 60000, true}; ///< wait after a failed message
    int welcomeGraceMs = 1000;   ///< no `welcome` by then: a basic server without acks
    int expireIntervalMs = 1000; ///< how often TTLs are checked while draining
};

/// \brief Delivers the outbox of one server profile through a ConnectionManager: in priority
/// order, in batches, smoothed by a token bucket so a reconnect does not release a burst that
/// trips the server's rate limit.
///
/// With a server that advertises `ack`, a message leaves the outbox only on its ack; if the
/// connection drops first it stays and is sent again, with the same id, after the reconnect
/// (the server de-duplicates). With a basic server it leaves once written. A message the
/// server refuses (`error` with its id as `ref`) or never acknowledges is retried with
/// backoff, then moved to the dead-letter list. It never blocks: every step is a short call
/// on the outbox's worker thread.
class OutboxDrainer : public QObject
{
    Q_OBJECT
public:
    OutboxDrainer(ConnectionManager *manager, Outbox *outbox, QString profile,
                  DrainPolicy policy = {}, QObject *parent = nullptr);

    /// Something was enqueued: send it soon if connected.
    void kick();
    [[nodiscard]] int inFlight() const { return int(m_inFlight.size()); }
    [[nodiscard]] QString profile() const { return m_profile; }

    void setClock(Clock clock) { m_clock = std::move(clock); }
    void setRandomSource(std::function<double()> uniform01) { m_uniform01 = std::move(uniform01); }

Q_SIGNALS:
    /// Written to the connection (an ack, or a refusal, comes later).
    void written(const QStringList &ids);
    void delivered(const QString &id);
    void failed(const QString &id, const QString &reason, bool deadLettered);
    /// Nothing ready to send and nothing waiting for an ack.
    void idle();
    /// The queue's content changed (for views showing its statistics).
    void changed();

private:
    void onStateChanged(ConnectionManager::State state);
    void start(bool acks);
    void pump();
    void schedulePump(int delayMs);
    void onAcked(const QString &id);
    void onServerError(const QString &code, const QString &message, const QString &ref);
    void checkAckTimeouts();
    void fail(const QString &id, const QString &reason, bool permanent);
    void refill();
    void settleAcks();
    void reportUnreadable(const QList<DeadLetter> &unreadable);

    QPointer<ConnectionManager> m_manager;
    Outbox *m_outbox;
    QString m_profile;
    DrainPolicy m_policy;
    bool m_ready = false;
    bool m_acks = false;
    double m_tokens = 0;
    qint64 m_lastRefill = 0;
    qint64 m_lastExpire = 0;
    QHash<QString, qint64> m_inFlight; // id -> sent at (monotonic ms)
    QStringList m_acked;               // acknowledged, not yet removed from the outbox
    QTimer m_pumpTimer;
    QTimer m_settleTimer;
    QTimer m_welcomeGrace;
    QTimer m_ackTimer;
    Clock m_clock;
    std::function<double()> m_uniform01;
};

} // namespace vigil
