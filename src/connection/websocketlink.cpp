#include "websocketlink.h"

#include "httptransport.h"

#include <QSslError>
#include <QWebSocket>

#include <utility>

namespace vigil {

namespace {

// QWebSocket closes with 1009 and one of these reasons when an inbound frame or message is
// over its limit (qwebsocketframe.cpp, qwebsocketdataprocessor.cpp); a server's own 1009 says
// that something we sent was too large, which is another matter.
bool closedLocallyForSize(const QString &reason)
{
    return reason == u"Received message is too big." || reason == u"Maximum framesize exceeded.";
}

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

WebSocketLink::WebSocketLink(ServerEndpoint endpoint, Limits limits, QObject *parent)
    : TransportLink(parent)
    , m_endpoint(std::move(endpoint))
    , m_limits(limits)
{
    // What a server does not read piles up in our socket (auto-answered pings, above all):
    // looked at often enough that a flood cannot get far past the limit.
    m_backlogTimer.setInterval(100);
    connect(&m_backlogTimer, &QTimer::timeout, this, &WebSocketLink::checkBacklog);
}

WebSocketLink::~WebSocketLink()
{
    close(false);
}

void WebSocketLink::open(const QUrl &url)
{
    m_url = url;
    auto *socket = new QWebSocket(QString(), QWebSocketProtocol::VersionLatest, this);
    socket->setMaxAllowedIncomingMessageSize(quint64(m_limits.maxMessageBytes));
    socket->setMaxAllowedIncomingFrameSize(quint64(m_limits.maxMessageBytes));
    // A frame is read once it is whole, so the socket must hold one; more it need not. This also
    // bounds what a server that never ends its handshake answer can make us hold.
    socket->setReadBufferSize(m_limits.maxMessageBytes + HttpTransport::kFramingSlackBytes);
    if (url.scheme() == u"wss")
        socket->setSslConfiguration(m_endpoint.tls());
    m_socket = socket;
    connect(socket, &QWebSocket::connected, this, [this] {
        m_opened = true;
        m_backlogTimer.start();
        Q_EMIT opened();
    });
    connect(socket, &QWebSocket::disconnected, this, &WebSocketLink::onDisconnected);
    connect(socket, &QWebSocket::textMessageReceived, this, &WebSocketLink::onText);
    connect(socket, &QWebSocket::binaryMessageReceived, this, [this](const QByteArray &data) {
        Q_EMIT badFrame(
            tr("a binary frame of %1 bytes (the protocol uses text frames)").arg(data.size()),
            data.size());
    });
    connect(socket, &QWebSocket::pong, this,
            [this](quint64 elapsed, const QByteArray &) { Q_EMIT pong(qint64(elapsed)); });
    connect(socket, &QWebSocket::sslErrors, this, [this](const QList<QSslError> &errors) {
        QStringList problems;
        for (const QSslError &e : errors)
            problems.append(e.errorString());
        problems.removeDuplicates();
        m_tlsProblem = problems.join(QStringLiteral("; "));
    });
    connect(socket, qOverload<QAbstractSocket::SocketError>(&QWebSocket::error), this,
            &WebSocketLink::onError);
    socket->open(m_endpoint.request(url));
}

bool WebSocketLink::isOpen() const
{
    return m_socket && m_opened && !m_done;
}

qint64 WebSocketLink::send(const Envelope &envelope)
{
    if (!isOpen())
        return -1;
    const QByteArray frame = envelope.serialize();
    if (m_socket->sendTextMessage(QString::fromUtf8(frame)) <= 0)
        return -1;
    return frame.size();
}

Heartbeat::Sent WebSocketLink::ping(int timeoutMs)
{
    Q_UNUSED(timeoutMs); // the heartbeat times it
    if (!isOpen())
        return Heartbeat::Sent::No;
    m_socket->ping();
    return Heartbeat::Sent::TimedHere;
}

bool WebSocketLink::checkBacklog()
{
    if (!isOpen())
        return true;
    const qint64 pending = m_socket->bytesToWrite();
    if (pending <= m_limits.maxPendingWriteBytes)
        return true;
    LinkFailure failure;
    failure.reason = tr("the server does not read what it is sent (%1 bytes "
                        "waiting, the limit is %2)")
                         .arg(pending)
                         .arg(m_limits.maxPendingWriteBytes);
    failure.backlog = true;
    fail(failure);
    return false;
}

void WebSocketLink::close(bool graceful)
{
    if (QWebSocket *socket = release()) {
        // A dead link gets abort(): close() would wait for a peer that is no longer there.
        if (graceful && socket->state() == QAbstractSocket::ConnectedState)
            socket->close(QWebSocketProtocol::CloseCodeNormal);
        else
            socket->abort();
    }
}

void WebSocketLink::closeForPolicy(const QString &why)
{
    if (QWebSocket *socket = release())
        socket->close(QWebSocketProtocol::CloseCodePolicyViolated, why);
}

QWebSocket *WebSocketLink::release()
{
    m_done = true;
    m_backlogTimer.stop();
    QWebSocket *socket = std::exchange(m_socket, nullptr);
    if (socket) {
        socket->disconnect(this);
        socket->deleteLater(); // after the close or abort the caller does now
    }
    return socket;
}

void WebSocketLink::onText(const QString &message)
{
    if (m_done || !checkBacklog())
        return;
    const QByteArray frame = message.toUtf8();
    const ParseResult parsed = parseEnvelope(frame, m_limits.maxMessageBytes);
    if (parsed.ok())
        Q_EMIT envelopeReceived(parsed.envelope, frame.size());
    else
        Q_EMIT badFrame(parsed.error.message, frame.size());
}

void WebSocketLink::onError()
{
    if (m_done || !m_socket)
        return;
    const auto error = m_socket->error();
    const QString text = m_socket->errorString();
    LinkFailure failure;
    if (!m_tlsProblem.isEmpty() || error == QAbstractSocket::SslHandshakeFailedError ||
        error == QAbstractSocket::SslInvalidUserDataError) {
        failure.reason = tr("TLS problem with %1: %2")
                             .arg(m_url.host(), m_tlsProblem.isEmpty() ? text : m_tlsProblem);
        failure.category = ErrorCategory::Tls;
        fail(failure);
        return;
    }
    switch (const int refused = ServerEndpoint::refusedUpgradeStatus(text)) {
    case 0:
        failure.reason = text;
        break;
    case 401:
        failure.reason = tr("the server refused the credentials (HTTP 401)");
        failure.category = ErrorCategory::Auth;
        failure.closeCode = 4401;
        break;
    case 429:
        failure.reason = tr("the server is rate limiting (HTTP 429)");
        failure.category = ErrorCategory::RateLimited;
        failure.closeCode = 4429;
        break;
    default:
        failure.reason = text;
        failure.upgradeRefused = refused != 0;
        break;
    }
    fail(failure);
}

void WebSocketLink::onDisconnected()
{
    if (m_done || !m_socket)
        return;
    if (!m_opened) {
        // The link never opened (refused, reset, upgrade refused): a close code means nothing
        // here, the socket's error says what happened.
        onError();
        return;
    }
    const int code = int(m_socket->closeCode());
    const QString why =
        m_socket->closeReason().isEmpty() ? m_socket->errorString() : m_socket->closeReason();
    LinkFailure failure;
    failure.reason = tr("connection closed (code %1%2)")
                         .arg(code)
                         .arg(why.isEmpty() ? QString() : QStringLiteral(": ") + why);
    failure.category = categoryForCloseCode(code);
    failure.closeCode = code;
    failure.oversized = code == QWebSocketProtocol::CloseCodeTooMuchData &&
                        closedLocallyForSize(m_socket->closeReason());
    fail(failure);
}

void WebSocketLink::fail(LinkFailure failure)
{
    if (m_done)
        return;
    m_done = true;
    m_backlogTimer.stop();
    Q_EMIT failed(failure);
}

} // namespace vigil
