#pragma once

#include "channelcursor.h"
#include "circuitbreaker.h"
#include "clock.h"
#include "dedupwindow.h"
#include "healthstats.h"
#include "httptransport.h"
#include "loglimiter.h"
#include "peerguard.h"
#include "protocol/envelope.h"
#include "quality.h"
#include "reconnectpolicy.h"
#include "serverendpoint.h"

#include <QHash>
#include <QJsonObject>
#include <QObject>
#include <QPointer>
#include <QSet>
#include <QSslCertificate>
#include <QStringList>
#include <QTimer>
#include <QUrl>

#include <array>
#include <functional>
#include <memory>
#include <optional>

class QWebSocket;
class QNetworkRequest;

namespace vigil {

/// \brief Which transport to use: WebSocket with HTTP fallback (Auto), or one of them only.
enum class TransportPreference { Auto, WebSocket, Sse, Poll };
[[nodiscard]] QString transportPreferenceName(TransportPreference preference);
[[nodiscard]] std::optional<TransportPreference> transportPreferenceFromName(const QString &name);

/// \brief Settings of one connection: where to, with which credentials, how to heartbeat and
/// how to retry. Every interval is configurable so tests can scale time down.
struct ConnectionConfig
{
    QList<QUrl> urls;                           ///< failover list; the first is tried first
    QString token;                              ///< bearer token; never logged
    QList<QSslCertificate> extraCaCertificates; ///< trusted in addition to the system CAs
    QStringList channels;                       ///< channels to subscribe to on every connect
    int heartbeatMs = 30000;                    ///< interval between heartbeats
    int heartbeatTimeoutMs = 10000;             ///< how long to wait for the pong
    int maxMissedHeartbeats = 3;                ///< consecutive misses that declare the link dead
    int connectTimeoutMs = 15000;               ///< TCP + TLS + upgrade must finish within this
    qsizetype maxMessageBytes = kDefaultMaxMessageBytes;
    bool autoReconnect = true;
    /// On the first subscribe to a channel, ask for the server's history (since 0) so a fresh
    /// window starts populated; otherwise only live messages arrive until the first seq is seen.
    bool replayHistory = false;
    ReconnectPolicy reconnect;
    int maxAttempts = 0;               ///< consecutive failures before the breaker opens; 0 = never
    int breakerCooldownMs = 60000;     ///< open breaker: wait this long, then allow one probe
    int minStableMs = 10000;           ///< a connection must last this long to reset the backoff
    int rateLimitedMinDelayMs = 15000; ///< floor of the wait after close 4429
    int dedupCapacity = 10000;         ///< inbound ids remembered
    int dedupMaxAgeMs = 10 * 60 * 1000;
    int clockCheckIntervalMs = 2000; ///< how often to compare the monotonic and wall clocks
    int clockJumpThresholdMs = 5000; ///< a larger disagreement means sleep/resume
    TransportPreference transport = TransportPreference::Auto;
    int fallbackAfterFailures = 3;  ///< failed WebSocket attempts in a row before trying HTTP
    int criticalFallbackMs = 60000; ///< quality Critical this long: fall back (Auto only)
    ReconnectPolicy upgradeProbe{10000, 2.0, 300000, true}; ///< WebSocket probes while on fallback
    int pollBaseMs = 5000;    ///< long-poll rhythm when nothing arrives (adapted 1-60 s)
    int sseSilenceMs = 5000;  ///< an event stream silent this long is buffered: switch to polling
    int lossWindowMs = 60000; ///< heartbeat loss is judged over this much recent time
    /// How long a new link waits for the server's `welcome` (and its epoch) before subscribing
    /// anyway; a server known to send none is subscribed to at once.
    int welcomeWaitMs = 1000;

