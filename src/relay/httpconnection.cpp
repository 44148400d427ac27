#include "httpconnection.h"

#include "httpserver.h"

#include <QSslSocket>
#include <QTcpSocket>

#ifdef Q_OS_UNIX
#include <sys/socket.h>
#endif

namespace vigil {

namespace {

// After a refusal the peer may still be sending (the body we did not want): read and drop at
// most this much for at most this long, so it sees our answer instead of a reset, then close.
constexpr int kLingerMs = 2000;
constexpr qint64 kLingerMaxBytes = 256 * 1024;
// A request head that has been arriving for this long may be closed to make room.
constexpr qint64 kEvictGraceMs = 1000;
// The next request is not read while this much of the previous answer is still unsent: a peer
// that pipelines requests without reading the answers cannot grow our write buffer.
constexpr qint64 kMaxUnsentBytes = 256 * 1024;
// Looks at an incomplete request head before it is refused: a head that drips in byte by byte
// would otherwise be copied once per packet.
constexpr int kMaxHeadLooks = 64;
// Method, spaces and version around the URL in a request line.
constexpr qsizetype kRequestLineSlack = 32;

} // namespace

HttpConnection::HttpConnection(QTcpSocket *socket, HttpServer *server)
    : QObject(server)
    , m_socket(socket)
    , m_server(server)
    , m_peer(socket->peerAddress())
    , m_state(qobject_cast<QSslSocket *>(socket) ? State::Handshake : State::Head)
{
    m_socket->setParent(this);
    // Never buffer more than one request head: the rest waits in the kernel (TCP flow
    // control) until we decide to read it. Bodies are read as they arrive.
    m_socket->setReadBufferSize(m_server->limits().maxHeaderBytes);
    m_socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &HttpConnection::onTimeout);
    connect(m_socket, &QTcpSocket::readyRead, this, &HttpConnection::onReadyRead);
    connect(m_socket, &QTcpSocket::bytesWritten, this, &HttpConnection::onWritten);
    connect(m_socket, &QTcpSocket::disconnected, this, &HttpConnection::finish);
    connect(m_socket, &QTcpSocket::errorOccurred, this, [this] {
        if (m_socket && m_socket->state() == QAbstractSocket::UnconnectedState)
            finish();
    });
    if (auto *tls = qobject_cast<QSslSocket *>(m_socket)) {
        connect(tls, &QSslSocket::encryptedBytesWritten, this, &HttpConnection::onWritten);
        connect(tls, &QSslSocket::encrypted, this, [this] {
            if (m_state != State::Handshake)
                return;
            m_state = State::Head; // the header timeout keeps running from the connect
            onReadyRead();
        });
    }
    // The header timeout runs from the connect: a peer that says nothing is gone in time too.
    enter(m_state, m_server->limits().headerTimeoutMs);
}

HttpConnection::~HttpConnection()
{
    if (m_socket)
        m_socket->disconnect(this);
}

void HttpConnection::enter(State state, int timeoutMs)
{
    m_state = state;
    m_phaseStart = m_server->now();
    if (timeoutMs > 0)
        m_timer.start(timeoutMs);
    else
        m_timer.stop();
}

bool HttpConnection::isOpen() const
{
    return m_socket && m_state != State::Done && m_state != State::Closing &&
           m_socket->state() == QAbstractSocket::ConnectedState;
}

qint64 HttpConnection::bytesToWrite() const
{
    if (!m_socket)
        return 0;
    qint64 n = m_socket->bytesToWrite();
    if (auto *tls = qobject_cast<QSslSocket *>(m_socket))
        n += tls->encryptedBytesToWrite();
    return n;
}

bool HttpConnection::isEvictable(qint64 now) const
{
    switch (m_state) {
    case State::Closing:
        return true;
    case State::Handshake:
        return now - m_phaseStart >= kEvictGraceMs;
    case State::Head:
        // Kept alive between requests: it costs the peer nothing to connect again.
        if (m_served && !m_requestStarted)
            return true;
        return now - m_phaseStart >= kEvictGraceMs;
    default:
        return false;
    }
}

void HttpConnection::onReadyRead()
{
    switch (m_state) {
    case State::Head:
        readHead();
        break;
    case State::Body:
        readBody();
        break;
    case State::Closing:
        discardInput();
        break;
    default:
        // Handshake, or a request in hand: what comes now waits (bounded by the read buffer).
        break;
    }
}

void HttpConnection::onWritten()
{
    if (m_state == State::Closing)
        closeAfterWrite();
    else if (m_state == State::Head)
        readHead(); // waited for the previous answer to go out
    else if (m_state == State::Streaming)
        Q_EMIT drained(this);
}

