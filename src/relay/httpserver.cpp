#include "httpserver.h"

#include "httpconnection.h"
#include "protocol/logging.h"
#include "websocketguard.h"

#include <QSslSocket>
#include <QWebSocket>

#ifdef Q_OS_UNIX
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>
#endif

namespace vigil {

namespace {

// A refused newcomer is told 503 and closed; at most this many at once may still be saying so,
// the rest are closed without a word.
constexpr int kMaxTurningAway = 256;
constexpr int kTurnAwayMs = 1000;
constexpr int kResumeAcceptingMs = 200;
// How often handed-over WebSocket sockets are checked, and how long one may stay closing.
constexpr int kSweepIntervalMs = 5000;
constexpr qint64 kClosingGraceMs = 10000;

} // namespace

HttpServer::HttpServer(const HttpLimits &limits, HttpHandler *handler, QObject *parent)
    : QTcpServer(parent)
    , m_limits(limits)
    , m_handler(handler)
    , m_webSockets(QStringLiteral("vigil-relay"), QWebSocketServer::NonSecureMode)
{
    m_clock.start();
    // Qt's default backlog (50) drops connection attempts when many clients come back at once
    // (a node restart behind a load balancer); the kernel caps it at net.core.somaxconn.
    setListenBacklogSize(1024);
    connect(&m_webSockets, &QWebSocketServer::newConnection, this, [this] {
        while (m_webSockets.hasPendingConnections()) {
            if (QWebSocket *socket = m_webSockets.nextPendingConnection())
                m_handler->handleWebSocket(socket);
        }
    });
    // Out of descriptors (or another accept failure): QTcpServer stops accepting for good.
    // Try again shortly instead, once some connections have gone.
    m_sweep.setInterval(kSweepIntervalMs);
    connect(&m_sweep, &QTimer::timeout, this, &HttpServer::sweepHandedOver);
    m_resumeAccepting.setSingleShot(true);
    connect(&m_resumeAccepting, &QTimer::timeout, this, &QTcpServer::resumeAccepting);
    connect(this, &QTcpServer::acceptError, this, [this](QAbstractSocket::SocketError) {
        logRefusal(QStringLiteral("accept"),
                   QStringLiteral("http: cannot accept a connection: %1").arg(errorString()));
        m_resumeAccepting.start(kResumeAcceptingMs);
    });
}

HttpServer::~HttpServer()
{
    const auto connections = m_connections;
    for (HttpConnection *c : connections)
        c->disconnect();
    m_connections.clear();
}

void HttpServer::setTlsConfiguration(const QSslConfiguration &configuration)
{
    m_tlsConfiguration = configuration;
    m_tls = true;
}

void HttpServer::raiseFileLimit(qint64 needed)
{
#ifdef Q_OS_UNIX
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY ||
        qint64(limit.rlim_cur) >= needed)
        return;
    const rlim_t wanted = limit.rlim_max == RLIM_INFINITY
                              ? rlim_t(needed)
                              : std::min<rlim_t>(limit.rlim_max, rlim_t(needed));
    if (wanted > limit.rlim_cur) {
        limit.rlim_cur = wanted;
        ::setrlimit(RLIMIT_NOFILE, &limit);
    }
    if (qint64(wanted) < needed) {
        qCWarning(lcRelay).noquote()
            << "http: the open-file limit is" << qint64(wanted) << "but the connection limits need"
            << needed << "descriptors; lower them or raise the limit (ulimit -n)";
    }
#else
    Q_UNUSED(needed)
#endif
}

void HttpServer::logRefusal(const QString &kind, const QString &line)
{
    int held = 0;
    if (m_log.allow(kind, &held))
        qCWarning(lcRelay).noquote() << line + LogThrottle::heldNote(held);
}

void HttpServer::incomingConnection(qintptr handle)
{
    QTcpSocket *socket = m_tls ? new QSslSocket : new QTcpSocket;
    if (!socket->setSocketDescriptor(handle)) {
        delete socket;
#ifdef Q_OS_UNIX
        ::close(int(handle));
#endif
        return;
    }
    const QHostAddress peer = socket->peerAddress();
    if (!makeRoom(peer)) {
        turnAway(socket);
        return;
    }
    auto *connection = new HttpConnection(socket, this);
    m_connections.insert(connection);
    ++m_perAddress[peer];
    if (auto *tls = qobject_cast<QSslSocket *>(socket)) {
        tls->setSslConfiguration(m_tlsConfiguration);
        tls->startServerEncryption();
    }
}

