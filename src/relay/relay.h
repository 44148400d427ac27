#pragma once

#include "principal.h"
#include "protocol/envelope.h"

#include <QElapsedTimer>
#include <QHash>
#include <QHostAddress>
#include <QJsonObject>
#include <QObject>
#include <QSet>
#include <QTimer>
#include <QUrl>
#include <QUrlQuery>

#include <deque>
#include <memory>
#include <optional>

class QWebSocket;

namespace vigil {

class DemoFeed;
class HttpFrontend;
class LogThrottle;
class RelayStore;

/// \brief Settings of a relay instance. Every limit is a setting so tests can scale it down.
struct RelayConfig
{
    QHostAddress host = QHostAddress::LocalHost;
    quint16 port = 0;                       ///< 0 picks a free port
    int historySize = 1000;                 ///< per-channel replay ring
    qint64 historyBytes = 64 * 1024 * 1024; ///< all channels' history together, as sent
    int maxChannels = 1000;                 ///< channels with a history; more are refused
    qsizetype maxMessageBytes = kDefaultMaxMessageBytes; ///< an envelope as sent, seq and all
    int heartbeatMs = 30000; ///< server pings, and what `welcome` advertises
    int deadAfterMs = 90000; ///< no traffic and no pong for this long: closed with 4408
    int cleanupIntervalMs = 5000;
    int dedupWindow = 10000;    ///< client message ids remembered for de-duplication
    int maxBadFrames = 10;      ///< consecutive malformed frames before the connection is closed
    double rateLimit = 100;     ///< messages per second per connection (HTTP: per principal)
    int rateBurst = 200;        ///< messages a connection may send at once
    int maxConnections = 1000;  ///< WebSocket sessions at once
    int maxSubscriptions = 100; ///< channels one WebSocket session may subscribe to
    qint64 replayPageBytes = 4 * 1024 * 1024; ///< one replay answer at most (subscribe, replay())
    /// Unsent bytes to one client above which it counts as lagging behind...
    qint64 maxBufferedBytes = 8 * 1024 * 1024;
    int maxLagMs = 10000;                      ///< ...and lagging for this long, it is disconnected
    qint64 maxBacklogBytes = 64 * 1024 * 1024; ///< unsent bytes that disconnect at once
    int closeLingerMs = 5000;   ///< a closed client's frames are read and dropped this long at most
    QString tokensFile;         ///< empty: no authentication (loopback only)
    QStringList allowedOrigins; ///< browser Origins allowed; empty: none besides no Origin
    QString dataDir;            ///< persist history and seq counters here
    QString tlsCertFile;        ///< with tlsKeyFile: wss:// and https://
    QString tlsKeyFile;
    bool demo = false;
    quint32 demoSeed = 1;
    double demoLogRate = 5.0; ///< log entries per second in the demo feed

    // HTTP front end (docs/relay.md, "HTTP limits")
    qsizetype httpMaxHeaderBytes = 16 * 1024; ///< request line and headers: else 431
    qsizetype httpMaxUrlBytes = 8 * 1024;     ///< else 414
    qint64 httpMaxBodyBytes = 0;     ///< else 413; 0: twice maxMessageBytes, at least 1 MiB
    int httpMaxBatch = 1000;         ///< messages in one POST /api/messages: else 413
    int httpHeaderTimeoutMs = 10000; ///< a request head must arrive within this: else 408
    int httpIdleTimeoutMs = 60000;   ///< kept-alive connections without a request; body arrival
    int httpMaxConnections = 1024;   ///< HTTP connections at once (WebSockets not counted)
    int httpMaxConnectionsPerAddress = 64;
    QStringList allowedHosts; ///< Host names served without tokens, besides loopback ones
};

/// \brief The server side of the Vigil protocol: authentication and channel authorization,
/// welcome, ping/pong, subscribe with replay, acks with de-duplication, fan-out with a
/// per-channel sequence number, hardening against misbehaving clients, and health figures.
/// HTTP (the fallback transports and the JSON endpoints) is served by HttpFrontend on the
/// same port; both paths share this class's rules.
class Relay : public QObject
{
    Q_OBJECT
public:
    explicit Relay(RelayConfig config, QObject *parent = nullptr);
    ~Relay() override;

