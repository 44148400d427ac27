#include "hostileserver.h"

#include <QCryptographicHash>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>

namespace vigil::test {

namespace {

constexpr qint64 kMaxQueued = 1024 * 1024; // what this server holds per connection, at most
constexpr qsizetype kMaxHead = 64 * 1024;
constexpr qsizetype kMaxClientFrame = 16 * 1024 * 1024;

QByteArray frameHeader(int opcode, quint64 length, bool fin = true)
{
    QByteArray h;
    h.append(char((fin ? 0x80 : 0x00) | opcode));
    if (length < 126) {
        h.append(char(length));
    } else if (length <= 0xFFFF) {
        h.append(char(126));
        h.append(char((length >> 8) & 0xFF));
        h.append(char(length & 0xFF));
    } else {
        h.append(char(127));
        for (int i = 7; i >= 0; --i)
            h.append(char((length >> (8 * i)) & 0xFF));
    }
    return h;
}

QByteArray repeatUpTo(const QByteArray &unit, qsizetype size)
{
    QByteArray out;
    out.reserve(size + unit.size());
    while (out.size() < size)
        out += unit;
    return out;
}

const QByteArray kRelayWelcome =
    R"({"type":"welcome","channel":"system","payload":{"session":"s1",)"
    R"("server":"hostile/1","capabilities":["ack","resume"],"heartbeatMs":30000}})";

} // namespace

HostileServer::HostileServer(Mode mode, QObject *parent)
    : QObject(parent)
    , m_mode(mode)
{
    connect(&m_server, &QTcpServer::newConnection, this, &HostileServer::onNewConnection);
    m_clock.start();
    connect(&m_welcomeTimer, &QTimer::timeout, this, [this] {
        for (Peer *peer : std::as_const(m_peers)) {
            if (peer->upgraded && peer->socket)
                sendWelcome(peer);
        }
    });
    connect(&m_liveTimer, &QTimer::timeout, this, &HostileServer::publishLive);
}

HostileServer::~HostileServer()
{
    for (Peer *peer : std::as_const(m_peers)) {
        if (peer->socket) {
            peer->socket->disconnect(this);
            peer->socket->abort();
        }
        delete peer;
    }
}

bool HostileServer::listen()
{
    if (m_mode == Mode::Relay && welcomeRepeatMs > 0)
        m_welcomeTimer.start(welcomeRepeatMs);
    if (m_mode == Mode::Relay && liveIntervalMs > 0)
        m_liveTimer.start(liveIntervalMs);
    return m_server.listen(QHostAddress::LocalHost, 0);
}

bool HostileServer::isWebSocketMode() const
{
    switch (m_mode) {
    case Mode::PingFlood:
    case Mode::GarbageFrames:
    case Mode::Relay:
    case Mode::BinaryFrames:
    case Mode::HugeFrame:
    case Mode::EndlessMessage:
    case Mode::AppPingFlood:
    case Mode::AppPingStorm:
    case Mode::StalledFrame:
        return true;
    default:
        return false;
    }
}

QUrl HostileServer::wsUrl() const
{
    return QUrl(QStringLiteral("ws://127.0.0.1:%1/ws").arg(port()));
}

void HostileServer::addMessage(const QString &channel, qint64 seq, qint64 bytes)
{
    m_history[channel].insert(seq, bytes);
}

QByteArray HostileServer::envelopeText(const QString &channel, qint64 seq, qint64 bytes)
{
    const auto make = [&](qsizetype pad) {
        return QJsonDocument(QJsonObject{{"id", QStringLiteral("%1-%2").arg(channel).arg(seq)},
                                         {"type", "test.event"},
                                         {"channel", channel},
                                         {"seq", seq},
                                         {"timestamp", 1700000000000LL},
                                         {"payload", QJsonObject{{"pad", QString(pad, 'x')}}}})
            .toJson(QJsonDocument::Compact);
    };
    const QByteArray small = make(0);
    return bytes > small.size() ? make(bytes - small.size()) : small;
}

void HostileServer::onNewConnection()
{
    while (QTcpSocket *socket = m_server.nextPendingConnection()) {
        ++m_connections;
        auto *peer = new Peer;
        peer->socket = socket;
        socket->setParent(this);
        m_peers.append(peer);
        connect(socket, &QTcpSocket::readyRead, this, [this, peer] { onReadyRead(peer); });
        connect(socket, &QTcpSocket::bytesWritten, this, [this, peer] { topUp(peer); });
        connect(socket, &QTcpSocket::disconnected, this, [this, peer] {
            // The peer stays (it is small) until the server goes: code up the stack may still
            // hold it. Its socket goes.
            peer->floodChunk.clear();
            peer->in.clear();
            if (peer->socket) {
                peer->socket->disconnect(this);
                peer->socket->deleteLater();
            }
        });
    }
}

void HostileServer::onReadyRead(Peer *peer)
{
    QTcpSocket *socket = peer->socket;
    if (!socket)
        return;
    if (peer->upgraded && (m_mode == Mode::PingFlood || m_mode == Mode::AppPingFlood))
        return; // never reads: what the client writes stays with the client
    const QByteArray bytes = socket->readAll();
    m_bytesReceived += quint64(bytes.size());
    if (peer->upgraded && m_mode == Mode::AppPingStorm)
        return; // It reads everything and looks at nothing.
    peer->in += bytes;
    if (peer->upgraded) {
        readFrames(peer);
        return;
    }
    if (peer->headerSent)
        return; // an HTTP answer is under way; one request per connection
    const qsizetype end = peer->in.indexOf("\r\n\r\n");
    if (end < 0) {
        if (peer->in.size() > kMaxHead)
            socket->abort();
        return;
    }
    const QByteArray head = peer->in.left(end);
    peer->in.remove(0, end + 4);
    handleRequest(peer, head);
}

void HostileServer::handleRequest(Peer *peer, const QByteArray &head)
{
    const QList<QByteArray> lines = head.split('\n');
    const QList<QByteArray> requestLine = lines.value(0).trimmed().split(' ');
    const QByteArray target = requestLine.value(1);
    const QByteArray path =
        target.left(target.indexOf('?') < 0 ? target.size() : target.indexOf('?'));
    QHash<QByteArray, QByteArray> headers;
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray line = lines.at(i).trimmed();
        const qsizetype colon = line.indexOf(':');
        if (colon > 0)
            headers.insert(line.left(colon).trimmed().toLower(), line.mid(colon + 1).trimmed());
    }
    if (path == "/ws" && isWebSocketMode() &&
        headers.value("upgrade").toLower().contains("websocket")) {
        upgrade(peer, headers.value("sec-websocket-key"));
        return;
    }
    if (m_mode == Mode::HttpEndlessHeader) {
        peer->headerSent = true;
        write(peer, "HTTP/1.1 200 OK\r\nX-Flood: ");
        startFlood(peer, QByteArray(64 * 1024, 'h'));
        return;
    }
    if (path == "/api/health") {
        answer(peer, "200 OK", "application/json", R"({"status":"ok"})");
        return;
    }
    const QByteArray streamHead = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
                                  "Cache-Control: no-cache\r\nConnection: close\r\n\r\n";
    if (path == "/api/stream" && m_mode == Mode::SseEndlessLine) {
        peer->headerSent = true;
        write(peer, streamHead + "data: ");
        startFlood(peer, QByteArray(64 * 1024, 'x'));
        return;
    }
    if (path == "/api/stream" && m_mode == Mode::SseEvents) {
        peer->headerSent = true;
        write(peer, streamHead + sseBody);
        return;
    }
    if (path == "/api/stream" && m_mode == Mode::SseEndlessEvent) {
        peer->headerSent = true;
        write(peer, streamHead);
        startFlood(peer, repeatUpTo("data: " + QByteArray(1024, 'y') + "\n", 64 * 1024));
        return;
    }
    if (path == "/api/stream" && m_mode == Mode::SseGarbage) {
        peer->headerSent = true;
        write(peer, streamHead);
        startFlood(peer, repeatUpTo("id: incidents:1\ndata: this is not json {{{\n\n", 64 * 1024));
        return;
    }
    if (path == "/api/stream" && m_mode == Mode::SseOversizedEvents) {
        // Every event is new (its id grows), so a client can skip each once, and must.
        peer->headerSent = true;
        write(peer, streamHead);
        peer->floodChunk =
            "data: " + QByteArray(qsizetype(std::max<qint64>(sseEventBytes, 16)), 'z') + "\n\n";
        peer->floodSeq = 0;
        topUp(peer);
        return;
    }
    if (path == "/api/poll" && m_mode == Mode::PollGarbage) {
        answer(peer, "200 OK", "application/json", "this is not json {{{");
        return;
    }
    if (path == "/api/poll" && m_mode == Mode::PollEndless) {
        peer->headerSent = true;
        write(peer, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                    "Connection: close\r\n\r\n[");
        startFlood(peer, QByteArray(64 * 1024, ' '));
        return;
    }
    if (path == "/api/poll") {
        answer(peer, "200 OK", "application/json", "[]");
        return;
    }
    answer(peer, "404 Not Found", "text/plain", "not here");
}

