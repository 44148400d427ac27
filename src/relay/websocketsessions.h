#pragma once

#include "logdelivery.h"
#include "principal.h"
#include "protocol/envelope.h"
#include "protocol/logfilter.h"
#include "ratebucket.h"

#include <QElapsedTimer>
#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QObject>
#include <QSet>
#include <QTimer>

#include <memory>

class QWebSocket;

namespace vigil {

class LogThrottle;
class Relay;

/// \brief The relay's WebSocket clients, from the upgrade on: admission (Origin, capacity,
/// credentials) and `welcome`, frames in (rate limit, malformed frames, ping, subscribe with
/// replay, unsubscribe, update_filter; everything else goes to Relay::acceptClientMessage()),
/// fan-out to subscribers (through each one's log filter, into its log batches when it asked
/// for them), liveness by heartbeat, and slow consumers.
///
/// The WebSocket counterpart of HttpFrontend: both apply the rules Relay holds.
class WebSocketSessions : public QObject
{
    Q_OBJECT
public:
    /// What the sessions did, for the relay's health and metrics.
    struct Counters
    {
        quint64 connections = 0; ///< sessions ever welcomed
        quint64 rejected = 0;    ///< closed for auth, origin, capacity
        quint64 messagesIn = 0;
        quint64 messagesOut = 0;
        quint64 badFrames = 0;
    };

    explicit WebSocketSessions(Relay *relay);
    ~WebSocketSessions() override;

    /// Starts the heartbeat and the slow-consumer check.
    void start();
    /// Closes every session with 1001 (going away) and stops the timers.
    void stop();

    /// Takes a WebSocket accepted on /ws: checks Origin, capacity and credentials, then
    /// welcomes it. Takes ownership.
    void accept(QWebSocket *socket);
    /// Sends a published `envelope` (`frame`: as serialized) to every session subscribed to its
    /// channel, as each one's log filter and batching say.
    void fanOut(const Envelope &envelope, const QString &frame);

    [[nodiscard]] int count() const { return int(m_sessions.size()); }
    [[nodiscard]] const Counters &counters() const { return m_counters; }
    /// One object per session: who, from where, subscriptions, heartbeat and traffic.
    [[nodiscard]] QJsonArray sessionsJson() const;
    /// The mean of every session's recent pong round trips; 0 without any.
    [[nodiscard]] double averageLatencyMs() const;

Q_SIGNALS:
    void clientConnected(const QString &session);
    void clientDisconnected(const QString &session);

private:
    /// How a session takes the log messages of one channel; only channels subscribed with a
    /// filter or with `batch` have one.
    struct LogDelivery
    {
        LogFilter filter;
        bool batch = false;
        LogBatch pending; ///< entries not sent yet (batch only)
    };
    /// A published message's batch entry, made once for every session that batches it.
    struct SharedEntry
    {
        bool made = false;
        QByteArray json;
    };
    struct Session
    {
        qint64 lagSince = -1; ///< monotonic ms since when more than maxBufferedBytes wait
        QString id;
        Principal principal;
        QSet<QString> channels;
        QHash<QString, LogDelivery> logs; ///< per channel, see LogDelivery
        qint64 connectedAt = 0;           ///< wall ms
        qint64 lastSeen = 0;              ///< monotonic ms of the last frame or pong
        qint64 lastHeartbeat = 0;         ///< wall ms of the last pong
        int missedHeartbeats = 0;
        bool pingOutstanding = false;
        QList<qint64> latencies; ///< recent pong round trips, ms
        int badFrames = 0;
        quint64 messagesIn = 0;
        quint64 messagesOut = 0;
        RateBucket rate;
        int rateViolations = 0;
        QString peer;
    };

    void refuse(QWebSocket *socket, int code, const QString &reason);
    void onPong(QWebSocket *socket, quint64 elapsed);
    void onTextMessage(QWebSocket *socket, const QString &text);
    void onBinaryMessage(QWebSocket *socket);
    /// Counts a frame and applies the rate limit; false when it must be dropped.
    bool admitFrame(QWebSocket *socket, Session &session);
    void badFrame(QWebSocket *socket, Session &session, const QString &code,
                  const QString &message);
    void onSubscribe(QWebSocket *socket, const Envelope &envelope);
    /// Subscribes to one entry of a subscribe request and replays from its `since` within
    /// `budget` bytes; false when the session was dropped meanwhile.
    bool subscribeOne(QWebSocket *socket, const Envelope &request, const QJsonValue &entry,
                      qint64 *budget);
    void onUnsubscribe(QWebSocket *socket, const Envelope &envelope);
    void onUpdateFilter(QWebSocket *socket, const Envelope &envelope);
    /// Sends one message of `envelope.channel` to a subscribed session: through its filter,
    /// into its batch, or (after the batch, so seqs stay in order) as `frame`. False when the
    /// session was dropped meanwhile.
    bool deliver(QWebSocket *socket, const Envelope &envelope, const QString &frame,
                 SharedEntry *entry);
    /// Sends what the session's batch of `channel` holds; false when it was dropped meanwhile.
    bool flushBatch(QWebSocket *socket, const QString &channel);
    void flushAllBatches();
    void sendTo(QWebSocket *socket, const Envelope &envelope);
    void sendFrame(QWebSocket *socket, Session &session, const QString &frame);
    void sendControl(QWebSocket *socket, const QString &type, const QJsonObject &payload);
    /// False (and the client dropped) when its unsent backlog broke the slow-consumer rule.
    bool checkBacklog(QWebSocket *socket, Session &session);
    void heartbeat();
    void checkLag();
    /// Ends a session. The close frame follows what was already queued to it; the client's
    /// frames are read and dropped until it stops sending (at most closeLingerMs), so the
    /// close is not turned into a reset by unread data. `reset`: at once, nothing more sent.
    void drop(QWebSocket *socket, int code, const QString &reason, bool reset = false);
    void warnThrottled(const QString &kind, const QString &line);
    [[nodiscard]] QJsonObject sessionJson(const Session &session) const;

    Relay *m_relay;
    QHash<QWebSocket *, Session> m_sessions;
    Counters m_counters;
    QTimer m_heartbeatTimer;
    QTimer m_lagTimer;
    QTimer m_batchTimer; ///< runs while some batch waits
    QElapsedTimer m_clock;
    std::unique_ptr<LogThrottle> m_log;
};

} // namespace vigil
