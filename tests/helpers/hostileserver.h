#pragma once

#include <QByteArray>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QObject>
#include <QPointer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QUrl>

namespace vigil::test {

/// \brief A server on 127.0.0.1 that speaks just enough HTTP and WebSocket (RFC 6455, written
/// by hand so it can break the rules) to misbehave the way a broken or hostile backend does.
///
/// It writes its floods as fast as the client takes them but never holds more than about
/// 1 MiB itself, so the test process stays small while the client under test is pushed.
class HostileServer : public QObject
{
    Q_OBJECT
public:
    enum class Mode {
        /// GET /api/stream: 200 text/event-stream, then one `data:` line that never ends.
        SseEndlessLine,
        /// GET /api/stream: 200 text/event-stream, then `sseBody`, then the stream stays open.
        SseEvents,
        /// GET /api/poll: 200 application/json, "[" and then bytes for ever (no length).
        PollEndless,
        /// Any HTTP request: a status line, then a header line that never ends. (Qt 6.4's
        /// network thread reads such a header for as long as it comes: see the tests.)
        HttpEndlessHeader,
        /// WebSocket: RFC 6455 ping frames for ever; it never reads, so the pongs pile up.
        PingFlood,
        /// WebSocket: text frames that are not JSON, for ever.
        GarbageFrames,
        /// WebSocket: `welcome`, then answers `subscribe` like a relay from `addMessage()`'s
        /// history: with `since`, a replay of what is newer, then `subscribed`; without,
        /// `subscribed` and then everything as live messages. Answers `ping` with `pong`.
        Relay,
    };
    Q_ENUM(Mode)

    explicit HostileServer(Mode mode, QObject *parent = nullptr);
    ~HostileServer() override;

    bool listen();
    [[nodiscard]] quint16 port() const { return m_server.serverPort(); }
    [[nodiscard]] QUrl wsUrl() const;

    /// SseEvents: what follows the response headers (the test's event stream, byte for byte).
    QByteArray sseBody;
    /// Relay: one message of `channel` with `seq`, padded to about `bytes` (0: small).
    void addMessage(const QString &channel, qint64 seq, qint64 bytes = 0);

    [[nodiscard]] int connections() const { return m_connections; }
    [[nodiscard]] int upgrades() const { return m_upgrades; }
    [[nodiscard]] quint64 bytesSent() const { return m_bytesSent; }
    /// Relay: every subscribe entry received, in order ({"name":..., "since":...}).
    [[nodiscard]] const QList<QJsonObject> &subscribeEntries() const { return m_subscribes; }
    /// The text of an envelope this server sends (Relay), for comparing.
    [[nodiscard]] static QByteArray envelopeText(const QString &channel, qint64 seq, qint64 bytes);

private:
    struct Peer
    {
        QPointer<QTcpSocket> socket;
        QByteArray in; ///< request head, then WebSocket frames from the client
        bool upgraded = false;
        QByteArray floodChunk; ///< written again and again while flooding
        bool headerSent = false;
    };
    void onNewConnection();
    void onReadyRead(Peer *peer);
    void handleRequest(Peer *peer, const QByteArray &head);
    void upgrade(Peer *peer, const QByteArray &key);
    void startFlood(Peer *peer, const QByteArray &chunk);
    void topUp(Peer *peer);
    void readFrames(Peer *peer);
    void onClientText(Peer *peer, const QByteArray &text);
    void sendText(Peer *peer, const QByteArray &text);
    bool write(Peer *peer, const QByteArray &bytes);
    void answer(Peer *peer, const QByteArray &status, const QByteArray &type,
                const QByteArray &body);

    Mode m_mode;
    QTcpServer m_server;
    QList<Peer *> m_peers;
    QMap<QString, QMap<qint64, qint64>> m_history; ///< channel -> seq -> padded size
    QList<QJsonObject> m_subscribes;
    int m_connections = 0;
    int m_upgrades = 0;
    quint64 m_bytesSent = 0;
};

/// Resident memory of process `pid` from /proc/PID/status: `field` is VmRSS (now) or VmHWM
/// (peak). Returns -1 when it cannot be read (the process is gone).
qint64 procMemoryKb(qint64 pid, const char *field = "VmRSS");

} // namespace vigil::test
