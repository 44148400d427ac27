#include "rawpeer.h"

#include <QJsonArray>
#include <QtEndian>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

namespace vigil::chaos {

namespace {

// The close codes by which the relay names a limit it enforced.
bool isLimitCode(int code)
{
    return code == 1002 || code == 1007 || code == 1008 || code == 1009 || code == 4408 ||
           code == 4429 || code == 4503;
}

template<typename Map> QJsonObject mapJson(const Map &map)
{
    QJsonObject json;
    for (auto it = map.begin(); it != map.end(); ++it) {
        if constexpr (std::is_same_v<typename Map::key_type, int>)
            json.insert(QString::number(it.key()), it.value());
        else
            json.insert(it.key(), it.value());
    }
    return json;
}

} // namespace

QJsonObject PeerStats::toJson() const
{
    QJsonObject json{{QStringLiteral("opened"), opened},
                     {QStringLiteral("connected"), connected},
                     {QStringLiteral("failed"), failed},
                     {QStringLiteral("bytesSent"), bytesSent},
                     {QStringLiteral("framesSent"), framesSent},
                     {QStringLiteral("refused"), refused},
                     {QStringLiteral("closedByRelay"), closedByRelay},
                     {QStringLiteral("openNow"), openNow},
                     {QStringLiteral("maxOpen"), maxOpen}};
    if (!statuses.isEmpty())
        json.insert(QStringLiteral("statuses"), mapJson(statuses));
    if (!closeCodes.isEmpty())
        json.insert(QStringLiteral("closeCodes"), mapJson(closeCodes));
    for (auto it = notes.begin(); it != notes.end(); ++it)
        json.insert(it.key(), it.value());
    return json;
}

RawPeer::RawPeer(PeerStats *stats, const QHostAddress &from, quint16 port, QObject *parent)
    : QObject(parent)
    , m_stats(stats)
    , m_from(from)
    , m_port(port)
{
    connect(&m_socket, &QTcpSocket::connected, this, [this] {
        ++m_stats->connected;
        m_counted = true;
        m_stats->maxOpen = std::max(m_stats->maxOpen, ++m_stats->openNow);
        Q_EMIT connected();
    });
    connect(&m_socket, &QTcpSocket::bytesWritten, this,
            [this](qint64 bytes) { m_stats->bytesSent += bytes; });
    connect(&m_socket, &QTcpSocket::readyRead, this, &RawPeer::onReadyRead);
    connect(&m_socket, &QTcpSocket::disconnected, this, [this] { finish(true); });
    connect(&m_socket, &QTcpSocket::errorOccurred, this, [this](QAbstractSocket::SocketError) {
        if (m_socket.state() != QAbstractSocket::ConnectedState)
            finish(true);
    });
}

RawPeer::~RawPeer()
{
    if (m_counted)
        --m_stats->openNow;
    m_socket.disconnect(this);
    m_socket.abort();
}

bool RawPeer::open()
{
    if (!m_socket.bind(m_from, 0))
        return false;
    if (m_receiveBuffer > 0)
        m_socket.setSocketOption(QAbstractSocket::ReceiveBufferSizeSocketOption, m_receiveBuffer);
    ++m_stats->opened;
    m_open = true;
    m_socket.connectToHost(QHostAddress::LocalHost, m_port);
    return true;
}

bool RawPeer::isConnected() const
{
    return m_open && m_socket.state() == QAbstractSocket::ConnectedState;
}

void RawPeer::send(const QByteArray &bytes, int frames)
{
    if (!isConnected())
        return;
    m_socket.write(bytes);
    m_stats->framesSent += frames;
}

void RawPeer::sendUpgrade()
{
    m_upgrading = true;
    send("GET /ws HTTP/1.1\r\nHost: 127.0.0.1:" + QByteArray::number(m_port) +
         "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
         "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
}

QByteArray RawPeer::frame(quint8 opcode, const QByteArray &payload, bool masked, bool fin,
                          quint64 declaredLength)
{
    static quint32 nextKey = 0x37fa213d;
    const quint64 length = declaredLength > 0 ? declaredLength : quint64(payload.size());
    QByteArray out;
    out.reserve(payload.size() + 14);
    out.append(char((fin ? 0x80 : 0) | (opcode & 0x0f)));
    const char maskBit = masked ? char(0x80) : char(0);
    if (length < 126) {
        out.append(char(maskBit | char(length)));
    } else if (length < 65536) {
        out.append(char(maskBit | 126));
        out.append(char(length >> 8));
        out.append(char(length & 0xff));
    } else {
        out.append(char(maskBit | 127));
        for (int shift = 56; shift >= 0; shift -= 8)
            out.append(char((length >> shift) & 0xff));
    }
    if (!masked)
        return out + payload;
    nextKey = nextKey * 1664525u + 1013904223u;
    char key[4];
    qToBigEndian(nextKey, key);
    out.append(key, 4);
    const qsizetype start = out.size();
    out.append(payload);
    char *data = out.data() + start;
    for (qsizetype i = 0; i < payload.size(); ++i)
        data[i] = char(data[i] ^ key[i % 4]);
    return out;
}

void RawPeer::stopReading()
{
    m_reading = false;
    m_in.clear();
    // Qt stops taking bytes from the kernel once this much waits unread.
    m_socket.setReadBufferSize(1024);
}

void RawPeer::drain()
{
    m_reading = true;
    m_discard = true;
    m_socket.setReadBufferSize(0);
    QMetaObject::invokeMethod(this, &RawPeer::onReadyRead, Qt::QueuedConnection);
}

void RawPeer::checkAlive()
{
    if (!isConnected())
        return;
    tcp_info info{};
    socklen_t size = sizeof(info);
    const auto fd = int(m_socket.socketDescriptor());
    if (fd < 0 || ::getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &size) != 0)
        return;
    // FIN from the relay (CLOSE_WAIT) or a reset (CLOSE): the relay gave up on us.
    if (info.tcpi_state == TCP_CLOSE_WAIT || info.tcpi_state == TCP_CLOSE)
        finish(true);
}

void RawPeer::abort()
{
    finish(false);
}

void RawPeer::finish(bool byRelay)
{
    if (!m_open)
        return;
    m_open = false;
    if (byRelay && m_counted)
        ++m_stats->closedByRelay;
    else if (byRelay)
        ++m_stats->failed;
    if (m_upgraded && byRelay) {
        ++m_stats->closeCodes[m_closeCode];
        if (isLimitCode(m_closeCode))
            ++m_stats->refused;
    }
    if (m_counted) {
        m_counted = false;
        --m_stats->openNow;
    }
    m_socket.disconnect(this);
    m_socket.abort();
    Q_EMIT closed();
}

void RawPeer::onReadyRead()
{
    if (!m_reading)
        return;
    if (m_discard) {
        m_socket.skip(m_socket.bytesAvailable());
        return;
    }
    m_in += m_socket.readAll();
    if (!m_upgraded)
        parseHttp();
    if (m_upgraded && m_open)
        parseFrames();
}

void RawPeer::parseHttp()
{
    while (m_open && m_reading && !m_upgraded) {
        const qsizetype end = m_in.indexOf("\r\n\r\n");
        if (end < 0)
            return;
        const QByteArray head = m_in.left(end);
        const int status = head.mid(9, 3).toInt();
        qint64 length = 0;
        for (const QByteArray &line : head.split('\n')) {
            if (line.startsWith("Content-Length:") || line.startsWith("content-length:"))
                length = line.mid(15).trimmed().toLongLong();
        }
        if (m_upgrading && status == 101) {
            m_in.remove(0, end + 4);
            m_upgraded = true;
            Q_EMIT upgradedNow();
            return;
        }
        if (m_in.size() < end + 4 + length)
            return;
        const QByteArray body = m_in.mid(end + 4, length);
        m_in.remove(0, end + 4 + length);
        ++m_stats->statuses[status];
        if (status >= 400)
            ++m_stats->refused;
        Q_EMIT answered(status, head, body);
    }
}

void RawPeer::parseFrames()
{
    while (m_open && m_reading && m_in.size() >= 2) {
        const quint8 opcode = quint8(m_in.at(0)) & 0x0f;
        quint64 length = quint8(m_in.at(1)) & 0x7f;
        int offset = 2;
        if (length == 126) {
            if (m_in.size() < 4)
                return;
            length = qFromBigEndian<quint16>(m_in.constData() + 2);
            offset = 4;
        } else if (length == 127) {
            if (m_in.size() < 10)
                return;
            length = qFromBigEndian<quint64>(m_in.constData() + 2);
            offset = 10;
        }
        if (quint64(m_in.size()) < offset + length)
            return;
        const QByteArray payload = m_in.mid(offset, qsizetype(length));
        m_in.remove(0, offset + qsizetype(length));
        if (opcode == 0x8) {
            m_closeCode = payload.size() >= 2 ? qFromBigEndian<quint16>(payload.constData()) : 0;
            finish(true);
            return;
        }
        if (opcode == 0x9) { // a ping from the relay: answered, as any client would
            send(frame(0xA, payload), 0);
            continue;
        }
        Q_EMIT frameReceived(opcode, payload);
    }
}

} // namespace vigil::chaos
