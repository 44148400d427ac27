#include "httpfrontend.h"

#include "httpconnection.h"
#include "logdelivery.h"
#include "relay.h"

#include <QFile>
#include <QJsonDocument>
#include <QSslCertificate>
#include <QSslKey>
#include <QUrlQuery>
#include <QWebSocket>

namespace vigil {

namespace {

constexpr int kMaxPollWaitMs = 60000;

// Names the relay's history on the answers that carry positions (streams and polls), so a
// client without a `welcome` still learns which history its seqs belong to.
constexpr char kEpochHeader[] = "Vigil-Epoch";

QByteArray compactJson(const QJsonValue &value)
{
    return value.isArray() ? QJsonDocument(value.toArray()).toJson(QJsonDocument::Compact)
                           : QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact);
}

HttpResponse jsonResponse(const QJsonValue &value, const QString &epoch = {})
{
    HttpResponse response;
    response.headers = {{"Content-Type", "application/json"}};
    if (!epoch.isEmpty())
        response.headers.emplaceBack(kEpochHeader, epoch.toUtf8());
    response.body = compactJson(value);
    return response;
}

// "incidents:41,chat:7" -> {incidents: 41, chat: 7}
QHash<QString, qint64> parsePositions(const QString &text)
{
    QHash<QString, qint64> out;
    for (const QString &part : text.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        const int colon = part.lastIndexOf(QLatin1Char(':'));
        if (colon <= 0)
            continue;
        bool ok = false;
        const qint64 seq = part.mid(colon + 1).toLongLong(&ok);
        if (ok && seq >= 0)
            out.insert(part.left(colon).trimmed(), seq);
    }
    return out;
}

// "localhost:8765" -> "localhost", "[::1]:8765" -> "::1"; lower case, no trailing dot.
QString hostName(const QByteArray &host)
{
    QString name = QString::fromLatin1(host).trimmed().toLower();
    if (name.startsWith(QLatin1Char('['))) {
        const int close = name.indexOf(QLatin1Char(']'));
        name = close > 0 ? name.mid(1, close - 1) : QString();
    } else {
        const int colon = name.lastIndexOf(QLatin1Char(':'));
        if (colon >= 0 && name.indexOf(QLatin1Char(':')) == colon)
            name = name.left(colon);
    }
    if (name.endsWith(QLatin1Char('.')))
        name.chop(1);
    return name;
}

} // namespace

HttpFrontend::HttpFrontend(Relay *relay)
    : QObject(relay)
    , m_relay(relay)
    , m_streams(relay)
    , m_posts(relay)
{
    connect(relay, &Relay::published, this, &HttpFrontend::onPublished);
}

HttpFrontend::~HttpFrontend()
{
    stop();
}

HttpLimits HttpFrontend::limitsFor(const RelayConfig &config)
{
    HttpLimits limits;
    limits.maxHeaderBytes = config.httpMaxHeaderBytes;
    limits.maxUrlBytes = config.httpMaxUrlBytes;
    // By default a POST may carry one message of the largest size, with room to spare.
    limits.maxBodyBytes = config.httpMaxBodyBytes > 0
                              ? config.httpMaxBodyBytes
                              : std::max<qint64>(1024 * 1024, 2 * qint64(config.maxMessageBytes));
    limits.headerTimeoutMs = config.httpHeaderTimeoutMs;
    limits.idleTimeoutMs = config.httpIdleTimeoutMs;
    limits.maxConnections = config.httpMaxConnections;
    limits.maxConnectionsPerAddress = config.httpMaxConnectionsPerAddress;
    return limits;
}

