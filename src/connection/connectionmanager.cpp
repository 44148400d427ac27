#include "connectionmanager.h"

#include "protocol/logging.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QNetworkInformation>
#include <QNetworkRequest>
#include <QRandomGenerator>
#include <QSslConfiguration>
#include <QSslError>
#include <QWebSocket>

#include <algorithm>
#include <cstdlib>
#include <utility>

namespace vigil {

namespace {

bool isControlType(const QString &type)
{
    return type == u"welcome" || type == u"pong" || type == u"ping" || type == u"subscribed" ||
           type == u"unsubscribed" || type == u"ack" || type == u"error";
}

// QWebSocket closes with 1009 and one of these reasons when an inbound frame or message is
// over its limit (qwebsocketframe.cpp, qwebsocketdataprocessor.cpp); a server's own 1009 says
// that something we sent was too large, which is another matter.
bool closedLocallyForSize(const QString &reason)
{
    return reason == u"Received message is too big." || reason == u"Maximum framesize exceeded.";
}

// How many channels' positions a client keeps at most: the configured channels always, others
// (a server may send any) only up to this many.
constexpr int kMaxTrackedChannels = 1024;

ErrorCategory categoryForCloseCode(int code)
{
    switch (code) {
    case 4401:
    case 4403:
        return ErrorCategory::Auth;
    case 4429:
        return ErrorCategory::RateLimited;
    case QWebSocketProtocol::CloseCodeProtocolError:
    case QWebSocketProtocol::CloseCodeDatatypeNotSupported:
    case QWebSocketProtocol::CloseCodeWrongDatatype:
    case QWebSocketProtocol::CloseCodePolicyViolated:
    case QWebSocketProtocol::CloseCodeTooMuchData:
        return ErrorCategory::Protocol;
    case QWebSocketProtocol::CloseCodeAbnormalDisconnection:
    case 4408:
        return ErrorCategory::Network;
    default:
        return ErrorCategory::Server;
    }
}

} // namespace

QString errorCategoryName(ErrorCategory category)
{
    switch (category) {
    case ErrorCategory::Network:
        return QStringLiteral("network");
    case ErrorCategory::Tls:
        return QStringLiteral("tls");
    case ErrorCategory::Auth:
        return QStringLiteral("auth");
    case ErrorCategory::Protocol:
        return QStringLiteral("protocol");
    case ErrorCategory::Server:
        return QStringLiteral("server");
    case ErrorCategory::RateLimited:
        return QStringLiteral("rate-limited");
    }
    return QStringLiteral("network");
}

QString transportPreferenceName(TransportPreference preference)
{
    switch (preference) {
    case TransportPreference::Auto:
        return QStringLiteral("auto");
    case TransportPreference::WebSocket:
        return QStringLiteral("websocket");
    case TransportPreference::Sse:
        return QStringLiteral("sse");
    case TransportPreference::Poll:
        return QStringLiteral("poll");
    }
    return QStringLiteral("auto");
}

std::optional<TransportPreference> transportPreferenceFromName(const QString &name)
{
    for (auto p : {TransportPreference::Auto, TransportPreference::WebSocket,
                   TransportPreference::Sse, TransportPreference::Poll}) {
        if (name == transportPreferenceName(p))
            return p;
    }
    return std::nullopt;
}

ConnectionManager::ConnectionManager(ConnectionConfig config, QObject *parent)
    : QObject(parent)
    , m_config(std::move(config))
    , m_breaker(m_config.maxAttempts)
    , m_health(100, m_config.lossWindowMs)
    , m_dedup(m_config.dedupCapacity, m_config.dedupMaxAgeMs)
    , m_logLimiter(m_config.logBurst, m_config.logIntervalMs)
    , m_badFrames(m_config.badFrameLimit, m_config.badFrameWindowMs)
    , m_oversize(m_config.oversizeRepeats)
    , m_uniform01([] { return QRandomGenerator::global()->generateDouble(); })
    , m_clock(Clock::system())
    , m_endpoint(m_config.token, m_config.extraCaCertificates)
{
    for (QTimer *t : {&m_reconnectTimer, &m_breakerTimer, &m_pongTimer, &m_connectTimer,
                      &m_stableTimer, &m_subscribeTimer})
        t->setSingleShot(true);
    connect(&m_subscribeTimer, &QTimer::timeout, this, [this] {
        if (m_state != State::Connected || m_subscribedThisLink)
            return;
        if (!serverSentWelcome())
            m_basicServer = true; // no welcome: subscribe without waiting from now on
        sendSubscribe(m_config.channels);
    });
    connect(&m_reconnectTimer, &QTimer::timeout, this, &ConnectionManager::startAttempt);
    connect(&m_breakerTimer, &QTimer::timeout, this, [this] {
        m_breaker.allowProbe();
        qCInfo(lcNet) << "circuit breaker half-open: one probe";
        startAttempt();
    });
    connect(&m_heartbeatTimer, &QTimer::timeout, this, &ConnectionManager::sendHeartbeat);
    connect(&m_pongTimer, &QTimer::timeout, this, &ConnectionManager::onHeartbeatTimeout);
    connect(&m_connectTimer, &QTimer::timeout, this, [this] {
        if (m_attemptIsHttp && m_http)
            m_http->stop();
        handleFailure(QStringLiteral("no answer within %1 ms").arg(m_config.connectTimeoutMs),
                      ErrorCategory::Network);
    });
    connect(&m_stableTimer, &QTimer::timeout, this, [this] {
        // The link has proven itself: the next failure starts the backoff from the beginning.
        m_attempt = 0;
    });
    connect(&m_clockTimer, &QTimer::timeout, this, &ConnectionManager::checkClock);
    m_upgradeTimer.setSingleShot(true);
    connect(&m_upgradeTimer, &QTimer::timeout, this, &ConnectionManager::probeWebSocket);
    // What a server does not read piles up in our socket (auto-answered pings, above all):
    // looked at often enough that a flood cannot get far past the limit.
    m_backlogTimer.setInterval(100);
    connect(&m_backlogTimer, &QTimer::timeout, this, &ConnectionManager::checkBacklog);

    m_lastMono = m_clock.monotonicMs();
    m_lastWall = m_clock.wallMs();
    m_clockTimer.start(m_config.clockCheckIntervalMs);

    if (QNetworkInformation::loadBackendByFeatures(QNetworkInformation::Feature::Reachability)) {
        connect(
            QNetworkInformation::instance(), &QNetworkInformation::reachabilityChanged, this,
            [this](QNetworkInformation::Reachability reachability) {
                probeNow(
                    QStringLiteral("network reachability changed to %1").arg(int(reachability)));
            });
    }
}

ConnectionManager::~ConnectionManager()
{
    resetSocket(true);
}

QString ConnectionManager::stateName(State state)
{
    switch (state) {
    case State::Disconnected:
        return QStringLiteral("disconnected");
    case State::Connecting:
        return QStringLiteral("connecting");
    case State::Connected:
        return QStringLiteral("connected");
    case State::Reconnecting:
        return QStringLiteral("reconnecting");
    case State::Error:
        return QStringLiteral("error");
    case State::Closed:
        return QStringLiteral("closed");
    case State::Fallback:
        return QStringLiteral("fallback");
    }
    return QStringLiteral("unknown");
}

bool ConnectionManager::transitionAllowed(State from, State to)
{
    using S = State;
    switch (from) {
    case S::Disconnected:
        return to == S::Connecting || to == S::Error || to == S::Closed;
    case S::Connecting:
        return to == S::Connected || to == S::Reconnecting || to == S::Error ||
               to == S::Disconnected || to == S::Closed || to == S::Fallback;
    case S::Connected:
        return to == S::Reconnecting || to == S::Error || to == S::Disconnected ||
               to == S::Closed || to == S::Fallback;
    case S::Reconnecting:
        return to == S::Connecting || to == S::Error || to == S::Closed || to == S::Fallback;
    case S::Error:
        return to == S::Connecting || to == S::Closed;
    case S::Closed:
        return to == S::Connecting || to == S::Error;
    case S::Fallback:
        return to == S::Connecting || to == S::Connected || to == S::Reconnecting ||
               to == S::Error || to == S::Closed;
    }
    return false;
}

QUrl ConnectionManager::currentUrl() const
{
    if (m_config.urls.isEmpty())
        return {};
    return m_config.urls.at(m_urlIndex % m_config.urls.size());
}

bool ConnectionManager::serverSupports(const QString &capability) const
{
    return m_welcome.value(QStringLiteral("capabilities")).toArray().contains(capability);
}

QualityGrade ConnectionManager::quality() const
{
    // Only evidence counts: no link, nothing to grade; an unanswered heartbeat, the worst.
    if (m_state != State::Connected && m_state != State::Fallback)
        return QualityGrade::Unknown;
    if (stalled())
        return QualityGrade::Critical;
    return gradeFor(m_health.averageRttMs(), m_health.lossPercent(m_clock.monotonicMs()),
                    m_health.sampleCount());
}

qint64 ConnectionManager::silentForMs() const
{
    if (!stalled())
        return 0;
    return std::max<qint64>(0, m_clock.monotonicMs() - m_lastEvidence);
}

qint64 ConnectionManager::uptimeMs() const
{
    if (m_state != State::Connected || m_connectedAt < 0)
        return 0;
    return m_clock.monotonicMs() - m_connectedAt;
}

void ConnectionManager::setRandomSource(std::function<double()> uniform01)
{
    m_uniform01 = std::move(uniform01);
}

void ConnectionManager::setClock(Clock clock)
{
    m_clock = std::move(clock);
    m_lastMono = m_clock.monotonicMs();
    m_lastWall = m_clock.wallMs();
}

void ConnectionManager::setLastSeq(const QString &channel, qint64 seq, const QString &epoch)
{
    m_cursor.restore(channel, {seq, epoch});
}

void ConnectionManager::reload(const QStringList &channels)
{
    if (channels.isEmpty())
        return;
    qCInfo(lcNet).noquote() << "reloading" << channels.join(QLatin1Char(','))
                            << "from the beginning of the server's history";
    m_cursor.rewind(channels);
    for (const QString &channel : channels)
        m_reloadPending.insert(channel);
    if (m_state == State::Connected && m_subscribedThisLink) {
        sendSubscribe(channels);
    } else if (m_state == State::Fallback && m_http) {
        m_http->start(m_http->mode(), m_config.channels, resumePositions());
    }
    // Otherwise the next link subscribes from the start, and finishes the reload then.
}

void ConnectionManager::open()
{
    if (m_state != State::Disconnected && m_state != State::Error && m_state != State::Closed)
        return;
    if (m_config.urls.isEmpty()) {
        setState(State::Error, QStringLiteral("no server URL configured"));
        return;
    }
    m_attempt = 0;
    m_breaker.reset();
    m_breakerTimer.stop();
    if (m_goodUrlIndex >= 0)
        m_urlIndex = m_goodUrlIndex;
    startAttempt();
}

void ConnectionManager::close()
{
    leaveFallback();
    m_reconnectTimer.stop();
    m_breakerTimer.stop();
    m_stableTimer.stop();
    resetSocket(true);
    setState(State::Closed, QStringLiteral("closed by the user"));
}

void ConnectionManager::reconnectNow()
{
    leaveFallback();
    m_wsFailures = 0;
    m_wsRefused = false;
    m_attemptIsHttp = false;
    if (m_state == State::Connected) {
        resetSocket(true);
        setState(State::Reconnecting, QStringLiteral("reconnecting at the operator's request"));
    }
    m_reconnectTimer.stop();
    m_breakerTimer.stop();
    m_stableTimer.stop();
    resetSocket(true);
    m_attempt = 0;
    m_breaker.reset();
    m_unauthorized = false;
    if (m_goodUrlIndex >= 0)
        m_urlIndex = m_goodUrlIndex;
    startAttempt();
}

void ConnectionManager::setToken(const QString &token)
{
    if (token == m_config.token)
        return;
    m_config.token = token;
    m_endpoint.setToken(token);
    if (m_http)
        m_http->setToken(token);
    if (m_unauthorized) {
        qCInfo(lcNet) << "credentials changed: trying again";
        reconnectNow();
    }
}

void ConnectionManager::probeNow(const QString &reason)
{
    qCInfo(lcNet).noquote() << "health probe:" << reason;
    Q_EMIT probeRequested(reason);
    if (m_state == State::Connected || m_state == State::Fallback) {
        if (!m_awaitingPong)
            sendHeartbeat();
    } else if (m_state == State::Reconnecting) {
        m_reconnectTimer.stop();
        startAttempt();
    }
}

void ConnectionManager::checkClock()
{
    const qint64 mono = m_clock.monotonicMs();
    const qint64 wall = m_clock.wallMs();
    const qint64 drift = (wall - m_lastWall) - (mono - m_lastMono);
    m_lastMono = mono;
    m_lastWall = wall;
    if (std::llabs(drift) > m_config.clockJumpThresholdMs) {
        probeNow(QStringLiteral("the clock jumped by %1 s (the machine slept, or the time was "
                                "changed)")
                     .arg(drift / 1000));
    }
}

bool ConnectionManager::send(const Envelope &envelope)
{
    if (m_state == State::Fallback && m_http) {
        if (envelope.channel == u"system")
            return false; // control messages have no HTTP form; positions ride on the requests
        m_http->post(envelope);
        ++m_messagesOut;
        m_rateMessagesOut.add(m_clock.monotonicMs());
        return true;
    }
    if (m_state != State::Connected || !m_socket)
        return false;
    const QByteArray frame = envelope.serialize();
    const qint64 written = m_socket->sendTextMessage(QString::fromUtf8(frame));
    if (written <= 0)
        return false;
    ++m_messagesOut;
    m_bytesOut += quint64(frame.size());
    const qint64 now = m_clock.monotonicMs();
    m_rateMessagesOut.add(now);
    m_rateBytesOut.add(now, frame.size());
    // Written, but if the server does not read, dropping the link is the only way to stop.
    return checkBacklog();
}

void ConnectionManager::setState(State state, const QString &reason)
{
    if (m_state == state)
        return;
    if (!transitionAllowed(m_state, state)) {
        qCCritical(lcNet).noquote() << "refused impossible transition" << stateName(m_state) << "->"
                                    << stateName(state) << "(" << reason << ")";
        return;
    }
    m_state = state;
    qCInfo(lcNet).noquote() << "state" << stateName(state) << "-" << reason;
    Q_EMIT stateChanged(state, reason);
}

void ConnectionManager::resetSocket(bool graceful)
{
    m_heartbeatTimer.stop();
    m_pongTimer.stop();
    m_connectTimer.stop();
    m_subscribeTimer.stop();
    m_awaitingPong = false;
    m_subscribedThisLink = false;
    m_missedHeartbeats = 0;
    setStalled(false);
    m_subscribePending.clear();
    m_subscribeOrder.clear();
    m_backlogTimer.stop();
    if (!m_socket)
        return;
    QWebSocket *socket = m_socket;
    m_socket = nullptr;
    socket->disconnect(this);
    // A dead link gets abort(): close() would wait for a peer that is no longer there.
    if (graceful && socket->state() == QAbstractSocket::ConnectedState)
        socket->close(QWebSocketProtocol::CloseCodeNormal);
    else
        socket->abort();
    socket->deleteLater();
}

void ConnectionManager::countError(ErrorCategory category)
{
    ++m_errors[size_t(category)];
}

bool ConnectionManager::nextAttemptIsHttp() const
{
    switch (m_config.transport) {
    case TransportPreference::Sse:
    case TransportPreference::Poll:
        return true;
    case TransportPreference::WebSocket:
        return false;
    case TransportPreference::Auto:
        break;
    }
    // WebSocket first; once it kept failing (or was refused on the way), attempts alternate
    // between HTTP and WebSocket, each one drawing from the same backoff.
    return (m_wsRefused || m_wsFailures >= m_config.fallbackAfterFailures) && !m_attemptIsHttp;
}

void ConnectionManager::startAttempt()
{
    resetSocket(false);
    m_welcome = {};
    m_tlsProblem.clear();
    if (m_config.urls.isEmpty()) {
        setState(State::Error, QStringLiteral("no server URL configured"));
        return;
    }
    if (nextAttemptIsHttp()) {
        if (m_config.transport == TransportPreference::Sse)
            m_httpMode = HttpTransport::Mode::Sse;
        else if (m_config.transport == TransportPreference::Poll)
            m_httpMode = HttpTransport::Mode::Poll;
        const QString why =
            !m_httpReason.isEmpty() ? std::exchange(m_httpReason, QString())
            : m_config.transport != TransportPreference::Auto
                ? QStringLiteral("HTTP transport chosen (%1)")
                      .arg(transportPreferenceName(m_config.transport))
            : m_wsRefused ? QStringLiteral("the WebSocket upgrade is refused on the way")
                          : QStringLiteral("WebSocket failed %1 times in a row").arg(m_wsFailures);
        startHttpAttempt(why, m_httpMode);
        return;
    }
    m_attemptIsHttp = false;
    m_httpProven = false;
    if (m_http)
        m_http->stop();
    const QUrl url = currentUrl();

    auto *socket = new QWebSocket(QString(), QWebSocketProtocol::VersionLatest, this);
    socket->setMaxAllowedIncomingMessageSize(quint64(m_config.maxMessageBytes));
    socket->setMaxAllowedIncomingFrameSize(quint64(m_config.maxMessageBytes));
    // A frame is read once it is whole, so the socket must hold one; more it need not. This also
    // bounds what a server that never ends its handshake answer can make us hold.
    socket->setReadBufferSize(m_config.maxMessageBytes + HttpTransport::kFramingSlackBytes);
    if (url.scheme() == u"wss")
        socket->setSslConfiguration(m_endpoint.tls());
    m_socket = socket;
    connect(socket, &QWebSocket::connected, this, &ConnectionManager::onConnected);
    connect(socket, &QWebSocket::disconnected, this, &ConnectionManager::onDisconnected);
    connect(socket, &QWebSocket::textMessageReceived, this, &ConnectionManager::onTextMessage);
    connect(socket, &QWebSocket::binaryMessageReceived, this, [this](const QByteArray &data) {
        m_bytesIn += quint64(data.size());
        noteBadFrame(QStringLiteral("a binary frame of %1 bytes (the protocol uses text frames)")
                         .arg(data.size()));
    });
    connect(socket, &QWebSocket::pong, this,
            [this](quint64 elapsed, const QByteArray &) { onPong(elapsed); });
    connect(socket, &QWebSocket::sslErrors, this, [this](const QList<QSslError> &errors) {
        QStringList problems;
        for (const QSslError &e : errors)
            problems.append(e.errorString());
        problems.removeDuplicates();
        m_tlsProblem = problems.join(QStringLiteral("; "));
    });
    connect(socket, qOverload<QAbstractSocket::SocketError>(&QWebSocket::error), this,
            &ConnectionManager::onSocketError);

    setState(State::Connecting,
             QStringLiteral("connecting to %1").arg(ServerEndpoint::redacted(url)));
    m_connectTimer.start(m_config.connectTimeoutMs);
    socket->open(upgradeRequest(url));
}

void ConnectionManager::onSocketError()
{
    if (!m_socket || sender() != m_socket)
        return;
    const auto error = m_socket->error();
    const QString text = m_socket->errorString();
    if (!m_tlsProblem.isEmpty() || error == QAbstractSocket::SslHandshakeFailedError ||
        error == QAbstractSocket::SslInvalidUserDataError) {
        handleFailure(QStringLiteral("TLS problem with %1: %2")
                          .arg(currentUrl().host(), m_tlsProblem.isEmpty() ? text : m_tlsProblem),
                      ErrorCategory::Tls);
        return;
    }
    const int refused = ServerEndpoint::refusedUpgradeStatus(text);
    if (refused == 401) {
        handleFailure(QStringLiteral("the server refused the credentials (HTTP 401)"),
                      ErrorCategory::Auth, 4401);
        return;
    }
    if (refused != 0 && refused != 429 && m_config.transport == TransportPreference::Auto) {
        // Something answered the upgrade with plain HTTP (a proxy that strips WebSocket):
        // WebSocket will not work through it, HTTP may. Try it now: this is still the same
        // attempt, and Fallback comes only once the server answers over HTTP.
        resetSocket(false);
        countError(ErrorCategory::Network);
        m_wsRefused = true;
        startHttpAttempt(QStringLiteral("the WebSocket upgrade was refused (%1)").arg(text),
                         m_httpMode);
        return;
    }
    if (refused == 429) {
        handleFailure(QStringLiteral("the server is rate limiting (HTTP 429)"),
                      ErrorCategory::RateLimited, 4429);
        return;
    }
    handleFailure(text, ErrorCategory::Network);
}

void ConnectionManager::onDisconnected()
{
    if (!m_socket || sender() != m_socket)
        return;
    if (m_state == State::Connecting) {
        // The link never opened (refused, reset, upgrade refused): a close code means nothing
        // here, the socket's error says what happened.
        onSocketError();
        return;
    }
    const int code = int(m_socket->closeCode());
    const QString why =
        m_socket->closeReason().isEmpty() ? m_socket->errorString() : m_socket->closeReason();
    if (code == QWebSocketProtocol::CloseCodeTooMuchData &&
        closedLocallyForSize(m_socket->closeReason()))
        onOversizedClose();
    handleFailure(QStringLiteral("connection closed (code %1%2)")
                      .arg(code)
                      .arg(why.isEmpty() ? QString() : QStringLiteral(": ") + why),
                  categoryForCloseCode(code), code);
}

void ConnectionManager::handleFailure(const QString &reason, ErrorCategory category, int closeCode)
{
    if (m_state == State::Closed)
        return;
    const bool wasConnected = m_state == State::Connected || m_state == State::Fallback;
    const bool wasHttp = m_attemptIsHttp;
    leaveFallback();
    resetSocket(false);
    // Stopped before it fired: the link was too short-lived to reset the backoff.
    m_stableTimer.stop();
    countError(category);
    if (wasConnected)
        m_droppedAt = m_clock.monotonicMs();
    if (m_unreachableSince < 0)
        m_unreachableSince = m_clock.wallMs();

    if (closeCode == 4401) {
        m_unauthorized = true;
        m_reconnectTimer.stop();
        setState(State::Error,
                 QStringLiteral("unauthorized: %1. Not retrying until the credentials change.")
                     .arg(reason));
        return;
    }
    if (!m_config.autoReconnect) {
        setState(State::Disconnected, reason);
        return;
    }

    if (!wasConnected && !wasHttp)
        ++m_wsFailures;

    // Failover: a failed attempt moves on to the next URL; a working link that dropped is
    // retried where it was (the last good URL) first.
    if (!wasConnected && m_config.urls.size() > 1)
        m_urlIndex = (m_urlIndex + 1) % int(m_config.urls.size());

    ++m_attempt;
    if (m_breaker.recordFailure()) {
        m_nextDelayMs = m_config.breakerCooldownMs;
        setState(State::Error,
                 QStringLiteral("gave up after %1 attempts (last: %2); next probe in %3 s")
                     .arg(m_breaker.failures())
                     .arg(reason)
                     .arg((m_config.breakerCooldownMs + 999) / 1000));
        m_breakerTimer.start(m_config.breakerCooldownMs);
        return;
    }

    int delay = 0;
    if (closeCode == QWebSocketProtocol::CloseCodeGoingAway || closeCode == 1012) {
        // The server is restarting on purpose: come back promptly, still jittered.
        delay = m_config.reconnect.delayMs(1, m_uniform01);
    } else if (closeCode == 4429) {
        delay = m_config.rateLimitedMinDelayMs + m_config.reconnect.delayMs(m_attempt, m_uniform01);
    } else {
        delay = m_config.reconnect.delayMs(m_attempt, m_uniform01);
    }
    m_nextDelayMs = delay;
    setState(State::Reconnecting,
             QStringLiteral("%1; attempt %2 in %3 ms").arg(reason).arg(m_attempt).arg(delay));
    Q_EMIT reconnectScheduled(m_attempt, delay);
    m_reconnectTimer.start(delay);
}

void ConnectionManager::onConnected()
{
    m_wsFailures = 0;
    m_wsRefused = false;
    m_unreachableSince = -1;
    noteEvidence();
    m_criticalSince = -1;
    m_connectTimer.stop();
    m_breaker.recordSuccess();
    m_breakerTimer.stop();
    m_goodUrlIndex = m_urlIndex;
    m_missedHeartbeats = 0;
    const qint64 now = m_clock.monotonicMs();
    m_connectedAt = now;
    if (m_droppedAt >= 0) {
        m_lastTimeToReconnectMs = now - m_droppedAt;
        ++m_reconnects;
        m_droppedAt = -1;
    }
    m_stableTimer.start(m_config.minStableMs);
    const bool wasFallback = !m_fallbackReason.isEmpty();
    m_fallbackReason.clear();
    setState(State::Connected,
             QStringLiteral("connected to %1").arg(ServerEndpoint::redacted(currentUrl())));
    if (wasFallback)
        Q_EMIT transportChanged(transportName(), QStringLiteral("WebSocket works again"));
    // Subscribe once the server has said who it is: its epoch decides where each channel
    // resumes. A server that sends no welcome is subscribed to after a short wait.
    if (m_basicServer || m_config.welcomeWaitMs <= 0)
        sendSubscribe(m_config.channels);
    else
        m_subscribeTimer.start(m_config.welcomeWaitMs);
    m_heartbeatTimer.start(m_config.heartbeatMs);
    m_backlogTimer.start();
    // One heartbeat at once, so RTT and liveness are known without waiting a full interval.
    sendHeartbeat();
}

void ConnectionManager::sendSubscribe(const QStringList &names)
{
    if (names.isEmpty())
        return;
    m_subscribedThisLink = true;
    m_subscribeTimer.stop();
    QJsonArray channels;
    for (const QString &name : names) {
        QJsonObject entry{{QStringLiteral("name"), name}};
        const qint64 since = m_cursor.since(name, m_config.replayHistory);
        if (since >= 0)
            entry.insert(QStringLiteral("since"), since);
        channels.append(entry);
        m_subscribePending.insert(name);
        if (!m_subscribeOrder.contains(name))
            m_subscribeOrder.append(name);
    }
    send(Envelope::create(QStringLiteral("subscribe"), QStringLiteral("system"),
                          QJsonObject{{QStringLiteral("channels"), channels}}));
}

void ConnectionManager::sendHeartbeat()
{
    if (m_state == State::Fallback && m_http) {
        if (m_awaitingPong)
            return;
        // The heartbeat of the fallback: a real round trip to the server over HTTP. A failure
        // or a timeout is a lost heartbeat, like an unanswered ping.
        m_awaitingPong = true;
        m_pingSentAt = m_clock.monotonicMs();
        m_http->probeHealth(m_config.heartbeatTimeoutMs);
        return;
    }
    if (!m_socket || m_state != State::Connected || m_awaitingPong)
        return;
    m_awaitingPong = true;
    m_pingSentAt = m_clock.monotonicMs();
    if (serverSentWelcome()) {
        send(Envelope::create(QStringLiteral("ping"), QStringLiteral("system"),
                              QJsonObject{{QStringLiteral("t"), m_clock.wallMs()}}));
    } else {
        // A basic RFC 6455 server answers control-frame pings even if it knows no protocol.
        m_socket->ping();
    }
    m_pongTimer.start(m_config.heartbeatTimeoutMs);
}

void ConnectionManager::noteEvidence()
{
    m_lastEvidence = m_clock.monotonicMs();
}

void ConnectionManager::setStalled(bool stalled)
{
    if (stalled == m_stallReported)
        return;
    m_stallReported = stalled;
    Q_EMIT stalledChanged(stalled);
}

void ConnectionManager::onPong(qint64 elapsedMs)
{
    if (!m_awaitingPong)
        return;
    m_awaitingPong = false;
    m_pongTimer.stop();
    m_missedHeartbeats = 0;
    noteEvidence();
    setStalled(false);
    const qint64 rtt = std::max<qint64>(0, elapsedMs);
    m_health.recordRtt(rtt, m_clock.monotonicMs());
    Q_EMIT rttMeasured(rtt);
    if (m_state == State::Connected && m_config.transport == TransportPreference::Auto) {
        const qint64 now = m_clock.monotonicMs();
        if (quality() != QualityGrade::Critical) {
            m_criticalSince = -1;
        } else if (m_criticalSince < 0) {
            m_criticalSince = now;
        } else if (now - m_criticalSince >= m_config.criticalFallbackMs) {
            // Try HTTP next, through Reconnecting: nothing claims Fallback before HTTP answers.
            const QString why = QStringLiteral("the WebSocket link stayed critical for %1 s")
                                    .arg((now - m_criticalSince) / 1000);
            m_criticalSince = -1;
            resetSocket(true);
            m_wsFailures = std::max(m_wsFailures, m_config.fallbackAfterFailures);
            m_attemptIsHttp = false;
            m_nextDelayMs = 0;
            m_httpReason = why;
            setState(State::Reconnecting, why + QStringLiteral("; trying HTTP"));
            m_reconnectTimer.start(0);
        }
    }
}

void ConnectionManager::onHeartbeatTimeout()
{
    if (!m_awaitingPong)
        return;
    m_awaitingPong = false;
    ++m_missedHeartbeats;
    m_health.recordLoss(m_clock.monotonicMs());
    qCWarning(lcNet) << "heartbeat missed" << m_missedHeartbeats << "of"
                     << m_config.maxMissedHeartbeats;
    setStalled(true);
    if (m_missedHeartbeats >= m_config.maxMissedHeartbeats) {
        handleFailure(QStringLiteral("no heartbeat answer %1 times in a row: the link is dead")
                          .arg(m_missedHeartbeats),
                      ErrorCategory::Network);
        return;
    }
    // Ask again at once rather than a whole interval later: a dead link is declared after
    // maxMissedHeartbeats timeouts, not maxMissedHeartbeats intervals.
    sendHeartbeat();
}

void ConnectionManager::onTextMessage(const QString &message)
{
    processFrame(message.toUtf8());
}

void ConnectionManager::processFrame(const QByteArray &frame)
{
    const qint64 now = m_clock.monotonicMs();
    ++m_messagesIn;
    m_bytesIn += quint64(frame.size());
    m_rateMessagesIn.add(now);
    m_rateBytesIn.add(now, frame.size());

    if (!checkBacklog())
        return;
    const ParseResult parsed = parseEnvelope(frame, m_config.maxMessageBytes);
    if (!parsed.ok()) {
        noteBadFrame(parsed.error.message);
        return;
    }
    const Envelope &e = parsed.envelope;
    if ((e.channel.isEmpty() || e.channel == u"system") && isControlType(e.type)) {
        handleControl(e);
        return;
    }
    if (!e.id.isEmpty() && m_dedup.seen(e.id, now)) {
        ++m_duplicates;
        if (lcNet().isDebugEnabled() && mayLog(QStringLiteral("duplicate")))
            qCDebug(lcNet) << "duplicate dropped" << e.id;
        return;
    }
    if (e.hasSeq() && !e.channel.isEmpty() && tracksChannel(e.channel)) {
        const qint64 last = m_cursor.lastSeq(e.channel);
        if (last >= 0 && e.seq > last + 1 && !m_subscribePending.contains(e.channel) &&
            m_state == State::Connected) {
            // A hole in the live stream: ask the server to replay from what we have.
            if (mayLog(QStringLiteral("gap"))) {
                qCWarning(lcNet).noquote() << "gap on" << e.channel << "after seq" << last << "got"
                                           << e.seq << "- requesting replay";
            }
            sendSubscribe({e.channel});
        }
        if (m_cursor.advance(e.channel, e.seq)) {
            if (m_http)
                m_http->notePosition(e.channel, e.seq);
            Q_EMIT positionAdvanced(e.channel, e.seq, m_cursor.position(e.channel).epoch);
        }
    }
    Q_EMIT envelopeReceived(e);
}

void ConnectionManager::noteBadFrame(const QString &why)
{
    ++m_protocolErrors;
    countError(ErrorCategory::Protocol);
    if (mayLog(QStringLiteral("bad frame")))
        qCWarning(lcNet).noquote() << "dropped a bad frame:" << why.left(200);
    Q_EMIT protocolError(why);
    if (m_badFrames.record(m_clock.monotonicMs())) {
        dropBadPeer(QStringLiteral("the server sent %1 bad frames within %2 s")
                        .arg(m_badFrames.limit())
                        .arg(m_badFrames.windowMs() / 1000.0));
    }
}

void ConnectionManager::dropBadPeer(const QString &reason)
{
    if (m_state != State::Connected && m_state != State::Fallback)
        return;
    ++m_badFrameDisconnects;
    qCWarning(lcNet).noquote() << reason << "- disconnecting; reconnecting with backoff";
    if (m_socket && m_state == State::Connected) {
        // Say why (1008) to a server that may listen; do not wait for its answer.
        QWebSocket *socket = m_socket;
        socket->disconnect(this);
        socket->close(QWebSocketProtocol::CloseCodePolicyViolated,
                      QStringLiteral("too many bad frames"));
    }
    if (m_attemptIsHttp && m_http)
        m_http->stop();
    handleFailure(reason, ErrorCategory::Protocol, QWebSocketProtocol::CloseCodePolicyViolated);
}

bool ConnectionManager::checkBacklog()
{
    if (!m_socket || m_state != State::Connected)
        return true;
    const qint64 pending = m_socket->bytesToWrite();
    if (pending <= m_config.maxPendingWriteBytes)
        return true;
    ++m_backlogDisconnects;
    const QString reason = QStringLiteral("the server does not read what it is sent (%1 bytes "
                                          "waiting, the limit is %2)")
                               .arg(pending)
                               .arg(m_config.maxPendingWriteBytes);
    qCWarning(lcNet).noquote() << reason << "- disconnecting";
    handleFailure(reason, ErrorCategory::Network);
    return false;
}

QString ConnectionManager::positionsKey() const
{
    QStringList parts;
    for (const QString &channel : m_config.channels) {
        const ChannelPosition p = m_cursor.position(channel);
        parts.append(QStringLiteral("%1=%2@%3").arg(channel).arg(p.seq).arg(p.epoch));
    }
    return parts.join(QLatin1Char(','));
}

void ConnectionManager::onOversizedClose()
{
    const QString replaying = m_subscribeOrder.isEmpty() ? QString() : m_subscribeOrder.first();
    const qint64 since =
        replaying.isEmpty() ? -1 : m_cursor.since(replaying, m_config.replayHistory);
    const qint64 skip = m_oversize.record(positionsKey(), replaying, since);
    const QString what =
        QStringLiteral("a message over the limit of %1 bytes").arg(m_config.maxMessageBytes);
    if (skip >= 0) {
        skipMessage(replaying, skip,
                    QStringLiteral("%1 arrived again at the same place").arg(what));
        return;
    }
    if (mayLog(QStringLiteral("oversized"))) {
        qCWarning(lcNet).noquote()
            << "the link was closed for" << what
            << (replaying.isEmpty() ? QStringLiteral("(a live message)")
                                    : QStringLiteral("while replaying %1").arg(replaying))
            << "- if it comes again at the same place it is skipped";
    }
}

void ConnectionManager::skipMessage(const QString &channel, qint64 seq, const QString &reason)
{
    ++m_messagesSkipped;
    if (!channel.isEmpty() && seq >= 0 && tracksChannel(channel) &&
        m_cursor.advance(channel, seq)) {
        if (m_http)
            m_http->notePosition(channel, seq);
        Q_EMIT positionAdvanced(channel, seq, m_cursor.position(channel).epoch);
    }
    if (mayLog(QStringLiteral("skipped"))) {
        qCWarning(lcNet).noquote()
            << "skipped"
            << (seq >= 0 ? QStringLiteral("message %1").arg(seq) : QStringLiteral("a message"))
            << (channel.isEmpty() ? QString() : QStringLiteral("on %1").arg(channel)) << ":"
            << reason;
    }
    Q_EMIT messageSkipped(channel, seq, reason);
}

bool ConnectionManager::tracksChannel(const QString &channel) const
{
    return m_config.channels.contains(channel) || m_cursor.contains(channel) ||
           m_cursor.size() < kMaxTrackedChannels;
}

quint64 ConnectionManager::logLinesSuppressed() const
{
    quint64 total = m_logLimiter.suppressedTotal();
    if (m_http)
        total += m_http->logLinesSuppressed();
    return total;
}

void ConnectionManager::handleControl(const Envelope &e)
{
    const QJsonObject payload = e.payload.toObject();
    if (e.type == u"welcome") {
        m_welcome = payload;
        m_basicServer = false;
        onEpoch(payload.value(QStringLiteral("epoch")).toString());
        Q_EMIT welcomeReceived(payload);
        if (m_state == State::Connected && !m_subscribedThisLink)
            sendSubscribe(m_config.channels);
    } else if (e.type == u"pong") {
        if (m_awaitingPong)
            onPong(m_clock.monotonicMs() - m_pingSentAt);
    } else if (e.type == u"ping") {
        send(Envelope::create(QStringLiteral("pong"), QStringLiteral("system"), e.payload));
    } else if (e.type == u"subscribed") {
        const QString channel = payload.value(QStringLiteral("channel")).toString();
        const bool recovered = payload.value(QStringLiteral("recovered")).toBool(true);
        m_subscribePending.remove(channel);
        m_subscribeOrder.removeOne(channel);
        Q_EMIT subscribed(channel, qint64(payload.value(QStringLiteral("head")).toDouble(-1)),
                          recovered);
        if (!recovered && !m_reloadPending.contains(channel))
            Q_EMIT recoveryFailed(channel);
        // A long replay comes in pages: ask for the next one from where this one ended. A
        // page that moved nothing forward ends the paging (no loop on a confused server).
        const qint64 reached = m_cursor.lastSeq(channel);
        if (payload.value(QStringLiteral("more")).toBool(false) && m_state == State::Connected &&
            reached > m_pagedFrom.value(channel, -1) && m_config.channels.contains(channel)) {
            m_pagedFrom.insert(channel, reached);
            sendSubscribe({channel});
            return;
        }
        m_pagedFrom.remove(channel);
        if (m_reloadPending.remove(channel)) {
            // A reload asked for everything the server holds: whatever it replayed is all
            // there is, recovered or not.
            Q_EMIT reloadFinished(channel);
        } else if (!recovered && mayLog(QStringLiteral("not recovered"))) {
            qCWarning(lcNet).noquote()
                << "missed messages on" << channel << "could not be recovered";
        }
    } else if (e.type == u"ack") {
        Q_EMIT acked(payload.value(QStringLiteral("id")).toString());
    } else if (e.type == u"error") {
        const QString code = payload.value(QStringLiteral("code")).toString();
        const QString text = payload.value(QStringLiteral("message")).toString();
        if (mayLog(QStringLiteral("server error")))
            qCWarning(lcNet).noquote() << "server error" << code.left(64) << "-" << text.left(200);
        if (code == u"rate_limited")
            countError(ErrorCategory::RateLimited);
        else
            countError(ErrorCategory::Server);
        Q_EMIT serverError(code, text, payload.value(QStringLiteral("ref")).toString());
    }
}

QJsonObject ConnectionManager::healthJson() const
{
    const qint64 now = m_clock.monotonicMs();
    QJsonObject o = m_health.toJson(now);
    const QualityGrade grade = quality();
    const bool linked = m_state == State::Connected || m_state == State::Fallback;
    if (!linked || stalled()) {
        // A round trip that is not happening has no "last" value: the charts show a gap.
        o.insert(QStringLiteral("rttLastMs"), -1);
    }
    o.insert(QStringLiteral("stalled"), stalled());
    o.insert(QStringLiteral("silentForMs"), silentForMs());
    o.insert(QStringLiteral("unreachableSince"), m_unreachableSince);
    if (!m_cursor.serverEpoch().isEmpty())
        o.insert(QStringLiteral("epoch"), m_cursor.serverEpoch());
    o.insert(QStringLiteral("state"), stateName(m_state));
    o.insert(QStringLiteral("transport"), transportName());
    if (!m_fallbackReason.isEmpty())
        o.insert(QStringLiteral("fallbackReason"), m_fallbackReason);
    o.insert(QStringLiteral("url"), ServerEndpoint::redacted(currentUrl()));
    o.insert(QStringLiteral("quality"), gradeName(grade));
    o.insert(QStringLiteral("recommendation"),
             linked ? gradeRecommendation(grade)
                    : QCoreApplication::translate(
                          "Quality", "Not connected: nothing answers, so there is nothing to "
                                     "measure. Queued actions wait in the outbox."));
    o.insert(QStringLiteral("uptimeMs"), uptimeMs());
    o.insert(QStringLiteral("reconnects"), m_reconnects);
    o.insert(QStringLiteral("timeToReconnectMs"), m_lastTimeToReconnectMs);
    o.insert(QStringLiteral("attempt"), m_attempt);
    o.insert(QStringLiteral("messagesIn"), qint64(m_messagesIn));
    o.insert(QStringLiteral("messagesOut"), qint64(m_messagesOut));
    o.insert(QStringLiteral("bytesIn"), qint64(m_bytesIn));
    o.insert(QStringLiteral("bytesOut"), qint64(m_bytesOut));
    o.insert(QStringLiteral("messagesInPerSec"), m_rateMessagesIn.perSecond(now));
    o.insert(QStringLiteral("messagesOutPerSec"), m_rateMessagesOut.perSecond(now));
    o.insert(QStringLiteral("bytesInPerSec"), m_rateBytesIn.perSecond(now));
    o.insert(QStringLiteral("bytesOutPerSec"), m_rateBytesOut.perSecond(now));
    o.insert(QStringLiteral("duplicatesDropped"), qint64(m_duplicates));
    o.insert(QStringLiteral("protocolErrors"), qint64(m_protocolErrors));
    o.insert(QStringLiteral("badFrameDisconnects"), qint64(m_badFrameDisconnects));
    o.insert(QStringLiteral("backlogDisconnects"), qint64(m_backlogDisconnects));
    o.insert(QStringLiteral("messagesSkipped"), qint64(m_messagesSkipped));
    o.insert(QStringLiteral("logLinesSuppressed"), qint64(logLinesSuppressed()));
    QJsonObject errors;
    for (int i = 0; i < kErrorCategoryCount; ++i)
        errors.insert(errorCategoryName(ErrorCategory(i)), qint64(m_errors[size_t(i)]));
    o.insert(QStringLiteral("errors"), errors);
    return o;
}

QString ConnectionManager::transportName() const
{
    // HTTP carries the messages only once it has answered (Fallback); a trial is no transport.
    if (m_state == State::Fallback && m_http && m_http->isRunning())
        return m_http->mode() == HttpTransport::Mode::Sse ? QStringLiteral("sse")
                                                          : QStringLiteral("poll");
    return QStringLiteral("websocket");
}

QHash<QString, qint64> ConnectionManager::resumePositions() const
{
    return m_cursor.sincePositions(m_config.channels, m_config.replayHistory);
}

void ConnectionManager::onEpoch(const QString &epoch)
{
    const QStringList reset = m_cursor.adoptServerEpoch(epoch);
    if (reset.isEmpty())
        return;
    if (mayLog(QStringLiteral("new history"))) {
        qCWarning(lcNet).noquote() << "the server's history is new (epoch" << epoch.left(64)
                                   << "): replaying" << reset.join(QLatin1Char(','))
                                   << "from its beginning; what came before could not be checked";
    }
    Q_EMIT historyReset(reset, epoch);
    if (m_attemptIsHttp && m_http && m_http->isRunning())
        m_http->start(m_http->mode(), m_config.channels, resumePositions());
    else if (m_state == State::Connected && m_subscribedThisLink)
        sendSubscribe(reset);
}

void ConnectionManager::ensureHttp()
{
    if (m_http) {
        m_http->setBaseUrl(HttpTransport::httpBaseFor(currentUrl()));
        return;
    }
    HttpTransport::Settings settings;
    settings.baseUrl = HttpTransport::httpBaseFor(currentUrl());
    settings.token = m_config.token;
    settings.extraCaCertificates = m_config.extraCaCertificates;
    settings.pollBaseMs = m_config.pollBaseMs;
    settings.sseSilenceMs = m_config.sseSilenceMs;
    settings.requestTimeoutMs = m_config.connectTimeoutMs;
    settings.maxMessageBytes = m_config.maxMessageBytes;
    settings.maxBodyBytes = m_config.maxHttpBodyBytes;
    m_http = std::make_unique<HttpTransport>(settings, this);
    connect(m_http.get(), &HttpTransport::envelopeReceived, this,
            [this](const QByteArray &frame) { processFrame(frame); });
    connect(m_http.get(), &HttpTransport::answered, this, &ConnectionManager::onHttpAnswered);
    connect(m_http.get(), &HttpTransport::epochSeen, this, &ConnectionManager::onEpoch);
    connect(m_http.get(), &HttpTransport::rttMeasured, this, [this](qint64 ms) {
        if (m_state == State::Fallback)
            onPong(ms);
    });
    connect(m_http.get(), &HttpTransport::healthFailed, this, [this](const QString &why) {
        if (m_state != State::Fallback)
            return;
        qCDebug(lcNet).noquote() << "HTTP round trip failed:" << why;
        onHeartbeatTimeout();
    });
    connect(m_http.get(), &HttpTransport::streamSilent, this, [this] {
        m_fallbackReason +=
            QStringLiteral("; the event stream is buffered on the way, polling instead");
        qCWarning(lcNet)
            << "the event stream stays silent (a buffering proxy?): switching to long-polling";
        m_httpMode = HttpTransport::Mode::Poll;
        m_http->start(HttpTransport::Mode::Poll, m_config.channels, resumePositions());
        if (m_state == State::Fallback)
            Q_EMIT transportChanged(transportName(), m_fallbackReason);
    });
    connect(m_http.get(), &HttpTransport::failed, this, &ConnectionManager::onHttpFailed);
    connect(m_http.get(), &HttpTransport::protocolError, this, &ConnectionManager::noteBadFrame);
    connect(m_http.get(), &HttpTransport::protocolViolation, this, [this](const QString &why) {
        if (!m_attemptIsHttp || (m_state != State::Fallback && m_state != State::Connecting))
            return;
        ++m_protocolErrors;
        handleFailure(QStringLiteral("HTTP: %1").arg(why), ErrorCategory::Protocol);
    });
    connect(m_http.get(), &HttpTransport::messageSkipped, this,
            [this](const QString &channel, qint64 seq, qint64 bytes) {
                skipMessage(channel, seq,
                            QStringLiteral("a message of %1 bytes, over the limit of %2 bytes")
                                .arg(bytes)
                                .arg(m_config.maxMessageBytes));
            });
}

void ConnectionManager::startHttpAttempt(const QString &reason, HttpTransport::Mode mode)
{
    m_reconnectTimer.stop();
    m_stableTimer.stop();
    resetSocket(false);
    ensureHttp();
    m_attemptIsHttp = true;
    m_httpProven = false;
    m_httpMode = mode;
    m_fallbackReason = reason;
    m_http->start(mode, m_config.channels, resumePositions());
    setState(State::Connecting, QStringLiteral("trying HTTP (%1) at %2: %3")
                                    .arg(mode == HttpTransport::Mode::Sse ? QStringLiteral("SSE")
                                                                          : QStringLiteral("poll"),
                                         ServerEndpoint::redacted(m_http->baseUrl()), reason));
    m_connectTimer.start(m_config.connectTimeoutMs);
}

void ConnectionManager::onHttpAnswered()
{
    noteEvidence();
    if (!m_reloadPending.isEmpty()) {
        // The replay of a reload came with this answer: done once it has been processed.
        QTimer::singleShot(0, this, [this] {
            if (m_state != State::Fallback)
                return;
            const QSet<QString> done = std::exchange(m_reloadPending, {});
            for (const QString &channel : done)
                Q_EMIT reloadFinished(channel);
        });
    }
    if (!m_attemptIsHttp || m_httpProven)
        return;
    m_httpProven = true;
    m_connectTimer.stop();
    m_breaker.recordSuccess();
    m_breakerTimer.stop();
    m_goodUrlIndex = m_urlIndex;
    m_missedHeartbeats = 0;
    m_unreachableSince = -1;
    const qint64 now = m_clock.monotonicMs();
    if (m_droppedAt >= 0) {
        m_lastTimeToReconnectMs = now - m_droppedAt;
        ++m_reconnects;
        m_droppedAt = -1;
    }
    m_stableTimer.start(m_config.minStableMs);
    const bool already = m_state == State::Fallback;
    const QString mode =
        m_http->mode() == HttpTransport::Mode::Sse ? QStringLiteral("sse") : QStringLiteral("poll");
    setState(State::Fallback,
             QStringLiteral("using HTTP fallback (%1): %2").arg(mode, m_fallbackReason));
    if (already)
        Q_EMIT transportChanged(transportName(), m_fallbackReason);
    m_heartbeatTimer.start(m_config.heartbeatMs);
    sendHeartbeat(); // a first round trip at once, as on WebSocket
    if (m_config.transport == TransportPreference::Auto) {
        m_upgradeAttempts = 0;
        scheduleUpgradeProbe();
    }
}

void ConnectionManager::leaveFallback()
{
    m_upgradeTimer.stop();
    if (m_probe) {
        m_probe->disconnect(this);
        m_probe->abort();
        m_probe->deleteLater();
    }
    if (m_http)
        m_http->stop();
}

void ConnectionManager::onHttpFailed(const QString &reason, int httpStatus)
{
    if (!m_attemptIsHttp || (m_state != State::Fallback && m_state != State::Connecting))
        return;
    if (httpStatus == 401) {
        leaveFallback();
        m_connectTimer.stop();
        m_unauthorized = true;
        countError(ErrorCategory::Auth);
        setState(State::Error, QStringLiteral("unauthorized: %1. Not retrying until the "
                                              "credentials change.")
                                   .arg(reason));
        return;
    }
    if (m_http->mode() == HttpTransport::Mode::Sse && httpStatus >= 400) {
        // The server (or a proxy) answered but refused the event stream: long-polling is plain
        // requests. Same attempt, no new wait.
        m_httpMode = HttpTransport::Mode::Poll;
        m_fallbackReason += QStringLiteral("; the event stream was refused, polling instead");
        m_http->start(HttpTransport::Mode::Poll, m_config.channels, resumePositions());
        if (m_state == State::Fallback)
            Q_EMIT transportChanged(transportName(), m_fallbackReason);
        return;
    }
    // Nothing answered over HTTP either: the server is unreachable. One backoff for all.
    m_http->stop();
    handleFailure(QStringLiteral("HTTP: %1").arg(reason),
                  httpStatus >= 500 ? ErrorCategory::Server : ErrorCategory::Network);
}

void ConnectionManager::scheduleUpgradeProbe()
{
    m_upgradeTimer.start(m_config.upgradeProbe.delayMs(++m_upgradeAttempts, m_uniform01));
}

QNetworkRequest ConnectionManager::upgradeRequest(const QUrl &url) const
{
    return m_endpoint.request(url);
}

void ConnectionManager::probeWebSocket()
{
    if (m_state != State::Fallback || m_config.transport != TransportPreference::Auto)
        return;
    if (m_probe)
        m_probe->deleteLater();
    auto *probe = new QWebSocket(QString(), QWebSocketProtocol::VersionLatest, this);
    m_probe = probe;
    if (currentUrl().scheme() == u"wss")
        probe->setSslConfiguration(m_endpoint.tls());
    connect(probe, &QWebSocket::connected, this, [this, probe] {
        probe->disconnect(this);
        probe->close();
        probe->deleteLater();
        qCInfo(lcNet) << "WebSocket works again: leaving the HTTP fallback";
        leaveFallback();
        m_attempt = 0;
        m_wsFailures = 0;
        m_wsRefused = false;
        m_attemptIsHttp = false;
        startAttempt(); // resubscribes with since: no gap, duplicates dropped by id
    });
    connect(probe, qOverload<QAbstractSocket::SocketError>(&QWebSocket::error), this,
            [this, probe] {
                qCDebug(lcNet).noquote() << "WebSocket probe failed:" << probe->errorString();
                probe->disconnect(this);
                probe->abort();
                probe->deleteLater();
                scheduleUpgradeProbe();
            });
    probe->open(upgradeRequest(currentUrl()));
}

void ConnectionManager::setTransportPreference(TransportPreference preference)
{
    if (preference == m_config.transport)
        return;
    m_config.transport = preference;
    qCInfo(lcNet).noquote() << "transport preference:" << transportPreferenceName(preference);
    if (m_state == State::Closed || m_state == State::Disconnected)
        return;
    if (m_state == State::Fallback &&
        (preference == TransportPreference::Sse || preference == TransportPreference::Poll)) {
        // HTTP works already: switch its mode in place.
        m_httpMode = preference == TransportPreference::Sse ? HttpTransport::Mode::Sse
                                                            : HttpTransport::Mode::Poll;
        m_upgradeTimer.stop();
        m_http->start(m_httpMode, m_config.channels, resumePositions());
        m_fallbackReason = QStringLiteral("chosen by the operator");
        Q_EMIT transportChanged(transportName(), m_fallbackReason);
        return;
    }
    reconnectNow(); // the next attempt follows the new preference
}

} // namespace vigil