void HostileServer::upgrade(Peer *peer, const QByteArray &key)
{
    const QByteArray accept = QCryptographicHash::hash(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11",
                                                       QCryptographicHash::Sha1)
                                  .toBase64();
    write(peer, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                "Connection: Upgrade\r\nSec-WebSocket-Accept: " +
                    accept + "\r\n\r\n");
    peer->upgraded = true;
    ++m_upgrades;
    switch (m_mode) {
    case Mode::PingFlood: {
        // Ping frames with the largest payload a control frame may carry: each one makes the
        // client queue a pong of the same size for a server that never reads it.
        peer->socket->setReadBufferSize(1024);
        const QByteArray ping = frameHeader(0x9, 125) + QByteArray(125, 'p');
        startFlood(peer, repeatUpTo(ping, 64 * 1024));
        break;
    }
    case Mode::GarbageFrames: {
        const QByteArray text = "this is not json {{{ 0123456789";
        startFlood(peer, repeatUpTo(frameHeader(0x1, quint64(text.size())) + text, 64 * 1024));
        break;
    }
    case Mode::Relay:
        sendWelcome(peer);
        readFrames(peer);
        break;
    case Mode::BinaryFrames: {
        const QByteArray data(100, '\x01');
        startFlood(peer, repeatUpTo(frameHeader(0x2, quint64(data.size())) + data, 64 * 1024));
        break;
    }
    case Mode::HugeFrame:
        write(peer, frameHeader(0x1, quint64(1) << 62));
        startFlood(peer, QByteArray(64 * 1024, 'x'));
        break;
    case Mode::EndlessMessage: {
        // The first frame opens a text message; the continuation frames never finish it.
        const QByteArray piece(64 * 1024 - 10, 'm');
        write(peer, frameHeader(0x1, quint64(piece.size()), false) + piece);
        startFlood(peer, frameHeader(0x0, quint64(piece.size()), false) + piece);
        break;
    }
    case Mode::AppPingFlood:
    case Mode::AppPingStorm: {
        sendWelcome(peer);
        if (m_mode == Mode::AppPingFlood)
            peer->socket->setReadBufferSize(1024);
        const QByteArray ping = R"({"type":"ping","channel":"system","payload":{"t":1}})";
        startFlood(peer, repeatUpTo(frameHeader(0x1, quint64(ping.size())) + ping, 64 * 1024));
        break;
    }
    case Mode::StalledFrame:
        sendWelcome(peer);
        // The first two bytes of a header: they announce more, which never comes.
        write(peer, frameHeader(0x1, 1000).left(2));
        readFrames(peer);
        break;
    default:
        break;
    }
}

