#pragma once

#include "principal.h"
#include "protocol/envelope.h"
#include "ratebucket.h"

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
#include <functional>
#include <memory>
#include <optional>

class QWebSocket;

namespace vigil {

class Broker;
class ChannelHistory;
class DemoFeed;
class HttpFrontend;
class LogThrottle;
class OperatorActions;
struct LogFilter;
class WebSocketSessions;

/// The channel of the protocol's own messages (welcome, subscribe, error...): no client
/// publishes or subscribes to it.
inline const QString kSystemChannel = QStringLiteral("system");

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

    // Several relay nodes sharing channels (docs/scaling.md)
    QString brokerUrl;           ///< redis://HOST:PORT[/DB]; empty: this relay alone
    int brokerTimeoutMs = 2000;  ///< connecting at start, and answering any command
    int dedupTtlSeconds = 86400; ///< client ids kept in the broker for de-duplication
    QString node;                ///< names this node in health and metrics; empty: host-pid
    /// How often a node shares its sessions with the other nodes; they forget them after three
    /// times this (a node that died without a word).
    int presenceIntervalMs = 2000;
};

/// \brief The server side of the Vigil protocol: authentication and channel authorization,
/// acks with de-duplication, publishing with a per-channel sequence number, rate limits, and
/// health figures.
///
/// The rules both paths share live here; the paths themselves are HttpFrontend (HTTP: the
/// fallback transports and the JSON endpoints) and WebSocketSessions (welcome, ping/pong,
/// subscribe with replay, fan-out, hardening against misbehaving clients), on the same port.
/// What was published is kept by ChannelHistory.
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
    /// WebSocket sessions open now.
    [[nodiscard]] int clientCount() const;
    [[nodiscard]] qint64 head(const QString &channel) const;
    [[nodiscard]] const RelayConfig &config() const { return m_config; }
    /// Names this relay's history (sent in `welcome`, `subscribed`, /api/health and the
    /// Vigil-Epoch header): new whenever the history starts empty, kept with a `--data-dir`
    /// store across restarts. Seqs are comparable only within one epoch. Set by start().
    [[nodiscard]] QString epoch() const;

    /// Stamps the next seq of the envelope's channel, keeps it in history, sends it to every
    /// subscriber. Returns the stamped envelope, or one with seq -1 when it was not published
    /// (too large as sent, too many channels, history cannot be saved; logged). With a shared
    /// broker (`--broker`) the seq is not known yet: returns it with seq 0, and published()
    /// tells the seq once the message comes back from the broker.
    Envelope publish(Envelope envelope);
    /// The node's name (RelayConfig::node, or host-pid).
    [[nodiscard]] QString node() const { return m_config.node; }

    // --- shared with the HTTP front end and the WebSocket sessions ---
    [[nodiscard]] bool authRequired() const { return !m_tokens.isEmpty(); }
    /// The principal for an `Authorization` header value or a `token` query parameter.
    [[nodiscard]] std::optional<Principal> authenticate(const QByteArray &authorization,
                                                        const QUrlQuery &query) const;
    [[nodiscard]] bool originAllowed(const QByteArray &origin) const;
    /// Messages of `channel` with seq > `since`, in order; `recovered` false when some left
    /// the history already. One page: at most `maxBytes` as sent (-1: replayPageBytes), and at
    /// least one message; `more` (optional) tells whether the history holds more after the
    /// last one returned: the caller continues with that message's seq as the next `since`.
    /// With a `filter`, only the messages it lets through (see filterLogMessage()) are in the
    /// page and count against `maxBytes`; a publisher's `log.batch` comes whole, for the
    /// caller to reduce.
    [[nodiscard]] QList<Envelope> replay(const QString &channel, qint64 since, bool *recovered,
                                         bool *more = nullptr, qint64 maxBytes = -1,
                                         const LogFilter *filter = nullptr) const;
    /// A client message from `who`: checked, de-duplicated, published. Returns the `ack`, or an
    /// `error` envelope saying why not (`too_large` when the envelope as it would be sent, with
    /// its seq and timestamp, is over maxMessageBytes; `unavailable` when the history cannot be
    /// saved). Every entry point that publishes for a client goes through here. An operator
    /// action (OperatorActions) is not published itself: the update confirming it is, or it is
    /// refused (`invalid_action`, `not_found`, `conflict`).
    ///
    /// This form answers at once, which only a relay without a shared broker and without a
    /// store can do (memory-only history): otherwise it answers `error unavailable`; use the
    /// form below.
    Envelope acceptClientMessage(const Principal &who, const Envelope &message);
    /// The same, answering through `answer`: at once with a memory-only history, once the
    /// message is saved with a store (`--data-dir`; see ChannelHistory::whenSaved()), once the
    /// broker has stored it with a shared broker (never after stop()).
    void acceptClientMessage(const Principal &who, const Envelope &message,
                             std::function<void(const Envelope &)> answer);
    /// The per-principal rate limit (rateLimit per second, rateBurst at once) for entry points
    /// without a connection of their own (HTTP): takes `messages` from `who`'s budget and
    /// returns true, or returns false and takes nothing when the budget holds fewer.
    bool consumeRate(const Principal &who, int messages);
    [[nodiscard]] QJsonObject healthJson() const;
    /// Every session, each naming its node: with a shared broker, the other nodes' too (as they
    /// last shared them).
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
    using Answer = std::function<void(const Envelope &)>;
    /// Answers `ack` for `id` once what was stamped so far is saved (at once without a store).
    void ackWhenSaved(const Answer &answer, const QString &id);
    /// Chooses the broker `--broker` names (the relay's own history without one).
    bool makeBroker(QString *error);
    /// Stamps and publishes through a broker that answers at once; nullopt with an error
    /// envelope's code and message when not.
    std::optional<Envelope> stampAndPublish(Envelope envelope, QString *code, QString *why);
    /// What the broker reports: kept in history already; observed, fanned out.
    void onEntry(const vigil::Envelope &envelope, const QByteArray &frame);
    /// The shared broker lost its history: every client starts again from the new epoch.
    void onEpochReset();
    /// Decides an operator action and publishes its confirmation; answers the `ack`, or the
    /// `error` envelope when it is refused or cannot be published.
    void applyAction(const Principal &who, const Envelope &action, const Answer &answer);
    /// What the demo feed does when a client's message was published (a colleague's receipts).
    void demoFollow(const Principal &who, const Envelope &message);
    /// Rebuilds what the operator actions know of incidents and alerts from the history.
    void learnFromHistory();
    void warnThrottled(const QString &kind, const QString &line);
    /// This node's WebSocket sessions, each naming the node.
    [[nodiscard]] QJsonArray ownSessions() const;
    /// Shares ownSessions() through the shared broker (docs/scaling.md, "Presence").
    void sharePresence();
    /// Remembers the id of a message on `channel` for de-duplication; false when already seen.
    bool rememberId(const QString &id, const QString &channel);

    RelayConfig m_config;
    TokenTable m_tokens;
    std::unique_ptr<ChannelHistory> m_history;
    std::unique_ptr<Broker> m_broker;
    std::unique_ptr<WebSocketSessions> m_webSockets;
    std::unique_ptr<HttpFrontend> m_http;
    std::unique_ptr<DemoFeed> m_demo;
    std::unique_ptr<OperatorActions> m_actions;
    /// Client message ids remembered for de-duplication (`dedupWindow` in all), and per
    /// channel in the order they came: rememberId() evicts from the channel holding the most.
    QSet<QString> m_seenIds;
    QHash<QString, std::deque<QString>> m_seenOrder;
    QHash<QString, RateBucket> m_principalRates;
    std::unique_ptr<LogThrottle> m_log;
    QTimer m_presence; ///< with a shared broker: this node's sessions go to the others
    QElapsedTimer m_clock;
    qint64 m_startedAt = 0;
    quint64 m_httpRequests = 0;
    quint64 m_httpErrors = 0;
    quint64 m_duplicates = 0;
    quint64 m_actionsApplied = 0;
    quint64 m_actionsRefused = 0;
};

} // namespace vigil