    /// Starts listening. On failure returns false with a sentence for the user in `error`.
    bool start(QString *error);
    /// Closes every client with 1001 (going away), flushes history and stops listening.
    void stop();

    [[nodiscard]] quint16 port() const;
    /// ws(s)://host:port/ws
    [[nodiscard]] QUrl url() const;
    /// http(s)://host:port
    [[nodiscard]] QUrl httpUrl() const;
    [[nodiscard]] int clientCount() const { return int(m_sessions.size()); }
    [[nodiscard]] qint64 head(const QString &channel) const;
    [[nodiscard]] const RelayConfig &config() const { return m_config; }
    /// Names this relay's history (sent in `welcome`, `subscribed`, /api/health and the
    /// Vigil-Epoch header): new whenever the history starts empty, kept with a `--data-dir`
    /// store across restarts. Seqs are comparable only within one epoch. Set by start().
    [[nodiscard]] QString epoch() const { return m_epoch; }

    /// Stamps the next seq of the envelope's channel, keeps it in history, sends it to every
    /// subscriber. Returns the stamped envelope, or one with seq -1 when it was not published
    /// (too large as sent, too many channels, history cannot be saved; logged).
    Envelope publish(Envelope envelope);

    // --- shared with the HTTP front end ---
    [[nodiscard]] bool authRequired() const { return !m_tokens.isEmpty(); }
    /// The principal for an `Authorization` header value or a `token` query parameter.
    [[nodiscard]] std::optional<Principal> authenticate(const QByteArray &authorization,
                                                        const QUrlQuery &query) const;
    [[nodiscard]] bool originAllowed(const QByteArray &origin) const;
    /// Messages of `channel` with seq > `since`, in order; `recovered` false when some left
    /// the history already. One page: at most `maxBytes` as sent (-1: replayPageBytes), and at
    /// least one message; `more` (optional) tells whether the history holds more after the
    /// last one returned: the caller continues with that message's seq as the next `since`.
    [[nodiscard]] QList<Envelope> replay(const QString &channel, qint64 since, bool *recovered,
                                         bool *more = nullptr, qint64 maxBytes = -1) const;
    /// A client message from `who`: checked, de-duplicated, published. Returns the `ack`, or an
    /// `error` envelope saying why not (`too_large` when the envelope as it would be sent, with
    /// its seq and timestamp, is over maxMessageBytes; `unavailable` when the history cannot be
    /// saved). Every entry point that publishes for a client goes through here.
    Envelope acceptClientMessage(const Principal &who, const Envelope &message);
    /// The per-principal rate limit (rateLimit per second, rateBurst at once) for entry points
    /// without a connection of their own (HTTP): takes `messages` from `who`'s budget and
    /// returns true, or returns false and takes nothing when the budget holds fewer.
    bool consumeRate(const Principal &who, int messages);
    [[nodiscard]] QJsonObject healthJson() const;
    [[nodiscard]] QJsonObject sessionsJson() const;
    [[nodiscard]] QJsonObject metricsJson() const;
    /// Counts a request served over HTTP (for the metrics).
    void countHttpRequest(bool failed);

    /// Takes a WebSocket accepted on /ws: checks Origin, capacity and credentials, then
    /// welcomes it. Takes ownership.
    void acceptWebSocket(QWebSocket *socket);