bool HttpFrontend::listen(const QHostAddress &host, quint16 port, const QString &certFile,
                          const QString &keyFile, QString *error)
{
    const RelayConfig &config = m_relay->config();
    m_server = std::make_unique<HttpServer>(limitsFor(config), this);
    if (!certFile.isEmpty() || !keyFile.isEmpty()) {
        QFile cert(certFile);
        QFile key(keyFile);
        if (certFile.isEmpty() || keyFile.isEmpty() || !cert.open(QIODevice::ReadOnly) ||
            !key.open(QIODevice::ReadOnly)) {
            *error = QStringLiteral("TLS needs both --tls-cert and --tls-key, readable (%1, %2)")
                         .arg(certFile, keyFile);
            m_server.reset();
            return false;
        }
        const QSslCertificate certificate(cert.readAll(), QSsl::Pem);
        const QByteArray keyData = key.readAll();
        QSslKey privateKey(keyData, QSsl::Rsa, QSsl::Pem);
        if (privateKey.isNull())
            privateKey = QSslKey(keyData, QSsl::Ec, QSsl::Pem);
        if (certificate.isNull() || privateKey.isNull()) {
            *error = QStringLiteral("cannot read a PEM certificate from %1 and a PEM key from %2")
                         .arg(certFile, keyFile);
            m_server.reset();
            return false;
        }
        QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
        tls.setLocalCertificate(certificate);
        tls.setPrivateKey(privateKey);
        tls.setPeerVerifyMode(QSslSocket::VerifyNone);
        m_server->setTlsConfiguration(tls);
    }
    // Every HTTP connection and every WebSocket session holds a descriptor; keep some spare.
    HttpServer::raiseFileLimit(qint64(config.httpMaxConnections) + config.maxConnections + 64);
    if (!m_server->listen(host, port)) {
        *error = QStringLiteral("cannot listen on %1 port %2 (%3)")
                     .arg(host.toString())
                     .arg(port)
                     .arg(m_server->errorString());
        m_server.reset();
        return false;
    }
    m_port = m_server->serverPort();
    m_streams.setServer(m_server.get());
    return true;
}

void HttpFrontend::setAccepting(bool accepting)
{
    if (!m_server)
        return;
    if (accepting)
        m_server->resumeAccepting();
    else
        m_server->pauseAccepting();
}

void HttpFrontend::stop()
{
    m_posts.clear();
    for (const Poll &poll : std::as_const(m_polls))
        delete poll.timer;
    m_polls.clear();
    m_pollsByChannel.clear();
    m_streams.clear();
    m_streams.setServer(nullptr);
    m_server.reset();
}

int HttpFrontend::connectionCount() const
{
    return m_server ? m_server->connectionCount() : 0;
}

HttpFrontend::Route HttpFrontend::routeFor(const QString &path)
{
    static const QHash<QString, Route> routes{
        {QStringLiteral("/ws"), Route::WebSocket},
        {QStringLiteral("/api/health"), Route::Health},
        {QStringLiteral("/api/sessions"), Route::Sessions},
        {QStringLiteral("/api/websocket/metrics"), Route::Metrics},
        {QStringLiteral("/api/stream"), Route::Stream},
        {QStringLiteral("/api/poll"), Route::Poll},
        {QStringLiteral("/api/messages"), Route::Messages},
    };
    return routes.value(path, Route::None);
}

// Without tokens anyone who reaches the port may do anything, and a web page can reach a
// loopback port through a name of its own that it re-points at 127.0.0.1 (DNS rebinding).
// Such a request carries that name in Host, so only loopback names are served.
bool HttpFrontend::hostAllowed(const HttpRequest &request) const
{
    if (m_relay->authRequired())
        return true;
    const QByteArray host = request.header("Host");
    if (host.isEmpty())
        return true; // not from a browser: they always send Host
    const QString name = hostName(host);
    if (name == u"localhost")
        return true;
    QHostAddress address;
    if (address.setAddress(name) && address.isLoopback())
        return true;
    for (const QString &allowed : m_relay->config().allowedHosts) {
        if (hostName(allowed.toLatin1()) == name)
            return true;
    }
    return false;
}

bool HttpFrontend::isAdmin(const Principal &who) const
{
    // Without tokens there is one principal, on loopback, that may do everything.
    return !m_relay->authRequired() || who.role == u"admin";
}

HttpResponse HttpFrontend::refusal(const HttpRequest &request, int status, const QString &code,
                                   const QString &message)
{
    m_relay->countHttpRequest(true);
    // The path only: a `token` in the query must never reach a log.
    m_server->logRefusal(code,
                         QStringLiteral("http: %1 to %2 for %3 %4: %5")
                             .arg(status)
                             .arg(request.peer.toString(), QString::fromLatin1(request.method),
                                  request.path.left(128), message));
    HttpResponse response = httpError(status, code, message);
    response.close = true;
    return response;
}

