#pragma once

#include "httprequest.h"
#include "logthrottle.h"

#include <QElapsedTimer>
#include <QHash>
#include <QPointer>
#include <QSet>
#include <QSslConfiguration>
#include <QTcpServer>
#include <QTimer>
#include <QWebSocketServer>

#include <optional>

class QWebSocket;

namespace vigil {

class HttpConnection;

/// \brief What the relay does with the requests the HTTP server lets through.
class HttpHandler
{
public:
    virtual ~HttpHandler() = default;
    /// Decides on a request as soon as its head is in, before any byte of its body is read: a
    /// response refuses it (the connection is then closed), nullopt lets it go on.
    virtual std::optional<HttpResponse> checkHead(const HttpRequest &request) = 0;
    /// A complete request. Answer at once or later through `connection`, which may close
    /// meanwhile (HttpConnection::closed); the server owns it.
    virtual void handleRequest(const HttpRequest &request, HttpConnection *connection) = 0;
    /// A WebSocket upgraded on a path checkHead() let through. Takes ownership.
    virtual void handleWebSocket(QWebSocket *socket) = 0;
};

/// \brief The relay's HTTP/1.1 server, plain or TLS, that bounds what a peer can make it hold.
///
/// It reads a request head only by peeking, within the header and URL limits and the header
/// timeout, asks the handler about it before any body byte is read, reads at most the body
/// limit, answers every request (refusals close the connection), and keeps the number of
/// connections bounded in total and per peer address: when full, the connection that has
/// waited longest without a complete request makes room, or the newcomer gets 503. WebSocket
/// upgrades are handed to QWebSocketServer with the request still unread.
class HttpServer : public QTcpServer
{
    Q_OBJECT
public:
    HttpServer(const HttpLimits &limits, HttpHandler *handler, QObject *parent = nullptr);
    ~HttpServer() override;

    /// Serve TLS (https:// and wss://) with this certificate and key.
    void setTlsConfiguration(const QSslConfiguration &configuration);
    [[nodiscard]] bool isTls() const { return m_tls; }
    [[nodiscard]] const HttpLimits &limits() const { return m_limits; }
    /// HTTP connections open now (upgraded WebSockets no longer count).
    [[nodiscard]] int connectionCount() const { return int(m_connections.size()); }
    /// Raises the process's open-file limit towards `needed` descriptors, as far as allowed.
    static void raiseFileLimit(qint64 needed);

    // --- for HttpConnection ---
    [[nodiscard]] HttpHandler *handler() const { return m_handler; }
    [[nodiscard]] qint64 now() const { return m_clock.elapsed(); }
    /// A warning about a refused peer, at most one per kind every 10 s.
    void logRefusal(const QString &kind, const QString &line);
    void release(HttpConnection *connection);
    void handOver(QTcpSocket *socket);

protected:
    void incomingConnection(qintptr handle) override;

private:
    bool makeRoom(const QHostAddress &peer);
    void turnAway(QTcpSocket *socket);

    HttpLimits m_limits;
    HttpHandler *m_handler;
    QSslConfiguration m_tlsConfiguration;
    bool m_tls = false;
    QSet<HttpConnection *> m_connections;
    QHash<QHostAddress, int> m_perAddress;
    int m_turningAway = 0; ///< refused sockets still saying 503
    QWebSocketServer m_webSockets;
    LogThrottle m_log;
    QElapsedTimer m_clock;
    QTimer m_resumeAccepting;
    /// Sockets handed to QWebSocketServer. A QWebSocket deleted while its socket was still
    /// closing cuts the socket's own clean-up; the sweep deletes such sockets.
    QList<QPointer<QTcpSocket>> m_handedOver;
    QHash<QTcpSocket *, qint64> m_closingSince;
    QTimer m_sweep;
    void sweepHandedOver();
};

} // namespace vigil