void HttpConnection::onTimeout()
{
    const HttpLimits &limits = m_server->limits();
    switch (m_state) {
    case State::Handshake:
        m_server->logRefusal(QStringLiteral("timeout"),
                             QStringLiteral("http: closed a connection from %1: no TLS handshake "
                                            "within %2 ms")
                                 .arg(m_peer.toString())
                                 .arg(limits.headerTimeoutMs));
        abort();
        break;
    case State::Head:
        if (!m_requestStarted) {
            abort(); // idle: nothing to answer
            break;
        }
        m_server->logRefusal(QStringLiteral("timeout"),
                             QStringLiteral("http: 408 to %1: the request head did not arrive "
                                            "within %2 ms")
                                 .arg(m_peer.toString())
                                 .arg(limits.headerTimeoutMs));
        refuse(httpError(
            408, QStringLiteral("timeout"),
            QStringLiteral("the request did not arrive within %1 ms").arg(limits.headerTimeoutMs)));
        break;
    case State::Body:
        m_server->logRefusal(QStringLiteral("timeout"),
                             QStringLiteral("http: 408 to %1: the request body did not arrive "
                                            "within %2 ms")
                                 .arg(m_peer.toString())
                                 .arg(limits.idleTimeoutMs));
        refuse(httpError(408, QStringLiteral("timeout"),
                         QStringLiteral("the request body did not arrive within %1 ms")
                             .arg(limits.idleTimeoutMs)));
        break;
    case State::Closing:
        abort();
        break;
    default:
        break;
    }
}

void HttpConnection::readHead()
{
    const HttpLimits &limits = m_server->limits();
    if (!m_socket)
        return;
    if (bytesToWrite() > kMaxUnsentBytes) {
        // A pipelined request waits for our answers to drain: it is work, not an idle link.
        if (m_socket->bytesAvailable() > 0)
            m_requestStarted = true;
        return;
    }
    // Empty lines before a request line are allowed (RFC 9112, 2.2).
    while (m_socket->bytesAvailable() > 0) {
        char c = 0;
        if (!m_socket->peek(&c, 1) || (c != '\r' && c != '\n'))
            break;
        m_socket->skip(1);
    }
    const qint64 available = m_socket->bytesAvailable();
    if (available <= 0)
        return;
    if (!m_requestStarted) {
        m_requestStarted = true;
        // A later request on a kept-alive connection gets a header timeout of its own; the
        // first one's runs from the connect.
        if (m_served)
            enter(State::Head, limits.headerTimeoutMs);
    }
    // A head that drips in a few bytes at a time would make every look copy it again: after
    // kMaxHeadLooks looks without a complete head the request is refused.
    if (++m_headLooks > kMaxHeadLooks) {
        m_server->logRefusal(QStringLiteral("timeout"),
                             QStringLiteral("http: refused a request head from %1 sent in more "
                                            "than %2 pieces")
                                 .arg(m_peer.toString())
                                 .arg(kMaxHeadLooks));
        refuse(httpError(408, QStringLiteral("timeout"),
                         QStringLiteral("the request head came in too many pieces")));
        return;
    }
    // Peek only: nothing is read from the socket until the head has been judged.
    const QByteArray data = m_socket->peek(std::min<qint64>(available, limits.maxHeaderBytes));
    // Search only what is new since the last look: a head that drips in costs no more.
    const qsizetype from = std::max<qsizetype>(0, m_scanned - 3);
    m_scanned = data.size();
    const qsizetype end = data.indexOf("\r\n\r\n", from);
    m_lineSeen = m_lineSeen || data.indexOf('\n', from) >= 0;
    if (end < 0 && data.indexOf("\n\n", from) >= 0) {
        m_server->logRefusal(
            QStringLiteral("malformed"),
            QStringLiteral("http: 400 to %1: bare LF line ends").arg(m_peer.toString()));
        refuse(httpError(400, QStringLiteral("bad_request"),
                         QStringLiteral("the lines of a request end with CRLF")));
        return;
    }
    if (end < 0) {
        if (!m_lineSeen && data.size() > limits.maxUrlBytes + kRequestLineSlack) {
            m_server->logRefusal(QStringLiteral("too-large"),
                                 QStringLiteral("http: 414 to %1: URL over %2 bytes")
                                     .arg(m_peer.toString())
                                     .arg(limits.maxUrlBytes));
            refuse(httpError(
                414, QStringLiteral("url_too_long"),
                QStringLiteral("the URL is longer than %1 bytes").arg(limits.maxUrlBytes)));
        } else if (data.size() >= limits.maxHeaderBytes) {
            m_server->logRefusal(QStringLiteral("too-large"),
                                 QStringLiteral("http: 431 to %1: request head over %2 bytes")
                                     .arg(m_peer.toString())
                                     .arg(limits.maxHeaderBytes));
            refuse(httpError(431, QStringLiteral("headers_too_large"),
                             QStringLiteral("the request head is larger than %1 bytes")
                                 .arg(limits.maxHeaderBytes)));
        }
        return; // wait for the rest, within the header timeout
    }
    const qsizetype headSize = end + 4;
    HttpRequest request;
    request.peer = m_peer;
    QString why;
    const int status = parseRequestHead(data.left(headSize), limits, &request, &why);
    if (status != 0) {
        m_server->logRefusal(
            QStringLiteral("malformed"),
            QStringLiteral("http: %1 to %2: %3").arg(status).arg(m_peer.toString(), why));
        const QString code = status == 414   ? QStringLiteral("url_too_long")
                             : status == 411 ? QStringLiteral("length_required")
                                             : QStringLiteral("bad_request");
        refuse(httpError(status, code, why));
        return;
    }
    if (const auto verdict = m_server->handler()->checkHead(request)) {
        refuse(*verdict);
        return;
    }
    if (request.webSocketUpgrade) {
        upgradeWebSocket(request);
        return;
    }
    if (request.contentLength > limits.maxBodyBytes) {
        m_server->logRefusal(QStringLiteral("too-large"),
                             QStringLiteral("http: 413 to %1: a body of %2 bytes")
                                 .arg(m_peer.toString())
                                 .arg(request.contentLength));
        refuse(httpError(
            413, QStringLiteral("too_large"),
            QStringLiteral("the request body may be at most %1 bytes").arg(limits.maxBodyBytes)));
        return;
    }
    m_socket->skip(headSize);
    m_request = std::move(request);
    m_requestStarted = false;
    m_scanned = 0;
    m_headLooks = 0;
    m_lineSeen = false;
    if (m_request.contentLength == 0) {
        dispatch();
        return;
    }
    // The body must arrive whole within the idle timeout: a trickle cannot hold us for ever.
    enter(State::Body, limits.idleTimeoutMs);
    // Grows as the body arrives: a promised length costs nothing until it is sent.
    m_request.body.reserve(std::min<qint64>(m_request.contentLength, 64 * 1024));
    if (m_request.expectContinue)
        m_socket->write("HTTP/1.1 100 Continue\r\n\r\n");
    readBody();
}

