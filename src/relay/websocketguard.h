#pragma once

#include <QByteArray>
#include <QObject>

class QTcpSocket;

namespace vigil {

/// \brief Closes a WebSocket connection whose client sends an unmasked frame.
///
/// RFC 6455 5.1: a server must close the connection on a frame from the client that is not
/// masked. Qt's server side does not check it (QWebSocketFrame unmasks a frame when it carries
/// a mask and takes it as it is otherwise, in 6.4 and still in Qt's current sources), so the
/// relay reads along the frame headers of the raw stream before QWebSocket parses them: its
/// readyRead slot runs first, peeks at what arrived, and skips over payloads. A read
/// transaction keeps what QWebSocket has read until the guard has seen it.
///
/// On an unmasked frame it drops what is buffered, so QWebSocket never sees it, sends a close
/// frame with 1002 (protocol error) and closes.
class WebSocketGuard : public QObject
{
    Q_OBJECT
public:
    /// Watches `socket`, whose upgrade request is still unread in it. Call before handing it
    /// to QWebSocketServer::handleConnection(): the guard's slot must be connected before
    /// QWebSocket's. The guard is a child of the socket.
    static void watch(QTcpSocket *socket);
    /// Connections closed for unmasked frames, by every guard of this process.
    [[nodiscard]] static quint64 rejected();

private:
    explicit WebSocketGuard(QTcpSocket *socket);
    void onReadyRead();
    /// Walks the frame headers in bytes [from, end); false at an unmasked frame.
    bool inspect(const QByteArray &bytes, qsizetype from);
    void reject(bool handshakeAnswered);

    QTcpSocket *m_socket;
    bool m_started = false; ///< the request head has been seen; frames follow it
    bool m_done = false;
    qint64 m_inspected = 0; ///< bytes since the transaction start already walked
    qint64 m_headEnd = 0;   ///< where the first frame starts, within the first transaction
    QByteArray m_header;    ///< a frame header split across reads
    qint64 m_headerNeeded = 2;
    quint64 m_payloadLeft = 0;
};

} // namespace vigil