    // Limits against a bad or hostile server (docs/architecture.md, "Client limits").
    /// Largest poll answer; also how long an oversized SSE event may run before the stream is
    /// dropped. Other HTTP answers get maxMessageBytes plus a little.
    qint64 maxHttpBodyBytes = 16 * 1024 * 1024;
    /// Bytes written but not yet taken by the server (its pongs to our pings, messages): past
    /// this the server is not reading and the link is dropped.
    qint64 maxPendingWriteBytes = 16 * 1024 * 1024;
    int badFrameLimit = 20;       ///< bad frames within badFrameWindowMs that drop the link
    int badFrameWindowMs = 10000; ///< 0 limit: never drop for bad frames
    int logBurst = 5;             ///< log lines of one kind per logIntervalMs, then a summary
    int logIntervalMs = 10000;
    int oversizeRepeats = 2; ///< closes for an oversized message at one position before skipping
};

/// \brief Why the connection failed, counted separately for the health page.
enum class ErrorCategory { Network, Tls, Auth, Protocol, Server, RateLimited };
inline constexpr int kErrorCategoryCount = 6;
[[nodiscard]] QString errorCategoryName(ErrorCategory category);

/// \brief The one object that owns the client's WebSocket and decides when to connect,
/// retry or give up. Everything above it (app models, vigil-cli, the outbox) only observes
/// its signals and calls send().
///
/// States and the only transitions allowed between them:
///
///     Disconnected -> Connecting | Error | Closed
///     Connecting   -> Connected | Reconnecting | Error | Disconnected | Closed | Fallback
///     Connected    -> Reconnecting | Error | Disconnected | Closed | Fallback
///     Reconnecting -> Connecting | Error | Closed | Fallback
///     Error        -> Connecting | Closed
///     Closed       -> Connecting | Error
///     Fallback     -> Connecting | Connected | Reconnecting | Error | Closed
///
/// Any other change is refused (and logged as a bug), so no code path can, say, report
/// "connected" without having connected. Fallback means the HTTP fallback works (its event
/// stream opened, or a poll was answered): trying HTTP is Connecting, like trying WebSocket.
///
/// Every attempt to the server, over WebSocket or HTTP, draws from one backoff: a server that
/// answers nothing sees one connection per attempt, spaced by the same jittered delays.
class ConnectionManager : public QObject
{
    Q_OBJECT
public:
    enum class State { Disconnected, Connecting, Connected, Reconnecting, Error, Closed, Fallback };
    Q_ENUM(State)

    explicit ConnectionManager(ConnectionConfig config, QObject *parent = nullptr);
    ~ConnectionManager() override;

    /// Starts connecting (from Disconnected, Error or Closed); a no-op otherwise.
    void open();
    /// Closes by the user's wish: no reconnect until open() is called again.
    void close();
    /// The operator's "Retry now": resets the backoff and the breaker and connects at once.
    void reconnectNow();
    /// New credentials: clears an "unauthorized" stop and reconnects when it was the reason.
    void setToken(const QString &token);
    /// Checks the link at once (after sleep or a network change) instead of waiting for the
    /// next heartbeat: pings when connected, skips the wait when reconnecting.
    void probeNow(const QString &reason);
    /// Compares the monotonic and wall clocks; a jump means the machine slept. Runs on a
    /// timer; public so tests with an injected clock can call it.
    void checkClock();

    /// Switches the transport preference at run time (the operator's manual toggle).
    void setTransportPreference(TransportPreference preference);
    [[nodiscard]] TransportPreference transportPreference() const { return m_config.transport; }
    /// "websocket", "sse" or "poll": what carries the messages now.
    [[nodiscard]] QString transportName() const;
    /// Why the HTTP fallback is in use (empty on WebSocket).
    [[nodiscard]] QString fallbackReason() const { return m_fallbackReason; }

    /// Writes one envelope if connected. Returns false (and writes nothing) otherwise.
    bool send(const Envelope &envelope);

