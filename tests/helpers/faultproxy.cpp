#include "faultproxy.h"

#include <QTimer>

namespace vigil::test {

FaultProxy::FaultProxy(quint16 upstreamPort, QObject *parent)
    : QObject(parent)
    , m_upstreamPort(upstreamPort)
{
    connect(&m_server, &QTcpServer::newConnection, this, &FaultProxy::onNewConnection);
}

FaultProxy::~FaultProxy()
{
    cutAll();
}

bool FaultProxy::listen(quint16 port)
{
    return m_server.listen(QHostAddress::LocalHost, port);
}

void FaultProxy::setBlackhole(Direction direction, bool on)
{
    if (on)
        m_blackhole |= direction;
    else
        m_blackhole &= ~direction;
}

void FaultProxy::setStall(Direction direction, bool on)
{
    if (on)
        m_stall |= direction;
    else
        m_stall &= ~direction;
    for (Link *link : std::as_const(m_links)) {
        // A tiny read buffer makes Qt stop draining the kernel while we do not read.
        if ((direction & ServerToClient) && link->upstream)
            link->upstream->setReadBufferSize(on ? 1 : 0);
        if ((direction & ClientToServer) && link->client)
            link->client->setReadBufferSize(on ? 1 : 0);
    }
}

void FaultProxy::setDelay(Direction direction, int ms)
{
    if (direction & ClientToServer)
        m_delayToServer = ms;
    if (direction & ServerToClient)
        m_delayToClient = ms;
}

int FaultProxy::activeLinks() const
{
    int n = 0;
    for (const Link *link : m_links) {
        if (link->client && link->client->state() == QAbstractSocket::ConnectedState)
            ++n;
    }
    return n;
}

void FaultProxy::cutAll()
{
    const auto links = std::exchange(m_links, {});
    for (Link *link : links) {
        for (QTcpSocket *s : {link->client.data(), link->upstream.data()}) {
            if (s) {
                s->disconnect(this);
                s->abort();
                s->deleteLater();
            }
        }
        delete link;
    }
}

void FaultProxy::onNewConnection()
{
    while (QTcpSocket *client = m_server.nextPendingConnection()) {
        ++m_accepted;
        if (m_refuse) {
            client->abort();
            client->deleteLater();
            continue;
        }
        auto *link = new Link;
        link->client = client;
        auto *upstream = new QTcpSocket(this);
        link->upstream = upstream;
        m_links.append(link);

        connect(client, &QTcpSocket::readyRead, this, [this, link] {
            if (!link->client)
                return;
            if (link->upstream && link->upstream->state() == QAbstractSocket::ConnectedState)
                forward(link->client, link->upstream, ClientToServer);
            else if (!(m_blackhole & ClientToServer))
                link->pendingToUpstream += link->client->readAll();
            else
                link->client->readAll();
        });
        connect(upstream, &QTcpSocket::connected, this, [this, link] {
            if (!link->upstream)
                return;
            if (!link->pendingToUpstream.isEmpty())
                link->upstream->write(std::exchange(link->pendingToUpstream, {}));
            forward(link->client, link->upstream, ClientToServer);
        });
        connect(upstream, &QTcpSocket::readyRead, this, [this, link] {
            if (link->upstream && link->client)
                forward(link->upstream, link->client, ServerToClient);
        });
        // A closed end closes the other, unless that direction is blackholed (then the peer
        // must not learn anything).
        connect(client, &QTcpSocket::disconnected, this, [this, link] {
            if (link->upstream && !(m_blackhole & ClientToServer))
                link->upstream->disconnectFromHost();
        });
        connect(upstream, &QTcpSocket::disconnected, this, [this, link] {
            if (link->client && !(m_blackhole & ServerToClient))
                link->client->disconnectFromHost();
        });
        connect(upstream, &QTcpSocket::errorOccurred, this, [this, link] {
            if (link->client && !(m_blackhole & ServerToClient))
                link->client->abort();
        });
        upstream->connectToHost(QHostAddress::LocalHost, m_upstreamPort);
    }
}

void FaultProxy::forward(QTcpSocket *from, QTcpSocket *to, Direction direction)
{
    if (m_stall & direction)
        return;
    const QByteArray bytes = from->readAll();
    if (bytes.isEmpty() || (m_blackhole & direction))
        return;
    const int delay = direction == ClientToServer ? m_delayToServer : m_delayToClient;
    if (delay <= 0) {
        to->write(bytes);
        return;
    }
    // Same delay for every chunk of a direction keeps the byte order intact.
    QPointer<QTcpSocket> target = to;
    QTimer::singleShot(delay, this, [target, bytes] {
        if (target)
            target->write(bytes);
    });
}

} // namespace vigil::test
