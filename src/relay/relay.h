#pragma once

#include "protocol/envelope.h"

#include <QHash>
#include <QHostAddress>
#include <QObject>
#include <QSet>
#include <QUrl>

#include <deque>
#include <memory>

class QWebSocket;
class QWebSocketServer;

namespace vigil {

class DemoFeed;

/// \brief Settings of a relay instance.
struct RelayConfig
{
    QHostAddress host = QHostAddress::LocalHost;
    quint16 port = 0;       ///< 0 picks a free port
    int historySize = 1000; ///< per-channel replay ring
    qsizetype maxMessageBytes = kDefaultMaxMessageBytes;
    int heartbeatMs = 30000; ///< advertised in `welcome`
    int dedupWindow = 10000; ///< client message ids remembered for de-duplication
    int maxBadFrames = 10;   ///< consecutive malformed frames before the connection is closed
    bool demo = false;
    quint32 demoSeed = 1;
    double demoLogRate = 5.0; ///< log entries per second in the demo feed
};

/// \brief The server side of the Vigil protocol: welcome, ping/pong, subscribe with replay,
/// acks with de-duplication, and fan-out with a per-channel sequence number.
class Relay : public QObject
{
    Q_OBJECT
public:
    explicit Relay(RelayConfig config, QObject *parent = nullptr);
    ~Relay() override;

    /// Starts listening. On failure returns false with a sentence for the user in `error`.
    bool start(QString *error);
    /// Closes every client with 1001 (going away) and stops listening.
    void stop();

    [[nodiscard]] quint16 port() const;
    /// ws://host:port/ws
    [[nodiscard]] QUrl url() const;
    [[nodiscard]] int clientCount() const { return int(m_sessions.size()); }
    [[nodiscard]] qint64 head(const QString &channel) const;

    /// Stamps the next seq of the envelope's channel, keeps it in history, sends it to every
    /// subscriber. Returns the stamped envelope.
    Envelope publish(Envelope envelope);

Q_SIGNALS:
    void clientConnected(const QString &session);
    void clientDisconnected(const QString &session);
    void published(const vigil::Envelope &envelope);

private:
    struct Session
    {
        QString id;
        QSet<QString> channels;
        int badFrames = 0;
        quint64 messagesIn = 0;
        quint64 messagesOut = 0;
    };
    struct Channel
    {
        qint64 seq = 0;
        std::deque<Envelope> history;
    };

    void onNewConnection();
    void onTextMessage(QWebSocket *socket, const QString &text);
    void onClientMessage(QWebSocket *socket, const Envelope &envelope);
    void onSubscribe(QWebSocket *socket, const Envelope &envelope);
    void onUnsubscribe(QWebSocket *socket, const Envelope &envelope);
    void sendTo(QWebSocket *socket, const Envelope &envelope);
    void sendControl(QWebSocket *socket, const QString &type, const QJsonObject &payload);
    void sendError(QWebSocket *socket, const QString &code, const QString &message,
                   const QString &ref = {});
    bool rememberId(const QString &id); ///< false when the id was already seen

    RelayConfig m_config;
    std::unique_ptr<QWebSocketServer> m_server;
    std::unique_ptr<DemoFeed> m_demo;
    QHash<QWebSocket *, Session> m_sessions;
    QHash<QString, Channel> m_channels;
    QSet<QString> m_seenIds;
    std::deque<QString> m_seenOrder;
};

} // namespace vigil
