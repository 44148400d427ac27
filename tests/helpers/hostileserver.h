#pragma once

#include <QByteArray>
#include <QElapsedTimer>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QObject>
#include <QPointer>
#include <QStringList>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>
#include <QUrl>

#include <functional>

namespace vigil::test {

/// \brief A server on 127.0.0.1 that speaks just enough HTTP and WebSocket (RFC 6455, written
/// by hand so it can break the rules) to misbehave the way a broken or hostile backend does.
///
/// It writes its floods as fast as the client takes them but never holds more than about
/// 1 MiB (and one piece of the flood) itself, so the test process stays small while the client
/// under test is pushed. vigil-chaos-hostile-server (tools/chaos/hostile/) runs Vigil's
/// clients as processes against it.
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
        /// `subscribed` (its head the seq before the history) and then everything as live
        /// messages. Answers `ping` with `pong`.
        /// The welcome, its repetition and a live feed are set with `welcome`,
        /// `welcomeRepeatMs` and `liveIntervalMs`.
        Relay,
        /// WebSocket: binary frames for ever (the protocol uses text frames).
        BinaryFrames,
        /// WebSocket: one text frame whose header announces 2^62 bytes, then its payload for
        /// ever.
        HugeFrame,
        /// WebSocket: a text frame without FIN, then continuation frames of 64 KiB for ever: a
        /// message that never ends, each frame under any frame limit.
        EndlessMessage,
        /// WebSocket: `welcome`, then protocol `ping` envelopes for ever; it never reads, so
        /// the client's `pong` answers pile up.
        AppPingFlood,
        /// WebSocket: the same, from a server that reads (and drops) whatever the client sends.
        AppPingStorm,
        /// WebSocket: `welcome`, then the first two bytes of a frame and silence. It reads
        /// (and counts the client's pings) but answers nothing.
        StalledFrame,
        /// GET /api/stream: 200 text/event-stream, then `data:` lines of 1 KiB for ever,
        /// never the blank line that ends an event.
        SseEndlessEvent,
        /// GET /api/stream: 200 text/event-stream, then events whose data is not JSON, for ever.
        SseGarbage,
        /// GET /api/stream: 200 text/event-stream, then events of `sseEventBytes` each (over a
        /// client's message limit), with ids `incidents:1`, `incidents:2`..., for ever.
        SseOversizedEvents,
        /// GET /api/poll: answered at once, every time: 200 application/json and a body that
        /// is not JSON.
        PollGarbage,
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
    /// Relay, AppPingFlood, StalledFrame: the text of the `n`-th welcome sent on one
    /// connection (n from 0); an empty text sends none. Unset: a relay's ordinary welcome.
    std::function<QByteArray(int n)> welcome;
    /// Relay: the welcome is sent again every this many ms (0: once).
    int welcomeRepeatMs = 0;
    /// Relay: every this many ms a new message on `liveChannel` goes to every connection
    /// subscribed to it (0: none).
    int liveIntervalMs = 0;
    QString liveChannel = QStringLiteral("incidents");
    /// Relay: every other message a client sends (one with an id) is acknowledged.
    bool ackMessages = false;
    /// SseOversizedEvents: the size of each event.
    qint64 sseEventBytes = 3 * 512 * 1024;

    [[nodiscard]] int connections() const { return m_connections; }
    [[nodiscard]] int upgrades() const { return m_upgrades; }
    [[nodiscard]] quint64 bytesSent() const { return m_bytesSent; }
    /// What the clients sent (as far as this server reads: the flood modes that never read
    /// do not count).
    [[nodiscard]] quint64 bytesReceived() const { return m_bytesReceived; }
    /// Pings the clients sent (RFC 6455 ping frames and protocol `ping` envelopes).
    [[nodiscard]] int pingsReceived() const { return m_pings; }
    /// The longest time between two pings of one connection (ms; -1 before two of them).
    [[nodiscard]] qint64 maxPingGapMs() const { return m_maxPingGapMs; }
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
        int welcomes = 0;         ///< welcomes sent on this connection
        qint64 floodSeq = 0;      ///< SseOversizedEvents: the last event's seq
        qint64 lastPingMs = -1;   ///< when the client last pinged (m_clock)
        QStringList liveChannels; ///< Relay: subscribed to the live feed
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
    void sendWelcome(Peer *peer);
    void notePing(Peer *peer);
    void publishLive();
    [[nodiscard]] bool isWebSocketMode() const;
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
    quint64 m_bytesReceived = 0;
    int m_pings = 0;
    qint64 m_maxPingGapMs = -1;
    QElapsedTimer m_clock;
    QTimer m_welcomeTimer;
    QTimer m_liveTimer;
};

/// Resident memory of process `pid` from /proc/PID/status: `field` is VmRSS (now) or VmHWM
/// (peak). Returns -1 when it cannot be read (the process is gone).
qint64 procMemoryKb(qint64 pid, const char *field = "VmRSS");

} // namespace vigil::test