    /// Restores the last seq seen on `channel` (from persisted positions) and the server
    /// history (epoch) it belongs to; an empty epoch is a position saved without one.
    void setLastSeq(const QString &channel, qint64 seq, const QString &epoch = QString());
    /// The operator's Reload after messages could not be recovered: `channels` start again from
    /// the beginning of what the server holds; reloadFinished() follows for each once its replay
    /// is done.
    void reload(const QStringList &channels);

    [[nodiscard]] State state() const { return m_state; }
    [[nodiscard]] static QString stateName(State state);
    [[nodiscard]] static bool transitionAllowed(State from, State to);
    [[nodiscard]] QUrl currentUrl() const;
    [[nodiscard]] int attempt() const { return m_attempt; }
    /// While Reconnecting: the wait before the next attempt.
    [[nodiscard]] int nextDelayMs() const { return m_nextDelayMs; }
    /// True once the server sent `welcome` on this connection (a Vigil server).
    [[nodiscard]] bool serverSentWelcome() const { return !m_welcome.isEmpty(); }
    [[nodiscard]] bool serverSupports(const QString &capability) const;
    [[nodiscard]] bool unauthorized() const { return m_unauthorized; }
    [[nodiscard]] const CircuitBreaker &breaker() const { return m_breaker; }
    [[nodiscard]] const HealthStats &health() const { return m_health; }
    [[nodiscard]] QualityGrade quality() const;
    [[nodiscard]] const ConnectionConfig &config() const { return m_config; }
    [[nodiscard]] quint64 messagesIn() const { return m_messagesIn; }
    [[nodiscard]] quint64 messagesOut() const { return m_messagesOut; }
    [[nodiscard]] quint64 bytesIn() const { return m_bytesIn; }
    [[nodiscard]] quint64 bytesOut() const { return m_bytesOut; }
    [[nodiscard]] quint64 protocolErrors() const { return m_protocolErrors; }
    [[nodiscard]] quint64 duplicatesDropped() const { return m_duplicates; }
    /// Links dropped because the server kept sending bad frames.
    [[nodiscard]] quint64 badFrameDisconnects() const { return m_badFrameDisconnects; }
    /// Links dropped because the server did not read what was written to it.
    [[nodiscard]] quint64 backlogDisconnects() const { return m_backlogDisconnects; }
    /// Messages over maxMessageBytes that were skipped (see messageSkipped()).
    [[nodiscard]] quint64 messagesSkipped() const { return m_messagesSkipped; }
    /// Log lines left out by the rate limit (each interval ends with a summary line).
    [[nodiscard]] quint64 logLinesSuppressed() const;
    [[nodiscard]] quint64 errors(ErrorCategory category) const
    {
        return m_errors[size_t(category)];
    }
    [[nodiscard]] int reconnects() const { return m_reconnects; }
    [[nodiscard]] qint64 lastTimeToReconnectMs() const { return m_lastTimeToReconnectMs; }
    [[nodiscard]] qint64 uptimeMs() const;
    [[nodiscard]] qint64 lastSeq(const QString &channel) const { return m_cursor.lastSeq(channel); }
    [[nodiscard]] const ChannelCursor &cursor() const { return m_cursor; }
    /// A heartbeat went unanswered on the current link: nothing proves that it still works.
    [[nodiscard]] bool stalled() const { return m_missedHeartbeats > 0; }
    /// How long nothing came back from the server while stalled (0 when not stalled).
    [[nodiscard]] qint64 silentForMs() const;
    /// Wall-clock ms since when no transport reached the server; -1 while one works.
    [[nodiscard]] qint64 unreachableSinceMs() const { return m_unreachableSince; }
    /// Every health figure as one JSON object (used by `vigil-cli health` and the UI).
    [[nodiscard]] QJsonObject healthJson() const;

