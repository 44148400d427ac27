#include "relay.h"

#include "demofeed.h"
#include "httpfrontend.h"
#include "logthrottle.h"
#include "protocol/logging.h"
#include "relaystore.h"

#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QNetworkRequest>
#include <QUuid>
#include <QWebSocket>

#include <algorithm>
#include <cmath>

namespace vigil {

namespace {

const QString kSystem = QStringLiteral("system");
constexpr int kLatencySamples = 20;
constexpr int kFlushIntervalMs = 200;
constexpr int kDegradedFlushIntervalMs = 1000; ///< retries while the disk refuses
/// A closed client's silence after which its close frame goes out (see Relay::drop).
constexpr int kCloseQuietMs = 200;

qint64 wallNow()
{
    return QDateTime::currentMSecsSinceEpoch();
}

// The data directory is created for the relay's user only: the history is what clients sent.
bool makeDataDir(const QString &path, QString *error)
{
    const QFileInfo info(path);
    if (info.isDir()) {
        if (info.permissions() & (QFile::ReadOther | QFile::WriteOther | QFile::ExeOther)) {
            qCWarning(lcRelay).noquote()
                << "the data directory" << path
                << "is open to other users of this machine; the relay keeps its files 0600, "
                   "but consider chmod 700";
        }
        return true;
    }
    const QString absolute = QDir::cleanPath(QDir(path).absolutePath());
    if (!QDir().mkpath(QFileInfo(absolute).absolutePath()) ||
        !QDir().mkdir(absolute, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner)) {
        *error = QStringLiteral("cannot create the data directory %1").arg(path);
        return false;
    }
    return true;
}

// Frames a closed client still sends are read and dropped before the close frame goes out:
// closing a TCP connection with unread bytes makes the kernel answer with a reset, and the
// client then loses what was sent to it just before (its acks, the close frame itself).
void closeWhenQuiet(QWebSocket *socket, int code, const QString &reason, int lingerMs)
{
    auto *quiet = new QTimer(socket);
    quiet->setSingleShot(true);
    auto *linger = new QTimer(socket);
    linger->setSingleShot(true);
    QObject::connect(quiet, &QTimer::timeout, socket, [socket, code, reason] {
        socket->close(QWebSocketProtocol::CloseCode(code), reason);
    });
    auto stillSending = [quiet] {
        if (quiet->isActive())
            quiet->start(kCloseQuietMs);
    };
    QObject::connect(socket, &QWebSocket::textFrameReceived, quiet, stillSending);
    QObject::connect(socket, &QWebSocket::binaryFrameReceived, quiet, stillSending);
    QObject::connect(socket, &QWebSocket::disconnected, socket, &QObject::deleteLater);
    // A client that never stops sending, or never reads what is queued to it, is cut off.
    QObject::connect(linger, &QTimer::timeout, socket, [socket] {
        socket->abort();
        socket->deleteLater();
    });
    quiet->start(kCloseQuietMs);
    linger->start(lingerMs);
}

} // namespace

Relay::Relay(RelayConfig config, QObject *parent)
    : QObject(parent)
    , m_config(std::move(config))
    , m_log(std::make_unique<LogThrottle>())
{
    m_clock.start();
    connect(&m_heartbeatTimer, &QTimer::timeout, this, &Relay::heartbeat);
    connect(&m_lagTimer, &QTimer::timeout, this, &Relay::checkLag);
    connect(&m_flushTimer, &QTimer::timeout, this, [this] {
        if (!m_store || !m_store->hasWork())
            return;
        const qint64 now = m_clock.elapsed();
        if (m_store->degraded() && m_lastForcedFlush >= 0 &&
            now - m_lastForcedFlush < kDegradedFlushIntervalMs)
            return;
        m_lastForcedFlush = now;
        m_store->flush(m_config.historySize);
    });
}

Relay::~Relay()
{
    stop();
}

void Relay::warnThrottled(const QString &kind, const QString &line)
{
    int held = 0;
    if (m_log->allow(kind, &held))
        qCWarning(lcRelay).noquote() << line + LogThrottle::heldNote(held);
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
        if (!makeDataDir(m_config.dataDir, error))
            return false;
        m_store = std::make_unique<RelayStore>();
        if (!m_store->open(m_config.dataDir + QStringLiteral("/relay.sqlite"), error)) {
            m_store.reset();
            return false;
        }
        QHash<QString, qint64> heads;
        QHash<QString, std::deque<Envelope>> history;
        if (!m_store->load(m_config.historySize, &heads, &history)) {
            *error = QStringLiteral("cannot read the relay history in %1").arg(m_config.dataDir);
            m_store.reset();
            return false;
        }
        m_channels.clear();
        m_historyBytes = 0;
        for (auto it = heads.begin(); it != heads.end(); ++it)
            m_channels[it.key()].seq = it.value();
        for (auto it = history.begin(); it != history.end(); ++it) {
            Channel &channel = m_channels[it.key()];
            for (const Envelope &e : it.value())
                keepInHistory(channel, e, e.serialize().size());
        }
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
    m_lagTimer.start(std::max(50, m_config.maxLagMs / 4));
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
    m_lagTimer.stop();
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
    QString token = bearerToken(authorization);
    if (token.isEmpty())
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
        // One line per kind every few seconds: a peer decides how often this happens.
        warnThrottled(QStringLiteral("refused ") + reason,
                      QStringLiteral("refused a connection from %1 - %2").arg(peer, reason));
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
    connect(socket, &QWebSocket::binaryMessageReceived, this,
            [this, socket] { onBinaryMessage(socket); });
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

bool Relay::takeTokens(double *tokens, qint64 *lastRefill, int count)
{
    const qint64 now = m_clock.elapsed();
    if (*lastRefill < 0)
        *tokens = m_config.rateBurst;
    else
        *tokens = std::min<double>(m_config.rateBurst, *tokens + double(now - *lastRefill) *
                                                                     m_config.rateLimit / 1000.0);
    *lastRefill = now;
    if (*tokens < count)
        return false;
    *tokens -= count;
    return true;
}

bool Relay::takeToken(Session &session)
{
    return takeTokens(&session.tokens, &session.lastRefill, 1);
}

bool Relay::consumeRate(const Principal &who, int messages)
{
    if (messages <= 0)
        return true;
    RateBucket &bucket = m_principalRates[who.user];
    return takeTokens(&bucket.tokens, &bucket.lastRefill, messages);
}

bool Relay::admitFrame(QWebSocket *socket, Session &session)
{
    ++session.messagesIn;
    ++m_messagesIn;
    session.lastSeen = m_clock.elapsed();
    if (takeToken(session)) {
        session.rateViolations = 0;
        return true;
    }
    // Over the rate: told once per burst, then cut off if it keeps going.
    const int violations = ++session.rateViolations;
    if (violations == 1) {
        sendTo(socket, errorEnvelope(QStringLiteral("rate_limited"),
                                     QStringLiteral("more than %1 messages per second; slow down")
                                         .arg(m_config.rateLimit)));
    }
    if (violations > m_config.rateBurst)
        drop(socket, 4429, QStringLiteral("rate limit exceeded"));
    return false;
}

void Relay::badFrame(QWebSocket *socket, Session &session, const QString &code,
                     const QString &message)
{
    const int count = ++session.badFrames;
    ++m_badFrames;
    warnThrottled(QStringLiteral("bad frame"),
                  QStringLiteral("session %1 sent a bad frame: %2").arg(session.id, message));
    sendTo(socket, errorEnvelope(code, message));
    if (count >= m_config.maxBadFrames)
        drop(socket, QWebSocketProtocol::CloseCodePolicyViolated,
             QStringLiteral("too many malformed messages"));
}

void Relay::onBinaryMessage(QWebSocket *socket)
{
    auto it = m_sessions.find(socket);
    if (it == m_sessions.end() || !admitFrame(socket, *it))
        return;
    badFrame(socket, *it, QStringLiteral("bad_message"),
             QStringLiteral("binary frames are not part of the protocol; send JSON text frames"));
}

void Relay::onTextMessage(QWebSocket *socket, const QString &text)
{
    auto it = m_sessions.find(socket);
    if (it == m_sessions.end() || !admitFrame(socket, *it))
        return;

    const ParseResult parsed = parseEnvelope(text.toUtf8(), m_config.maxMessageBytes);
    if (!parsed.ok()) {
        const bool tooLarge = parsed.error.code == ParseError::TooLarge;
        badFrame(socket, *it,
                 tooLarge ? QStringLiteral("too_large") : QStringLiteral("bad_message"),
                 parsed.error.message);
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
    const Principal principal = it->principal;
    sendTo(socket, acceptClientMessage(principal, e));
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
    if (m_seenIds.contains(message.id)) {
        ++m_duplicates;
        qCDebug(lcRelay) << "duplicate" << message.id << "acked again, not fanned out";
    } else {
        Envelope e = message;
        if (e.timestamp == 0)
            e.timestamp = wallNow();
        QString code;
        QString why;
        if (!stampAndPublish(e, &code, &why))
            return errorEnvelope(code, why, message.id);
        rememberId(message.id);
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

QList<Envelope> Relay::replay(const QString &channel, qint64 since, bool *recovered, bool *more,
                              qint64 maxBytes) const
{
    QList<Envelope> out;
    *recovered = true;
    if (more)
        *more = false;
    const auto it = m_channels.constFind(channel);
    if (it == m_channels.constEnd()) {
        *recovered = since <= 0;
        return out;
    }
    if (since > it->seq) {
        *recovered = false; // the client knows a history this relay no longer has
        return out;
    }
    if (since == it->seq)
        return out;
    const qint64 oldest = it->history.empty() ? it->seq + 1 : it->history.front().envelope.seq;
    *recovered = since + 1 >= oldest;
    auto from =
        std::upper_bound(it->history.begin(), it->history.end(), since,
                         [](qint64 s, const Stored &stored) { return s < stored.envelope.seq; });
    // One page: a bounded answer whatever `since` asks for; the caller continues from there.
    const qint64 budget = maxBytes < 0 ? m_config.replayPageBytes : maxBytes;
    qint64 used = 0;
    for (auto i = from; i != it->history.end(); ++i) {
        if (used + i->bytes > budget && (!out.isEmpty() || budget <= 0)) {
            if (more)
                *more = true;
            break;
        }
        used += i->bytes;
        out.append(i->envelope);
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
    if (requested.size() > m_config.maxSubscriptions) {
        sendTo(socket, errorEnvelope(QStringLiteral("too_many_channels"),
                                     QStringLiteral("a subscribe names at most %1 channels")
                                         .arg(m_config.maxSubscriptions),
                                     envelope.id));
        return;
    }
    // The replays of one subscribe share one page: its answer is bounded however many channels
    // and however old the `since`s are.
    qint64 budget = m_config.replayPageBytes;
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
        if (!session->channels.contains(name) &&
            int(session->channels.size()) >= m_config.maxSubscriptions) {
            sendTo(socket, errorEnvelope(QStringLiteral("too_many_channels"),
                                         QStringLiteral("a session subscribes to at most %1 "
                                                        "channels; unsubscribe from some first")
                                             .arg(m_config.maxSubscriptions),
                                         envelope.id));
            continue;
        }
        session->channels.insert(name);
        bool recovered = true;
        bool more = false;
        int replayed = 0;
        qint64 next = -1;
        const QJsonValue sinceValue = o.value(QStringLiteral("since"));
        if (sinceValue.isDouble()) {
            const double asked = sinceValue.toDouble();
            const qint64 since = std::isfinite(asked)
                                     ? qint64(std::clamp(asked, 0.0, double(RelayStore::kMaxSeq)))
                                     : 0;
            next = since;
            const QList<Envelope> page =
                replay(name, since, &recovered, &more, std::max<qint64>(budget, 0));
            for (const Envelope &old : page) {
                const QByteArray frame = old.serialize();
                budget -= frame.size();
                auto s = m_sessions.find(socket);
                if (s == m_sessions.end())
                    return; // dropped meanwhile (it does not read)
                sendFrame(socket, *s, QString::fromUtf8(frame));
                ++replayed;
                next = old.seq;
            }
            if (!m_sessions.contains(socket))
                return;
        }
        QJsonObject subscribed{{QStringLiteral("channel"), name},
                               {QStringLiteral("head"), head(name)},
                               {QStringLiteral("replayed"), replayed},
                               {QStringLiteral("recovered"), recovered},
                               {QStringLiteral("epoch"), m_epoch}};
        if (more) {
            // Not all of it in this answer: subscribe again with this `since` for the next page.
            subscribed.insert(QStringLiteral("more"), true);
            subscribed.insert(QStringLiteral("nextSince"), next);
        }
        sendControl(socket, QStringLiteral("subscribed"), subscribed);
    }
}

void Relay::onUnsubscribe(QWebSocket *socket, const Envelope &envelope)
{
    const QJsonArray names =
        envelope.payload.toObject().value(QStringLiteral("channels")).toArray();
    auto session = m_sessions.find(socket);
    if (session == m_sessions.end())
        return;
    for (const QJsonValue &name : names)
        session->channels.remove(name.toString());
    sendControl(socket, QStringLiteral("unsubscribed"), {{QStringLiteral("channels"), names}});
}

Envelope Relay::publish(Envelope envelope)
{
    QString code;
    QString why;
    if (const auto stamped = stampAndPublish(envelope, &code, &why))
        return *stamped;
    warnThrottled(QStringLiteral("not published ") + code,
                  QStringLiteral("a %1 message was not published on %2: %3")
                      .arg(envelope.type.left(64), envelope.channel.left(64), why));
    envelope.seq = -1;
    return envelope;
}

std::optional<Envelope> Relay::stampAndPublish(Envelope envelope, QString *code, QString *why)
{
    const auto found = m_channels.constFind(envelope.channel);
    const bool known = found != m_channels.constEnd();
    if (!known && int(m_channels.size()) >= m_config.maxChannels) {
        *code = QStringLiteral("too_many_channels");
        *why = QStringLiteral("the relay keeps at most %1 channels").arg(m_config.maxChannels);
        return std::nullopt;
    }
    const qint64 current = known ? found->seq : (m_store ? m_store->floor() : 0);
    const qint64 next = current + 1;
    if (next > RelayStore::kMaxSeq) {
        *code = QStringLiteral("unavailable");
        *why =
            QStringLiteral("channel \"%1\" has used up its sequence numbers").arg(envelope.channel);
        return std::nullopt;
    }
    if (m_store && next > m_store->issueLimit(envelope.channel)) {
        // More waits to be saved than a crash gap covers: a burst outran the flush timer (save
        // now), or the disk refuses (then nothing more is stamped until it takes it again).
        if (!m_store->degraded())
            m_store->flush(m_config.historySize);
        if (next > m_store->issueLimit(envelope.channel)) {
            *code = QStringLiteral("unavailable");
            *why = QStringLiteral("the relay cannot save its history at the moment; the "
                                  "message was not published, send it again later");
            return std::nullopt;
        }
    }
    // The limit applies to the envelope as it will be sent: stamped, and re-serialized (numbers
    // may come out longer than they came in).
    envelope.seq = next;
    const QByteArray frame = envelope.serialize();
    if (frame.size() > m_config.maxMessageBytes) {
        *code = QStringLiteral("too_large");
        *why = QStringLiteral("the message is %1 bytes as it would be sent (with its seq and "
                              "timestamp), over the limit of %2 bytes")
                   .arg(frame.size())
                   .arg(m_config.maxMessageBytes);
        return std::nullopt;
    }
    Channel &channel = m_channels[envelope.channel];
    channel.seq = next;
    keepInHistory(channel, envelope, frame.size());
    if (m_store)
        m_store->append(envelope);

    const QString text = QString::fromUtf8(frame);
    const auto sockets = m_sessions.keys();
    for (QWebSocket *socket : sockets) {
        auto it = m_sessions.find(socket);
        if (it != m_sessions.end() && it->channels.contains(envelope.channel))
            sendFrame(socket, *it, text);
    }
    Q_EMIT published(envelope);
    return envelope;
}

void Relay::keepInHistory(Channel &channel, const Envelope &e, qint64 bytes)
{
    channel.history.push_back({e, bytes});
    channel.bytes += bytes;
    m_historyBytes += bytes;
    while (int(channel.history.size()) > m_config.historySize) {
        channel.bytes -= channel.history.front().bytes;
        m_historyBytes -= channel.history.front().bytes;
        channel.history.pop_front();
    }
    trimHistory();
}

void Relay::trimHistory()
{
    // Over the byte cap the channel holding the most gives up its oldest first, so a channel
    // of big messages cannot push out the small ones of every other channel.
    while (m_historyBytes > m_config.historyBytes) {
        auto largest = m_channels.end();
        for (auto it = m_channels.begin(); it != m_channels.end(); ++it) {
            if (!it->history.empty() && (largest == m_channels.end() || it->bytes > largest->bytes))
                largest = it;
        }
        if (largest == m_channels.end())
            break;
        largest->bytes -= largest->history.front().bytes;
        m_historyBytes -= largest->history.front().bytes;
        largest->history.pop_front();
        if (m_store) {
            m_store->trimBefore(largest.key(), largest->history.empty()
                                                   ? largest->seq + 1
                                                   : largest->history.front().envelope.seq);
        }
    }
}

bool Relay::checkBacklog(QWebSocket *socket, Session &session)
{
    // Judged over time, not by one burst: a healthy client drains megabytes in milliseconds;
    // one that stays behind for maxLagMs does not read fast enough. maxBacklogBytes bounds the
    // memory a client can make the relay hold meanwhile.
    const qint64 queued = socket->bytesToWrite();
    if (queued > m_config.maxBacklogBytes) {
        drop(socket, QWebSocketProtocol::CloseCodePolicyViolated,
             QStringLiteral("more than %1 bytes wait to be sent to the client")
                 .arg(m_config.maxBacklogBytes),
             true);
        return false;
    }
    if (queued <= m_config.maxBufferedBytes) {
        session.lagSince = -1;
        return true;
    }
    const qint64 now = m_clock.elapsed();
    if (session.lagSince < 0) {
        session.lagSince = now;
        return true;
    }
    if (now - session.lagSince < m_config.maxLagMs)
        return true;
    drop(socket, QWebSocketProtocol::CloseCodePolicyViolated,
         QStringLiteral("the client does not read fast enough: more than %1 bytes waited for it "
                        "for %2 ms")
             .arg(m_config.maxBufferedBytes)
             .arg(m_config.maxLagMs),
         true);
    return false;
}

void Relay::checkLag()
{
    const auto sockets = m_sessions.keys();
    for (QWebSocket *socket : sockets) {
        auto it = m_sessions.find(socket);
        if (it != m_sessions.end() && it->lagSince >= 0)
            checkBacklog(socket, *it);
    }
}

void Relay::sendFrame(QWebSocket *socket, Session &session, const QString &frame)
{
    if (!checkBacklog(socket, session))
        return; // dropped: `session` is gone
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

void Relay::drop(QWebSocket *socket, int code, const QString &reason, bool reset)
{
    auto it = m_sessions.find(socket);
    if (it == m_sessions.end())
        return;
    warnThrottled(
        QStringLiteral("closing %1").arg(code),
        QStringLiteral("closing session %1 with %2 - %3").arg(it->id).arg(code).arg(reason));
    const QString id = it->id;
    m_sessions.erase(it);
    socket->disconnect(this);
    if (reset) {
        // Nothing more can reach it: what waits for it goes at once, with the connection.
        socket->abort();
        socket->deleteLater();
    } else {
        closeWhenQuiet(socket, code, reason, m_config.closeLingerMs);
    }
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
    QJsonObject health{
        {QStringLiteral("status"), QStringLiteral("ok")},
        {QStringLiteral("server"), QStringLiteral("vigil-relay/" VIGIL_VERSION)},
        {QStringLiteral("uptimeMs"), wallNow() - m_startedAt},
        {QStringLiteral("epoch"), m_epoch},
        {QStringLiteral("websocket"),
         QJsonObject{
             {QStringLiteral("clients"), int(m_sessions.size())},
             {QStringLiteral("averageLatencyMs"), latencyCount ? latencySum / latencyCount : 0.0},
             {QStringLiteral("errorRate"), frames ? double(errors) / double(frames) : 0.0}}}};
    if (m_store) {
        QJsonObject storage{{QStringLiteral("unsaved"), m_store->pending()},
                            {QStringLiteral("unreadable"), m_store->unreadable()}};
        if (!m_store->recoveryNotice().isEmpty())
            storage.insert(QStringLiteral("notice"), m_store->recoveryNotice());
        if (m_store->degraded()) {
            // Still serving, but what it fans out may not survive a restart, and once a crash
            // gap's worth waits, it refuses new messages: an operator must free the disk.
            health.insert(QStringLiteral("status"), QStringLiteral("degraded"));
            health.insert(QStringLiteral("reason"), QStringLiteral("%1; %2 messages not saved yet")
                                                        .arg(m_store->problem())
                                                        .arg(m_store->pending()));
        }
        health.insert(QStringLiteral("storage"), storage);
    }
    return health;
}

QJsonObject Relay::metricsJson() const
{
    QJsonArray connections;
    for (const Session &s : m_sessions)
        connections.append(sessionJson(s));
    QJsonObject channels;
    for (auto it = m_channels.begin(); it != m_channels.end(); ++it) {
        channels.insert(it.key(), QJsonObject{{QStringLiteral("head"), it->seq},
                                              {QStringLiteral("history"), int(it->history.size())},
                                              {QStringLiteral("historyBytes"), it->bytes}});
    }
    return {{QStringLiteral("server"),
             QJsonObject{{QStringLiteral("version"), QStringLiteral(VIGIL_VERSION)},
                         {QStringLiteral("startedAt"), m_startedAt},
                         {QStringLiteral("uptimeMs"), wallNow() - m_startedAt},
                         {QStringLiteral("authentication"), authRequired()},
                         {QStringLiteral("historySize"), m_config.historySize},
                         {QStringLiteral("historyBytes"), m_config.historyBytes},
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
