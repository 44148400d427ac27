#include "websocketsessions.h"

#include "logthrottle.h"
#include "protocol/logging.h"
#include "relay.h"
#include "relaystore.h"

#include <QDateTime>
#include <QPointer>
#include <QUrlQuery>
#include <QUuid>
#include <QWebSocket>

#include <algorithm>
#include <cmath>

namespace vigil {

namespace {

constexpr int kLatencySamples = 20;
/// A closed client's silence after which its close frame goes out (see drop()).
constexpr int kCloseQuietMs = 200;

qint64 wallNow()
{
    return QDateTime::currentMSecsSinceEpoch();
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

WebSocketSessions::WebSocketSessions(Relay *relay)
    : m_relay(relay)
    , m_log(std::make_unique<LogThrottle>())
{
    m_clock.start();
    connect(&m_heartbeatTimer, &QTimer::timeout, this, &WebSocketSessions::heartbeat);
    connect(&m_lagTimer, &QTimer::timeout, this, &WebSocketSessions::checkLag);
    m_batchTimer.setSingleShot(true);
    connect(&m_batchTimer, &QTimer::timeout, this, &WebSocketSessions::flushAllBatches);
}

WebSocketSessions::~WebSocketSessions()
{
    stop();
}

void WebSocketSessions::start()
{
    const RelayConfig &config = m_relay->config();
    m_heartbeatTimer.start(std::max(10, std::min(config.heartbeatMs, config.cleanupIntervalMs)));
    m_lagTimer.start(std::max(50, config.maxLagMs / 4));
}

void WebSocketSessions::stop()
{
    m_heartbeatTimer.stop();
    m_lagTimer.stop();
    m_batchTimer.stop();
    const auto sockets = m_sessions.keys();
    for (QWebSocket *socket : sockets) {
        socket->disconnect(this);
        socket->close(QWebSocketProtocol::CloseCodeGoingAway, QStringLiteral("relay stopping"));
        socket->flush();
        socket->deleteLater();
    }
    m_sessions.clear();
}

void WebSocketSessions::warnThrottled(const QString &kind, const QString &line)
{
    int held = 0;
    if (m_log->allow(kind, &held))
        qCWarning(lcRelay).noquote() << line + LogThrottle::heldNote(held);
}

void WebSocketSessions::refuse(QWebSocket *socket, int code, const QString &reason)
{
    ++m_counters.rejected;
    // One line per kind every few seconds: a peer decides how often this happens.
    warnThrottled(QStringLiteral("refused ") + reason,
                  QStringLiteral("refused a connection from %1 - %2")
                      .arg(socket->peerAddress().toString(), reason));
    socket->close(QWebSocketProtocol::CloseCode(code), reason);
    socket->deleteLater();
}

void WebSocketSessions::accept(QWebSocket *socket)
{
    const RelayConfig &config = m_relay->config();
    socket->setParent(this);
    socket->setMaxAllowedIncomingMessageSize(quint64(config.maxMessageBytes));
    socket->setMaxAllowedIncomingFrameSize(quint64(config.maxMessageBytes));

    if (!m_relay->originAllowed(socket->request().rawHeader("Origin"))) {
        refuse(socket, 4403, QStringLiteral("origin not allowed"));
        return;
    }
    if (int(m_sessions.size()) >= config.maxConnections) {
        refuse(socket, 4503, // at capacity: try again later
               QStringLiteral("the relay is at its connection limit"));
        return;
    }
    const auto principal = m_relay->authenticate(socket->request().rawHeader("Authorization"),
                                                 QUrlQuery(socket->requestUrl()));
    if (!principal) {
        refuse(socket, 4401, QStringLiteral("unauthorized"));
        return;
    }

    Session session;
    session.id = QUuid::createUuid().toString(QUuid::WithoutBraces);
    session.principal = *principal;
    session.connectedAt = wallNow();
    session.lastSeen = m_clock.elapsed();
    session.peer = socket->peerAddress().toString();
    m_sessions.insert(socket, session);
    ++m_counters.connections;

    connect(socket, &QWebSocket::textMessageReceived, this,
            [this, socket](const QString &text) { onTextMessage(socket, text); });
    connect(socket, &QWebSocket::binaryMessageReceived, this,
            [this, socket] { onBinaryMessage(socket); });
    connect(socket, &QWebSocket::pong, this,
            [this, socket](quint64 elapsed) { onPong(socket, elapsed); });
    connect(socket, &QWebSocket::disconnected, this, [this, socket] {
        const QString id = m_sessions.value(socket).id;
        m_sessions.remove(socket);
        socket->deleteLater();
        qCInfo(lcRelay).noquote() << "session" << id << "ended";
        Q_EMIT clientDisconnected(id);
    });
    qCInfo(lcRelay).noquote() << "session" << session.id << "from" << session.peer << "as"
                              << session.principal.user;

    sendControl(
        socket, QStringLiteral("welcome"),
        {{QStringLiteral("session"), session.id},
         {QStringLiteral("server"), QStringLiteral("vigil-relay/" VIGIL_VERSION)},
         {QStringLiteral("user"), session.principal.user},
         {QStringLiteral("capabilities"),
          QJsonArray{QStringLiteral("ack"), QStringLiteral("resume"), QStringLiteral("history"),
                     QStringLiteral("logFilter"), QStringLiteral("logBatch")}},
         {QStringLiteral("heartbeatMs"), config.heartbeatMs},
         {QStringLiteral("maxMessageBytes"), qint64(config.maxMessageBytes)},
         {QStringLiteral("epoch"), m_relay->epoch()}});
    Q_EMIT clientConnected(session.id);
}

void WebSocketSessions::onPong(QWebSocket *socket, quint64 elapsed)
{
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
}

bool WebSocketSessions::admitFrame(QWebSocket *socket, Session &session)
{
    const RelayConfig &config = m_relay->config();
    ++session.messagesIn;
    ++m_counters.messagesIn;
    session.lastSeen = m_clock.elapsed();
    if (session.rate.take(1, m_clock.elapsed(), config.rateLimit, config.rateBurst)) {
        session.rateViolations = 0;
        return true;
    }
    // Over the rate: told once per burst, then cut off if it keeps going.
    const int violations = ++session.rateViolations;
    if (violations == 1) {
        sendTo(socket,
               Relay::errorEnvelope(QStringLiteral("rate_limited"),
                                    QStringLiteral("more than %1 messages per second; slow down")
                                        .arg(config.rateLimit)));
    }
    if (violations > config.rateBurst)
        drop(socket, 4429, QStringLiteral("rate limit exceeded"));
    return false;
}

void WebSocketSessions::badFrame(QWebSocket *socket, Session &session, const QString &code,
                                 const QString &message)
{
    const int count = ++session.badFrames;
    ++m_counters.badFrames;
    warnThrottled(QStringLiteral("bad frame"),
                  QStringLiteral("session %1 sent a bad frame: %2").arg(session.id, message));
    sendTo(socket, Relay::errorEnvelope(code, message));
    if (count >= m_relay->config().maxBadFrames)
        drop(socket, QWebSocketProtocol::CloseCodePolicyViolated,
             QStringLiteral("too many malformed messages"));
}

void WebSocketSessions::onBinaryMessage(QWebSocket *socket)
{
    auto it = m_sessions.find(socket);
    if (it == m_sessions.end() || !admitFrame(socket, *it))
        return;
    badFrame(socket, *it, QStringLiteral("bad_message"),
             QStringLiteral("binary frames are not part of the protocol; send JSON text frames"));
}

void WebSocketSessions::onTextMessage(QWebSocket *socket, const QString &text)
{
    auto it = m_sessions.find(socket);
    if (it == m_sessions.end() || !admitFrame(socket, *it))
        return;

    const ParseResult parsed = parseEnvelope(text.toUtf8(), m_relay->config().maxMessageBytes);
    if (!parsed.ok()) {
        const bool tooLarge = parsed.error.code == ParseError::TooLarge;
        badFrame(socket, *it,
                 tooLarge ? QStringLiteral("too_large") : QStringLiteral("bad_message"),
                 parsed.error.message);
        return;
    }
    it->badFrames = 0;
    const Envelope &e = parsed.envelope;
    if (e.channel.isEmpty() || e.channel == kSystemChannel) {
        if (e.type == u"ping") {
            sendControl(socket, QStringLiteral("pong"), e.payload.toObject());
        } else if (e.type == u"pong") {
            // An answer to our ping at the application level: liveness is already noted.
        } else if (e.type == u"subscribe") {
            onSubscribe(socket, e);
        } else if (e.type == u"unsubscribe") {
            onUnsubscribe(socket, e);
        } else if (e.type == u"update_filter") {
            onUpdateFilter(socket, e);
        } else {
            sendTo(socket,
                   Relay::errorEnvelope(
                       QStringLiteral("unknown_type"),
                       QStringLiteral("unknown system message type \"%1\"").arg(e.type.left(64)),
                       e.id));
        }
        return;
    }
    const Principal principal = it->principal;
    // With a shared broker the answer comes once the broker has stored the message; the
    // session may be gone by then.
    m_relay->acceptClientMessage(principal, e,
                                 [this, target = QPointer<QWebSocket>(socket)](const Envelope &a) {
                                     if (target)
                                         sendTo(target, a);
                                 });
}

void WebSocketSessions::onSubscribe(QWebSocket *socket, const Envelope &envelope)
{
    const int maxSubscriptions = m_relay->config().maxSubscriptions;
    const QJsonArray requested =
        envelope.payload.toObject().value(QStringLiteral("channels")).toArray();
    if (requested.isEmpty()) {
        sendTo(socket, Relay::errorEnvelope(QStringLiteral("bad_message"),
                                            QStringLiteral("subscribe needs payload.channels: a "
                                                           "non-empty array"),
                                            envelope.id));
        return;
    }
    if (requested.size() > maxSubscriptions) {
        sendTo(socket,
               Relay::errorEnvelope(
                   QStringLiteral("too_many_channels"),
                   QStringLiteral("a subscribe names at most %1 channels").arg(maxSubscriptions),
                   envelope.id));
        return;
    }
    // The replays of one subscribe share one page: its answer is bounded however many channels
    // and however old the `since`s are.
    qint64 budget = m_relay->config().replayPageBytes;
    for (const QJsonValue &entry : requested) {
        if (!subscribeOne(socket, envelope, entry, &budget))
            return;
    }
}

bool WebSocketSessions::subscribeOne(QWebSocket *socket, const Envelope &request,
                                     const QJsonValue &entry, qint64 *budget)
{
    const int maxSubscriptions = m_relay->config().maxSubscriptions;
    auto session = m_sessions.find(socket);
    if (session == m_sessions.end())
        return false;
    const auto deny = [&](const QString &code, const QString &message) {
        sendTo(socket, Relay::errorEnvelope(code, message, request.id));
        return true; // on with the next channel
    };
    // Accept {"name":..., "since":...} and, leniently, a bare channel name.
    const QJsonObject o = entry.isString() ? QJsonObject{{QStringLiteral("name"), entry.toString()}}
                                           : entry.toObject();
    const QString name = o.value(QStringLiteral("name")).toString();
    if (!isValidChannelName(name) || name == kSystemChannel) {
        return deny(QStringLiteral("bad_message"),
                    QStringLiteral("cannot subscribe to channel \"%1\"").arg(name.left(64)));
    }
    if (!session->principal.canRead(name)) {
        return deny(
            QStringLiteral("forbidden_channel"),
            QStringLiteral("%1 may not read channel \"%2\"").arg(session->principal.user, name));
    }
    if (!session->channels.contains(name) && int(session->channels.size()) >= maxSubscriptions) {
        return deny(QStringLiteral("too_many_channels"),
                    QStringLiteral("a session subscribes to at most %1 channels; unsubscribe "
                                   "from some first")
                        .arg(maxSubscriptions));
    }
    // A subscribe says all of how the channel is delivered: no filter means everything, no
    // `batch` means single messages. A bad filter leaves the subscription as it was.
    QString why;
    const std::optional<LogFilter> filter =
        LogFilter::fromJson(o.value(QStringLiteral("filter")), &why);
    if (!filter) {
        return deny(
            QStringLiteral("bad_filter"),
            QStringLiteral("the filter for channel \"%1\" is not valid: %2").arg(name, why));
    }
    const bool batch = o.value(QStringLiteral("batch")).toBool(false);
    if (session->channels.contains(name)) {
        // What was gathered under the old terms goes out first.
        if (!flushBatch(socket, name))
            return false;
        session = m_sessions.find(socket);
    }
    session->channels.insert(name);
    if (filter->isEmpty() && !batch) {
        session->logs.remove(name);
    } else {
        LogDelivery &delivery = session->logs[name];
        delivery.filter = *filter;
        delivery.batch = batch;
    }
    bool recovered = true;
    bool more = false;
    int replayed = 0;
    qint64 next = -1;
    const QJsonValue sinceValue = o.value(QStringLiteral("since"));
    if (sinceValue.isDouble()) {
        const double asked = sinceValue.toDouble();
        const qint64 since =
            std::isfinite(asked) ? qint64(std::clamp(asked, 0.0, double(RelayStore::kMaxSeq))) : 0;
        next = since;
        const QList<Envelope> page =
            m_relay->replay(name, since, &recovered, &more, std::max<qint64>(*budget, 0),
                            filter->isEmpty() ? nullptr : &*filter);
        for (const Envelope &old : page) {
            const QByteArray frame = old.serialize();
            *budget -= frame.size();
            SharedEntry entry;
            if (!deliver(socket, old, QString::fromUtf8(frame), &entry))
                return false; // dropped meanwhile (it does not read)
            ++replayed;
            next = old.seq;
        }
        // The replay's last batch goes before `subscribed`, which says the replay is over.
        if (!flushBatch(socket, name))
            return false;
    }
    QJsonObject subscribed{{QStringLiteral("channel"), name},
                           {QStringLiteral("head"), m_relay->head(name)},
                           {QStringLiteral("replayed"), replayed},
                           {QStringLiteral("recovered"), recovered},
                           {QStringLiteral("epoch"), m_relay->epoch()}};
    if (!filter->isEmpty())
        subscribed.insert(QStringLiteral("filter"), filter->toJson());
    if (batch)
        subscribed.insert(QStringLiteral("batch"), true);
    if (more) {
        // Not all of it in this answer: subscribe again with this `since` for the next page.
        subscribed.insert(QStringLiteral("more"), true);
        subscribed.insert(QStringLiteral("nextSince"), next);
    }
    sendControl(socket, QStringLiteral("subscribed"), subscribed);
    return true;
}

void WebSocketSessions::onUnsubscribe(QWebSocket *socket, const Envelope &envelope)
{
    const QJsonArray names =
        envelope.payload.toObject().value(QStringLiteral("channels")).toArray();
    for (const QJsonValue &name : names) {
        // Entries gathered while it was subscribed still go out, before `unsubscribed`.
        if (!flushBatch(socket, name.toString()))
            return;
        auto session = m_sessions.find(socket);
        session->channels.remove(name.toString());
        session->logs.remove(name.toString());
    }
    if (m_sessions.contains(socket))
        sendControl(socket, QStringLiteral("unsubscribed"), {{QStringLiteral("channels"), names}});
}

void WebSocketSessions::onUpdateFilter(QWebSocket *socket, const Envelope &envelope)
{
    const QJsonObject payload = envelope.payload.toObject();
    const QString channel = payload.value(QStringLiteral("channel")).toString();
    auto session = m_sessions.find(socket);
    if (session == m_sessions.end())
        return;
    if (!session->channels.contains(channel)) {
        sendTo(socket,
               Relay::errorEnvelope(QStringLiteral("not_subscribed"),
                                    QStringLiteral("not subscribed to channel \"%1\": subscribe "
                                                   "with the filter instead")
                                        .arg(channel.left(64)),
                                    envelope.id));
        return;
    }
    QString why;
    const std::optional<LogFilter> filter =
        LogFilter::fromJson(payload.value(QStringLiteral("filter")), &why);
    if (!filter) {
        // The filter in force stays.
        sendTo(socket, Relay::errorEnvelope(QStringLiteral("bad_filter"),
                                            QStringLiteral("the filter is not valid: %1").arg(why),
                                            envelope.id));
        return;
    }
    // What was gathered under the old filter goes first: after `filter_updated`, only
    // entries that match the new one arrive.
    if (!flushBatch(socket, channel))
        return;
    session = m_sessions.find(socket);
    LogDelivery &delivery = session->logs[channel];
    delivery.filter = *filter;
    if (delivery.filter.isEmpty() && !delivery.batch)
        session->logs.remove(channel);
    sendControl(
        socket, QStringLiteral("filter_updated"),
        {{QStringLiteral("channel"), channel}, {QStringLiteral("filter"), filter->toJson()}});
}

void WebSocketSessions::fanOut(const Envelope &envelope, const QString &frame)
{
    SharedEntry entry;
    const auto sockets = m_sessions.keys();
    for (QWebSocket *socket : sockets) {
        auto it = m_sessions.find(socket);
        if (it != m_sessions.end() && it->channels.contains(envelope.channel))
            deliver(socket, envelope, frame, &entry);
    }
}

bool WebSocketSessions::deliver(QWebSocket *socket, const Envelope &envelope, const QString &frame,
                                SharedEntry *entry)
{
    auto session = m_sessions.find(socket);
    if (session == m_sessions.end())
        return false;
    const QString &channel = envelope.channel;
    auto logs = session->logs.find(channel);
    if (logs == session->logs.end()) {
        sendFrame(socket, *session, frame);
        return m_sessions.contains(socket);
    }
    Envelope reduced;
    const LogFilterOutcome outcome = filterLogMessage(logs->filter, envelope, &reduced);
    if (outcome == LogFilterOutcome::Drop)
        return true;
    const qsizetype maxFrameBytes = m_relay->config().maxMessageBytes;
    if (logs->batch && envelope.type == kLogEntryType) {
        if (!entry->made) {
            entry->json = logBatchEntry(envelope);
            entry->made = true;
        }
        // An entry that is no object, or too large for a frame of its own, goes alone.
        if (!entry->json.isEmpty() && LogBatch{}.fits(entry->json, maxFrameBytes)) {
            if (!logs->pending.fits(entry->json, maxFrameBytes)) {
                if (!flushBatch(socket, channel))
                    return false;
                session = m_sessions.find(socket);
                logs = session->logs.find(channel);
            }
            const bool first = logs->pending.isEmpty();
            logs->pending.add(entry->json);
            if (logs->pending.isFull())
                return flushBatch(socket, channel);
            if (first && !m_batchTimer.isActive())
                m_batchTimer.start(LogBatch::kFlushMs);
            return true;
        }
    }
    // Anything else on the channel waits for the batch before it: seqs arrive in order.
    if (!logs->pending.isEmpty()) {
        if (!flushBatch(socket, channel))
            return false;
        session = m_sessions.find(socket);
    }
    sendFrame(socket, *session,
              outcome == LogFilterOutcome::Reduced ? QString::fromUtf8(reduced.serialize())
                                                   : frame);
    return m_sessions.contains(socket);
}

bool WebSocketSessions::flushBatch(QWebSocket *socket, const QString &channel)
{
    auto session = m_sessions.find(socket);
    if (session == m_sessions.end())
        return false;
    const auto logs = session->logs.find(channel);
    if (logs == session->logs.end() || logs->pending.isEmpty())
        return true;
    const QByteArray frame = logs->pending.take(channel);
    sendFrame(socket, *session, QString::fromUtf8(frame));
    return m_sessions.contains(socket);
}

void WebSocketSessions::flushAllBatches()
{
    const auto sockets = m_sessions.keys();
    for (QWebSocket *socket : sockets) {
        const auto session = m_sessions.constFind(socket);
        if (session == m_sessions.constEnd())
            continue;
        QStringList waiting;
        for (auto it = session->logs.cbegin(); it != session->logs.cend(); ++it) {
            if (!it->pending.isEmpty())
                waiting.append(it.key());
        }
        for (const QString &channel : std::as_const(waiting)) {
            if (!flushBatch(socket, channel))
                break;
        }
    }
}

bool WebSocketSessions::checkBacklog(QWebSocket *socket, Session &session)
{
    const RelayConfig &config = m_relay->config();
    // Judged over time, not by one burst: a healthy client drains megabytes in milliseconds;
    // one that stays behind for maxLagMs does not read fast enough. maxBacklogBytes bounds the
    // memory a client can make the relay hold meanwhile.
    const qint64 queued = socket->bytesToWrite();
    if (queued > config.maxBacklogBytes) {
        drop(socket, QWebSocketProtocol::CloseCodePolicyViolated,
             QStringLiteral("more than %1 bytes wait to be sent to the client")
                 .arg(config.maxBacklogBytes),
             true);
        return false;
    }
    if (queued <= config.maxBufferedBytes) {
        session.lagSince = -1;
        return true;
    }
    const qint64 now = m_clock.elapsed();
    if (session.lagSince < 0) {
        session.lagSince = now;
        return true;
    }
    if (now - session.lagSince < config.maxLagMs)
        return true;
    drop(socket, QWebSocketProtocol::CloseCodePolicyViolated,
         QStringLiteral("the client does not read fast enough: more than %1 bytes waited for it "
                        "for %2 ms")
             .arg(config.maxBufferedBytes)
             .arg(config.maxLagMs),
         true);
    return false;
}

void WebSocketSessions::checkLag()
{
    const auto sockets = m_sessions.keys();
    for (QWebSocket *socket : sockets) {
        auto it = m_sessions.find(socket);
        if (it != m_sessions.end() && it->lagSince >= 0)
            checkBacklog(socket, *it);
    }
}

void WebSocketSessions::sendFrame(QWebSocket *socket, Session &session, const QString &frame)
{
    if (!checkBacklog(socket, session))
        return; // dropped: `session` is gone
    socket->sendTextMessage(frame);
    ++session.messagesOut;
    ++m_counters.messagesOut;
}

void WebSocketSessions::sendTo(QWebSocket *socket, const Envelope &envelope)
{
    auto it = m_sessions.find(socket);
    if (it == m_sessions.end())
        return;
    sendFrame(socket, *it, QString::fromUtf8(envelope.serialize()));
}

void WebSocketSessions::sendControl(QWebSocket *socket, const QString &type,
                                    const QJsonObject &payload)
{
    sendTo(socket, Envelope::create(type, kSystemChannel, payload));
}

void WebSocketSessions::drop(QWebSocket *socket, int code, const QString &reason, bool reset)
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
        closeWhenQuiet(socket, code, reason, m_relay->config().closeLingerMs);
    }
    Q_EMIT clientDisconnected(id);
}

void WebSocketSessions::heartbeat()
{
    const int deadAfterMs = m_relay->config().deadAfterMs;
    const qint64 now = m_clock.elapsed();
    const auto sockets = m_sessions.keys();
    for (QWebSocket *socket : sockets) {
        auto it = m_sessions.find(socket);
        if (it == m_sessions.end())
            continue;
        if (now - it->lastSeen > deadAfterMs) {
            drop(socket, 4408,
                 QStringLiteral("no traffic and no pong within %1 ms").arg(deadAfterMs));
            continue;
        }
        if (it->pingOutstanding)
            ++it->missedHeartbeats;
        it->pingOutstanding = true;
        socket->ping();
    }
}

QJsonObject WebSocketSessions::sessionJson(const Session &s) const
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
            {QStringLiteral("isAlive"),
             m_clock.elapsed() - s.lastSeen <= m_relay->config().deadAfterMs}};
}

QJsonArray WebSocketSessions::sessionsJson() const
{
    QJsonArray sessions;
    for (const Session &s : m_sessions)
        sessions.append(sessionJson(s));
    return sessions;
}

double WebSocketSessions::averageLatencyMs() const
{
    double sum = 0;
    int count = 0;
    for (const Session &s : m_sessions) {
        for (qint64 l : s.latencies) {
            sum += double(l);
            ++count;
        }
    }
    return count ? sum / count : 0.0;
}

} // namespace vigil
