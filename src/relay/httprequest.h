#pragma once

#include <QByteArray>
#include <QHostAddress>
#include <QList>
#include <QPair>
#include <QString>
#include <QUrlQuery>

namespace vigil {

using HttpHeaders = QList<QPair<QByteArray, QByteArray>>;

/// \brief What the relay's HTTP server allows a peer before it reads a byte more: every limit
/// is checked before the bytes it guards are read (docs/relay.md, "HTTP limits").
struct HttpLimits
{
    qsizetype maxHeaderBytes = 16 * 1024;  ///< request line and headers together: else 431
    qsizetype maxUrlBytes = 8 * 1024;      ///< the request target: else 414
    qint64 maxBodyBytes = 2 * 1024 * 1024; ///< Content-Length: else 413
    int headerTimeoutMs = 10000; ///< from the first byte of a request (or the connect) to its end
    int idleTimeoutMs = 60000;   ///< a kept-alive connection with no request; a body's arrival
    int maxConnections = 1024;   ///< HTTP connections at once (upgraded WebSockets not counted)
    int maxConnectionsPerAddress = 64;
};

/// \brief One HTTP/1.x request: its head, parsed and checked, and once read, its body.
struct HttpRequest
{
    QByteArray method;
    QByteArray target; ///< as sent: path and query
    QString path;      ///< decoded
    QUrlQuery query;
    int minorVersion = 1; ///< HTTP/1.x
    HttpHeaders headers;
    qint64 contentLength = 0;
    bool keepAlive = true;
    bool webSocketUpgrade = false; ///< `Upgrade: websocket`
    bool expectContinue = false;   ///< `Expect: 100-continue`
    QByteArray body;
    QHostAddress peer;

    /// The first value of header `name` (case-insensitive), empty when absent.
    [[nodiscard]] QByteArray header(const QByteArray &name) const;
    [[nodiscard]] int headerCount(const QByteArray &name) const;
    /// True when the comma-separated header `name` lists `token` (case-insensitive).
    [[nodiscard]] bool headerHasToken(const QByteArray &name, const QByteArray &token) const;
};

/// \brief A complete answer.
struct HttpResponse
{
    int status = 200;
    HttpHeaders headers; ///< besides Content-Length and Connection, which the server writes
    QByteArray body;
    bool close = false; ///< close the connection after it (always after a refused head)
};

/// Parses a complete request head (the request line up to and including the blank line).
/// Returns 0 when it is well formed, else the status to refuse it with (400, 411, 414, 417, 505)
/// and a reason for people in `why`. Framing is strict: a duplicate Content-Length, or one
/// together with Transfer-Encoding, is a 400 (request smuggling); Transfer-Encoding alone is
/// a 411 (send Content-Length).
int parseRequestHead(const QByteArray &head, const HttpLimits &limits, HttpRequest *out,
                     QString *why);

/// The relay's error answer: `{"error": code, "message": message}` as JSON.
[[nodiscard]] HttpResponse httpError(int status, const QString &code, const QString &message);
/// "Not Found" for 404 and so on.
[[nodiscard]] QByteArray httpReason(int status);
/// The status line and headers of an answer, ending with the blank line.
[[nodiscard]] QByteArray httpHead(int status, const HttpHeaders &headers);

} // namespace vigil