void HttpConnection::readBody()
{
    const qint64 missing = m_request.contentLength - m_request.body.size();
    if (missing > 0 && m_socket->bytesAvailable() > 0)
        m_request.body += m_socket->read(std::min(missing, m_socket->bytesAvailable()));
    if (m_request.body.size() == m_request.contentLength)
        dispatch();
}

void HttpConnection::dispatch()
{
    enter(State::Handling, 0);
    m_served = true;
    // The handler gets a copy (cheap: implicitly shared) so an answer given at once, which
    // readies this connection for the next request, cannot pull it from under the handler.
    // The body need not stay here while the answer is pending.
    const HttpRequest request = m_request;
    m_request.body = QByteArray();
    m_server->handler()->handleRequest(request, this);
}

void HttpConnection::upgradeWebSocket(const HttpRequest &request)
{
    // Checked here because QWebSocketServer closes without a word on what it does not like.
    QString problem;
    if (request.method != "GET" || request.minorVersion != 1)
        problem = QStringLiteral("a WebSocket upgrade is a GET over HTTP/1.1");
    // The same rules as QWebSocketServer's handshake: one Host, one Upgrade that is exactly
    // "websocket", one Connection header that names upgrade.
    else if (request.headerCount("Host") != 1 || request.header("Host").trimmed().isEmpty())
        problem = QStringLiteral("a WebSocket upgrade needs one Host header");
    else if (request.headerCount("Upgrade") != 1 ||
             request.header("Upgrade").trimmed().compare("websocket", Qt::CaseInsensitive) != 0)
        problem = QStringLiteral("a WebSocket upgrade needs exactly Upgrade: websocket");
    else if (request.headerCount("Connection") != 1 ||
             !request.headerHasToken("Connection", "upgrade"))
        problem = QStringLiteral("a WebSocket upgrade needs one Connection: Upgrade header");
    else if (request.header("Sec-WebSocket-Key").isEmpty())
        problem = QStringLiteral("a WebSocket upgrade needs Sec-WebSocket-Key");
    else if (request.contentLength > 0)
        problem = QStringLiteral("a WebSocket upgrade has no body");
    if (!problem.isEmpty()) {
        m_server->logRefusal(QStringLiteral("malformed"),
                             QStringLiteral("http: 400 to %1: %2").arg(m_peer.toString(), problem));
        refuse(httpError(400, QStringLiteral("bad_request"), problem));
        return;
    }
    bool version13 = false;
    for (const QByteArray &v : request.header("Sec-WebSocket-Version").split(','))
        version13 = version13 || v.trimmed() == "13";
    if (!version13) {
        HttpResponse response = httpError(426, QStringLiteral("upgrade_required"),
                                          QStringLiteral("only WebSocket version 13 is served"));
        response.headers.emplaceBack("Sec-WebSocket-Version", "13");
        refuse(response);
        return;
    }
    // Handed over with the handshake still unread: QWebSocketServer reads it itself. From here
    // on the relay's WebSocket rules (and limits) apply, not ours.
    m_timer.stop();
    m_state = State::Done;
    QTcpSocket *socket = std::exchange(m_socket, nullptr);
    socket->disconnect(this);
    socket->setReadBufferSize(0);
    m_server->release(this);
    m_server->handOver(socket);
    deleteLater();
}