void HostileServer::startFlood(Peer *peer, const QByteArray &chunk)
{
    peer->floodChunk = chunk;
    topUp(peer);
}

void HostileServer::topUp(Peer *peer)
{
    QTcpSocket *socket = peer->socket;
    if (!socket || peer->floodChunk.isEmpty() || socket->state() != QAbstractSocket::ConnectedState)
        return;
    while (socket->bytesToWrite() < kMaxQueued) {
        const QByteArray id = m_mode == Mode::SseOversizedEvents
                                  ? "id: incidents:" + QByteArray::number(++peer->floodSeq) + "\n"
                                  : QByteArray();
        if (!write(peer, id + peer->floodChunk))
            return;
    }
}

bool HostileServer::write(Peer *peer, const QByteArray &bytes)
{
    if (!peer->socket)
        return false;
    const qint64 n = peer->socket->write(bytes);
    if (n <= 0)
        return false;
    m_bytesSent += quint64(n);
    return true;
}

void HostileServer::answer(Peer *peer, const QByteArray &status, const QByteArray &type,
                           const QByteArray &body)
{
    peer->headerSent = true;
    write(peer, "HTTP/1.1 " + status + "\r\nContent-Type: " + type + "\r\nContent-Length: " +
                    QByteArray::number(body.size()) + "\r\nConnection: close\r\n\r\n" + body);
    peer->socket->disconnectFromHost();
}

void HostileServer::sendText(Peer *peer, const QByteArray &text)
{
    write(peer, frameHeader(0x1, quint64(text.size())) + text);
}

void HostileServer::readFrames(Peer *peer)
{
    for (;;) {
        QByteArray &in = peer->in;
        if (in.size() < 2)
            return;
        const int opcode = uchar(in[0]) & 0x0F;
        const bool masked = (uchar(in[1]) & 0x80) != 0;
        quint64 length = uchar(in[1]) & 0x7F;
        qsizetype pos = 2;
        if (length == 126) {
            if (in.size() < 4)
                return;
            length = (quint64(uchar(in[2])) << 8) | uchar(in[3]);
            pos = 4;
        } else if (length == 127) {
            if (in.size() < 10)
                return;
            length = 0;
            for (int i = 0; i < 8; ++i)
                length = (length << 8) | uchar(in[2 + i]);
            pos = 10;
        }
        if (length > quint64(kMaxClientFrame)) {
            peer->socket->abort();
            return;
        }
        QByteArray mask;
        if (masked) {
            if (in.size() < pos + 4)
                return;
            mask = in.mid(pos, 4);
            pos += 4;
        }
        if (in.size() < pos + qsizetype(length))
            return;
        QByteArray payload = in.mid(pos, qsizetype(length));
        in.remove(0, pos + qsizetype(length));
        if (masked) {
            for (qsizetype i = 0; i < payload.size(); ++i)
                payload[i] = char(payload[i] ^ mask[i % 4]);
        }
        switch (opcode) {
        case 0x1:
            onClientText(peer, payload);
            break;
        case 0x8:
            write(peer, frameHeader(0x8, quint64(payload.left(2).size())) + payload.left(2));
            peer->socket->disconnectFromHost();
            return;
        case 0x9:
            notePing(peer);
            if (m_mode != Mode::StalledFrame)
                write(peer, frameHeader(0xA, quint64(payload.size())) + payload);
            break;
        default:
            break;
        }
        if (!peer->socket)
            return;
    }
}

