#pragma once

#include <QList>
#include <QObject>
#include <QPointer>
#include <QStringList>
#include <QWebSocket>
#include <QWebSocketServer>

namespace vigil::test {

/// \brief A WebSocket server on 127.0.0.1 whose behaviour a test scripts: a plain third-party
/// backend (no `welcome`, no acks), or one that closes every connection with a given code.
class ScriptedServer : public QObject
{
    Q_OBJECT
public:
    explicit ScriptedServer(QObject *parent = nullptr);

    bool listen(quint16 port = 0);
    [[nodiscard]] quint16 port() const { return m_server.serverPort(); }
    [[nodiscard]] QUrl url() const;

    /// Send a Vigil `welcome` on connect (default: no, a basic server).
    bool sendWelcome = false;
    /// Close every new connection at once with this code (0: keep it open).
    int closeCode = 0;
    /// Answer every data message with `error` of this code (and the message id as `ref`).
    QString errorCode;

    /// Sends `text` to every connected client.
    void broadcast(const QString &text);
    [[nodiscard]] int connections() const { return m_connections; }
    [[nodiscard]] const QStringList &received() const { return m_received; }

private:
    QWebSocketServer m_server;
    QList<QPointer<QWebSocket>> m_clients;
    QStringList m_received;
    int m_connections = 0;
};

} // namespace vigil::test