void HttpConnection::send(const HttpResponse &response, bool close)
{
    HttpHeaders headers = response.headers;
    headers.emplaceBack("Content-Length", QByteArray::number(response.body.size()));
    if (close)
        headers.emplaceBack("Connection", "close");
    else if (m_request.minorVersion == 0)
        headers.emplaceBack("Connection", "keep-alive");
    m_socket->write(httpHead(response.status, headers) + response.body);
}

void HttpConnection::respond(const HttpResponse &response)
{
    if (m_state != State::Handling || !m_socket)
        return;
    const bool close = response.close || !m_request.keepAlive;
    send(response, close);
    if (close) {
        closeAfterWrite();
        return;
    }
    m_request = HttpRequest();
    m_requestStarted = false;
    m_scanned = 0;
    m_headLooks = 0;
    m_lineSeen = false;
    enter(State::Head, m_server->limits().idleTimeoutMs);
    // A pipelined request may be waiting already; read it from the event loop, not from
    // inside the handler that answered.
    QMetaObject::invokeMethod(this, &HttpConnection::onReadyRead, Qt::QueuedConnection);
}

void HttpConnection::beginStream(int status, const HttpHeaders &headers)
{
    if (m_state != State::Handling || !m_socket)
        return;
    HttpHeaders all = headers;
    all.emplaceBack("Connection", "close"); // the stream ends when the connection does
    m_socket->write(httpHead(status, all));
    enter(State::Streaming, 0);
}

void HttpConnection::writeStream(const QByteArray &bytes)
{
    if (m_state == State::Streaming && m_socket &&
        m_socket->state() == QAbstractSocket::ConnectedState)
        m_socket->write(bytes);
}

void HttpConnection::refuse(const HttpResponse &response)
{
    if (!m_socket || m_state == State::Done || m_state == State::Closing)
        return;
    send(response, true);
    closeAfterWrite();
}

void HttpConnection::closeAfterWrite()
{
    if (m_state != State::Closing) {
        // The answer gets as long as a request head to go out, then the connection is closed
        // whatever the peer does.
        enter(State::Closing, m_server->limits().headerTimeoutMs);
        m_lingering = false;
    }
    discardInput();
    if (m_state != State::Closing || m_lingering || !m_socket || bytesToWrite() > 0)
        return;
    m_lingering = true;
    m_timer.start(kLingerMs);
#ifdef Q_OS_UNIX
    // Plain TCP: say we are done (FIN) so the peer reads our answer and closes its end.
    if (!qobject_cast<QSslSocket *>(m_socket) && m_socket->socketDescriptor() >= 0)
        ::shutdown(int(m_socket->socketDescriptor()), SHUT_WR);
#endif
    // TLS: a close_notify, so the peer reads the answer before it sees the connection end.
    if (qobject_cast<QSslSocket *>(m_socket))
        m_socket->disconnectFromHost();
}

void HttpConnection::discardInput()
{
    if (!m_socket)
        return;
    while (m_socket->bytesAvailable() > 0) {
        const qint64 skipped = m_socket->skip(m_socket->bytesAvailable());
        if (skipped <= 0)
            break;
        m_discarded += skipped;
    }
    if (m_discarded > kLingerMaxBytes)
        abort();
}

void HttpConnection::abort()
{
    if (m_state == State::Done)
        return;
    if (m_socket)
        m_socket->abort();
    finish();
}

void HttpConnection::finish()
{
    if (m_state == State::Done)
        return;
    m_state = State::Done;
    m_timer.stop();
    m_server->release(this);
    Q_EMIT closed(this);
    deleteLater();
}

} // namespace vigil
