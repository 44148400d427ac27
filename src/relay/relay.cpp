#include "relay.h"

#include "demofeed.h"
#include "httpfrontend.h"
#include "protocol/logging.h"
#include "relaystore.h"

#include <QDateTime>
#include <QDir>
#include <QJsonArray>
#include <QNetworkRequest>
#include <QUuid>
#include <QWebSocket>

#include <algorithm>

namespace vigil {

namespace {

const QString kSystem = QStringLiteral("system");
constexpr int kLatencySamples = 20;
constexpr int kFlushIntervalMs = 200;

qint64 wallNow()
{
    return QDateTime::currentMSecsSinceEpoch();
}

} // namespace

Relay::Relay(RelayConfig config, QObject *parent)
    : QObject(parent)
    , m_config(std::move(config))
{
    m_clock.start();
    connect(&m_heartbeatTimer, &QTimer::timeout, this, &Relay::heartbeat);
    connect(&m_flushTimer, &QTimer::timeout, this, [this] {
        if (m_store && m_store->pending() > 0)
            m_store->flush(m_config.historySize);
    });
}

Relay::~Relay()
{
    stop();
}

Envelope Relay::errorEnvelope(const QString &code, const QString &message, const QString &ref)
{
    QJsonObject payload{{QStringLiteral("code"), code}, {QStringLiteral("message"), message}};
    if (!ref.isEmpty())
        payload.insert(QStringLiteral("ref"), ref);
    return Envelope::create(QStringLiteral("error"), kSystem, payload);
}

bool Relay::start(QString *error)
{
    if (!m_config.tokensFile.isEmpty() && !m_tokens.load(m_config.tokensFile, error))
        return false;
    if (m_tokens.isEmpty() && !m_config.host.isLoopback()) {
        *error = QStringLiteral("refusing to listen on %1 without authentication: give --tokens "
                                "FILE, or listen on a loopback address (127.0.0.1)")
                     .arg(m_config.host.toString());
        return false;
    }
    if (!m_config.dataDir.isEmpty()) {
        if (!QDir().mkpath(m_config.dataDir)) {
            *error = QStringLiteral("cannot create the data directory %1").arg(m_config.dataDir);
            return false;
        }
        m_store = std::make_unique<RelayStore>();
        if (!m_store->open(m_config.dataDir + QStringLiteral("/relay.sqlite"), error))
            return false;
        QHash<QString, qint64> heads;
        QHash<QString, std::deque<Envelope>> history;
        if (!m_store->load(m_config.historySize, &heads, &history)) {
            *error = QStringLiteral("cannot read the relay history in %1").arg(m_config.dataDir);
            return false;
        }
        for (auto it = heads.begin(); it != heads.end(); ++it)
            m_channels[it.key()].seq = it.value();
        for (auto it = history.begin(); it != history.end(); ++it)
            m_channels[it.key()].history = std::move(it.value());
        m_epoch = m_store->epoch();
        qCInfo(lcRelay) << "history restored for" << heads.size() << "channels";
        m_flushTimer.start(kFlushIntervalMs);
    } else if (m_epoch.isEmpty()) {
        // History in memory only: it starts empty now, so it gets a name of its own. A stop()
        // and start() of the same object keeps the memory, and so the epoch.
        m_epoch = RelayStore::newEpoch();
    }

    m_http = std::make_unique<HttpFrontend>(this);
    if (!m_http->listen(m_config.host, m_config.port, m_config.tlsCertFile, m_config.tlsKeyFile,
                        error)) {
        m_http.reset();
        return false;
    }
    m_startedAt = wallNow();
    m_heartbeatTimer.start(
        std::max(10, std::min(m_config.heartbeatMs, m_config.cleanupIntervalMs)));
    qCInfo(lcRelay).noquote() << "listening on" << url().toString()
                              << (authRequired()
                                      ? QStringLiteral("(%1 tokens)").arg(m_tokens.size())
                                      : QStringLiteral("(no authentication, loopback only)"))
                              << "history epoch" << m_epoch;

    if (m_config.demo) {
        m_demo = std::make_unique<DemoFeed>(m_config.demoSeed, m_config.demoLogRate);
        connect(m_demo.get(), &DemoFeed::message, this,
                [this](const QString &type, const QString &channel, const QJsonObject &payload) {
                    publish(Envelope::create(type, channel, payload));
                });
        m_demo->start();
    }
    return true;
}

void Relay::stop()
{
    if (m_demo)
        m_demo->stop();
    m_heartbeatTimer.stop();
    const auto sockets = m_sessions.keys();
    for (QWebSocket *socket : sockets) {
        socket->disconnect(this);
        socket->close(QWebSocketProtocol::CloseCodeGoingAway, QStringLiteral("relay stopping"));
        socket->flush();
        socket->deleteLater();
    }
    m_sessions.clear();
    if (m_http)
        m_http->stop();
    m_http.reset();
    if (m_store) {
        m_flushTimer.stop();
        m_store->close(m_config.historySize);
        m_store.reset();
    }
}

quint16 Relay::port() const
{
    return m_http ? m_http->port() : 0;
}

QUrl Relay::url() const
{
    QUrl u;
    u.setScheme(m_config.tlsCertFile.isEmpty() ? QStringLiteral("ws") : QStringLiteral("wss"));
    u.setHost(m_config.host.toString());
    u.setPort(port());
    u.setPath(QStringLiteral("/ws"));
    return u;
}

QUrl Relay::httpUrl() const
{
    QUrl u;
    u.setScheme(m_config.tlsCertFile.isEmpty() ? QStringLiteral("http") : QStringLiteral("https"));
    u.setHost(m_config.host.toString());
    u.setPort(port());
    return u;
}

qint64 Relay::head(const QString &channel) const
{
    return m_channels.value(channel).seq;
}

std::optional<Principal> Relay::authenticate(const QByteArray &authorization,
                                             const QUrlQuery &query) const
{
    if (!authRequired())
        return Principal::anonymous();
    QString token;
    if (authorization.startsWith("Bearer "))
        token = QString::fromUtf8(authorization.mid(7)).trimmed();
    else
        token = query.queryItemValue(QStringLiteral("token"), QUrl::FullyDecoded);
    if (const Principal *p = m_tokens.find(token))
        return *p;
    return std::nullopt;
}

bool Relay::originAllowed(const QByteArray &origin) const
{
    // No Origin header: not a browser, so not a cross-site request.
    if (origin.isEmpty())
        return true;
    return m_config.allowedOrigins.contains(QString::fromUtf8(origin));
}

void Relay::acceptWebSocket(QWebSocket *socket)
{
    socket->setParent(this);
    socket->setMaxAllowedIncomingMessageSize(quint64(m_config.maxMessageBytes));
    socket->setMaxAllowedIncomingFrameSize(quint64(m_config.maxMessageBytes));
    const QString peer = socket->peerAddress().toString();

    auto refuse = [&](int code, const QString &reason) {
        ++m_rejected;
        qCWarning(lcRelay).noquote() << "refused a connection from" << peer << "-" << reason;
        socket->close(QWebSocketProtocol::CloseCode(code), reason);
        socket->deleteLater();
    };
    if (!originAllowed(socket->request().rawHeader("Origin"))) {
        refuse(4403, QStringLiteral("origin not allowed"));
        return;
    }
    if (int(m_sessions.size()) >= m_config.maxConnections) {
        refuse(4503, // at capacity: try again later
               QStringLiteral("the relay is at its connection limit"));
        return;
    }
    const auto principal =
        authenticate(socket->request().rawHeader("Authorization"), QUrlQuery(socket->requestUrl()));
    if (!principal) {
        refuse(4401, QStringLiteral("unauthorized"));
        return;
    }

    Session session;
    session.id = QUuid::createUuid().toString(QUuid::WithoutBraces);
    session.principal = *principal;
    session.connectedAt = wallNow();
    session.lastSeen = m_clock.elapsed();
    session.tokens = m_config.rateBurst;
    session.lastRefill = m_clock.elapsed();
    session.peer = peer;
    m_sessions.insert(socket, session);
    ++m_totalConnections;

    connect(socket, &QWebSocket::textMessageReceived, this,
            [this, socket](const QString &text) { onTextMessage(socket, text); });
    connect(socket, &QWebSocket::binaryMessageReceived, this, [this, socket] {
        sendTo(socket, errorEnvelope(QStringLiteral("bad_message"),
                                     QStringLiteral("binary frames are not part of the protocol; "
                                                    "send JSON text frames")));
    });
    connect(socket, &QWebSocket::pong, this, [this, socket](quint64 elapsed) {
        auto it = m_sessions.find(socket);
        if (it == m_sessions.end())
            return;
        it->lastSeen = m_clock.elapsed();
        it->lastHeartbeat = wallNow();
        it->pingOutstanding = false;
        it->missedHeartbeats = 0;
        it->latencies.append(qint64(elapsed));
        if (it->latencies.size() > kLatencySamples)
            it->latencies.removeFirst();
    });
    connect(socket, &QWebSocket::disconnected, this, [this, socket] {
        const QString id = m_sessions.value(socket).id;
        m_sessions.remove(socket);
        socket->deleteLater();
        qCInfo(lcRelay).noquote() << "session" << id << "ended";
        Q_EMIT clientDisconnected(id);
    });
    qCInfo(lcRelay).noquote() << "session" << session.id << "from" << peer << "as"
                              << session.principal.user;

    sendControl(
        socket, QStringLiteral("welcome"),
        {{QStringLiteral("session"), session.id},
         {QStringLiteral("server"), QStringLiteral("vigil-relay/" VIGIL_VERSION)},
         {QStringLiteral("user"), session.principal.user},
         {QStringLiteral("capabilities"),
          QJsonArray{QStringLiteral("ack"), QStringLiteral("resume"), QStringLiteral("history")}},
         {QStringLiteral("heartbeatMs"), m_config.heartbeatMs},
         {QStringLiteral("maxMessageBytes"), qint64(m_config.maxMessageBytes)},
         {QStringLiteral("epoch"), m_epoch}});
    Q_EMIT clientConnected(session.id);
}

bool Relay::takeToken(Session &session)
{
    const qint64 now = m_clock.elapsed();
    session.tokens =
        std::min<double>(m_config.rateBurst,
                         session.tokens + (now - session.lastRefill) * m_config.rateLimit / 1000.0);
    session.lastRefill = now;
    if (session.tokens < 1)
        return false;
    session.tokens -= 1;
    return true;
}

void Relay::onTextMessage(QWebSocket *socket, const QString &text)
{
    auto it = m_sessions.find(socket);
    if (it == m_sessions.end())
        return;
    ++it->messagesIn;
    ++m_messagesIn;
    it->lastSeen = m_clock.elapsed();

    if (!takeToken(*it)) {
        // Over the rate: told once per burst, then cut off if it keeps going.
        if (it->rateViolations++ == 0) {
            sendTo(socket, errorEnvelope(QStringLiteral("rate_limited"),
                                         QStringLiteral("more than %1 messages per second; "
                                                        "slow down")
                                             .arg(m_config.rateLimit)));
        }
        if (it->rateViolations > m_config.rateBurst)
            drop(socket, 4429, QStringLiteral("rate limit exceeded"));
        return;
    }
    it->rateViolations = 0;

    const ParseResult parsed = parseEnvelope(text.toUtf8(), m_config.maxMessageBytes);
    if (!parsed.ok()) {
        ++it->badFrames;
        ++m_badFrames;
        qCWarning(lcRelay).noquote()
            << "session" << it->id << "sent a bad frame:" << parsed.error.message;
        const bool tooLarge = parsed.error.code == ParseError::TooLarge;
        sendTo(socket,
               errorEnvelope(tooLarge ? QStringLiteral("too_large") : QStringLiteral("bad_message"),
                             parsed.error.message));
        if (it->badFrames >= m_config.maxBadFrames)
            drop(socket, QWebSocketProtocol::CloseCodePolicyViolated,
                 QStringLiteral("too many malformed messages"));
        return;
    }
    it->badFrames = 0;
    const Envelope &e = parsed.envelope;
    if (e.channel.isEmpty() || e.channel == kSystem) {
        if (e.type == u"ping") {
            sendControl(socket, QStringLiteral("pong"), e.payload.toObject());
        } else if (e.type == u"pong") {
            // An answer to our ping at the application level: liveness is already noted.
        } else if (e.type == u"subscribe") {
            onSubscribe(socket, e);
        } else if (e.type == u"unsubscribe") {
            onUnsubscribe(socket, e);
        } else {
            sendTo(socket,
                   errorEnvelope(
                       QStringLiteral("unknown_type"),
                       QStringLiteral("unknown system message type \"%1\"").arg(e.type.left(64)),
                       e.id));
        }
        return;
    }
    sendTo(socket, acceptClientMessage(it->principal, e));
}

Envelope Relay::acceptClientMessage(const Principal &who, const Envelope &message)
{
    const ParseError invalid = validateClientMessage(message);
    if (invalid.code != ParseError::None)
        return errorEnvelope(QStringLiteral("bad_message"), invalid.message, message.id);
    if (message.channel == kSystem || !who.canWrite(message.channel)) {
        return errorEnvelope(QStringLiteral("forbidden_channel"),
                             QStringLiteral("%1 may not write to channel \"%2\"")
                                 .arg(who.user, message.channel.left(64)),
                             message.id);
    }
    if (rememberId(message.id)) {
        Envelope e = message;
        if (e.timestamp == 0)
            e.timestamp = wallNow();
        publish(e);
    } else {
        ++m_duplicates;
        qCDebug(lcRelay) << "duplicate" << message.id << "acked again, not fanned out";
    }
    return Envelope::create(QStringLiteral("ack"), kSystem,
                            QJsonObject{{QStringLiteral("id"), message.id}});
}

bool Relay::rememberId(const QString &id)
{
    if (m_seenIds.contains(id))
        return false;
    m_seenIds.insert(id);
    m_seenOrder.push_back(id);
    while (int(m_seenOrder.size()) > m_config.dedupWindow) {
        m_seenIds.remove(m_seenOrder.front());
        m_seenOrder.pop_front();
    }
    return true;
}

QList<Envelope> Relay::replay(const QString &channel, qint64 since, bool *recovered) const
{
    QList<Envelope> out;
    *recovered = true;
    const auto it = m_channels.constFind(channel);
    if (it == m_channels.constEnd()) {
        *recovered = since <= 0;
        return out;
    }
    if (since > it->seq) {
        *recovered = false; // the client knows a history this relay no longer has
        return out;
    }
    if (since < it->seq) {
        const qint64 oldest = it->history.empty() ? it->seq + 1 : it->history.front().seq;
        *recovered = since + 1 >= oldest;
        for (const Envelope &old : it->history) {
            if (old.seq > since)
                out.append(old);
        }
    }
    return out;
}

void Relay::onSubscribe(QWebSocket *socket, const Envelope &envelope)
{
    const QJsonArray requested =
        envelope.payload.toObject().value(QStringLiteral("channels")).toArray();
    if (requested.isEmpty()) {
        sendTo(socket, errorEnvelope(QStringLiteral("bad_message"),
                                     QStringLiteral("subscribe needs payload.channels: a "
                                                    "non-empty array"),
                                     envelope.id));
        return;
    }
    for (const QJsonValue &entry : requested) {
        auto session = m_sessions.find(socket);
        if (session == m_sessions.end())
            return;
        // Accept {"name":..., "since":...} and, leniently, a bare channel name.
        const QJsonObject o = entry.isString()
                                  ? QJsonObject{{QStringLiteral("name"), entry.toString()}}
                                  : entry.toObject();
        const QString name = o.value(QStringLiteral("name")).toString();
        if (!isValidChannelName(name) || name == kSystem) {
            sendTo(socket,
                   errorEnvelope(
                       QStringLiteral("bad_message"),
                       QStringLiteral("cannot subscribe to channel \"%1\"").arg(name.left(64)),
                       envelope.id));
            continue;
        }
        if (!session->principal.canRead(name)) {
            sendTo(socket, errorEnvelope(QStringLiteral("forbidden_channel"),
                                         QStringLiteral("%1 may not read channel \"%2\"")
                                             .arg(session->principal.user, name),
                                         envelope.id));
            continue;
        }
        session->channels.insert(name);
        bool recovered = true;
        int replayed = 0;
        const QJsonValue sinceValue = o.value(QStringLiteral("since"));
        if (sinceValue.isDouble()) {
            for (const Envelope &old : replay(name, qint64(sinceValue.toDouble()), &recovered)) {
                sendTo(socket, old);
                ++replayed;
            }
        }
        sendControl(socket, QStringLiteral("subscribed"),
                    {{QStringLiteral("channel"), name},
                     {QStringLiteral("head"), head(name)},
                     {QStringLiteral("replayed"), replayed},
                     {QStringLiteral("recovered"), recovered},
                     {QStringLiteral("epoch"), m_epoch}});
    }
}

void Relay::onUnsubscribe(QWebSocket *socket, const Envelope &envelope)
{
    const QJsonArray names =
        envelope.payload.toObject().value(QStringLiteral("channels")).toArray();
    for (const QJsonValue &name : names)
        m_sessions[socket].channels.remove(name.toString());
    sendControl(socket, QStringLiteral("unsubscribed"), {{QStringLiteral("channels"), names}});
}

Envelope Relay::publish(Envelope envelope)
{
    Channel &channel = m_channels[envelope.channel];
    envelope.seq = ++channel.seq;
    channel.history.push_back(envelope);
    while (int(channel.history.size()) > m_config.historySize)
        channel.history.pop_front();
    if (m_store)
        m_store->append(envelope);

    const QString frame = QString::fromUtf8(envelope.serialize());
    const auto sockets = m_sessions.keys();
    for (QWebSocket *socket : sockets) {
        auto it = m_sessions.find(socket);
        if (it != m_sessions.end() && it->channels.contains(envelope.channel))
            sendFrame(socket, *it, frame);
    }
    Q_EMIT published(envelope);
    return envelope;
}

void Relay::sendFrame(QWebSocket *socket, Session &session, const QString &frame)
{
    // A reader that does not keep up is dropped before its backlog hurts everyone else.
    if (socket->bytesToWrite() > m_config.maxBufferedBytes) {
        drop(socket, QWebSocketProtocol::CloseCodePolicyViolated,
             QStringLiteral("the client does not read fast enough"));
        return;
    }
    socket->sendTextMessage(frame);
    ++session.messagesOut;
    ++m_messagesOut;
}

void Relay::sendTo(QWebSocket *socket, const Envelope &envelope)
{
    auto it = m_sessions.find(socket);
    if (it == m_sessions.end())
        return;
    sendFrame(socket, *it, QString::fromUtf8(envelope.serialize()));
}

void Relay::sendControl(QWebSocket *socket, const QString &type, const QJsonObject &payload)
{
    sendTo(socket, Envelope::create(type, kSystem, payload));
}

void Relay::drop(QWebSocket *socket, int code, const QString &reason)
{
    auto it = m_sessions.find(socket);
    if (it == m_sessions.end())
        return;
    qCWarning(lcRelay).noquote() << "closing session" << it->id << "with" << code << "-" << reason;
    const QString id = it->id;
    m_sessions.erase(it);
    socket->disconnect(this);
    socket->close(QWebSocketProtocol::CloseCode(code), reason);
    socket->deleteLater();
    Q_EMIT clientDisconnected(id);
}

void Relay::heartbeat()
{
    const qint64 now = m_clock.elapsed();
    const auto sockets = m_sessions.keys();
    for (QWebSocket *socket : sockets) {
        auto it = m_sessions.find(socket);
        if (it == m_sessions.end())
            continue;
        if (now - it->lastSeen > m_config.deadAfterMs) {
            drop(socket, 4408,
                 QStringLiteral("no traffic and no pong within %1 ms").arg(m_config.deadAfterMs));
            continue;
        }
        if (it->pingOutstanding)
            ++it->missedHeartbeats;
        it->pingOutstanding = true;
        socket->ping();
    }
}

QJsonObject Relay::sessionJson(const Session &s) const
{
    QJsonArray latencies;
    double sum = 0;
    for (qint64 l : s.latencies) {
        latencies.append(l);
        sum += double(l);
    }
    return {{QStringLiteral("session"), s.id},
            {QStringLiteral("user"), s.principal.user},
            {QStringLiteral("role"), s.principal.role},
            {QStringLiteral("transport"), QStringLiteral("websocket")},
            {QStringLiteral("peer"), s.peer},
            {QStringLiteral("channels"),
             QJsonArray::fromStringList(QStringList(s.channels.begin(), s.channels.end()))},
            {QStringLiteral("connectedAt"), s.connectedAt},
            {QStringLiteral("lastHeartbeat"), s.lastHeartbeat},
            {QStringLiteral("missedHeartbeats"), s.missedHeartbeats},
            {QStringLiteral("latencyMs"), latencies},
            {QStringLiteral("averageLatencyMs"),
             s.latencies.isEmpty() ? 0.0 : sum / double(s.latencies.size())},
            {QStringLiteral("messagesIn"), qint64(s.messagesIn)},
            {QStringLiteral("messagesOut"), qint64(s.messagesOut)},
            {QStringLiteral("isAlive"), m_clock.elapsed() - s.lastSeen <= m_config.deadAfterMs}};
}

QJsonObject Relay::sessionsJson() const
{
    QJsonArray sessions;
    for (const Session &s : m_sessions)
        sessions.append(sessionJson(s));
    return {{QStringLiteral("count"), int(m_sessions.size())},
            {QStringLiteral("sessions"), sessions}};
}

QJsonObject Relay::healthJson() const
{
    double latencySum = 0;
    int latencyCount = 0;
    for (const Session &s : m_sessions) {
        for (qint64 l : s.latencies) {
            latencySum += double(l);
            ++latencyCount;
        }
    }
    const quint64 frames = m_messagesIn + m_httpRequests;
    const quint64 errors = m_badFrames + m_httpErrors;
    return {
        {QStringLiteral("status"), QStringLiteral("ok")},
        {QStringLiteral("server"), QStringLiteral("vigil-relay/" VIGIL_VERSION)},
        {QStringLiteral("uptimeMs"), wallNow() - m_startedAt},
        {QStringLiteral("epoch"), m_epoch},
        {QStringLiteral("websocket"),
         QJsonObject{
             {QStringLiteral("clients"), int(m_sessions.size())},
             {QStringLiteral("averageLatencyMs"), latencyCount ? latencySum / latencyCount : 0.0},
             {QStringLiteral("errorRate"), frames ? double(errors) / double(frames) : 0.0}}}};
}

QJsonObject Relay::metricsJson() const
{
    QJsonArray connections;
    for (const Session &s : m_sessions)
        connections.append(sessionJson(s));
    QJsonObject channels;
    for (auto it = m_channels.begin(); it != m_channels.end(); ++it) {
        channels.insert(it.key(),
                        QJsonObject{{QStringLiteral("head"), it->seq},
                                    {QStringLiteral("history"), int(it->history.size())}});
    }
    return {{QStringLiteral("server"),
             QJsonObject{{QStringLiteral("version"), QStringLiteral(VIGIL_VERSION)},
                         {QStringLiteral("startedAt"), m_startedAt},
                         {QStringLiteral("uptimeMs"), wallNow() - m_startedAt},
                         {QStringLiteral("authentication"), authRequired()},
                         {QStringLiteral("historySize"), m_config.historySize},
                         {QStringLiteral("maxMessageBytes"), qint64(m_config.maxMessageBytes)},
                         {QStringLiteral("maxConnections"), m_config.maxConnections},
                         {QStringLiteral("rateLimit"), m_config.rateLimit}}},
            {QStringLiteral("connections"), connections},
            {QStringLiteral("channels"), channels},
            {QStringLiteral("summary"),
             QJsonObject{{QStringLiteral("clients"), int(m_sessions.size())},
                         {QStringLiteral("totalConnections"), qint64(m_totalConnections)},
                         {QStringLiteral("rejectedConnections"), qint64(m_rejected)},
                         {QStringLiteral("messagesIn"), qint64(m_messagesIn)},
                         {QStringLiteral("messagesOut"), qint64(m_messagesOut)},
                         {QStringLiteral("badFrames"), qint64(m_badFrames)},
                         {QStringLiteral("duplicates"), qint64(m_duplicates)},
                         {QStringLiteral("httpRequests"), qint64(m_httpRequests)},
                         {QStringLiteral("httpErrors"), qint64(m_httpErrors)}}}};
}

void Relay::countHttpRequest(bool failed)
{
    ++m_httpRequests;
    if (failed)
        ++m_httpErrors;
}

} // namespace vigil
