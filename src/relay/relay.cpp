#include "relay.h"

#include "demofeed.h"
#include "protocol/logging.h"

#include <QDateTime>
#include <QJsonArray>
#include <QUuid>
#include <QWebSocket>
#include <QWebSocketServer>

namespace vigil {

namespace {

const QString kSystem = QStringLiteral("system");

} // namespace

Relay::Relay(RelayConfig config, QObject *parent)
    : QObject(parent)
    , m_config(std::move(config))
{}

Relay::~Relay()
{
    stop();
}

bool Relay::start(QString *error)
{
    m_server = std::make_unique<QWebSocketServer>(QStringLiteral("vigil-relay/" VIGIL_VERSION),
                                                  QWebSocketServer::NonSecureMode);
    if (!m_server->listen(m_config.host, m_config.port)) {
        *error = QStringLiteral("cannot listen on %1 port %2: %3")
                     .arg(m_config.host.toString())
                     .arg(m_config.port)
                     .arg(m_server->errorString());
        m_server.reset();
        return false;
    }
    connect(m_server.get(), &QWebSocketServer::newConnection, this, &Relay::onNewConnection);
    qCInfo(lcRelay).noquote() << "listening on" << url().toString();

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
    const auto sockets = m_sessions.keys();
    for (QWebSocket *socket : sockets) {
        socket->disconnect(this);
        socket->close(QWebSocketProtocol::CloseCodeGoingAway, QStringLiteral("relay stopping"));
        socket->deleteLater();
    }
    m_sessions.clear();
    if (m_server)
        m_server->close();
}

quint16 Relay::port() const
{
    return m_server ? m_server->serverPort() : 0;
}

QUrl Relay::url() const
{
    QUrl u;
    u.setScheme(QStringLiteral("ws"));
    u.setHost(m_config.host.toString());
    u.setPort(port());
    u.setPath(QStringLiteral("/ws"));
    return u;
}

qint64 Relay::head(const QString &channel) const
{
    return m_channels.value(channel).seq;
}

void Relay::onNewConnection()
{
    while (QWebSocket *socket = m_server->nextPendingConnection()) {
        socket->setParent(this);
        socket->setMaxAllowedIncomingMessageSize(quint64(m_config.maxMessageBytes));
        socket->setMaxAllowedIncomingFrameSize(quint64(m_config.maxMessageBytes));
        const QString path = socket->requestUrl().path();
        if (path != u"/ws" && path != u"/ws/") {
            socket->close(QWebSocketProtocol::CloseCodePolicyViolated,
                          QStringLiteral("unknown path; the WebSocket endpoint is /ws"));
            socket->deleteLater();
            continue;
        }
        Session session;
        session.id = QUuid::createUuid().toString(QUuid::WithoutBraces);
        m_sessions.insert(socket, session);
        connect(socket, &QWebSocket::textMessageReceived, this,
                [this, socket](const QString &text) { onTextMessage(socket, text); });
        connect(socket, &QWebSocket::binaryMessageReceived, this, [this, socket] {
            sendError(socket, QStringLiteral("bad_message"),
                      QStringLiteral("binary frames are not part of the protocol; send JSON "
                                     "text frames"));
        });
        connect(socket, &QWebSocket::disconnected, this, [this, socket] {
            const QString id = m_sessions.value(socket).id;
            m_sessions.remove(socket);
            socket->deleteLater();
            qCInfo(lcRelay).noquote() << "session" << id << "ended";
            Q_EMIT clientDisconnected(id);
        });
        qCInfo(lcRelay).noquote() << "session" << session.id << "from"
                                  << socket->peerAddress().toString();

        sendControl(socket, QStringLiteral("welcome"),
                    {{QStringLiteral("session"), session.id},
                     {QStringLiteral("server"), QStringLiteral("vigil-relay/" VIGIL_VERSION)},
                     {QStringLiteral("capabilities"),
                      QJsonArray{QStringLiteral("ack"), QStringLiteral("resume"),
                                 QStringLiteral("history")}},
                     {QStringLiteral("heartbeatMs"), m_config.heartbeatMs},
                     {QStringLiteral("maxMessageBytes"), qint64(m_config.maxMessageBytes)}});
        Q_EMIT clientConnected(session.id);
    }
}

void Relay::onTextMessage(QWebSocket *socket, const QString &text)
{
    auto it = m_sessions.find(socket);
    if (it == m_sessions.end())
        return;
    ++it->messagesIn;
    const ParseResult parsed = parseEnvelope(text.toUtf8(), m_config.maxMessageBytes);
    if (!parsed.ok()) {
        ++it->badFrames;
        qCWarning(lcRelay).noquote()
            << "session" << it->id << "sent a bad frame:" << parsed.error.message;
        const bool tooLarge = parsed.error.code == ParseError::TooLarge;
        sendError(socket, tooLarge ? QStringLiteral("too_large") : QStringLiteral("bad_message"),
                  parsed.error.message);
        if (it->badFrames >= m_config.maxBadFrames) {
            socket->close(QWebSocketProtocol::CloseCodePolicyViolated,
                          QStringLiteral("too many malformed messages"));
        }
        return;
    }
    it->badFrames = 0;
    const Envelope &e = parsed.envelope;
    if (e.channel.isEmpty() || e.channel == kSystem) {
        if (e.type == u"ping") {
            sendControl(socket, QStringLiteral("pong"), e.payload.toObject());
        } else if (e.type == u"pong") {
            // A client answering a ping: nothing to send back.
        } else if (e.type == u"subscribe") {
            onSubscribe(socket, e);
        } else if (e.type == u"unsubscribe") {
            onUnsubscribe(socket, e);
        } else {
            sendError(socket, QStringLiteral("unknown_type"),
                      QStringLiteral("unknown system message type \"%1\"").arg(e.type.left(64)),
                      e.id);
        }
        return;
    }
    onClientMessage(socket, e);
}

void Relay::onClientMessage(QWebSocket *socket, const Envelope &envelope)
{
    const ParseError invalid = validateClientMessage(envelope);
    if (invalid.code != ParseError::None) {
        sendError(socket, QStringLiteral("bad_message"), invalid.message, envelope.id);
        return;
    }
    if (rememberId(envelope.id)) {
        Envelope e = envelope;
        if (e.timestamp == 0)
            e.timestamp = QDateTime::currentMSecsSinceEpoch();
        publish(e);
    } else {
        qCDebug(lcRelay) << "duplicate" << envelope.id << "acked again, not fanned out";
    }
    sendControl(socket, QStringLiteral("ack"), {{QStringLiteral("id"), envelope.id}});
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

void Relay::onSubscribe(QWebSocket *socket, const Envelope &envelope)
{
    const QJsonArray requested =
        envelope.payload.toObject().value(QStringLiteral("channels")).toArray();
    if (requested.isEmpty()) {
        sendError(socket, QStringLiteral("bad_message"),
                  QStringLiteral("subscribe needs payload.channels: a non-empty array"),
                  envelope.id);
        return;
    }
    for (const QJsonValue &entry : requested) {
        // Accept {"name":..., "since":...} and, leniently, a bare channel name.
        const QJsonObject o = entry.isString()
                                  ? QJsonObject{{QStringLiteral("name"), entry.toString()}}
                                  : entry.toObject();
        const QString name = o.value(QStringLiteral("name")).toString();
        if (!isValidChannelName(name) || name == kSystem) {
            sendError(socket, QStringLiteral("bad_message"),
                      QStringLiteral("cannot subscribe to channel \"%1\"").arg(name.left(64)),
                      envelope.id);
            continue;
        }
        m_sessions[socket].channels.insert(name);
        const Channel &channel = m_channels[name];

        int replayed = 0;
        bool recovered = true;
        const QJsonValue sinceValue = o.value(QStringLiteral("since"));
        if (sinceValue.isDouble()) {
            const auto since = qint64(sinceValue.toDouble());
            if (since > channel.seq) {
                recovered = false; // the client knows a history this relay no longer has
            } else if (since < channel.seq) {
                const qint64 oldest =
                    channel.history.empty() ? channel.seq + 1 : channel.history.front().seq;
                recovered = since + 1 >= oldest;
                for (const Envelope &old : channel.history) {
                    if (old.seq > since) {
                        sendTo(socket, old);
                        ++replayed;
                    }
                }
            }
        }
        sendControl(socket, QStringLiteral("subscribed"),
                    {{QStringLiteral("channel"), name},
                     {QStringLiteral("head"), channel.seq},
                     {QStringLiteral("replayed"), replayed},
                     {QStringLiteral("recovered"), recovered}});
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

    const QString frame = QString::fromUtf8(envelope.serialize());
    for (auto it = m_sessions.begin(); it != m_sessions.end(); ++it) {
        if (it->channels.contains(envelope.channel)) {
            it.key()->sendTextMessage(frame);
            ++it->messagesOut;
        }
    }
    Q_EMIT published(envelope);
    return envelope;
}

void Relay::sendTo(QWebSocket *socket, const Envelope &envelope)
{
    socket->sendTextMessage(QString::fromUtf8(envelope.serialize()));
    auto it = m_sessions.find(socket);
    if (it != m_sessions.end())
        ++it->messagesOut;
}

void Relay::sendControl(QWebSocket *socket, const QString &type, const QJsonObject &payload)
{
    sendTo(socket, Envelope::create(type, kSystem, payload));
}

void Relay::sendError(QWebSocket *socket, const QString &code, const QString &message,
                      const QString &ref)
{
    QJsonObject payload{{QStringLiteral("code"), code}, {QStringLiteral("message"), message}};
    if (!ref.isEmpty())
        payload.insert(QStringLiteral("ref"), ref);
    sendControl(socket, QStringLiteral("error"), payload);
}

} // namespace vigil
