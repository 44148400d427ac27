#pragma once

#include <QByteArray>
#include <QHostAddress>
#include <QJsonObject>
#include <QMap>
#include <QObject>
#include <QTcpSocket>

#include <random>

namespace vigil::chaos {

/// \brief What the hostile peers of one kind did, counted as it happens.
struct PeerStats
{
    qint64 opened = 0;        ///< connection attempts
    qint64 connected = 0;     ///< attempts that connected
    qint64 failed = 0;        ///< attempts that did not (the relay down, refused)
    qint64 bytesSent = 0;     ///< bytes the kernel took from us
    qint64 framesSent = 0;    ///< WebSocket frames or HTTP requests
    qint64 refused = 0;       ///< HTTP answers 4xx/5xx, WebSocket closes naming a limit
    qint64 closedByRelay = 0; ///< connections the relay closed or reset
    qint64 openNow = 0;
    qint64 maxOpen = 0;           ///< connections open at once, at most
    QMap<int, qint64> statuses;   ///< HTTP status -> answers
    QMap<int, qint64> closeCodes; ///< WebSocket close code -> closes (0: no close frame)
    QMap<QString, qint64> notes;  ///< what one kind counts besides (acks, errors...)

    [[nodiscard]] QJsonObject toJson() const;
};

/// \brief One raw TCP connection of a hostile peer, from a loopback address of its own
/// (127.0.0.2 and up), so that the relay's per-address limits apply to the hostile peers and
/// not to the normal clients on 127.0.0.1. It sends exactly the bytes it is given and reads
/// HTTP answers (head and Content-Length body) or, once upgraded, WebSocket frames, unless it
/// is told to stop reading: then what the relay sends stays in the kernel, as with a client
/// that hangs.
class RawPeer : public QObject
{
    Q_OBJECT
public:
    RawPeer(PeerStats *stats, const QHostAddress &from, quint16 port, QObject *parent = nullptr);
    ~RawPeer() override;

    /// A small kernel receive buffer (before open()): a reader that stops reading then holds
    /// back the relay's writes at once instead of after megabytes.
    void setReceiveBuffer(int bytes) { m_receiveBuffer = bytes; }
    /// Binds to the source address and connects; false when the address cannot be bound.
    bool open();
    [[nodiscard]] bool isOpen() const { return m_open; }
    [[nodiscard]] bool isConnected() const;
    [[nodiscard]] bool upgraded() const { return m_upgraded; }
    [[nodiscard]] qint64 bytesToWrite() const { return m_socket.bytesToWrite(); }

    /// Writes `bytes` as `frames` frames or requests.
    void send(const QByteArray &bytes, int frames = 1);
    /// Sends the upgrade request of a WebSocket on /ws.
    void sendUpgrade();
    /// A client frame: masked (as RFC 6455 requires) unless told otherwise.
    static QByteArray frame(quint8 opcode, const QByteArray &payload, bool masked = true,
                            bool fin = true, quint64 declaredLength = 0);
    /// A client text frame of `payload`.
    void sendText(const QByteArray &payload) { send(frame(0x1, payload)); }

    /// Reads nothing more from now on. The kernel's buffers fill and the relay's writes back up.
    void stopReading();
    /// For a peer that no longer reads: asks the kernel whether the relay closed or reset the
    /// connection, and closes it here if so. (A close the relay sends after data we did not read
    /// waits behind it: only drain() finds that one.)
    void checkAlive();
    /// Reads again, throwing away what comes, so that a close behind it is seen.
    void drain();
    /// Closes on our side (not counted as closed by the relay).
    void abort();

Q_SIGNALS:
    void connected();
    /// A complete HTTP answer.
    void answered(int status, const QByteArray &head, const QByteArray &body);
    /// The 101 of an upgrade.
    void upgradedNow();
    /// A WebSocket frame from the relay (a close frame also ends the connection).
    void frameReceived(quint8 opcode, const QByteArray &payload);
    /// The connection is gone, whoever ended it.
    void closed();

private:
    void onReadyRead();
    void parseHttp();
    void parseFrames();
    void finish(bool byRelay);

    PeerStats *m_stats;
    QHostAddress m_from;
    quint16 m_port;
    QTcpSocket m_socket;
    QByteArray m_in;
    bool m_open = false;
    bool m_reading = true;
    bool m_discard = false;
    bool m_upgrading = false;
    bool m_upgraded = false;
    bool m_counted = false; ///< counted in openNow
    int m_closeCode = 0;
    int m_receiveBuffer = 0;
};

} // namespace vigil::chaos