// At a limit, the connection that has waited longest without a request in progress (kept
// alive, or a head that is still arriving after a grace second) is closed for the newcomer:
// a slow or idle peer cannot keep the slots from one that sends its request at once.
bool HttpServer::makeRoom(const QHostAddress &peer)
{
    const bool full = int(m_connections.size()) >= m_limits.maxConnections;
    const bool addressFull = m_perAddress.value(peer) >= m_limits.maxConnectionsPerAddress;
    if (!full && !addressFull)
        return true;
    const qint64 now = m_clock.elapsed();
    HttpConnection *victim = nullptr;
    for (HttpConnection *c : std::as_const(m_connections)) {
        if (addressFull && c->peer() != peer)
            continue;
        if (c->isEvictable(now) && (!victim || c->phaseStartedAt() < victim->phaseStartedAt()))
            victim = c;
    }
    if (!victim)
        return false;
    logRefusal(
        QStringLiteral("evicted"),
        QStringLiteral("http: closed a connection from %1 that sent no complete request, "
                       "to make room (%2)")
            .arg(victim->peer().toString(),
                 addressFull
                     ? QStringLiteral("%1 connections from that address")
                           .arg(m_limits.maxConnectionsPerAddress)
                     : QStringLiteral("%1 connections in all").arg(m_limits.maxConnections)));
    victim->abort();
    return true;
}

void HttpServer::turnAway(QTcpSocket *socket)
{
    logRefusal(QStringLiteral("busy"),
               QStringLiteral("http: 503 to %1: at the connection limit (%2 in all, %3 per "
                              "address)")
                   .arg(socket->peerAddress().toString())
                   .arg(m_limits.maxConnections)
                   .arg(m_limits.maxConnectionsPerAddress));
    socket->setParent(this);
    if (m_tls || m_turningAway >= kMaxTurningAway) {
        socket->abort();
        socket->deleteLater();
        return;
    }
    ++m_turningAway;
    socket->setReadBufferSize(4096);
    const HttpResponse busy = httpError(503, QStringLiteral("busy"),
                                        QStringLiteral("too many connections; try again shortly"));
    HttpHeaders headers = busy.headers;
    headers.emplaceBack("Retry-After", "1");
    headers.emplaceBack("Content-Length", QByteArray::number(busy.body.size()));
    headers.emplaceBack("Connection", "close");
    socket->write(httpHead(busy.status, headers) + busy.body);
    socket->flush();
#ifdef Q_OS_UNIX
    ::shutdown(int(socket->socketDescriptor()), SHUT_WR);
#endif
    connect(socket, &QTcpSocket::readyRead, socket,
            [socket] { socket->skip(socket->bytesAvailable()); });
    connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
    connect(socket, &QObject::destroyed, this, [this] { --m_turningAway; });
    QTimer::singleShot(kTurnAwayMs, socket, [socket] {
        socket->abort();
        socket->deleteLater();
    });
}

void HttpServer::release(HttpConnection *connection)
{
    if (!m_connections.remove(connection))
        return;
    const auto it = m_perAddress.find(connection->peer());
    if (it != m_perAddress.end() && --it.value() <= 0)
        m_perAddress.erase(it);
}

void HttpServer::handOver(QTcpSocket *socket)
{
    // The socket stays ours (deleted with the server at the latest); QWebSocketServer deletes
    // it when it disconnects.
    socket->setParent(this);
    // The unmasked-frame check must see the stream before QWebSocket does (item 18).
    WebSocketGuard::watch(socket);
    m_handedOver.append(socket);
    if (!m_sweep.isActive())
        m_sweep.start();
    m_webSockets.handleConnection(socket);
}

void HttpServer::sweepHandedOver()
{
    const qint64 now = m_clock.elapsed();
    for (auto it = m_handedOver.begin(); it != m_handedOver.end();) {
        QTcpSocket *socket = *it;
        if (!socket) {
            it = m_handedOver.erase(it);
            continue;
        }
        const auto state = socket->state();
        const bool closing = state == QAbstractSocket::ClosingState;
        if (closing && !m_closingSince.contains(socket))
            m_closingSince.insert(socket, now);
        if (state == QAbstractSocket::UnconnectedState ||
            (closing && now - m_closingSince.value(socket) > kClosingGraceMs)) {
            // Gone, or stuck closing: nothing will delete it any more (a QWebSocket that is
            // still alive learns through the socket's destroyed()).
            m_closingSince.remove(socket);
            socket->abort();
            socket->deleteLater();
            it = m_handedOver.erase(it);
            continue;
        }
        ++it;
    }
    if (m_handedOver.isEmpty())
        m_sweep.stop();
}

} // namespace vigil