    /// Replaces the random source used for jitter (tests inject a fixed sequence).
    void setRandomSource(std::function<double()> uniform01);
    /// Replaces the clocks (tests inject controllable ones).
    void setClock(Clock clock);

Q_SIGNALS:
    void stateChanged(vigil::ConnectionManager::State state, const QString &reason);
    /// A channel envelope (not a control message such as pong or ack), never a duplicate.
    void envelopeReceived(const vigil::Envelope &envelope);
    void welcomeReceived(const QJsonObject &payload);
    void subscribed(const QString &channel, qint64 head, bool recovered);
    /// The server could not replay what was missed on `channel`: the user must be told and
    /// the view refetched.
    void recoveryFailed(const QString &channel);
    /// The last seq seen on `channel` advanced (persist it to resume after a restart), within
    /// the server history `epoch` (empty for a server without epochs).
    void positionAdvanced(const QString &channel, qint64 seq, const QString &epoch);
    /// The server's history is not the one these channels' positions came from (it restarted
    /// without its history): they are replayed from the beginning of what it holds, and what
    /// came before the restart could not be checked.
    void historyReset(const QStringList &channels, const QString &epoch);
    /// A reload() of `channel` is done: what the server holds has been replayed.
    void reloadFinished(const QString &channel);
    /// A message larger than maxMessageBytes was skipped: the position moved past `seq` on
    /// `channel` (empty and -1 when the server did not say which message it was), so it is not
    /// replayed again. The user should be told that one message could not be shown.
    void messageSkipped(const QString &channel, qint64 seq, const QString &reason);
    /// A heartbeat went unanswered (true), or the server answered again (false).
    void stalledChanged(bool stalled);
    void acked(const QString &id);
    void serverError(const QString &code, const QString &message, const QString &ref);
    void protocolError(const QString &message);
    void rttMeasured(qint64 ms);
    void reconnectScheduled(int attempt, int delayMs);
    void probeRequested(const QString &reason);
    /// The transport changed (websocket, sse, poll), with the reason.
    void transportChanged(const QString &transport, const QString &reason);

private:
    void setState(State state, const QString &reason);
    void startAttempt();
    void handleFailure(const QString &reason, ErrorCategory category, int closeCode = -1);
    void openBreaker();
    void onConnected();
    void onDisconnected();
    void onSocketError();
    void onTextMessage(const QString &message);
    void processFrame(const QByteArray &frame);
    /// A frame that breaks the protocol: counted, logged (rate-limited), and past
    /// badFrameLimit within the window, the link is dropped.
    void noteBadFrame(const QString &why);
    /// Disconnects a server that keeps breaking the protocol and reconnects with backoff.
    void dropBadPeer(const QString &reason);
    /// False (and the link dropped) when the server does not read what it is sent.
    bool checkBacklog();
    /// QWebSocket closed the link (1009) for an inbound message over the limit.
    void onOversizedClose();
    void skipMessage(const QString &channel, qint64 seq, const QString &reason);
    /// Where every channel stands, as one comparable string.
    [[nodiscard]] QString positionsKey() const;
    /// Whether to remember a position for `channel` (bounded: a server cannot make the client
    /// track any number of channels).
    [[nodiscard]] bool tracksChannel(const QString &channel) const;
    /// Rate-limited logging: true when a line of `kind` may be written now.
    bool mayLog(const QString &kind) { return m_logLimiter.allow(kind); }
    /// Tries the HTTP fallback: Connecting until the server answers over HTTP, then Fallback.
    void startHttpAttempt(const QString &reason, HttpTransport::Mode mode);
    void ensureHttp();
    void onHttpAnswered();
    void leaveFallback();
    void onHttpFailed(const QString &reason, int httpStatus);
    void onEpoch(const QString &epoch);
    void noteEvidence();
    void setStalled(bool stalled);
    /// After a failure, is the next attempt HTTP (Auto after WebSocket kept failing)?
    [[nodiscard]] bool nextAttemptIsHttp() const;
    void scheduleUpgradeProbe();
    void probeWebSocket();
    QHash<QString, qint64> resumePositions() const;
    [[nodiscard]] QNetworkRequest upgradeRequest(const QUrl &url) const;
    void onPong(qint64 elapsedMs);
    void sendHeartbeat();
    void onHeartbeatTimeout();
    void sendSubscribe(const QStringList &channels);
    void handleControl(const Envelope &envelope);
    void resetSocket(bool graceful);
    void countError(ErrorCategory category);
    int indexOfGoodUrl() const;