    static Envelope errorEnvelope(const QString &code, const QString &message,
                                  const QString &ref = {});

Q_SIGNALS:
    void clientConnected(const QString &session);
    void clientDisconnected(const QString &session);
    void published(const vigil::Envelope &envelope);

private:
    struct Session
    {
        qint64 lagSince = -1; ///< monotonic ms since when more than maxBufferedBytes wait
        QString id;
        Principal principal;
        QSet<QString> channels;
        qint64 connectedAt = 0;   ///< wall ms
        qint64 lastSeen = 0;      ///< monotonic ms of the last frame or pong
        qint64 lastHeartbeat = 0; ///< wall ms of the last pong
        int missedHeartbeats = 0;
        bool pingOutstanding = false;
        QList<qint64> latencies; ///< recent pong round trips, ms
        int badFrames = 0;
        quint64 messagesIn = 0;
        quint64 messagesOut = 0;
        double tokens = 0;
        qint64 lastRefill = 0;
        int rateViolations = 0;
        QString peer;
    };
    struct Stored
    {
        Envelope envelope;
        qint64 bytes = 0; ///< as sent
    };
    struct Channel
    {
        qint64 seq = 0;
        std::deque<Stored> history;
        qint64 bytes = 0; ///< of history
    };
    struct RateBucket
    {
        double tokens = 0;
        qint64 lastRefill = -1;
    };

    void onTextMessage(QWebSocket *socket, const QString &text);
    void onBinaryMessage(QWebSocket *socket);
    /// Counts a frame and applies the rate limit; false when it must be dropped.
    bool admitFrame(QWebSocket *socket, Session &session);
    void badFrame(QWebSocket *socket, Session &session, const QString &code,
                  const QString &message);
    /// Stamps and publishes; nullopt with an error envelope's code and message when not.
    std::optional<Envelope> stampAndPublish(Envelope envelope, QString *code, QString *why);
    void keepInHistory(Channel &channel, const Envelope &e, qint64 bytes);
    void trimHistory();
    void warnThrottled(const QString &kind, const QString &line);
    void onSubscribe(QWebSocket *socket, const Envelope &envelope);
    void onUnsubscribe(QWebSocket *socket, const Envelope &envelope);
    void sendTo(QWebSocket *socket, const Envelope &envelope);
    void sendFrame(QWebSocket *socket, Session &session, const QString &frame);
    void sendControl(QWebSocket *socket, const QString &type, const QJsonObject &payload);
    bool takeToken(Session &session);
    bool takeTokens(double *tokens, qint64 *lastRefill, int count);
    /// False (and the client dropped) when its unsent backlog broke the slow-consumer rule.
    bool checkBacklog(QWebSocket *socket, Session &session);
    void heartbeat();
    void checkLag();
    /// Ends a session. The close frame follows what was already queued to it; the client's
    /// frames are read and dropped until it stops sending (at most closeLingerMs), so the
    /// close is not turned into a reset by unread data. `reset`: at once, nothing more sent.
    void drop(QWebSocket *socket, int code, const QString &reason, bool reset = false);
    bool rememberId(const QString &id); ///< false when the id was already seen
    QJsonObject sessionJson(const Session &session) const;

    RelayConfig m_config;
    TokenTable m_tokens;
    std::unique_ptr<HttpFrontend> m_http;
    std::unique_ptr<DemoFeed> m_demo;
    std::unique_ptr<RelayStore> m_store;
    QString m_epoch;
    QHash<QWebSocket *, Session> m_sessions;
    QHash<QString, Channel> m_channels;
    QSet<QString> m_seenIds;
    std::deque<QString> m_seenOrder;
    QHash<QString, RateBucket> m_principalRates;
    qint64 m_historyBytes = 0; ///< all channels
    QTimer m_heartbeatTimer;
    QTimer m_lagTimer;
    QTimer m_flushTimer;
    qint64 m_lastForcedFlush = -1;
    std::unique_ptr<LogThrottle> m_log;
    QElapsedTimer m_clock;
    qint64 m_startedAt = 0;
    quint64 m_totalConnections = 0;
    quint64 m_messagesIn = 0;
    quint64 m_messagesOut = 0;
    quint64 m_badFrames = 0;
    quint64 m_rejected = 0; ///< closed for auth, origin, capacity
    quint64 m_httpRequests = 0;
    quint64 m_httpErrors = 0;
    quint64 m_duplicates = 0;
};

} // namespace vigil
