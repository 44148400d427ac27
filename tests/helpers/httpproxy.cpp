#include "httpproxy.h"

namespace vigil::test {

HttpProxy::HttpProxy(quint16 upstreamPort, QObject *parent)
    : QObject(parent)
    , m_upstreamPort(upstreamPort)
{
    connect(&m_server, &QTcpServer::newConnection, this, &HttpProxy::onNewConnection);
}

HttpProxy::~HttpProxy()
{
    // The server deletes its sockets next; a socket being deleted still says it disconnected,
    // and the other end of its link must not react to a half-destroyed socket (UBSan saw it).
    const auto sockets = m_server.findChildren<QTcpSocket *>();
    for (QTcpSocket *socket : sockets)
        QObject::disconnect(socket, &QAbstractSocket::disconnected, nullptr, nullptr);
}

bool HttpProxy::listen()
{
    return m_server.listen(QHostAddress::LocalHost, 0);
}

void HttpProxy::onNewConnection()
{
    while (QTcpSocket *client = m_server.nextPendingConnection()) {
        auto *link = new Link;
        link->client = client;
        connect(client, &QObject::destroyed, this, [link] { delete link; });
        connect(client, &QTcpSocket::readyRead, this, [this, link] {
            if (!link->client)
                return;
            const QByteArray bytes = link->client->readAll();
            if (!link->decided) {
                link->head += bytes;
                if (link->head.contains("\r\n\r\n"))
                    decide(link);
                return;
            }
            if (link->upstream && link->upstream->state() == QAbstractSocket::ConnectedState)
                link->upstream->write(bytes);
            else
                link->pending += bytes;
        });
        connect(client, &QTcpSocket::disconnected, client, &QObject::deleteLater);
    }
}

void HttpProxy::decide(Link *link)
{
    link->decided = true;
    const bool upgrade = link->head.toLower().contains("upgrade: websocket");
    if (upgrade && m_upgrade == Upgrade::Refuse) {
        ++m_refused;
        link->client->write(
            "HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        link->client->disconnectFromHost();
        return;
    }
    const QByteArray requestLine = link->head.left(link->head.indexOf("\r\n"));
    if (!m_refusePath.isEmpty() && requestLine.contains(" " + m_refusePath)) {
        link->client->write(
            "HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        link->client->disconnectFromHost();
        return;
    }
    if (upgrade && m_upgrade == Upgrade::Drop) {
        ++m_refused;
        link->client->abort();
        return;
    }
    auto *upstream = new QTcpSocket(link->client);
    link->upstream = upstream;
    link->pending = link->head;
    connect(upstream, &QTcpSocket::connected, this, [link] {
        if (link->upstream)
            link->upstream->write(std::exchange(link->pending, {}));
    });
    connect(upstream, &QTcpSocket::readyRead, this, [this, link] {
        if (!link->upstream || !link->client)
            return;
        const QByteArray bytes = link->upstream->readAll();
        if (m_bufferStreams && link->response.size() < 4096) {
            link->response += bytes;
            if (link->response.toLower().contains("content-type: text/event-stream"))
                link->holding = true; // a buffering proxy waits for an end that never comes
        }
        if (!link->holding)
            link->client->write(bytes);
    });
    connect(upstream, &QTcpSocket::disconnected, this, [link] {
        if (link->client)
            link->client->disconnectFromHost();
    });
    connect(link->client, &QTcpSocket::disconnected, upstream, [upstream] { upstream->abort(); });
    upstream->connectToHost(QHostAddress::LocalHost, m_upstreamPort);
}

} // namespace vigil::test
