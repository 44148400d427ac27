#pragma once

#include "httpeventstreams.h"
#include "httppostqueue.h"
#include "httpserver.h"
#include "principal.h"
#include "protocol/envelope.h"
#include "protocol/logfilter.h"

#include <QHash>
#include <QHostAddress>
#include <QList>
#include <QObject>
#include <QSet>
#include <QTimer>

#include <memory>

namespace vigil {

class Relay;
struct RelayConfig;

/// \brief Everything HTTP of the relay, on the same port as the WebSocket: the upgrade on
/// `/ws`, the JSON endpoints, Server-Sent Events and long-polling, and `POST /api/messages`.
///
/// Requests come through the relay's own HttpServer, which bounds what a peer can make the
/// relay hold; this class applies the relay's rules to them (Host, Origin, authentication,
/// channel authorization, the admin role, rate limits, de-duplication) before any body is read.
class HttpFrontend : public QObject, public HttpHandler
{
    Q_OBJECT
public:
    explicit HttpFrontend(Relay *relay);
    ~HttpFrontend() override;

    bool listen(const QHostAddress &host, quint16 port, const QString &certFile,
                const QString &keyFile, QString *error);
    void stop();
    /// While paused, new connections wait in the kernel's backlog (up to 1,024) and are
    /// neither accepted nor refused.
    void setAccepting(bool accepting);
    [[nodiscard]] quint16 port() const { return m_port; }
    [[nodiscard]] int streamCount() const { return m_streams.count(); }
    [[nodiscard]] int pollCount() const { return int(m_polls.size()); }
    [[nodiscard]] int connectionCount() const;
    /// The HTTP limits `config` asks for, with defaults filled in.
    [[nodiscard]] static HttpLimits limitsFor(const RelayConfig &config);

    std::optional<HttpResponse> checkHead(const HttpRequest &request) override;
    void handleRequest(const HttpRequest &request, HttpConnection *connection) override;
    void handleWebSocket(QWebSocket *socket) override;

private:
    enum class Route { None, WebSocket, Health, Sessions, Metrics, Stream, Poll, Messages };
    struct Poll
    {
        QSet<QString> channels;
        QTimer *timer = nullptr;
        LogFilter filter;
    };

    /// Takes a parked poll out of both tables and stops its timer.
    void unpark(QHash<HttpConnection *, Poll>::iterator poll);
    [[nodiscard]] static Route routeFor(const QString &path);
    [[nodiscard]] bool hostAllowed(const HttpRequest &request) const;
    [[nodiscard]] bool isAdmin(const Principal &who) const;
    HttpResponse refusal(const HttpRequest &request, int status, const QString &code,
                         const QString &message);
    void serveHealth(HttpConnection *connection);
    void serveSessions(const Principal &who, HttpConnection *connection);
    void serveMetrics(const Principal &who, HttpConnection *connection);
    void serveStream(const Principal &who, const HttpRequest &request, HttpConnection *connection);
    void servePoll(const Principal &who, const HttpRequest &request, HttpConnection *connection);
    void onPublished(const Envelope &envelope);
    void answerPoll(HttpConnection *connection, const QList<Envelope> &envelopes);
    void forget(HttpConnection *connection);
    /// The `logFilter` query parameter (URL-encoded LogFilter JSON; absent or empty: none), or
    /// nullopt with the 400 answer written to `connection`.
    std::optional<LogFilter> logFilterOf(const HttpRequest &request, HttpConnection *connection);
    /// A 403 answer unless `who` may read every one of `channels`.
    std::optional<HttpResponse> mayRead(const Principal &who, const QStringList &channels) const;

    Relay *m_relay;
    std::unique_ptr<HttpServer> m_server;
    quint16 m_port = 0;
    // Connections are owned by the server and deleted only from the event loop; these tables
    // just point at them and drop an entry when its connection says closed().
    HttpEventStreams m_streams;
    QHash<HttpConnection *, Poll> m_polls; ///< parked long-polls
    /// The parked polls of each channel: a message looks only at the polls that wait for its
    /// channel, not at every parked poll (thousands of idle ones cost nothing per message).
    QHash<QString, QSet<HttpConnection *>> m_pollsByChannel;
    HttpPostQueue m_posts;
};

} // namespace vigil
