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
class RelayStore;

/// \brief Settings of a relay instance. Every limit is a setting so tests can scale it down.
struct RelayConfig
{
    QHostAddress host = QHostAddress::LocalHost;
    quint16 port = 0;       ///< 0 picks a free port
    int historySize = 1000; ///< per-channel replay ring
    qsizetype maxMessageBytes = kDefaultMaxMessageBytes;
    int heartbeatMs = 30000; ///< server pings, and what `welcome` advertises
    int deadAfterMs = 90000; ///< no traffic and no pong for this long: closed with 4408
    int cleanupIntervalMs = 5000;
    int dedupWindow = 10000;   ///< client message ids remembered for de-duplication
    int maxBadFrames = 10;     ///< consecutive malformed frames before the connection is closed
    double rateLimit = 100;    ///< client messages per second per connection
    int rateBurst = 200;       ///< messages a connection may send at once
    int maxConnections = 1000; ///< WebSocket sessions at once
    qint64 maxBufferedBytes = 8 * 1024 * 1024; ///< unsent bytes to one client before it is dropped
    QString tokensFile;                        ///< empty: no authentication (loopback only)
    QStringList allowedOrigins; ///< browser Origins allowed; empty: none besides no Origin
    QString dataDir;            ///< persist history and seq counters here
    QString tlsCertFile;        ///< with tlsKeyFile: wss:// and https://
    QString tlsKeyFile;
    bool demo = false;
    quint32 demoSeed = 1;
    double demoLogRate = 5.0; ///< log entries per second in the demo feed
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
    /// subscriber. Returns the stamped envelope.
    Envelope publish(Envelope envelope);

    // --- shared with the HTTP front end ---
    [[nodiscard]] bool authRequired() const { return !m_tokens.isEmpty(); }
    /// The principal for an `Authorization` header value or a `token` query parameter.
    [[nodiscard]] std::optional<Principal> authenticate(const QByteArray &authorization,
                                                        const QUrlQuery &query) const;
    [[nodiscard]] bool originAllowed(const QByteArray &origin) const;
    /// Messages of `channel` with seq > `since`, in order; `recovered` false when some left
    /// the history already.
    [[nodiscard]] QList<Envelope> replay(const QString &channel, qint64 since,
                                         bool *recovered) const;
    /// A client message from `who`: checked, de-duplicated, published. Returns the `ack`, or an
    /// `error` envelope saying why not.
    Envelope acceptClientMessage(const Principal &who, const Envelope &message);
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
    struct Channel
    {
        qint64 seq = 0;
        std::deque<Envelope> history;
    };

    void onTextMessage(QWebSocket *socket, const QString &text);
    void onSubscribe(QWebSocket *socket, const Envelope &envelope);
    void onUnsubscribe(QWebSocket *socket, const Envelope &envelope);
    void sendTo(QWebSocket *socket, const Envelope &envelope);
    void sendFrame(QWebSocket *socket, Session &session, const QString &frame);
    void sendControl(QWebSocket *socket, const QString &type, const QJsonObject &payload);
    bool takeToken(Session &session);
    void heartbeat();
    void drop(QWebSocket *socket, int code, const QString &reason);
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
    QTimer m_heartbeatTimer;
    QTimer m_flushTimer;
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
