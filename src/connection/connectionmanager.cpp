#include "connectionmanager.h"

#include "protocol/logging.h"

#include <QDateTime>
#include <QJsonArray>
#include <QNetworkRequest>

namespace vigil {

namespace {

// A URL as it may appear in a log line: no user info, no query (a token may ride there).
QString redacted(const QUrl &url)
{
    return url.adjusted(QUrl::RemoveUserInfo | QUrl::RemoveQuery | QUrl::RemoveFragment).toString();
}

bool isControlType(const QString &type)
{
    return type == u"welcome" || type == u"pong" || type == u"ping" || type == u"subscribed" ||
           type == u"unsubscribed" || type == u"ack" || type == u"error";
}

} // namespace

ConnectionManager::ConnectionManager(ConnectionConfig config, QObject *parent)
    : QObject(parent)
    , m_config(std::move(config))
    , m_uniform01([] { return QRandomGenerator::global()->generateDouble(); })
{
    m_reconnectTimer.setSingleShot(true);
    m_pongTimer.setSingleShot(true);
    m_connectTimer.setSingleShot(true);
    connect(&m_reconnectTimer, &QTimer::timeout, this, &ConnectionManager::startAttempt);
    connect(&m_heartbeatTimer, &QTimer::timeout, this, &ConnectionManager::sendHeartbeat);
    connect(&m_pongTimer, &QTimer::timeout, this, &ConnectionManager::onHeartbeatTimeout);
    connect(&m_connectTimer, &QTimer::timeout, this, [this] {
        scheduleReconnect(QStringLiteral("no answer within %1 ms").arg(m_config.connectTimeoutMs));
    });
}

ConnectionManager::~ConnectionManager()
{
    resetSocket();
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
    }
    return QStringLiteral("unknown");
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

void ConnectionManager::setRandomSource(std::function<double()> uniform01)
{
    m_uniform01 = std::move(uniform01);
}

void ConnectionManager::open()
{
    if (m_state == State::Connecting || m_state == State::Connected ||
        m_state == State::Reconnecting)
        return;
    if (m_config.urls.isEmpty()) {
        setState(State::Error, QStringLiteral("no server URL configured"));
        return;
    }
    m_attempt = 0;
    startAttempt();
}

void ConnectionManager::close()
{
    m_reconnectTimer.stop();
    resetSocket();
    setState(State::Closed, QStringLiteral("closed by the user"));
}

void ConnectionManager::reconnectNow()
{
    m_reconnectTimer.stop();
    resetSocket();
    m_attempt = 0;
    startAttempt();
}

bool ConnectionManager::send(const Envelope &envelope)
{
    if (m_state != State::Connected || !m_socket)
        return false;
    const QByteArray frame = envelope.serialize();
    const qint64 written = m_socket->sendTextMessage(QString::fromUtf8(frame));
    if (written <= 0)
        return false;
    ++m_messagesOut;
    return true;
}

void ConnectionManager::setState(State state, const QString &reason)
{
    if (m_state == state && state != State::Reconnecting)
        return;
    m_state = state;
    qCInfo(lcNet).noquote() << "state" << stateName(state) << "-" << reason;
    Q_EMIT stateChanged(state, reason);
}

void ConnectionManager::resetSocket()
{
    m_heartbeatTimer.stop();
    m_pongTimer.stop();
    m_connectTimer.stop();
    m_awaitingPong = false;
    if (!m_socket)
        return;
    QWebSocket *socket = m_socket;
    m_socket = nullptr;
    socket->disconnect(this);
    if (socket->state() == QAbstractSocket::ConnectedState)
        socket->close(QWebSocketProtocol::CloseCodeNormal);
    else
        socket->abort();
    socket->deleteLater();
}

void ConnectionManager::startAttempt()
{
    resetSocket();
    m_welcome = {};
    const QUrl url = currentUrl();

    auto *socket = new QWebSocket(QString(), QWebSocketProtocol::VersionLatest, this);
    socket->setMaxAllowedIncomingMessageSize(quint64(m_config.maxMessageBytes));
    socket->setMaxAllowedIncomingFrameSize(quint64(m_config.maxMessageBytes));
    m_socket = socket;
    connect(socket, &QWebSocket::connected, this, &ConnectionManager::onConnected);
    connect(socket, &QWebSocket::disconnected, this, &ConnectionManager::onDisconnected);
    connect(socket, &QWebSocket::textMessageReceived, this, &ConnectionManager::onTextMessage);
    connect(socket, &QWebSocket::pong, this,
            [this](quint64 elapsed, const QByteArray &) { onPong(elapsed); });
    connect(socket, qOverload<QAbstractSocket::SocketError>(&QWebSocket::error), this,
            [this, socket](QAbstractSocket::SocketError) {
                if (socket != m_socket)
                    return;
                scheduleReconnect(socket->errorString());
            });

    QNetworkRequest request(url);
    if (!m_config.token.isEmpty())
        request.setRawHeader("Authorization", "Bearer " + m_config.token.toUtf8());

    setState(State::Connecting, QStringLiteral("connecting to %1").arg(redacted(url)));
    m_connectTimer.start(m_config.connectTimeoutMs);
    socket->open(request);
}

void ConnectionManager::scheduleReconnect(const QString &reason)
{
    if (m_state == State::Closed)
        return;
    resetSocket();
    if (!m_config.autoReconnect) {
        setState(State::Disconnected, reason);
        return;
    }
    ++m_attempt;
    if (m_config.urls.size() > 1)
        m_urlIndex = (m_urlIndex + 1) % int(m_config.urls.size());
    const int delay = m_config.reconnect.delayMs(m_attempt, m_uniform01);
    m_nextDelayMs = delay;
    setState(State::Reconnecting,
             QStringLiteral("%1; attempt %2 in %3 ms").arg(reason).arg(m_attempt).arg(delay));
    Q_EMIT reconnectScheduled(m_attempt, delay);
    m_reconnectTimer.start(delay);
}

void ConnectionManager::onConnected()
{
    m_connectTimer.stop();
    m_attempt = 0;
    m_missedHeartbeats = 0;
    setState(State::Connected, QStringLiteral("connected to %1").arg(redacted(currentUrl())));
    sendSubscribe();
    m_heartbeatTimer.start(m_config.heartbeatMs);
    // One heartbeat at once, so RTT and liveness are known without waiting a full interval.
    sendHeartbeat();
}

void ConnectionManager::onDisconnected()
{
    if (!m_socket)
        return;
    const auto code = m_socket->closeCode();
    const QString why =
        m_socket->closeReason().isEmpty() ? m_socket->errorString() : m_socket->closeReason();
    scheduleReconnect(QStringLiteral("connection closed (code %1%2)")
                          .arg(int(code))
                          .arg(why.isEmpty() ? QString() : QStringLiteral(": ") + why));
}

void ConnectionManager::sendSubscribe()
{
    if (m_config.channels.isEmpty())
        return;
    QJsonArray channels;
    for (const QString &name : std::as_const(m_config.channels)) {
        QJsonObject entry{{QStringLiteral("name"), name}};
        const qint64 since = m_lastSeq.value(name, m_config.replayHistory ? 0 : -1);
        if (since >= 0)
            entry.insert(QStringLiteral("since"), since);
        channels.append(entry);
    }
    send(Envelope::create(QStringLiteral("subscribe"), QStringLiteral("system"),
                          QJsonObject{{QStringLiteral("channels"), channels}}));
}

void ConnectionManager::sendHeartbeat()
{
    if (!m_socket || m_state != State::Connected || m_awaitingPong)
        return;
    m_awaitingPong = true;
    m_pingClock.start();
    if (serverSentWelcome()) {
        send(Envelope::create(
            QStringLiteral("ping"), QStringLiteral("system"),
            QJsonObject{{QStringLiteral("t"), QDateTime::currentMSecsSinceEpoch()}}));
    } else {
        // A basic RFC 6455 server answers control-frame pings even if it knows no protocol.
        m_socket->ping();
    }
    m_pongTimer.start(m_config.heartbeatTimeoutMs);
}

void ConnectionManager::onPong(quint64 elapsedMs)
{
    if (!m_awaitingPong)
        return;
    m_awaitingPong = false;
    m_pongTimer.stop();
    m_missedHeartbeats = 0;
    const auto rtt = qint64(elapsedMs);
    m_health.recordRtt(rtt);
    Q_EMIT rttMeasured(rtt);
}

void ConnectionManager::onHeartbeatTimeout()
{
    m_awaitingPong = false;
    ++m_missedHeartbeats;
    m_health.recordLoss();
    qCWarning(lcNet) << "heartbeat missed" << m_missedHeartbeats << "of"
                     << m_config.maxMissedHeartbeats;
    if (m_missedHeartbeats >= m_config.maxMissedHeartbeats) {
        scheduleReconnect(
            QStringLiteral("no heartbeat answer %1 times in a row").arg(m_missedHeartbeats));
    }
}

void ConnectionManager::onTextMessage(const QString &message)
{
    ++m_messagesIn;
    const ParseResult parsed = parseEnvelope(message.toUtf8(), m_config.maxMessageBytes);
    if (!parsed.ok()) {
        ++m_protocolErrors;
        qCWarning(lcNet).noquote() << "dropped a bad frame:" << parsed.error.message;
        Q_EMIT protocolError(parsed.error.message);
        return;
    }
    const Envelope &e = parsed.envelope;
    if ((e.channel.isEmpty() || e.channel == u"system") && isControlType(e.type)) {
        handleControl(e);
        return;
    }
    if (e.hasSeq() && !e.channel.isEmpty() && e.seq > m_lastSeq.value(e.channel, -1))
        m_lastSeq.insert(e.channel, e.seq);
    Q_EMIT envelopeReceived(e);
}

void ConnectionManager::handleControl(const Envelope &e)
{
    const QJsonObject payload = e.payload.toObject();
    if (e.type == u"welcome") {
        m_welcome = payload;
        Q_EMIT welcomeReceived(payload);
    } else if (e.type == u"pong") {
        if (m_awaitingPong)
            onPong(quint64(m_pingClock.elapsed()));
    } else if (e.type == u"ping") {
        send(Envelope::create(QStringLiteral("pong"), QStringLiteral("system"), e.payload));
    } else if (e.type == u"subscribed") {
        Q_EMIT subscribed(payload.value(QStringLiteral("channel")).toString(),
                          qint64(payload.value(QStringLiteral("head")).toDouble(-1)),
                          payload.value(QStringLiteral("recovered")).toBool(true));
    } else if (e.type == u"ack") {
        Q_EMIT acked(payload.value(QStringLiteral("id")).toString());
    } else if (e.type == u"error") {
        const QString code = payload.value(QStringLiteral("code")).toString();
        const QString text = payload.value(QStringLiteral("message")).toString();
        qCWarning(lcNet).noquote() << "server error" << code << "-" << text.left(200);
        Q_EMIT serverError(code, text, payload.value(QStringLiteral("ref")).toString());
    }
}

} // namespace vigil
