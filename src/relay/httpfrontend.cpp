#include "httpfrontend.h"

#include "protocol/logging.h"
#include "relay.h"

#include <QFile>
#include <QHttpServer>
#include <QHttpServerRequest>
#include <QHttpServerResponder>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSslCertificate>
#include <QSslKey>
#include <QTcpSocket>
#include <QUrlQuery>
#include <QWebSocket>

namespace vigil {

namespace {

using Status = QHttpServerResponder::StatusCode;
constexpr int kKeepAliveMs = 15000;
constexpr int kMaxPollWaitMs = 60000;

QByteArray header(const QHttpServerRequest &request, const QByteArray &name)
{
    for (const auto &[key, value] : request.headers()) {
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

// Names the relay's history on the answers that carry positions (streams and polls), so a
// client without a `welcome` still learns which history its seqs belong to.
constexpr char kEpochHeader[] = "Vigil-Epoch";

QByteArray compactJson(const QJsonValue &value)
{
    return value.isArray() ? QJsonDocument(value.toArray()).toJson(QJsonDocument::Compact)
                           : QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact);
}

void writeJson(QHttpServerResponder &responder, const QJsonValue &value, Status status = Status::Ok)
{
    responder.write(compactJson(value), "application/json", status);
}

void writeJsonWithEpoch(QHttpServerResponder &responder, const QJsonValue &value,
                        const QString &epoch)
{
    responder.write(compactJson(value),
                    {{"Content-Type", "application/json"}, {kEpochHeader, epoch.toUtf8()}});
}

void writeError(QHttpServerResponder &responder, Status status, const QString &code,
                const QString &message)
{
    writeJson(responder,
              QJsonObject{{QStringLiteral("error"), code}, {QStringLiteral("message"), message}},
              status);
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

QByteArray sseEvent(const Envelope &e)
{
    return "id: " + e.channel.toUtf8() + ':' + QByteArray::number(e.seq) +
           "\ndata: " + e.serialize() + "\n\n";
}

} // namespace

struct HttpFrontend::Stream
{
    std::unique_ptr<QHttpServerResponder> responder;
    QPointer<QTcpSocket> socket;
    QSet<QString> channels;
};

struct HttpFrontend::Poll
{
    std::unique_ptr<QHttpServerResponder> responder;
    QPointer<QTcpSocket> socket;
    QSet<QString> channels;
    QTimer timer;
};

HttpFrontend::HttpFrontend(Relay *relay)
    : QObject(relay)
    , m_relay(relay)
{
    connect(relay, &Relay::published, this, &HttpFrontend::onPublished);
    connect(&m_keepAlive, &QTimer::timeout, this, &HttpFrontend::keepAlive);
}

HttpFrontend::~HttpFrontend()
{
    stop();
}

bool HttpFrontend::listen(const QHostAddress &host, quint16 port, const QString &certFile,
                          const QString &keyFile, QString *error)
{
    m_server = std::make_unique<QHttpServer>();
    if (!certFile.isEmpty() || !keyFile.isEmpty()) {
        QFile cert(certFile);
        QFile key(keyFile);
        if (certFile.isEmpty() || keyFile.isEmpty() || !cert.open(QIODevice::ReadOnly) ||
            !key.open(QIODevice::ReadOnly)) {
            *error = QStringLiteral("TLS needs both --tls-cert and --tls-key, readable (%1, %2)")
                         .arg(certFile, keyFile);
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
            return false;
        }
        m_server->sslSetup(certificate, privateKey);
    }
    setUpRoutes();
    connect(m_server.get(), &QHttpServer::newWebSocketConnection, this, [this] {
        while (m_server->hasPendingWebSocketConnections()) {
            std::unique_ptr<QWebSocket> socket = m_server->nextPendingWebSocketConnection();
            if (socket)
                m_relay->acceptWebSocket(socket.release());
        }
    });
    m_port = m_server->listen(host, port);
    if (m_port == 0) {
        *error = QStringLiteral("cannot listen on %1 port %2 (in use, or not allowed)")
                     .arg(host.toString())
                     .arg(port);
        m_server.reset();
        return false;
    }
    m_keepAlive.start(kKeepAliveMs);
    return true;
}

void HttpFrontend::stop()
{
    m_keepAlive.stop();
    qDeleteAll(m_streams);
    m_streams.clear();
    qDeleteAll(m_polls);
    m_polls.clear();
    m_server.reset();
}

std::optional<Principal> HttpFrontend::admit(const QHttpServerRequest &request,
                                             QHttpServerResponder &responder)
{
    if (!m_relay->originAllowed(header(request, "Origin"))) {
        m_relay->countHttpRequest(true);
        writeError(responder, Status::Forbidden, QStringLiteral("forbidden_origin"),
                   QStringLiteral("this Origin is not allowed"));
        return std::nullopt;
    }
    const auto principal = m_relay->authenticate(header(request, "Authorization"), request.query());
    if (!principal) {
        m_relay->countHttpRequest(true);
        writeError(responder, Status::Unauthorized, QStringLiteral("unauthorized"),
                   QStringLiteral("a valid bearer token is required"));
        return std::nullopt;
    }
    m_relay->countHttpRequest(false);
    return principal;
}

void HttpFrontend::setUpRoutes()
{
    // The WebSocket upgrade: the route must exist and must write nothing; the socket then
    // arrives through newWebSocketConnection.
    m_server->route(QStringLiteral("/ws"),
                    [](const QHttpServerRequest &, QHttpServerResponder &&) {});

    m_server->route(QStringLiteral("/api/health"), QHttpServerRequest::Method::Get,
                    [this](const QHttpServerRequest &request, QHttpServerResponder &&responder) {
                        if (!admit(request, responder))
                            return;
                        QJsonObject health = m_relay->healthJson();
                        health.insert(QStringLiteral("http"),
                                      QJsonObject{{QStringLiteral("streams"), streamCount()},
                                                  {QStringLiteral("polls"), pollCount()}});
                        writeJson(responder, health);
                    });
    m_server->route(QStringLiteral("/api/sessions"), QHttpServerRequest::Method::Get,
                    [this](const QHttpServerRequest &request, QHttpServerResponder &&responder) {
                        if (admit(request, responder))
                            writeJson(responder, m_relay->sessionsJson());
                    });
    m_server->route(QStringLiteral("/api/websocket/metrics"), QHttpServerRequest::Method::Get,
                    [this](const QHttpServerRequest &request, QHttpServerResponder &&responder) {
                        if (!admit(request, responder))
                            return;
                        QJsonObject metrics = m_relay->metricsJson();
                        QJsonObject summary = metrics.value(QStringLiteral("summary")).toObject();
                        summary.insert(QStringLiteral("sseStreams"), streamCount());
                        summary.insert(QStringLiteral("longPolls"), pollCount());
                        metrics.insert(QStringLiteral("summary"), summary);
                        writeJson(responder, metrics);
                    });

    m_server->route(
        QStringLiteral("/api/stream"), QHttpServerRequest::Method::Get,
        [this](const QHttpServerRequest &request, QHttpServerResponder &&responder) {
            const auto principal = admit(request, responder);
            if (!principal)
                return;
            const QUrlQuery query = request.query();
            QHash<QString, qint64> since =
                parsePositions(query.queryItemValue(QStringLiteral("since")));
            // Last-Event-ID is the id of the last event the client saw: "channel:seq".
            const QHash<QString, qint64> last =
                parsePositions(QString::fromUtf8(header(request, "Last-Event-ID")));
            for (auto it = last.begin(); it != last.end(); ++it)
                since.insert(it.key(), std::max(it.value(), since.value(it.key(), -1)));
            QStringList channels = query.queryItemValue(QStringLiteral("channels"))
                                       .split(QLatin1Char(','), Qt::SkipEmptyParts);
            for (auto it = since.begin(); it != since.end(); ++it) {
                if (!channels.contains(it.key()))
                    channels.append(it.key());
            }
            if (channels.isEmpty()) {
                writeError(
                    responder, Status::BadRequest, QStringLiteral("bad_message"),
                    QStringLiteral("name the channels: /api/stream?channels=incidents,chat"));
                return;
            }
            if (!mayRead(*principal, channels, responder))
                return;
            auto *stream = new Stream;
            stream->socket = responder.socket();
            stream->channels = QSet<QString>(channels.begin(), channels.end());
            stream->responder = std::make_unique<QHttpServerResponder>(std::move(responder));
            stream->responder->writeStatusLine(Status::Ok);
            stream->responder->writeHeader("Content-Type", "text/event-stream");
            stream->responder->writeHeader("Cache-Control", "no-cache");
            stream->responder->writeHeader("X-Accel-Buffering", "no");
            stream->responder->writeHeader(kEpochHeader, m_relay->epoch().toUtf8());
            QByteArray first = ": vigil-relay stream\n\n";
            for (auto it = since.begin(); it != since.end(); ++it) {
                bool recovered = true;
                for (const Envelope &old : m_relay->replay(it.key(), it.value(), &recovered))
                    first += sseEvent(old);
                if (!recovered) {
                    first += "event: system\ndata: " + lostNotice(it.key()).serialize() + "\n\n";
                }
            }
            stream->responder->writeBody(first);
            m_streams.append(stream);
            // Forget a stream as soon as its client goes, not at the next write.
            connect(stream->socket, &QTcpSocket::disconnected, this,
                    [this, stream] { dropStream(stream); });
        });

    m_server->route(
        QStringLiteral("/api/poll"), QHttpServerRequest::Method::Get,
        [this](const QHttpServerRequest &request, QHttpServerResponder &&responder) {
            const auto principal = admit(request, responder);
            if (!principal)
                return;
            const QUrlQuery query = request.query();
            QHash<QString, qint64> since =
                parsePositions(query.queryItemValue(QStringLiteral("since")));
            // Channels named without a position start at their current head: only new messages.
            for (const QString &c : query.queryItemValue(QStringLiteral("channels"))
                                        .split(QLatin1Char(','), Qt::SkipEmptyParts)) {
                if (!since.contains(c))
                    since.insert(c, m_relay->head(c));
            }
            if (since.isEmpty()) {
                writeError(
                    responder, Status::BadRequest, QStringLiteral("bad_message"),
                    QStringLiteral("name the positions: /api/poll?since=incidents:41,chat:7"));
                return;
            }
            if (!mayRead(*principal, since.keys(), responder))
                return;
            QList<Envelope> ready;
            for (auto it = since.begin(); it != since.end(); ++it) {
                bool recovered = true;
                ready += m_relay->replay(it.key(), it.value(), &recovered);
                if (!recovered) {
                    ready.append(lostNotice(it.key()));
                }
            }
            if (!ready.isEmpty()) {
                QJsonArray out;
                for (const Envelope &e : std::as_const(ready))
                    out.append(e.toJson());
                writeJsonWithEpoch(responder, out, m_relay->epoch());
                return;
            }
            bool ok = false;
            int waitMs = query.queryItemValue(QStringLiteral("waitMs")).toInt(&ok);
            if (!ok)
                waitMs = 25000;
            waitMs = std::clamp(waitMs, 0, kMaxPollWaitMs);
            auto *poll = new Poll;
            poll->socket = responder.socket();
            for (auto it = since.begin(); it != since.end(); ++it)
                poll->channels.insert(it.key());
            poll->responder = std::make_unique<QHttpServerResponder>(std::move(responder));
            poll->timer.setSingleShot(true);
            connect(&poll->timer, &QTimer::timeout, this, [this, poll] { answerPoll(poll, {}); });
            poll->timer.start(waitMs);
            m_polls.append(poll);
        });

    m_server->route(
        QStringLiteral("/api/messages"), QHttpServerRequest::Method::Post,
        [this](const QHttpServerRequest &request, QHttpServerResponder &&responder) {
            const auto principal = admit(request, responder);
            if (!principal)
                return;
            const QByteArray body = request.body();
            if (body.size() > m_relay->config().maxMessageBytes * 16) {
                writeError(
                    responder, Status::PayloadTooLarge, QStringLiteral("too_large"),
                    QStringLiteral("the request body is %1 bytes, too large").arg(body.size()));
                return;
            }
            QJsonParseError error;
            const QJsonDocument doc = QJsonDocument::fromJson(body, &error);
            if (error.error != QJsonParseError::NoError || (!doc.isObject() && !doc.isArray())) {
                writeError(responder, Status::BadRequest, QStringLiteral("bad_message"),
                           QStringLiteral(
                               "the body must be one envelope or an array of envelopes (JSON)"));
                return;
            }
            const QJsonArray items = doc.isArray() ? doc.array() : QJsonArray{doc.object()};
            QJsonArray answers;
            for (const QJsonValue &item : items) {
                const ParseResult parsed =
                    item.isObject()
                        ? envelopeFromJson(item.toObject())
                        : ParseResult{
                              {}, {ParseError::NotObject, {}, QStringLiteral("not a JSON object")}};
                if (!parsed.ok()) {
                    answers.append(
                        Relay::errorEnvelope(QStringLiteral("bad_message"), parsed.error.message)
                            .toJson());
                    continue;
                }
                answers.append(m_relay->acceptClientMessage(*principal, parsed.envelope).toJson());
            }
            writeJson(responder, answers);
        });
}

// What a WebSocket client learns from `subscribed`: the gap since its position is gone.
Envelope HttpFrontend::lostNotice(const QString &channel) const
{
    return Envelope::create(QStringLiteral("subscribed"), QStringLiteral("system"),
                            QJsonObject{{QStringLiteral("channel"), channel},
                                        {QStringLiteral("head"), m_relay->head(channel)},
                                        {QStringLiteral("recovered"), false},
                                        {QStringLiteral("epoch"), m_relay->epoch()}});
}

bool HttpFrontend::mayRead(const Principal &who, const QStringList &channels,
                           QHttpServerResponder &responder)
{
    for (const QString &c : channels) {
        if (!isValidChannelName(c) || !who.canRead(c)) {
            writeError(responder, Status::Forbidden, QStringLiteral("forbidden_channel"),
                       QStringLiteral("%1 may not read channel \"%2\"").arg(who.user, c.left(64)));
            return false;
        }
    }
    return true;
}

void HttpFrontend::dropStream(Stream *stream)
{
    if (m_streams.removeOne(stream))
        delete stream;
}

void HttpFrontend::onPublished(const Envelope &envelope)
{
    for (int i = 0; i < m_streams.size();) {
        Stream *s = m_streams.at(i);
        // Writing after the client has gone would crash the preview server: check first.
        if (!s->socket || s->socket->state() != QAbstractSocket::ConnectedState) {
            m_streams.removeAt(i);
            delete s;
            continue;
        }
        if (s->channels.contains(envelope.channel)) {
            if (s->socket->bytesToWrite() > m_relay->config().maxBufferedBytes) {
                s->socket->abort(); // a reader that cannot keep up is dropped
                m_streams.removeAt(i);
                delete s;
                continue;
            }
            s->responder->writeBody(sseEvent(envelope));
        }
        ++i;
    }
    const auto polls = m_polls;
    for (Poll *p : polls) {
        if (p->channels.contains(envelope.channel))
            answerPoll(p, {envelope});
    }
}

void HttpFrontend::answerPoll(Poll *poll, const QList<Envelope> &envelopes)
{
    m_polls.removeOne(poll);
    if (poll->socket && poll->socket->state() == QAbstractSocket::ConnectedState) {
        QJsonArray out;
        for (const Envelope &e : envelopes)
            out.append(e.toJson());
        writeJsonWithEpoch(*poll->responder, out, m_relay->epoch());
    }
    poll->timer.stop();
    delete poll;
}

void HttpFrontend::keepAlive()
{
    for (int i = 0; i < m_streams.size();) {
        Stream *s = m_streams.at(i);
        if (!s->socket || s->socket->state() != QAbstractSocket::ConnectedState) {
            m_streams.removeAt(i);
            delete s;
            continue;
        }
        s->responder->writeBody(QByteArrayLiteral(": keep-alive\n\n"));
        ++i;
    }
}

} // namespace vigil