    ConnectionConfig m_config;
    State m_state = State::Disconnected;
    QPointer<QWebSocket> m_socket;
    int m_urlIndex = 0;
    int m_goodUrlIndex = -1;
    int m_attempt = 0;
    int m_nextDelayMs = 0;
    bool m_unauthorized = false;
    bool m_wasConnected = false;
    QString m_tlsProblem;
    CircuitBreaker m_breaker;
    QTimer m_reconnectTimer;
    QTimer m_breakerTimer;
    QTimer m_heartbeatTimer;
    QTimer m_pongTimer;
    QTimer m_connectTimer;
    QTimer m_stableTimer;
    QTimer m_clockTimer;
    QTimer m_subscribeTimer;
    bool m_subscribedThisLink = false;
    bool m_basicServer = false; ///< this server sent no welcome last time: subscribe at once
    qint64 m_pingSentAt = 0;
    bool m_awaitingPong = false;
    int m_missedHeartbeats = 0;
    QJsonObject m_welcome;
    HealthStats m_health;
    DedupWindow m_dedup;
    ChannelCursor m_cursor;
    QSet<QString> m_subscribePending;
    QStringList m_subscribeOrder; ///< pending subscribes in the order they were asked for
    QSet<QString> m_reloadPending;
    QHash<QString, qint64> m_pagedFrom; ///< where the last page of a paged replay ended
    quint64 m_messagesIn = 0;
    quint64 m_messagesOut = 0;
    quint64 m_bytesIn = 0;
    quint64 m_bytesOut = 0;
    quint64 m_protocolErrors = 0;
    quint64 m_duplicates = 0;
    quint64 m_badFrameDisconnects = 0;
    quint64 m_backlogDisconnects = 0;
    quint64 m_messagesSkipped = 0;
    LogLimiter m_logLimiter;
    BadFrameWindow m_badFrames;
    OversizeGuard m_oversize;
    QTimer m_backlogTimer;
    std::array<quint64, kErrorCategoryCount> m_errors{};
    RateMeter m_rateMessagesIn;
    RateMeter m_rateMessagesOut;
    RateMeter m_rateBytesIn;
    RateMeter m_rateBytesOut;
    int m_reconnects = 0;
    qint64 m_connectedAt = -1;
    qint64 m_droppedAt = -1;
    qint64 m_lastTimeToReconnectMs = -1;
    qint64 m_lastMono = 0;
    qint64 m_lastWall = 0;
    std::function<double()> m_uniform01;
    Clock m_clock;
    ServerEndpoint m_endpoint; ///< token and TLS trust, as every request to the server uses them
    std::unique_ptr<HttpTransport> m_http;
    QPointer<QWebSocket> m_probe;
    QTimer m_upgradeTimer;
    int m_upgradeAttempts = 0;
    int m_wsFailures = 0;
    bool m_attemptIsHttp = false; ///< the current (or last) attempt goes over HTTP
    bool m_httpProven = false;    ///< the HTTP transport of this attempt has answered
    bool m_wsRefused = false;     ///< something on the way refused the WebSocket upgrade
    bool m_stallReported = false;
    QString m_httpReason; ///< why the next attempt goes over HTTP, when something decided it
    HttpTransport::Mode m_httpMode = HttpTransport::Mode::Sse;
    qint64 m_lastEvidence = 0; ///< monotonic ms of the last sign of life from the server
    qint64 m_unreachableSince = -1;
    qint64 m_criticalSince = -1;
    QString m_fallbackReason;
};

} // namespace vigil