std::optional<HttpResponse> HttpFrontend::checkHead(const HttpRequest &request)
{
    if (!hostAllowed(request)) {
        return refusal(request, 403, QStringLiteral("forbidden_host"),
                       QStringLiteral("without tokens this relay answers only to localhost, "
                                      "loopback addresses and the names given with "
                                      "--allow-host"));
    }
    const Route route = routeFor(request.path);
    if (request.webSocketUpgrade) {
        if (route != Route::WebSocket)
            return refusal(request, 404, QStringLiteral("not_found"),
                           QStringLiteral("WebSocket upgrades are served on /ws only"));
        return std::nullopt; // Origin and token are checked on the WebSocket (4403, 4401)
    }
    if (route == Route::None)
        return refusal(request, 404, QStringLiteral("not_found"),
                       QStringLiteral("no such endpoint"));
    if (route == Route::WebSocket) {
        HttpResponse response =
            refusal(request, 426, QStringLiteral("upgrade_required"),
                    QStringLiteral("/ws is the WebSocket endpoint: send Upgrade: websocket"));
        response.headers.emplaceBack("Upgrade", "websocket");
        return response;
    }
    const QByteArray method = route == Route::Messages ? "POST" : "GET";
    if (request.method != method) {
        HttpResponse response = refusal(request, 405, QStringLiteral("method_not_allowed"),
                                        QStringLiteral("use %1").arg(QLatin1String(method)));
        response.headers.emplaceBack("Allow", method);
        return response;
    }
    if (!m_relay->originAllowed(request.header("Origin")))
        return refusal(request, 403, QStringLiteral("forbidden_origin"),
                       QStringLiteral("this Origin is not allowed"));
    const auto principal = m_relay->authenticate(request.header("Authorization"), request.query);
    if (!principal) {
        HttpResponse response = refusal(request, 401, QStringLiteral("unauthorized"),
                                        QStringLiteral("a valid bearer token is required"));
        response.headers.emplaceBack("WWW-Authenticate", "Bearer");
        return response;
    }
    if (route == Route::Messages && request.headerCount("Content-Length") == 0)
        return refusal(request, 411, QStringLiteral("length_required"),
                       QStringLiteral("send the body with a Content-Length"));
    return std::nullopt;
}

void HttpFrontend::handleRequest(const HttpRequest &request, HttpConnection *connection)
{
    connect(connection, &HttpConnection::closed, this, &HttpFrontend::forget, Qt::UniqueConnection);
    const auto principal = m_relay->authenticate(request.header("Authorization"), request.query);
    if (!principal) { // checked with the head already
        connection->respond(refusal(request, 401, QStringLiteral("unauthorized"),
                                    QStringLiteral("a valid bearer token is required")));
        return;
    }
    m_relay->countHttpRequest(false);
    switch (routeFor(request.path)) {
    case Route::Health:
        serveHealth(connection);
        break;
    case Route::Sessions:
        serveSessions(*principal, connection);
        break;
    case Route::Metrics:
        serveMetrics(*principal, connection);
        break;
    case Route::Stream:
        serveStream(*principal, request, connection);
        break;
    case Route::Poll:
        servePoll(*principal, request, connection);
        break;
    case Route::Messages:
        m_posts.post(*principal, request.body, connection);
        break;
    default:
        connection->respond(
            httpError(404, QStringLiteral("not_found"), QStringLiteral("no such endpoint")));
        break;
    }
}

void HttpFrontend::handleWebSocket(QWebSocket *socket)
{
    m_relay->acceptWebSocket(socket);
}

void HttpFrontend::serveHealth(HttpConnection *connection)
{
    QJsonObject health = m_relay->healthJson();
    health.insert(QStringLiteral("http"),
                  QJsonObject{{QStringLiteral("streams"), streamCount()},
                              {QStringLiteral("polls"), pollCount()},
                              {QStringLiteral("connections"), connectionCount()}});
    connection->respond(jsonResponse(health));
}

// An admin sees every session. Any other token sees only its own sessions, and in them only
// the channels it may read: never other users' names, addresses or subscriptions.
void HttpFrontend::serveSessions(const Principal &who, HttpConnection *connection)
{
    QJsonObject sessions = m_relay->sessionsJson();
    if (!isAdmin(who)) {
        QJsonArray own;
        for (const QJsonValue &value : sessions.value(QStringLiteral("sessions")).toArray()) {
            QJsonObject session = value.toObject();
            if (session.value(QStringLiteral("user")).toString() != who.user)
                continue;
            QJsonArray readable;
            for (const QJsonValue &channel : session.value(QStringLiteral("channels")).toArray()) {
                if (who.canRead(channel.toString()))
                    readable.append(channel);
            }
            session.insert(QStringLiteral("channels"), readable);
            own.append(session);
        }
        sessions.insert(QStringLiteral("sessions"), own);
        sessions.insert(QStringLiteral("count"), int(own.size()));
    }
    connection->respond(jsonResponse(sessions));
}

