#include "scriptedserver.h"

#include <QJsonDocument>
#include <QJsonObject>
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
                    [this, socket](const QString &text) {
                        m_received.append(text);
                        const QJsonObject o = QJsonDocument::fromJson(text.toUtf8()).object();
                        const QString channel = o.value(QStringLiteral("channel")).toString();
                        if (errorCode.isEmpty() || channel.isEmpty() || channel == u"system")
                            return;
                        const QJsonObject error{
                            {QStringLiteral("type"), QStringLiteral("error")},
                            {QStringLiteral("channel"), QStringLiteral("system")},
                            {QStringLiteral("payload"),
                             QJsonObject{{QStringLiteral("code"), errorCode},
                                         {QStringLiteral("message"), QStringLiteral("scripted")},
                                         {QStringLiteral("ref"), o.value(QStringLiteral("id"))}}}};
                        socket->sendTextMessage(
                            QString::fromUtf8(QJsonDocument(error).toJson(QJsonDocument::Compact)));
                    });
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
