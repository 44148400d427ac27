#include "websocketguard.h"

#include "logthrottle.h"
#include "protocol/logging.h"

#include <QTcpSocket>
#include <QtEndian>

#include <atomic>

namespace vigil {

namespace {

constexpr qint64 kMaxHeadBytes = 64 * 1024; ///< QWebSocketServer refuses larger heads itself
std::atomic<quint64> g_rejected{0};

} // namespace

void WebSocketGuard::watch(QTcpSocket *socket)
{
    if (socket)
        new WebSocketGuard(socket);
}

quint64 WebSocketGuard::rejected()
{
    return g_rejected.load();
}

WebSocketGuard::WebSocketGuard(QTcpSocket *socket)
    : QObject(socket)
    , m_socket(socket)
{
    // Queued: whoever hands the socket over may still disconnect its own slots from it first
    // (QHttpServer disconnects all of them); QWebSocketServer's handshake slot is queued too,
    // after this one, and QWebSocket's frame slot is connected only once that has run.
    QMetaObject::invokeMethod(
        this,
        [this] {
            connect(m_socket, &QIODevice::readyRead, this, &WebSocketGuard::onReadyRead);
            onReadyRead();
        },
        Qt::QueuedConnection);
}

void WebSocketGuard::onReadyRead()
{
    if (m_done || !m_socket->isOpen())
        return;
    if (!m_started) {
        const QByteArray head = m_socket->peek(std::min(m_socket->bytesAvailable(), kMaxHeadBytes));
        if (!head.startsWith("GET ")) {
            // Handed over too late (the upgrade request was read already): the frame
            // boundaries are unknown, so the guard cannot help; say so once.
            static bool told = false;
            if (!head.isEmpty() && !std::exchange(told, true))
                qCWarning(lcRelay) << "unmasked-frame check not active: the upgrade was handed "
                                      "over after its request was read";
            m_done = !head.isEmpty();
            return;
        }
        const qsizetype end = head.indexOf("\r\n\r\n");
        if (end < 0) {
            m_done = head.size() >= kMaxHeadBytes;
            return;
        }
        m_started = true;
        m_headEnd = end + 4;
        // From here on, what QWebSocketServer and QWebSocket read stays in the buffer until
        // the guard has walked it.
        m_socket->startTransaction();
        const QByteArray all = m_socket->peek(m_socket->bytesAvailable());
        if (!inspect(all, m_headEnd))
            return reject(false);
        m_inspected = all.size();
        return;
    }
    if (!m_socket->isTransactionStarted()) {
        m_done = true; // someone else ended it: nothing reliable to walk any more
        return;
    }
    const qint64 unread = m_socket->bytesAvailable();
    m_socket->rollbackTransaction();
    const qint64 total = m_socket->bytesAvailable();
    const qint64 consumed = total - unread;
    const bool answered = m_headEnd == 0 || consumed >= m_headEnd;
    const qint64 fresh = total - m_inspected;
    if (fresh > 0 && m_header.isEmpty() && m_payloadLeft >= quint64(fresh)) {
        // All new bytes lie inside the current frame's payload: nothing to look at, nothing to
        // copy (a large frame that trickles in must not be copied once per packet).
        m_payloadLeft -= quint64(fresh);
    } else if (fresh > 0) {
        const QByteArray all = m_socket->peek(total);
        if (!inspect(all, m_inspected))
            return reject(answered);
    }
    // Forget what QWebSocket has read; keep watching the rest.
    m_socket->skip(consumed);
    m_inspected = total - consumed;
    m_headEnd = std::max<qint64>(0, m_headEnd - consumed);
    m_socket->startTransaction();
}

bool WebSocketGuard::inspect(const QByteArray &bytes, qsizetype from)
{
    qsizetype pos = from;
    const qsizetype end = bytes.size();
    while (pos < end) {
        if (m_payloadLeft > 0) {
            const quint64 step = std::min<quint64>(m_payloadLeft, quint64(end - pos));
            m_payloadLeft -= step;
            pos += qsizetype(step);
            continue;
        }
        m_header.append(bytes.at(pos++));
        if (m_header.size() == 2) {
            const auto second = quint8(m_header.at(1));
            if (!(second & 0x80))
                return false; // the MASK bit: every client frame has it
            const int length = second & 0x7f;
            m_headerNeeded = 2 + (length == 126 ? 2 : length == 127 ? 8 : 0) + 4;
        }
        if (m_header.size() < 2 || m_header.size() < m_headerNeeded)
            continue;
        const auto *raw = reinterpret_cast<const uchar *>(m_header.constData());
        const int length = raw[1] & 0x7f;
        m_payloadLeft = length == 126   ? qFromBigEndian<quint16>(raw + 2)
                        : length == 127 ? qFromBigEndian<quint64>(raw + 2)
                                        : quint64(length);
        m_header.clear();
        m_headerNeeded = 2;
    }
    return true;
}

void WebSocketGuard::reject(bool handshakeAnswered)
{
    m_done = true;
    ++g_rejected;
    static LogThrottle log;
    int held = 0;
    if (log.allow(QStringLiteral("unmasked"), &held)) {
        qCWarning(lcRelay).noquote()
            << QStringLiteral("closing a WebSocket from %1: it sent an unmasked frame (RFC 6455 "
                              "5.1)%2")
                   .arg(m_socket->peerAddress().toString(), LogThrottle::heldNote(held));
    }
    // QWebSocket reads after this slot: leave it nothing of the offending frame.
    if (m_socket->isTransactionStarted())
        m_socket->rollbackTransaction();
    m_socket->skip(m_socket->bytesAvailable());
    if (!handshakeAnswered) {
        m_socket->abort(); // not a WebSocket yet: no close frame to send
        return;
    }
    static const char reason[] = "unmasked frame";
    QByteArray close;
    close.append(char(0x88)); // FIN + close
    close.append(char(2 + sizeof(reason) - 1));
    close.append(char(1002 >> 8));
    close.append(char(1002 & 0xff));
    close.append(reason, sizeof(reason) - 1);
    m_socket->write(close);
    m_socket->disconnectFromHost();
}

} // namespace vigil
