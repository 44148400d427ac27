#pragma once

#include "healthstats.h"
#include "protocol/envelope.h"
#include "reconnectpolicy.h"

#include <QElapsedTimer>
#include <QHash>
#include <QJsonObject>
#include <QObject>
#include <QPointer>
#include <QRandomGenerator>
#include <QStringList>
#include <QTimer>
#include <QUrl>
#include <QWebSocket>

#include <functional>

namespace vigil {

/// \brief Settings of one connection: where to, with which credentials, how to heartbeat.
struct ConnectionConfig
{
    QList<QUrl> urls;               ///< failover list; the first is tried first
    QString token;                  ///< bearer token; never logged
    QStringList channels;           ///< channels to subscribe to on every connect
    int heartbeatMs = 30000;        ///< interval between heartbeats
    int heartbeatTimeoutMs = 10000; ///< how long to wait for the pong
    int maxMissedHeartbeats = 3;    ///< consecutive misses that declare the link dead
    int connectTimeoutMs = 15000;   ///< TCP + TLS + upgrade must finish within this
    qsizetype maxMessageBytes = kDefaultMaxMessageBytes;
    bool autoReconnect = true;
    /// On the first subscribe to a channel, ask for the server's history (since 0) so a fresh
    /// window starts populated; otherwise only live messages arrive until the first seq is seen.
    bool replayHistory = false;
    ReconnectPolicy reconnect;
};

/// \brief The one object that owns the client's WebSocket and decides when to connect,
/// retry or give up. Everything above it (app models, vigil-cli) only observes and sends.
class ConnectionManager : public QObject
{
    Q_OBJECT
public:
    enum class State { Disconnected, Connecting, Connected, Reconnecting, Error, Closed };
    Q_ENUM(State)

    explicit ConnectionManager(ConnectionConfig config, QObject *parent = nullptr);
    ~ConnectionManager() override;

    /// Starts connecting (from Disconnected, Error or Closed); a no-op otherwise.
    void open();
    /// Closes by the user's wish: no reconnect until open() is called again.
    void close();
    /// Drops any wait and connects now (the "Retry now" action).
    void reconnectNow();

    /// Writes one envelope if connected. Returns false (and writes nothing) otherwise.
    bool send(const Envelope &envelope);

    [[nodiscard]] State state() const { return m_state; }
    [[nodiscard]] static QString stateName(State state);
    [[nodiscard]] QUrl currentUrl() const;
    [[nodiscard]] int attempt() const { return m_attempt; }
    /// While Reconnecting: the wait before the next attempt.
    [[nodiscard]] int nextDelayMs() const { return m_nextDelayMs; }
    /// True once the server sent `welcome` on this connection (an ack-capable Vigil server).
    [[nodiscard]] bool serverSentWelcome() const { return !m_welcome.isEmpty(); }
    [[nodiscard]] bool serverSupports(const QString &capability) const;
    [[nodiscard]] const HealthStats &health() const { return m_health; }
    [[nodiscard]] const ConnectionConfig &config() const { return m_config; }
    [[nodiscard]] quint64 messagesIn() const { return m_messagesIn; }
    [[nodiscard]] quint64 messagesOut() const { return m_messagesOut; }
    [[nodiscard]] quint64 protocolErrors() const { return m_protocolErrors; }
    [[nodiscard]] qint64 lastSeq(const QString &channel) const
    {
        return m_lastSeq.value(channel, -1);
    }

    /// Replaces the random source used for jitter (tests inject a fixed sequence).
    void setRandomSource(std::function<double()> uniform01);

Q_SIGNALS:
    void stateChanged(vigil::ConnectionManager::State state, const QString &reason);
    /// A channel envelope (not a control message such as pong or ack).
    void envelopeReceived(const vigil::Envelope &envelope);
    void welcomeReceived(const QJsonObject &payload);
    void subscribed(const QString &channel, qint64 head, bool recovered);
    void acked(const QString &id);
    void serverError(const QString &code, const QString &message, const QString &ref);
    void protocolError(const QString &message);
    void rttMeasured(qint64 ms);
    void reconnectScheduled(int attempt, int delayMs);

private:
    void setState(State state, const QString &reason);
    void startAttempt();
    void scheduleReconnect(const QString &reason);
    void onConnected();
    void onDisconnected();
    void onTextMessage(const QString &message);
    void onPong(quint64 elapsedMs);
    void sendHeartbeat();
    void onHeartbeatTimeout();
    void sendSubscribe();
    void handleControl(const Envelope &envelope);
    void resetSocket();

    ConnectionConfig m_config;
    State m_state = State::Disconnected;
    QPointer<QWebSocket> m_socket;
    int m_urlIndex = 0;
    int m_attempt = 0;
    int m_nextDelayMs = 0;
    QTimer m_reconnectTimer;
    QTimer m_heartbeatTimer;
    QTimer m_pongTimer;
    QTimer m_connectTimer;
    QElapsedTimer m_pingClock;
    bool m_awaitingPong = false;
    int m_missedHeartbeats = 0;
    QJsonObject m_welcome;
    HealthStats m_health;
    QHash<QString, qint64> m_lastSeq;
    quint64 m_messagesIn = 0;
    quint64 m_messagesOut = 0;
    quint64 m_protocolErrors = 0;
    std::function<double()> m_uniform01;
};

} // namespace vigil
