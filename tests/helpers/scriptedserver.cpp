#include "scriptedserver.h"

#include <QUrl>

namespace vigil::test {

ScriptedServer::ScriptedServer(QObject *parent)
    : QObject(parent)
    , m_server(QStringLiteral("scripted"), QWebSocketServer::NonSecureMode)
{
    connect(&m_server, &QWebSocketServer::newConnection, this, [this] {
        while (QWebSocket *socket = m_server.nextPendingConnection()) {
            ++m_connections;
            socket->setParent(this);
            if (closeCode != 0) {
                socket->close(QWebSocketProtocol::CloseCode(closeCode), QStringLiteral("scripted"));
                continue;
            }
            m_clients.append(socket);
            connect(socket, &QWebSocket::textMessageReceived, this,
                    [this](const QString &text) { m_received.append(text); });
            if (sendWelcome) {
                socket->sendTextMessage(QStringLiteral(
                    R"({"type":"welcome","channel":"system","payload":{"session":"s",)"
                    R"("server":"scripted","capabilities":["ack"],"heartbeatMs":30000}})"));
            }
        }
    });
}

bool ScriptedServer::listen(quint16 port)
{
    return m_server.listen(QHostAddress::LocalHost, port);
}

QUrl ScriptedServer::url() const
{
    return QUrl(QStringLiteral("ws://127.0.0.1:%1/ws").arg(port()));
}

void ScriptedServer::broadcast(const QString &text)
{
    for (const auto &client : std::as_const(m_clients)) {
        if (client)
            client->sendTextMessage(text);
    }
}

} // namespace vigil::test
