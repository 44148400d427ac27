#pragma once

#include "channelstream.h"
#include "circuitbreaker.h"
#include "clock.h"
#include "connectionconfig.h"
#include "heartbeat.h"
#include "httplink.h"
#include "httptransport.h"
#include "linkstats.h"
#include "loglimiter.h"
#include "peerguard.h"
#include "protocol/envelope.h"
#include "quality.h"
#include "serverendpoint.h"
#include "transportchoice.h"
#include "upgradeprobe.h"
#include "wakewatcher.h"
#include "websocketlink.h"

#include <QJsonObject>
#include <QObject>
#include <QPointer>
#include <QStringList>
#include <QTimer>
#include <QUrl>

#include <functional>
#include <memory>

namespace vigil {

/// \brief The one object that decides when the client connects, over which transport, when it
/// retries and when it gives up. Everything above it (app models, vigil-cli, the outbox) only
/// observes its signals and calls send().
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
    void checkClock() { m_wake.check(); }

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
    void setLastSeq(const QString &channel, qint64 seq, const QString &epoch = QString())
    {
        m_stream.cursor().restore(channel, {seq, epoch});
    }
    /// The operator's Reload after messages could not be recovered: `channels` start again from
    /// the beginning of what the server holds; reloadFinished() follows for each once its replay
    /// is done.
    void reload(const QStringList &channels);
    /// What the `logs` channel should carry from now on. A WebSocket server that filters
    /// (capability `logFilter`) is asked to change its filter (`update_filter`); the HTTP
    /// fallback restarts its requests with it (the `logFilter` parameter); every later link
    /// subscribes with it. logFilterApplied() says when and where it applies.
    void setLogFilter(const LogFilter &filter);
    [[nodiscard]] const LogFilter &logFilter() const { return m_config.logFilter; }
    /// Whether the server of the current link filters the `logs` channel (it offers
    /// `logFilter`, and `logs` is subscribed). When not, the caller filters locally.
    [[nodiscard]] bool serverFiltersLogs() const
    {
        return (m_state == State::Connected && m_link && !m_link->isHttp() &&
                m_stream.serverFiltersLogs(false)) ||
               (m_state == State::Fallback && m_stream.serverFiltersLogs(true));
    }

