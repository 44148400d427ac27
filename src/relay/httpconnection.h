#pragma once

#include "httprequest.h"

#include <QObject>
#include <QTimer>

class QTcpSocket;

namespace vigil {

class HttpServer;

/// \brief One HTTP connection of the relay: reads requests within the server's limits and
/// timeouts, one at a time, and carries their answers (complete, deferred or streamed).
///
/// Owned by its HttpServer; it deletes itself (deleteLater) once its socket is gone. Holders
/// of a pointer watch closed().
class HttpConnection : public QObject
{
    Q_OBJECT
public:
    HttpConnection(QTcpSocket *socket, HttpServer *server);
    ~HttpConnection() override;

    /// Answers the request being handled; the connection then serves the next one (or closes
    /// when the response or the request says so).
    void respond(const HttpResponse &response);
    /// Starts an open-ended answer (Server-Sent Events): the head now, the body piece by piece
    /// with writeStream(), until either side closes.
    void beginStream(int status, const HttpHeaders &headers);
    void writeStream(const QByteArray &bytes);
    /// Bytes written but not yet taken by the network (TLS records included).
    [[nodiscard]] qint64 bytesToWrite() const;
    [[nodiscard]] bool isOpen() const;
    /// Closes at once without an answer.
    void abort();
    [[nodiscard]] QHostAddress peer() const { return m_peer; }
    /// Whether this connection may be closed to make room for a new one: it has no request in
    /// progress (kept alive, or closing), or its request head has been arriving for a while.
    [[nodiscard]] bool isEvictable(qint64 now) const;
    [[nodiscard]] qint64 phaseStartedAt() const { return m_phaseStart; }

Q_SIGNALS:
    void closed(vigil::HttpConnection *connection);
    /// Some of a stream's bytes went out: room for more.
    void drained(vigil::HttpConnection *connection);

private:
    enum class State { Handshake, Head, Body, Handling, Streaming, Closing, Done };

    void onReadyRead();
    void onWritten();
    void onTimeout();
    void readHead();
    void readBody();
    void dispatch();
    void upgradeWebSocket(const HttpRequest &request);
    void refuse(const HttpResponse &response);
    void send(const HttpResponse &response, bool close);
    void closeAfterWrite();
    void discardInput();
    void finish();
    void enter(State state, int timeoutMs);

    QTcpSocket *m_socket;
    HttpServer *m_server;
    QHostAddress m_peer;
    State m_state;
    HttpRequest m_request;
    bool m_requestStarted = false; ///< a byte of the next request has arrived
    bool m_served = false;         ///< at least one request answered on this connection
    bool m_lingering = false;
    qsizetype m_scanned = 0; ///< bytes of the current head already searched for its end
    int m_headLooks = 0;     ///< times the current, still incomplete, head was looked at
    bool m_lineSeen = false; ///< the current head's request line is complete
    qint64 m_phaseStart = 0;
    qint64 m_discarded = 0;
    QTimer m_timer;
};

} // namespace vigil