// An admin sees everything. Any other token sees the server's figures, its own connections and
// the channels it may read: never other users' names, addresses or subscriptions.
void HttpFrontend::serveMetrics(const Principal &who, HttpConnection *connection)
{
    QJsonObject metrics = m_relay->metricsJson();
    QJsonObject summary = metrics.value(QStringLiteral("summary")).toObject();
    summary.insert(QStringLiteral("sseStreams"), streamCount());
    summary.insert(QStringLiteral("longPolls"), pollCount());
    summary.insert(QStringLiteral("httpConnections"), connectionCount());
    metrics.insert(QStringLiteral("summary"), summary);
    if (!isAdmin(who)) {
        QJsonArray own;
        for (const QJsonValue &c : metrics.value(QStringLiteral("connections")).toArray()) {
            if (c.toObject().value(QStringLiteral("user")).toString() == who.user)
                own.append(c);
        }
        metrics.insert(QStringLiteral("connections"), own);
        const QJsonObject all = metrics.value(QStringLiteral("channels")).toObject();
        QJsonObject readable;
        for (auto it = all.begin(); it != all.end(); ++it) {
            if (who.canRead(it.key()))
                readable.insert(it.key(), it.value());
        }
        metrics.insert(QStringLiteral("channels"), readable);
    }
    connection->respond(jsonResponse(metrics));
}

void HttpFrontend::serveStream(const Principal &who, const HttpRequest &request,
                               HttpConnection *connection)
{
    const QUrlQuery &query = request.query;
    QHash<QString, qint64> since = parsePositions(query.queryItemValue(QStringLiteral("since")));
    // Last-Event-ID is the id of the last event the client saw: "channel:seq".
    const QHash<QString, qint64> last =
        parsePositions(QString::fromUtf8(request.header("Last-Event-ID")));
    for (auto it = last.begin(); it != last.end(); ++it)
        since.insert(it.key(), std::max(it.value(), since.value(it.key(), -1)));
    QStringList channels = query.queryItemValue(QStringLiteral("channels"))
                               .split(QLatin1Char(','), Qt::SkipEmptyParts);
    for (auto it = since.begin(); it != since.end(); ++it) {
        if (!channels.contains(it.key()))
            channels.append(it.key());
    }
    if (channels.isEmpty()) {
        connection->respond(
            httpError(400, QStringLiteral("bad_message"),
                      QStringLiteral("name the channels: /api/stream?channels=incidents,chat")));
        return;
    }
    if (const auto refused = mayRead(who, channels)) {
        connection->respond(*refused);
        return;
    }
    const std::optional<LogFilter> filter = logFilterOf(request, connection);
    if (!filter)
        return;
    m_streams.open(connection, QSet<QString>(channels.begin(), channels.end()), since, *filter);
}

void HttpFrontend::servePoll(const Principal &who, const HttpRequest &request,
                             HttpConnection *connection)
{
    const QUrlQuery &query = request.query;
    QHash<QString, qint64> since = parsePositions(query.queryItemValue(QStringLiteral("since")));
    // Channels named without a position start at their current head: only new messages.
    for (const QString &c : query.queryItemValue(QStringLiteral("channels"))
                                .split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        if (!since.contains(c))
            since.insert(c, m_relay->head(c));
    }
    if (since.isEmpty()) {
        connection->respond(
            httpError(400, QStringLiteral("bad_message"),
                      QStringLiteral("name the positions: /api/poll?since=incidents:41,chat:7")));
        return;
    }
    if (const auto refused = mayRead(who, since.keys())) {
        connection->respond(*refused);
        return;
    }
    const std::optional<LogFilter> filter = logFilterOf(request, connection);
    if (!filter)
        return;
    const LogFilter *applied = filter->isEmpty() ? nullptr : &*filter;
    // One page in all: the client asks again at once from where this answer ends.
    QList<Envelope> ready;
    qint64 budget = m_relay->config().replayPageBytes;
    for (auto it = since.begin(); it != since.end() && budget > 0; ++it) {
        bool recovered = true;
        const QList<Envelope> page =
            m_relay->replay(it.key(), it.value(), &recovered, nullptr, budget, applied);
        for (const Envelope &e : page) {
            budget -= e.serialize().size();
            Envelope reduced;
            const bool cut =
                applied && filterLogMessage(*applied, e, &reduced) == LogFilterOutcome::Reduced;
            ready.append(cut ? reduced : e);
        }
        if (!recovered)
            ready.append(HttpEventStreams::lostNotice(m_relay, it.key()));
    }
    if (!ready.isEmpty()) {
        QJsonArray out;
        for (const Envelope &e : std::as_const(ready))
            out.append(e.toJson());
        connection->respond(jsonResponse(out, m_relay->epoch()));
        return;
    }
    bool ok = false;
    int waitMs = query.queryItemValue(QStringLiteral("waitMs")).toInt(&ok);
    if (!ok)
        waitMs = 25000;
    waitMs = std::clamp(waitMs, 0, kMaxPollWaitMs);
    Poll poll;
    for (auto it = since.begin(); it != since.end(); ++it)
        poll.channels.insert(it.key());
    poll.filter = *filter;
    poll.timer = new QTimer(this);
    poll.timer->setSingleShot(true);
    connect(poll.timer, &QTimer::timeout, this, [this, connection] { answerPoll(connection, {}); });
    poll.timer->start(waitMs);
    for (const QString &channel : std::as_const(poll.channels))
        m_pollsByChannel[channel].insert(connection);
    m_polls.insert(connection, poll);
}