    [[nodiscard]] State state() const { return m_state; }
    [[nodiscard]] static QString stateName(State state);
    [[nodiscard]] static bool transitionAllowed(State from, State to);
    [[nodiscard]] QUrl currentUrl() const;
    [[nodiscard]] int attempt() const { return m_attempt; }
    /// While Reconnecting: the wait before the next attempt.
    [[nodiscard]] int nextDelayMs() const { return m_nextDelayMs; }
    /// True once the server sent `welcome` on this connection (a Vigil server).
    [[nodiscard]] bool serverSentWelcome() const { return !m_stream.welcome().isEmpty(); }
    [[nodiscard]] bool serverSupports(const QString &capability) const
    {
        return m_stream.capabilities().contains(capability);
    }
    /// What this connection's `welcome` listed; empty before one (or from a basic server).
    [[nodiscard]] QStringList serverCapabilities() const { return m_stream.capabilities(); }
    [[nodiscard]] bool unauthorized() const { return m_unauthorized; }
    [[nodiscard]] const CircuitBreaker &breaker() const { return m_breaker; }
    [[nodiscard]] const HealthStats &health() const { return m_stats.rtt(); }
    [[nodiscard]] const LinkStats &stats() const { return m_stats; }
    [[nodiscard]] QualityGrade quality() const;
    [[nodiscard]] const ConnectionConfig &config() const { return m_config; }
    [[nodiscard]] quint64 messagesIn() const { return m_stats.messagesIn(); }
    [[nodiscard]] quint64 messagesOut() const { return m_stats.messagesOut(); }
    [[nodiscard]] quint64 bytesIn() const { return m_stats.bytesIn(); }
    [[nodiscard]] quint64 bytesOut() const { return m_stats.bytesOut(); }
    [[nodiscard]] quint64 protocolErrors() const { return m_stats.protocolErrors(); }
    [[nodiscard]] quint64 duplicatesDropped() const { return m_stats.duplicates(); }
    /// Links dropped because the server kept sending bad frames.
    [[nodiscard]] quint64 badFrameDisconnects() const { return m_stats.badFrameDisconnects(); }
    /// Links dropped because the server did not read what was written to it.
    [[nodiscard]] quint64 backlogDisconnects() const { return m_stats.backlogDisconnects(); }
    /// Messages over maxMessageBytes that were skipped (see messageSkipped()).
    [[nodiscard]] quint64 messagesSkipped() const { return m_stats.messagesSkipped(); }
    /// Log lines left out by the rate limit (each interval ends with a summary line).
    [[nodiscard]] quint64 logLinesSuppressed() const;
    [[nodiscard]] quint64 errors(ErrorCategory category) const { return m_stats.errors(category); }
    [[nodiscard]] int reconnects() const { return m_stats.reconnects(); }
    [[nodiscard]] qint64 lastTimeToReconnectMs() const { return m_stats.lastTimeToReconnectMs(); }
    [[nodiscard]] qint64 uptimeMs() const;
    [[nodiscard]] qint64 lastSeq(const QString &channel) const
    {
        return m_stream.cursor().lastSeq(channel);
    }
    [[nodiscard]] const ChannelCursor &cursor() const { return m_stream.cursor(); }
    /// A heartbeat went unanswered on the current link: nothing proves that it still works.
    [[nodiscard]] bool stalled() const { return m_heartbeat.stalled(); }
    /// How long nothing came back from the server while stalled (0 when not stalled).
    [[nodiscard]] qint64 silentForMs() const { return m_heartbeat.silentForMs(); }
    /// Wall-clock ms since when no transport reached the server; -1 while one works.
    [[nodiscard]] qint64 unreachableSinceMs() const { return m_stats.unreachableSinceMs(); }
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
    /// Where the log filter stands: `applied` is what the server now applies to `logs` when
    /// `onServer` (every entry that arrives matches it), else the filter that was asked for and
    /// that the caller must apply itself (a server without `logFilter`, no link, a filter the
    /// server would refuse). Follows every setLogFilter() (once the server answered, when it
    /// was asked) and every link where this changes. A server that refuses a new filter
    /// (`bad_filter`, also a serverError()) keeps the previous one: it is reported again.
    void logFilterApplied(const vigil::LogFilter &applied, bool onServer);
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
    /// Every envelope that crossed the link, control messages included, with its size as sent
    /// (0 where the transport does not tell): for the Debug page's raw view. Nothing is
    /// emitted when nothing listens.
    void traffic(bool outbound, const vigil::Envelope &envelope, qint64 bytes);
    /// The transport changed (websocket, sse, poll), with the reason.
    void transportChanged(const QString &transport, const QString &reason);

private:
    void setState(State state, const QString &reason);
    void startAttempt();
    void handleFailure(const QString &reason, ErrorCategory category, int closeCode = -1);
    /// Makes `link` the current one and listens to it.
    void attachLink(TransportLink *link);
    void onLinkOpened();
    void onConnected();
    void onHttpOpened();
    void onLinkFailed(const LinkFailure &failure);
    /// The current link when it is the HTTP fallback, else null.
    [[nodiscard]] HttpLink *httpLink() const
    {
        return m_link && m_link->isHttp() ? static_cast<HttpLink *>(m_link) : nullptr;
    }
    /// The link (if any) is gone: its heartbeat and subscriptions with it.
    void dropLink(bool graceful);
    [[nodiscard]] WebSocketLink::Limits linkLimits() const
    {
        return {m_config.maxMessageBytes, m_config.maxPendingWriteBytes};
    }
    /// A frame that breaks the protocol: counted, logged (rate-limited), and past
    /// badFrameLimit within the window, the link is dropped.
    void noteBadFrame(const QString &why);
    /// Disconnects a server that keeps breaking the protocol and reconnects with backoff.
    void dropBadPeer(const QString &reason);
    Heartbeat::Sent sendPing();
    void onRtt(qint64 rttMs);
    /// Rate-limited logging: true when a line of `kind` may be written now.
    bool mayLog(const QString &kind) { return m_logLimiter.allow(kind); }
    /// Tries the HTTP fallback: Connecting until the server answers over HTTP, then Fallback.
    void startHttpAttempt(const QString &reason, HttpTransport::Mode mode);
    void leaveFallback();
    void onEpoch(const QString &epoch);
    /// A transport carries messages (WebSocket connected, HTTP answered).
    void noteLinkUp();

    ConnectionConfig m_config;
    State m_state = State::Disconnected;
    Clock m_clock;
    std::function<double()> m_uniform01;
    ServerEndpoint m_endpoint; ///< token and TLS trust, as every request to the server uses them
    LinkStats m_stats;
    LogLimiter m_logLimiter;
    ChannelStream m_stream;
    Heartbeat m_heartbeat;
    BadFrameWindow m_badFrames;
    CircuitBreaker m_breaker;
    UpgradeProbe m_upgrade; ///< "does WebSocket work again?" while on HTTP
    WakeWatcher m_wake;
    TransportChoice m_choice;
    TransportLink *m_link = nullptr;      ///< the current attempt or link, WebSocket or HTTP
    quint64 m_linkLogLinesSuppressed = 0; ///< by links that are gone
    int m_urlIndex = 0;
    int m_goodUrlIndex = -1;
    int m_attempt = 0;
    int m_nextDelayMs = 0;
    bool m_unauthorized = false;
    QTimer m_reconnectTimer;
    QTimer m_breakerTimer;
    QTimer m_connectTimer;
    QTimer m_stableTimer;
    QString m_fallbackReason;
};

} // namespace vigil
