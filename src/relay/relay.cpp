#include "relay.h"

#include "broker.h"
#include "channelhistory.h"
#include "demofeed.h"
#include "httpfrontend.h"
#include "logthrottle.h"
#include "operatoractions.h"
#include "protocol/logging.h"
#include "redisbroker.h"
#include "websocketsessions.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QJsonArray>
#include <QSysInfo>

#include <memory>
#include <optional>

namespace vigil {

namespace {

qint64 wallNow()
{
    return QDateTime::currentMSecsSinceEpoch();
}

Envelope ackEnvelope(const QString &id)
{
    return Envelope::create(QStringLiteral("ack"), kSystemChannel,
                            QJsonObject{{QStringLiteral("id"), id}});
}

} // namespace

Relay::Relay(RelayConfig config, QObject *parent)
    : QObject(parent)
    , m_config(std::move(config))
    , m_history(std::make_unique<ChannelHistory>(m_config))
    , m_webSockets(std::make_unique<WebSocketSessions>(this))
    , m_actions(std::make_unique<OperatorActions>())
    , m_log(std::make_unique<LogThrottle>())
{
    if (m_config.node.isEmpty()) {
        m_config.node = QStringLiteral("%1-%2").arg(
            QSysInfo::machineHostName(), QString::number(QCoreApplication::applicationPid()));
    }
    m_clock.start();
    if (m_config.brokerUrl.isEmpty()) {
        QString unused;
        makeBroker(&unused);
    }
    connect(m_webSockets.get(), &WebSocketSessions::clientConnected, this, &Relay::clientConnected);
    connect(m_webSockets.get(), &WebSocketSessions::clientDisconnected, this,
            &Relay::clientDisconnected);
}

Relay::~Relay()
{
    stop();
}

bool Relay::makeBroker(QString *error)
{
    if (m_config.brokerUrl.isEmpty()) {
        m_broker = std::make_unique<LocalBroker>(m_history.get());
    } else {
        const std::optional<RedisAddress> address = RedisAddress::parse(m_config.brokerUrl, error);
        if (!address)
            return false;
        if (!m_config.dataDir.isEmpty()) {
            *error = QStringLiteral("--data-dir and --broker exclude each other: with a broker, "
                                    "Redis keeps the history");
            return false;
        }
        m_broker = std::make_unique<RedisBroker>(m_config, *address, m_history.get());
    }
    connect(m_broker.get(), &Broker::entry, this, &Relay::onEntry);
    connect(m_broker.get(), &Broker::epochReset, this, &Relay::onEpochReset);
    return true;
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
    return Envelope::create(QStringLiteral("error"), kSystemChannel, payload);
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
    if (!m_broker && !makeBroker(error))
        return false;

    // Listen before the history loads, which takes seconds for a large store: a client that
    // connects meanwhile (every client after a relay restart) waits in the kernel's backlog and
    // is served once it is loaded, instead of being refused and backing off for longer.
    m_http = std::make_unique<HttpFrontend>(this);
    if (!m_http->listen(m_config.host, m_config.port, m_config.tlsCertFile, m_config.tlsKeyFile,
                        error)) {
        m_http.reset();
        return false;
    }
    m_http->setAccepting(false);
    if (!m_broker->open(error)) {
        m_http.reset();
        return false;
    }
    learnFromHistory();
    m_http->setAccepting(true);
    m_startedAt = wallNow();
    m_webSockets->start();
    if (m_broker->shared()) {
        connect(&m_presence, &QTimer::timeout, this, &Relay::sharePresence, Qt::UniqueConnection);
        m_presence.start(std::max(m_config.presenceIntervalMs, 10));
        sharePresence();
    }
    qCInfo(lcRelay).noquote() << "listening on" << url().toString()
                              << (authRequired()
                                      ? QStringLiteral("(%1 tokens)").arg(m_tokens.size())
                                      : QStringLiteral("(no authentication, loopback only)"))
                              << "history epoch" << epoch();

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
    m_presence.stop();
    m_webSockets->stop();
    if (m_http)
        m_http->stop();
    m_http.reset();
    if (m_broker)
        m_broker->close();
    else
        m_history->close();
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

int Relay::clientCount() const
{
    return m_webSockets->count();
}

qint64 Relay::head(const QString &channel) const
{
    return m_history->head(channel);
}

QString Relay::epoch() const
{
    return m_history->epoch();
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
    m_webSockets->accept(socket);
}

bool Relay::consumeRate(const Principal &who, int messages)
{
    if (messages <= 0)
        return true;
    return m_principalRates[who.user].take(messages, m_clock.elapsed(), m_config.rateLimit,
                                           m_config.rateBurst);
}

Envelope Relay::acceptClientMessage(const Principal &who, const Envelope &message)
{
    if (m_broker && m_broker->shared()) {
        return errorEnvelope(QStringLiteral("unavailable"),
                             QStringLiteral("a relay with a shared broker answers later"),
                             message.id);
    }
    // The answer may come later (a save, a broker): it must not outlive this frame by reference.
    auto answer = std::make_shared<std::optional<Envelope>>();
    acceptClientMessage(who, message, [answer](const Envelope &a) { *answer = a; });
    return *answer ? **answer
                   : errorEnvelope(QStringLiteral("unavailable"),
                                   QStringLiteral("a relay with a store answers once it is saved"),
                                   message.id);
}

void Relay::acceptClientMessage(const Principal &who, const Envelope &message, Answer answer)
{
    const ParseError invalid = validateClientMessage(message);
    if (invalid.code != ParseError::None) {
        answer(errorEnvelope(QStringLiteral("bad_message"), invalid.message, message.id));
        return;
    }
    if (message.channel == kSystemChannel || !who.canWrite(message.channel)) {
        answer(errorEnvelope(QStringLiteral("forbidden_channel"),
                             QStringLiteral("%1 may not write to channel \"%2\"")
                                 .arg(who.user, message.channel.left(64)),
                             message.id));
        return;
    }
    if (m_seenIds.contains(message.id)) {
        ++m_duplicates;
        qCDebug(lcRelay) << "duplicate" << message.id << "acked again, not fanned out";
        ackWhenSaved(answer, message.id); // the first copy may still wait for its save
        return;
    }
    if (OperatorActions::isAction(message.type)) {
        applyAction(who, message, answer);
        return;
    }
    Envelope e = message;
    if (e.timestamp == 0)
        e.timestamp = wallNow();
    m_broker->publish(e, message.id, [this, who, answer](const Broker::Result &result) {
        const QString &id = result.envelope.id;
        if (result.duplicate) {
            // Published before through another node of a shared broker.
            ++m_duplicates;
            rememberId(id, result.envelope.channel);
            qCDebug(lcRelay) << "duplicate" << id << "acked again, not fanned out";
        } else if (!result.ok()) {
            answer(errorEnvelope(result.code, result.why, id));
            return;
        } else {
            rememberId(id, result.envelope.channel);
            demoFollow(who, result.envelope);
        }
        ackWhenSaved(answer, id);
    });
}

void Relay::ackWhenSaved(const Answer &answer, const QString &id)
{
    // An ack tells the sender it may forget the message: with a store, only once the message
    // is saved, so that a crash cannot take an acknowledged message out of the history.
    m_history->whenSaved([answer, id] { answer(ackEnvelope(id)); });
}

void Relay::applyAction(const Principal &who, const Envelope &action, const Answer &answer)
{
    // The action itself is not fanned out: subscribers learn what happened from the update,
    // and a refused request leaves nothing on the channel or in its history.
    OperatorActions::Outcome outcome = m_actions->decide(who, action, wallNow());
    const auto refuse = [this, who, action, answer](const QString &code, const QString &why) {
        ++m_actionsRefused;
        qCDebug(lcRelay).noquote() << who.user << action.type << "refused:" << code;
        answer(errorEnvelope(code, why, action.id));
    };
    if (!outcome.update) {
        refuse(outcome.code, outcome.message);
        return;
    }
    m_broker->publish(*outcome.update, action.id,
                      [this, who, action, answer, refuse](const Broker::Result &result) {
                          if (result.duplicate) {
                              ++m_duplicates;
                              rememberId(action.id, action.channel);
                              ackWhenSaved(answer, action.id);
                              return;
                          }
                          if (!result.ok()) {
                              refuse(result.code, result.why);
                              return;
                          }
                          rememberId(action.id, action.channel);
                          ++m_actionsApplied;
                          qCDebug(lcRelay).noquote()
                              << who.user << action.type << "applied as" << result.envelope.type;
                          if (m_demo && result.envelope.channel == kIncidentsChannel)
                              m_demo->followIncident(result.envelope.payload.toObject());
                          ackWhenSaved(answer, action.id);
                      });
}

void Relay::demoFollow(const Principal &who, const Envelope &message)
{
    if (m_demo && message.type == u"chat.message" && message.channel == u"chat")
        m_demo->answerOperator(message.payload.toObject(), message.id, who.user);
}

void Relay::learnFromHistory()
{
    // The ids of what the history holds are known ids again: a client whose ack was lost when
    // the relay died re-sends with the same id after the restart, and that message must be
    // acked as a duplicate, not published a second time. The incidents' and alerts' states
    // are rebuilt for the operator actions.
    const QStringList channels = m_history->channelsJson().keys();
    for (const QString &channel : channels) {
        const bool actions = channel == kIncidentsChannel || channel == kAlertsChannel;
        qint64 since = 0;
        bool more = true;
        while (more) {
            bool recovered = false;
            const QList<Envelope> page = m_history->replay(channel, since, &recovered, &more, -1);
            if (page.isEmpty())
                break;
            for (const Envelope &e : page) {
                if (!e.id.isEmpty())
                    rememberId(e.id, e.channel);
                if (actions)
                    m_actions->observe(e);
            }
            since = page.last().seq;
        }
    }
}

bool Relay::rememberId(const QString &id, const QString &channel)
{
    if (m_seenIds.contains(id))
        return false;
    m_seenIds.insert(id);
    m_seenOrder[channel].push_back(id);
    // Past the window the channel holding the most ids gives up its oldest, as the history
    // does with its bytes: a flood on one channel pushes out its own ids, never the other
    // channels' (whose senders may still send theirs again after a lost ack).
    while (int(m_seenIds.size()) > m_config.dedupWindow) {
        auto largest = m_seenOrder.begin();
        for (auto it = m_seenOrder.begin(); it != m_seenOrder.end(); ++it) {
            if (it->size() > largest->size())
                largest = it;
        }
        m_seenIds.remove(largest->front());
        largest->pop_front();
        if (largest->empty())
            m_seenOrder.erase(largest);
    }
    return true;
}

QList<Envelope> Relay::replay(const QString &channel, qint64 since, bool *recovered, bool *more,
                              qint64 maxBytes, const LogFilter *filter) const
{
    return m_history->replay(channel, since, recovered, more, maxBytes, filter);
}

Envelope Relay::publish(Envelope envelope)
{
    if (m_broker && m_broker->shared()) {
        const QString type = envelope.type.left(64);
        const QString channel = envelope.channel.left(64);
        m_broker->publish(envelope, {}, [this, type, channel](const Broker::Result &result) {
            if (!result.ok()) {
                warnThrottled(QStringLiteral("not published ") + result.code,
                              QStringLiteral("a %1 message was not published on %2: %3")
                                  .arg(type, channel, result.why));
            }
        });
        envelope.seq = 0;
        return envelope;
    }
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
    std::optional<Envelope> stamped;
    m_broker->publish(std::move(envelope), {}, [&](const Broker::Result &result) {
        if (result.ok()) {
            stamped = result.envelope;
        } else {
            *code = result.code;
            *why = result.why;
        }
    });
    return stamped;
}

void Relay::onEntry(const Envelope &envelope, const QByteArray &frame)
{
    m_actions->observe(envelope); // before anyone hears of it, so a reaction sees it applied
    m_webSockets->fanOut(envelope, QString::fromUtf8(frame));
    Q_EMIT published(envelope);
}

void Relay::onEpochReset()
{
    // What clients hold (seqs, and what the operator actions know) belongs to a history that
    // is gone: they reconnect, learn the new epoch from `welcome` and subscribe from the start.
    m_actions = std::make_unique<OperatorActions>();
    m_webSockets->stop();
    m_webSockets->start();
}

QJsonArray Relay::ownSessions() const
{
    QJsonArray sessions = m_webSockets->sessionsJson();
    for (QJsonValueRef value : sessions) {
        QJsonObject session = value.toObject();
        session.insert(QStringLiteral("node"), m_config.node);
        value = session;
    }
    return sessions;
}

void Relay::sharePresence()
{
    // Forgotten after three refreshes missed: a node killed outright drops out of the lists.
    m_broker->sharePresence(m_config.node, ownSessions(), 3 * m_config.presenceIntervalMs);
}

QJsonObject Relay::sessionsJson() const
{
    QJsonArray sessions = ownSessions();
    QJsonObject nodes{{m_config.node, int(sessions.size())}};
    const QHash<QString, QJsonArray> peers =
        m_broker ? m_broker->peerSessions() : QHash<QString, QJsonArray>();
    QStringList names = peers.keys();
    names.sort();
    for (const QString &name : std::as_const(names)) {
        const QJsonArray theirs = peers.value(name);
        nodes.insert(name, int(theirs.size()));
        for (const QJsonValue &session : theirs)
            sessions.append(session);
    }
    return {{QStringLiteral("count"), int(sessions.size())},
            {QStringLiteral("node"), m_config.node},
            {QStringLiteral("nodes"), nodes},
            {QStringLiteral("sessions"), sessions}};
}

QJsonObject Relay::healthJson() const
{
    const WebSocketSessions::Counters &ws = m_webSockets->counters();
    const quint64 frames = ws.messagesIn + m_httpRequests;
    const quint64 errors = ws.badFrames + m_httpErrors;
    QJsonObject health{
        {QStringLiteral("status"), QStringLiteral("ok")},
        {QStringLiteral("server"), QStringLiteral("vigil-relay/" VIGIL_VERSION)},
        {QStringLiteral("uptimeMs"), wallNow() - m_startedAt},
        {QStringLiteral("epoch"), epoch()},
        {QStringLiteral("websocket"),
         QJsonObject{
             {QStringLiteral("clients"), m_webSockets->count()},
             {QStringLiteral("averageLatencyMs"), m_webSockets->averageLatencyMs()},
             {QStringLiteral("errorRate"), frames ? double(errors) / double(frames) : 0.0}}}};
    health.insert(QStringLiteral("node"), m_config.node);
    if (m_broker && m_broker->shared()) {
        // The figures above are this node's; these count every node's sessions. Counts only:
        // any token may read the health, and the sessions name users (/api/sessions shows a
        // non-admin only its own).
        const QJsonObject all = sessionsJson();
        health.insert(QStringLiteral("cluster"),
                      QJsonObject{{QStringLiteral("clients"), all.value(QStringLiteral("count"))},
                                  {QStringLiteral("nodes"), all.value(QStringLiteral("nodes"))}});
    }
    if (m_broker)
        m_broker->addHealth(&health);
    return health;
}

QJsonObject Relay::metricsJson() const
{
    const WebSocketSessions::Counters &ws = m_webSockets->counters();
    return {{QStringLiteral("server"),
             QJsonObject{{QStringLiteral("version"), QStringLiteral(VIGIL_VERSION)},
                         {QStringLiteral("node"), m_config.node},
                         {QStringLiteral("startedAt"), m_startedAt},
                         {QStringLiteral("uptimeMs"), wallNow() - m_startedAt},
                         {QStringLiteral("authentication"), authRequired()},
                         {QStringLiteral("historySize"), m_config.historySize},
                         {QStringLiteral("historyBytes"), m_config.historyBytes},
                         {QStringLiteral("maxMessageBytes"), qint64(m_config.maxMessageBytes)},
                         {QStringLiteral("maxConnections"), m_config.maxConnections},
                         {QStringLiteral("rateLimit"), m_config.rateLimit}}},
            {QStringLiteral("connections"), m_webSockets->sessionsJson()},
            {QStringLiteral("channels"), m_history->channelsJson()},
            {QStringLiteral("summary"),
             QJsonObject{{QStringLiteral("clients"), m_webSockets->count()},
                         {QStringLiteral("totalConnections"), qint64(ws.connections)},
                         {QStringLiteral("rejectedConnections"), qint64(ws.rejected)},
                         {QStringLiteral("messagesIn"), qint64(ws.messagesIn)},
                         {QStringLiteral("messagesOut"), qint64(ws.messagesOut)},
                         {QStringLiteral("badFrames"), qint64(ws.badFrames)},
                         {QStringLiteral("duplicates"), qint64(m_duplicates)},
                         {QStringLiteral("actionsApplied"), qint64(m_actionsApplied)},
                         {QStringLiteral("actionsRefused"), qint64(m_actionsRefused)},
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