void HostileServer::onClientText(Peer *peer, const QByteArray &text)
{
    if (m_mode != Mode::Relay && m_mode != Mode::StalledFrame)
        return;
    const QJsonObject o = QJsonDocument::fromJson(text).object();
    const QString type = o.value("type").toString();
    if (type == "ping")
        notePing(peer);
    if (m_mode != Mode::Relay)
        return; // StalledFrame answers nothing.
    if (type == "ping") {
        sendText(peer, QJsonDocument(QJsonObject{{"type", "pong"},
                                                 {"channel", "system"},
                                                 {"payload", o.value("payload")}})
                           .toJson(QJsonDocument::Compact));
        return;
    }
    if (ackMessages && type != "subscribe" && type != "unsubscribe" && type != "pong" &&
        o.contains("id")) {
        sendText(peer, QJsonDocument(QJsonObject{{"type", "ack"},
                                                 {"channel", "system"},
                                                 {"payload", QJsonObject{{"id", o.value("id")}}}})
                           .toJson(QJsonDocument::Compact));
        return;
    }
    if (type != "subscribe")
        return;
    for (const QJsonValue &value : o.value("payload").toObject().value("channels").toArray()) {
        const QJsonObject entry = value.toObject();
        m_subscribes.append(entry);
        const QString channel = entry.value("name").toString();
        if (channel == liveChannel && !peer->liveChannels.contains(channel))
            peer->liveChannels.append(channel);
        const QMap<qint64, qint64> history = m_history.value(channel);
        const bool replay = entry.contains("since");
        const qint64 since = qint64(entry.value("since").toDouble(-1));
        // Without `since`, the history goes out as if published right after the subscription,
        // so the head a relay would name is the seq before all of it.
        const qint64 head = history.isEmpty() ? 0
                            : replay          ? history.lastKey()
                                              : history.firstKey() - 1;
        const QByteArray subscribed =
            QJsonDocument(QJsonObject{{"type", "subscribed"},
                                      {"channel", "system"},
                                      {"payload", QJsonObject{{"channel", channel},
                                                              {"head", head},
                                                              {"recovered", true}}}})
                .toJson(QJsonDocument::Compact);
        if (!replay)
            sendText(peer, subscribed); // then everything, as if published right now
        for (auto it = history.begin(); it != history.end(); ++it) {
            if (replay && it.key() <= since)
                continue;
            sendText(peer, envelopeText(channel, it.key(), it.value()));
        }
        if (replay)
            sendText(peer, subscribed);
    }
}

void HostileServer::sendWelcome(Peer *peer)
{
    const int n = peer->welcomes++;
    const QByteArray text = welcome ? welcome(n) : kRelayWelcome;
    if (!text.isEmpty())
        sendText(peer, text);
}

void HostileServer::notePing(Peer *peer)
{
    ++m_pings;
    const qint64 now = m_clock.elapsed();
    if (peer->lastPingMs >= 0)
        m_maxPingGapMs = std::max(m_maxPingGapMs, now - peer->lastPingMs);
    peer->lastPingMs = now;
}

void HostileServer::publishLive()
{
    QMap<qint64, qint64> &history = m_history[liveChannel];
    const qint64 seq = history.isEmpty() ? 1 : history.lastKey() + 1;
    history.insert(seq, 0);
    const QByteArray text = envelopeText(liveChannel, seq, 0);
    for (Peer *peer : std::as_const(m_peers)) {
        if (peer->socket && peer->upgraded && peer->liveChannels.contains(liveChannel))
            sendText(peer, text);
    }
}

qint64 procMemoryKb(qint64 pid, const char *field)
{
    QFile status(QStringLiteral("/proc/%1/status").arg(pid));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    const QByteArray prefix = QByteArray(field) + ':';
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith(prefix))
            return line.mid(prefix.size()).trimmed().split(' ').value(0).toLongLong();
    }
    return -1;
}

} // namespace vigil::test
