#include "connectionmanager.h"

#include "protocol/logging.h"

#include <QJsonArray>
#include <QRandomGenerator>
#include <QWebSocketProtocol>

#include <algorithm>
#include <utility>

namespace vigil {

ConnectionManager::ConnectionManager(ConnectionConfig config, QObject *parent)
    : QObject(parent)
    , m_config(std::move(config))
    , m_clock(Clock::system())
    , m_uniform01([] { return QRandomGenerator::global()->generateDouble(); })
    , m_endpoint(m_config.token, m_config.extraCaCertificates)
    , m_stats(100, m_config.lossWindowMs)
    , m_logLimiter(m_config.logBurst, m_config.logIntervalMs)
    , m_stream(m_config, m_stats, m_logLimiter)
    , m_heartbeat({m_config.heartbeatMs, m_config.heartbeatTimeoutMs, m_config.maxMissedHeartbeats})
    , m_badFrames(m_config.badFrameLimit, m_config.badFrameWindowMs)
    , m_breaker(m_config.maxAttempts)
    , m_upgrade(m_config.upgradeProbe)
    , m_wake(m_config.clockCheckIntervalMs, m_config.clockJumpThresholdMs)
    , m_choice(m_config)
{
    for (QTimer *t : {&m_reconnectTimer, &m_breakerTimer, &m_connectTimer, &m_stableTimer})
        t->setSingleShot(true);
    connect(&m_reconnectTimer, &QTimer::timeout, this, &ConnectionManager::startAttempt);
    connect(&m_breakerTimer, &QTimer::timeout, this, [this] {
        m_breaker.allowProbe();
        qCInfo(lcNet) << "circuit breaker half-open: one probe";
        startAttempt();
    });
    connect(&m_connectTimer, &QTimer::timeout, this, [this] {
        handleFailure(tr("no answer within %1 ms").arg(m_config.connectTimeoutMs),
                      ErrorCategory::Network);
    });
    connect(&m_stableTimer, &QTimer::timeout, this, [this] {
        // The link has proven itself: the next failure starts the backoff from the beginning.
        m_attempt = 0;
    });
    connect(&m_wake, &WakeWatcher::linkCheckAdvised, this, &ConnectionManager::probeNow);
    connect(&m_upgrade, &UpgradeProbe::webSocketWorks, this, [this] {
        leaveFallback();
        m_attempt = 0;
        m_choice.webSocketWorks();
        startAttempt(); // resubscribes with since: no gap, duplicates dropped by id
    });

    m_heartbeat.setPinger([this] { return sendPing(); });
    m_heartbeat.setStats(&m_stats.rtt());
    m_stream.setSender([this](const Envelope &request) { return send(request); });
    connect(&m_heartbeat, &Heartbeat::rttMeasured, this, &ConnectionManager::onRtt);
    connect(&m_heartbeat, &Heartbeat::stalledChanged, this, &ConnectionManager::stalledChanged);
    connect(&m_heartbeat, &Heartbeat::dead, this, [this](int count) {
        handleFailure(tr("no heartbeat answer %1 times in a row: the link is dead").arg(count),
                      ErrorCategory::Network);
    });

    connect(&m_stream, &ChannelStream::positionAdvanced, this,
            [this](const QString &channel, qint64 seq) {
                if (m_link)
                    m_link->notePosition(channel, seq); // a restarted HTTP request resumes here
            });
    connect(&m_stream, &ChannelStream::positionAdvanced, this,
            &ConnectionManager::positionAdvanced);
    connect(&m_stream, &ChannelStream::subscribed, this, &ConnectionManager::subscribed);
    connect(&m_stream, &ChannelStream::recoveryFailed, this, &ConnectionManager::recoveryFailed);
    connect(&m_stream, &ChannelStream::historyReset, this, &ConnectionManager::historyReset);
    connect(&m_stream, &ChannelStream::reloadFinished, this, &ConnectionManager::reloadFinished);
    connect(&m_stream, &ChannelStream::messageSkipped, this, &ConnectionManager::messageSkipped);
    connect(&m_stream, &ChannelStream::welcomeReceived, this, &ConnectionManager::welcomeReceived);
    connect(&m_stream, &ChannelStream::acked, this, &ConnectionManager::acked);
    connect(&m_stream, &ChannelStream::serverError, this, &ConnectionManager::serverError);
    connect(&m_stream, &ChannelStream::logFilterApplied, this,
            &ConnectionManager::logFilterApplied);
    connect(&m_stream, &ChannelStream::badBatch, this, &ConnectionManager::noteBadFrame);
    connect(&m_stream, &ChannelStream::unansweredPing, this, &ConnectionManager::noteBadFrame);
    connect(&m_stream, &ChannelStream::pongReceived, &m_heartbeat,
            [this] { m_heartbeat.answered(); });
}

ConnectionManager::~ConnectionManager()
{
    dropLink(true);
}

QUrl ConnectionManager::currentUrl() const
{
    if (m_config.urls.isEmpty())
        return {};
    return m_config.urls.at(m_urlIndex % m_config.urls.size());
}

QualityGrade ConnectionManager::quality() const
{
    // Only evidence counts: no link, nothing to grade; an unanswered heartbeat, the worst.
    if (m_state != State::Connected && m_state != State::Fallback)
        return QualityGrade::Unknown;
    if (stalled())
        return QualityGrade::Critical;
    const HealthStats &rtt = m_stats.rtt();
    return gradeFor(rtt.averageRttMs(), rtt.lossPercent(m_clock.monotonicMs()), rtt.sampleCount());
}

qint64 ConnectionManager::uptimeMs() const
{
    if (m_state != State::Connected || m_stats.linkedSinceMs() < 0)
        return 0;
    return m_clock.monotonicMs() - m_stats.linkedSinceMs();
}

quint64 ConnectionManager::logLinesSuppressed() const
{
    return m_logLimiter.suppressedTotal() + m_linkLogLinesSuppressed +
           (m_link ? m_link->logLinesSuppressed() : 0);
}

void ConnectionManager::setRandomSource(std::function<double()> uniform01)
{
    m_uniform01 = std::move(uniform01);
    m_upgrade.setRandomSource(m_uniform01);
}

void ConnectionManager::setClock(Clock clock)
{
    m_clock = std::move(clock);
    m_heartbeat.setClock(m_clock);
    m_wake.setClock(m_clock);
}

void ConnectionManager::reload(const QStringList &channels)
{
    if (channels.isEmpty())
        return;
    m_stream.reload(channels);
    if (HttpLink *http = httpLink(); http && m_state == State::Fallback)
        http->restart(http->mode(), m_stream.resumePositions());
    // Otherwise the next link subscribes from the start, and finishes the reload then.
}

void ConnectionManager::setLogFilter(const LogFilter &filter)
{
    m_config.logFilter = filter;
    HttpLink *http = httpLink();
    if (http) {
        http->setLogFilter(filter);
        http->restart(http->mode(), m_stream.resumePositions());
    }
    m_stream.logFilterChanged(http && m_state == State::Fallback);
}

void ConnectionManager::open()
{
    if (m_state != State::Disconnected && m_state != State::Error && m_state != State::Closed)
        return;
    if (m_config.urls.isEmpty()) {
        setState(State::Error, tr("no server URL configured"));
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
    dropLink(true);
    setState(State::Closed, tr("closed by the user"));
}

void ConnectionManager::reconnectNow()
{
    leaveFallback();
    m_choice.webSocketWorks();
    if (m_state == State::Connected) {
        dropLink(true);
        setState(State::Reconnecting, tr("reconnecting at the operator's request"));
    }
    m_reconnectTimer.stop();
    m_breakerTimer.stop();
    m_stableTimer.stop();
    dropLink(true);
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
    if (HttpLink *http = httpLink())
        http->setToken(token); // its next requests; a WebSocket keeps the link it opened
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
        m_heartbeat.beatNow();
    } else if (m_state == State::Reconnecting) {
        m_reconnectTimer.stop();
        startAttempt();
    }
}

bool ConnectionManager::send(const Envelope &envelope)
{
    if ((m_state != State::Connected && m_state != State::Fallback) || !m_link)
        return false;
    const qint64 written = m_link->send(envelope);
    if (written < 0)
        return false;
    m_stats.messageOut(written, m_clock.monotonicMs());
    Q_EMIT traffic(true, envelope, written);
    // Written, but if the server does not read, dropping the link is the only way to stop.
    return m_link->checkBacklog();
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

void ConnectionManager::dropLink(bool graceful)
{
    m_connectTimer.stop();
    m_heartbeat.stop();
    m_stream.linkEnded();
    if (TransportLink *link = std::exchange(m_link, nullptr)) {
        m_linkLogLinesSuppressed += link->logLinesSuppressed();
        link->disconnect(this);
        link->close(graceful);
        link->deleteLater();
    }
}

void ConnectionManager::startAttempt()
{
    dropLink(false);
    if (m_config.urls.isEmpty()) {
        setState(State::Error, tr("no server URL configured"));
        return;
    }
    if (m_choice.nextIsHttp()) {
        startHttpAttempt(m_choice.takeHttpReason(), m_choice.httpMode());
        return;
    }
    m_choice.attemptStarted(false);
    const QUrl url = currentUrl();
    auto *link = new WebSocketLink(m_endpoint, linkLimits(), this);
    attachLink(link);
    setState(State::Connecting, tr("connecting to %1").arg(ServerEndpoint::redacted(url)));
    m_connectTimer.start(m_config.connectTimeoutMs);
    link->open(url);
}

void ConnectionManager::attachLink(TransportLink *link)
{
    m_link = link;
    connect(link, &TransportLink::opened, this, &ConnectionManager::onLinkOpened);
    connect(link, &TransportLink::failed, this, &ConnectionManager::onLinkFailed);
    connect(link, &TransportLink::envelopeReceived, this,
            [this, link](const Envelope &envelope, qint64 bytes) {
                const qint64 now = m_clock.monotonicMs();
                m_stats.frameIn(bytes, now);
                Q_EMIT traffic(false, envelope, bytes);
                m_stream.takeFrame(envelope, now, [this, link](const Envelope &taken) {
                    Q_EMIT envelopeReceived(taken);
                    return m_link == link; // a slot may have ended the link
                });
            });
    connect(link, &TransportLink::badFrame, this, [this](const QString &why, qint64 bytes) {
        if (bytes >= 0)
            m_stats.frameIn(bytes, m_clock.monotonicMs());
        noteBadFrame(why);
    });
    connect(link, &TransportLink::pong, &m_heartbeat,
            [this](qint64 elapsedMs) { m_heartbeat.answered(elapsedMs); });
    connect(link, &TransportLink::pingLost, &m_heartbeat, [this](const QString &why) {
        qCDebug(lcNet).noquote() << "round trip failed:" << why;
        m_heartbeat.lost();
    });
}

void ConnectionManager::onLinkOpened()
{
    if (m_link && m_link->isHttp())
        onHttpOpened();
    else
        onConnected();
}

void ConnectionManager::onLinkFailed(const LinkFailure &failure)
{
    if (failure.backlog) {
        m_stats.countBacklogDisconnect();
        qCWarning(lcNet).noquote() << failure.reason << "- disconnecting";
    }
    if (failure.oversized)
        m_stream.onOversizedClose();
    if (failure.protocolViolation)
        m_stats.countProtocolError();
    if (failure.upgradeRefused && m_config.transport == TransportPreference::Auto) {
        // Something answered the upgrade with plain HTTP (a proxy that strips WebSocket):
        // WebSocket will not work through it, HTTP may. Try it now: this is still the same
        // attempt, and Fallback comes only once the server answers over HTTP.
        dropLink(false);
        m_stats.countError(ErrorCategory::Network);
        m_choice.upgradeRefused();
        startHttpAttempt(tr("the WebSocket upgrade was refused (%1)").arg(failure.reason),
                         m_choice.httpMode());
        return;
    }
    handleFailure(failure.reason, failure.category, failure.closeCode);
}

void ConnectionManager::handleFailure(const QString &reason, ErrorCategory category, int closeCode)
{
    if (m_state == State::Closed)
        return;
    const bool wasConnected = m_state == State::Connected || m_state == State::Fallback;
    leaveFallback();
    dropLink(false);
    // Stopped before it fired: the link was too short-lived to reset the backoff.
    m_stableTimer.stop();
    m_stats.countError(category);
    if (wasConnected)
        m_stats.linkDown(m_clock.monotonicMs());
    m_stats.unreachable(m_clock.wallMs());

    if (closeCode == 4401) {
        m_unauthorized = true;
        m_reconnectTimer.stop();
        setState(State::Error,
                 tr("unauthorized: %1. Not retrying until the credentials change.").arg(reason));
        return;
    }
    if (!m_config.autoReconnect) {
        setState(State::Disconnected, reason);
        return;
    }

    m_choice.attemptFailed(wasConnected);

    // Failover: a failed attempt moves on to the next URL; a working link that dropped is
    // retried where it was (the last good URL) first.
    if (!wasConnected && m_config.urls.size() > 1)
        m_urlIndex = (m_urlIndex + 1) % int(m_config.urls.size());

    ++m_attempt;
    if (m_breaker.recordFailure()) {
        m_nextDelayMs = m_config.breakerCooldownMs;
        setState(State::Error, tr("gave up after %1 attempts (last: %2); next probe in %3 s")
                                   .arg(m_breaker.failures())
                                   .arg(reason)
                                   .arg((m_config.breakerCooldownMs + 999) / 1000));
        m_breakerTimer.start(m_config.breakerCooldownMs);
        return;
    }

    const int delay = m_config.reconnect.delayAfterClose(closeCode, m_attempt, m_uniform01,
                                                         m_config.rateLimitedMinDelayMs);
    m_nextDelayMs = delay;
    setState(State::Reconnecting,
             tr("%1; attempt %2 in %3 ms").arg(reason).arg(m_attempt).arg(delay));
    Q_EMIT reconnectScheduled(m_attempt, delay);
    m_reconnectTimer.start(delay);
}

void ConnectionManager::noteLinkUp()
{
    m_connectTimer.stop();
    m_breaker.recordSuccess();
    m_breakerTimer.stop();
    m_goodUrlIndex = m_urlIndex;
    m_stats.linkUp(m_clock.monotonicMs());
    m_stableTimer.start(m_config.minStableMs);
}

void ConnectionManager::onConnected()
{
    m_choice.webSocketWorks();
    noteLinkUp();
    const bool wasFallback = !m_fallbackReason.isEmpty();
    m_fallbackReason.clear();
    setState(State::Connected, tr("connected to %1").arg(ServerEndpoint::redacted(currentUrl())));
    if (wasFallback)
        Q_EMIT transportChanged(transportName(), tr("WebSocket works again"));
    m_stream.webSocketOpened();
    m_heartbeat.start();
}

Heartbeat::Sent ConnectionManager::sendPing()
{
    if (!m_link || (m_state != State::Connected && m_state != State::Fallback))
        return Heartbeat::Sent::No;
    // HTTP: a real round trip to the server. WebSocket: the protocol's ping, or an RFC 6455
    // ping for a basic server, which answers those even if it knows no protocol.
    if (m_link->isHttp() || !serverSentWelcome())
        return m_link->ping(m_config.heartbeatTimeoutMs);
    send(Envelope::create(QStringLiteral("ping"), QStringLiteral("system"),
                          QJsonObject{{QStringLiteral("t"), m_clock.wallMs()}}));
    return Heartbeat::Sent::TimedHere;
}

void ConnectionManager::onRtt(qint64 rttMs)
{
    const qint64 now = m_clock.monotonicMs();
    Q_EMIT rttMeasured(rttMs);
    QString why;
    if (m_state == State::Connected &&
        m_choice.stayedCritical(quality() == QualityGrade::Critical, now, &why)) {
        // Try HTTP next, through Reconnecting: nothing claims Fallback before HTTP answers.
        dropLink(true);
        m_nextDelayMs = 0;
        setState(State::Reconnecting, why + tr("; trying HTTP"));
        m_reconnectTimer.start(0);
    }
}

void ConnectionManager::noteBadFrame(const QString &why)
{
    m_stats.countProtocolError();
    m_stats.countError(ErrorCategory::Protocol);
    if (mayLog(QStringLiteral("bad frame")))
        qCWarning(lcNet).noquote() << "dropped a bad frame:" << why.left(200);
    Q_EMIT protocolError(why);
    if (m_badFrames.record(m_clock.monotonicMs())) {
        dropBadPeer(tr("the server sent %1 bad frames within %2 s")
                        .arg(m_badFrames.limit())
                        .arg(m_badFrames.windowMs() / 1000.0));
    }
}

void ConnectionManager::dropBadPeer(const QString &reason)
{
    if (m_state != State::Connected && m_state != State::Fallback)
        return;
    m_stats.countBadFrameDisconnect();
    qCWarning(lcNet).noquote() << reason << "- disconnecting; reconnecting with backoff";
    if (m_link && !m_link->isHttp() && m_state == State::Connected) // say why, do not wait
        static_cast<WebSocketLink *>(m_link)->closeForPolicy(QStringLiteral("too many bad frames"));
    handleFailure(reason, ErrorCategory::Protocol, QWebSocketProtocol::CloseCodePolicyViolated);
}

QJsonObject ConnectionManager::healthJson() const
{
    QJsonObject o = m_stats.toJson(m_clock.monotonicMs());
    const QualityGrade grade = quality();
    const bool linked = m_state == State::Connected || m_state == State::Fallback;
    if (!linked || stalled()) {
        // A round trip that is not happening has no "last" value: the charts show a gap.
        o.insert(QStringLiteral("rttLastMs"), -1);
    }
    o.insert(QStringLiteral("stalled"), stalled());
    o.insert(QStringLiteral("silentForMs"), silentForMs());
    if (!cursor().serverEpoch().isEmpty())
        o.insert(QStringLiteral("epoch"), cursor().serverEpoch());
    o.insert(QStringLiteral("state"), stateName(m_state));
    o.insert(QStringLiteral("transport"), transportName());
    if (!m_fallbackReason.isEmpty())
        o.insert(QStringLiteral("fallbackReason"), m_fallbackReason);
    o.insert(QStringLiteral("url"), ServerEndpoint::redacted(currentUrl()));
    o.insert(QStringLiteral("quality"), gradeName(grade));
    o.insert(QStringLiteral("recommendation"), linkRecommendation(linked, grade));
    o.insert(QStringLiteral("uptimeMs"), uptimeMs());
    o.insert(QStringLiteral("attempt"), m_attempt);
    o.insert(QStringLiteral("logLinesSuppressed"), qint64(logLinesSuppressed()));
    return o;
}

QString ConnectionManager::transportName() const
{
    // HTTP carries the messages only once it has answered (Fallback); a trial is no transport.
    if (m_state == State::Fallback && m_link)
        return m_link->transportName();
    return QStringLiteral("websocket");
}

void ConnectionManager::onEpoch(const QString &epoch)
{
    if (m_stream.adoptEpoch(epoch).isEmpty())
        return;
    if (HttpLink *http = httpLink())
        http->restart(http->mode(), m_stream.resumePositions());
}

void ConnectionManager::startHttpAttempt(const QString &reason, HttpTransport::Mode mode)
{
    m_reconnectTimer.stop();
    m_stableTimer.stop();
    dropLink(false);
    m_choice.attemptStarted(true);
    m_choice.setHttpMode(mode);
    m_fallbackReason = reason;
    auto *link = new HttpLink(HttpLink::settingsFor(m_config, currentUrl()), this);
    attachLink(link);
    connect(link, &HttpLink::answered, this, [this] {
        m_heartbeat.noteEvidence();
        m_stream.answeredOverHttp();
    });
    connect(link, &HttpLink::epochSeen, this, &ConnectionManager::onEpoch);
    connect(link, &HttpLink::switchedToPolling, this, [this](const QString &why) {
        qCWarning(lcNet).noquote() << "HTTP fallback:" << why;
        m_choice.setHttpMode(HttpTransport::Mode::Poll);
        m_fallbackReason += QStringLiteral("; ") + why;
        if (m_state == State::Fallback)
            Q_EMIT transportChanged(transportName(), m_fallbackReason);
    });
    connect(link, &HttpLink::messageSkipped, &m_stream, &ChannelStream::skip);
    setState(State::Connecting, tr("trying HTTP (%1) at %2: %3")
                                    .arg(mode == HttpTransport::Mode::Sse ? QStringLiteral("SSE")
                                                                          : QStringLiteral("poll"),
                                         ServerEndpoint::redacted(link->baseUrl()), reason));
    m_connectTimer.start(m_config.connectTimeoutMs);
    link->open(mode, m_config.channels, m_stream.resumePositions());
}

void ConnectionManager::onHttpOpened()
{
    noteLinkUp();
    const bool already = m_state == State::Fallback;
    setState(State::Fallback,
             tr("using HTTP fallback (%1): %2").arg(m_link->transportName(), m_fallbackReason));
    if (already)
        Q_EMIT transportChanged(transportName(), m_fallbackReason);
    m_heartbeat.start(); // a first round trip at once, as on WebSocket
    m_stream.httpOpened();
    if (m_config.transport == TransportPreference::Auto)
        m_upgrade.start(currentUrl(), m_endpoint, linkLimits());
}

void ConnectionManager::leaveFallback()
{
    m_upgrade.stop();
    if (m_link && m_link->isHttp())
        dropLink(false);
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
        m_upgrade.stop();
        if (HttpLink *http = httpLink())
            http->restart(m_choice.httpMode(), m_stream.resumePositions());
        m_fallbackReason = tr("chosen by the operator");
        Q_EMIT transportChanged(transportName(), m_fallbackReason);
        return;
    }
    reconnectNow(); // the next attempt follows the new preference
}

} // namespace vigil