std::optional<LogFilter> HttpFrontend::logFilterOf(const HttpRequest &request,
                                                   HttpConnection *connection)
{
    const QString text =
        request.query.queryItemValue(QStringLiteral("logFilter"), QUrl::FullyDecoded);
    if (text.isEmpty())
        return LogFilter{};
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(text.toUtf8(), &parseError);
    QString why;
    std::optional<LogFilter> filter;
    if (parseError.error != QJsonParseError::NoError)
        why = QStringLiteral("logFilter is not valid JSON: %1").arg(parseError.errorString());
    else if (!document.isObject())
        why = QStringLiteral("logFilter must be a JSON object");
    else if (!(filter = LogFilter::fromJson(document.object(), &why)))
        why = QStringLiteral("logFilter is not valid: %1").arg(why);
    if (!filter)
        connection->respond(httpError(400, QStringLiteral("bad_filter"), why));
    return filter;
}

std::optional<HttpResponse> HttpFrontend::mayRead(const Principal &who,
                                                  const QStringList &channels) const
{
    for (const QString &c : channels) {
        if (!isValidChannelName(c) || !who.canRead(c)) {
            return httpError(
                403, QStringLiteral("forbidden_channel"),
                QStringLiteral("%1 may not read channel \"%2\"").arg(who.user, c.left(64)));
        }
    }
    return std::nullopt;
}

void HttpFrontend::forget(HttpConnection *connection)
{
    m_streams.forget(connection);
    const auto poll = m_polls.find(connection);
    if (poll != m_polls.end())
        unpark(poll);
    m_posts.forget(connection);
}

void HttpFrontend::unpark(QHash<HttpConnection *, Poll>::iterator poll)
{
    for (const QString &channel : std::as_const(poll->channels)) {
        const auto waiting = m_pollsByChannel.find(channel);
        if (waiting == m_pollsByChannel.end())
            continue;
        waiting->remove(poll.key());
        if (waiting->isEmpty())
            m_pollsByChannel.erase(waiting);
    }
    poll->timer->stop();
    poll->timer->deleteLater(); // we may be in its timeout
    m_polls.erase(poll);
}

void HttpFrontend::onPublished(const Envelope &envelope)
{
    const auto waiting = m_pollsByChannel.constFind(envelope.channel);
    if (waiting == m_pollsByChannel.cend())
        return;
    QList<QPair<HttpConnection *, Envelope>> ready;
    for (HttpConnection *connection : *waiting) {
        const auto it = m_polls.constFind(connection);
        if (it == m_polls.cend())
            continue;
        Envelope reduced;
        switch (filterLogMessage(it->filter, envelope, &reduced)) {
        case LogFilterOutcome::Drop:
            break; // not for this poll: it waits on
        case LogFilterOutcome::Reduced:
            ready.append({connection, reduced});
            break;
        case LogFilterOutcome::Pass:
            ready.append({connection, envelope});
            break;
        }
    }
    for (const auto &[c, e] : std::as_const(ready))
        answerPoll(c, {e});
}

void HttpFrontend::answerPoll(HttpConnection *connection, const QList<Envelope> &envelopes)
{
    const auto it = m_polls.find(connection);
    if (it == m_polls.end())
        return;
    unpark(it);
    QJsonArray out;
    for (const Envelope &e : envelopes)
        out.append(e.toJson());
    connection->respond(jsonResponse(out, m_relay->epoch()));
}

} // namespace vigil
