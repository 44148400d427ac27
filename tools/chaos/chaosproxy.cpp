#include "chaosproxy.h"

#include <algorithm>
#include <cmath>

namespace vigil::chaos {

namespace {
/// Bytes a capped pipe may send at once: a tenth of a second's worth, at least one segment.
qint64 burstOf(qint64 bytesPerSecond)
{
    return std::max<qint64>(1460, bytesPerSecond / 10);
}
} // namespace

ChaosProxy::ChaosProxy(quint16 upstreamPort, quint64 seed, QObject *parent)
    : QObject(parent)
    , m_upstreamPort(upstreamPort)
    , m_random(seed)
{
    m_clock.start();
    connect(&m_server, &QTcpServer::newConnection, this, &ChaosProxy::onNewConnection);
}

ChaosProxy::~ChaosProxy()
{
    resetAll();
}

bool ChaosProxy::listen()
{
    return m_server.listen(QHostAddress::LocalHost, 0);
}

int ChaosProxy::activeLinks() const
{
    return int(std::count_if(m_links.begin(), m_links.end(), [](const Link *link) {
        return link->client && link->client->state() == QAbstractSocket::ConnectedState;
    }));
}

void ChaosProxy::setBlackhole(bool on)
{
    m_blackhole = on;
    if (on)
        return;
    // The network is back: what waited goes through, as TCP retransmissions would.
    const QList<Link *> links = m_links;
    for (Link *link : links) {
        if (!m_links.contains(link))
            continue;
        take(link, link->toUpstream);
        if (m_links.contains(link))
            take(link, link->toClient);
    }
}

void ChaosProxy::resetAll()
{
    const QList<Link *> links = std::exchange(m_links, {});
    for (Link *link : links) {
        for (QTcpSocket *socket : {link->client.data(), link->upstream.data()}) {
            if (socket) {
                socket->disconnect(this);
                socket->abort();
                socket->deleteLater();
            }
        }
        delete link;
    }
}

void ChaosProxy::closeLink(Link *link)
{
    if (!m_links.removeOne(link))
        return;
    for (QTcpSocket *socket : {link->client.data(), link->upstream.data()}) {
        if (socket) {
            socket->disconnect(this);
            socket->deleteLater();
        }
    }
    // This may run inside a slot of the link's own timers: they go once it has returned.
    for (Pipe *pipe : {&link->toUpstream, &link->toClient}) {
        pipe->timer.stop();
        pipe->timer.disconnect(this);
    }
    QTimer::singleShot(0, this, [link] { delete link; });
}

void ChaosProxy::onNewConnection()
{
    while (QTcpSocket *client = m_server.nextPendingConnection()) {
        auto *link = new Link;
        auto *upstream = new QTcpSocket(this);
        client->setParent(this);
        link->client = client;
        link->upstream = upstream;
        link->toUpstream.from = client;
        link->toUpstream.to = upstream;
        link->toClient.from = upstream;
        link->toClient.to = client;
        for (Pipe *pipe : {&link->toUpstream, &link->toClient}) {
            pipe->timer.setSingleShot(true);
            pipe->timer.setTimerType(Qt::PreciseTimer);
        }
        connect(&link->toUpstream.timer, &QTimer::timeout, this,
                [this, link] { pump(link, link->toUpstream); });
        connect(&link->toClient.timer, &QTimer::timeout, this,
                [this, link] { pump(link, link->toClient); });
        m_links.append(link);

        connect(client, &QTcpSocket::readyRead, this,
                [this, link] { take(link, link->toUpstream); });
        connect(upstream, &QTcpSocket::readyRead, this,
                [this, link] { take(link, link->toClient); });
        connect(upstream, &QTcpSocket::connected, this, [this, link] {
            link->upstreamConnected = true;
            pump(link, link->toUpstream);
        });
        // A peer that closes or fails: the other side is closed once what it sent got through.
        auto peerGone = [this, link](Pipe &pipe) {
            pipe.closeWhenDrained = true;
            take(link, pipe);
        };
        connect(client, &QTcpSocket::disconnected, this,
                [link, peerGone] { peerGone(link->toUpstream); });
        connect(upstream, &QTcpSocket::disconnected, this,
                [link, peerGone] { peerGone(link->toClient); });
        connect(upstream, &QTcpSocket::errorOccurred, this, [link, peerGone] {
            // The relay refused or reset: the client learns it the same way.
            peerGone(link->toClient);
        });
        connect(client, &QTcpSocket::errorOccurred, this,
                [link, peerGone] { peerGone(link->toUpstream); });
        upstream->connectToHost(QHostAddress::LocalHost, m_upstreamPort);
    }
}

void ChaosProxy::take(Link *link, Pipe &pipe)
{
    if (m_blackhole)
        return; // held in the socket: read later, when the network is back
    if (pipe.from) {
        const QByteArray bytes = pipe.from->readAll();
        if (!bytes.isEmpty()) {
            const qint64 now = nowMs();
            qint64 due = now + m_shape.latencyMs;
            if (m_shape.jitterMs > 0)
                due += qint64(m_random() % quint64(m_shape.jitterMs + 1));
            due = std::max(due, pipe.lastDueMs); // never overtake the chunk before
            pipe.lastDueMs = due;
            pipe.queue.push_back({due, bytes});
        }
    }
    pump(link, pipe);
}

void ChaosProxy::pump(Link *link, Pipe &pipe)
{
    if (!m_links.contains(link) || m_blackhole)
        return;
    const bool toUpstream = &pipe == &link->toUpstream;
    if (toUpstream && !link->upstreamConnected) {
        if (pipe.closeWhenDrained && link->upstream &&
            link->upstream->state() != QAbstractSocket::ConnectingState) {
            closeLink(link); // the relay never answered and the client is gone
        }
        return;
    }
    // The other direction comes from this pipe's target: once that one closed or failed, it
    // takes nothing more (Qt may still call it connected while it reports the error).
    Pipe &other = toUpstream ? link->toClient : link->toUpstream;
    const bool targetGone =
        other.closeWhenDrained || !pipe.to || pipe.to->state() != QAbstractSocket::ConnectedState;
    const qint64 now = nowMs();
    while (!pipe.queue.empty()) {
        Chunk &chunk = pipe.queue.front();
        if (chunk.dueMs > now) {
            pipe.timer.start(int(chunk.dueMs - now));
            return;
        }
        qint64 allowed = chunk.bytes.size();
        if (m_shape.bytesPerSecond > 0) {
            const qint64 burst = burstOf(m_shape.bytesPerSecond);
            if (pipe.lastRefillMs < 0)
                pipe.tokens = double(burst);
            else
                pipe.tokens = std::min<double>(
                    double(burst), pipe.tokens + double(now - pipe.lastRefillMs) *
                                                     double(m_shape.bytesPerSecond) / 1000.0);
            pipe.lastRefillMs = now;
            allowed = std::min<qint64>(allowed, qint64(pipe.tokens));
            if (allowed <= 0) {
                const double wait = (1.0 - pipe.tokens) * 1000.0 / double(m_shape.bytesPerSecond);
                pipe.timer.start(std::max(1, int(std::ceil(wait))));
                return;
            }
            pipe.tokens -= double(allowed);
        } else {
            pipe.lastRefillMs = -1;
        }
        // What was for a peer that is gone is dropped, as TCP would.
        if (!targetGone)
            pipe.to->write(chunk.bytes.constData(), allowed);
        chunk.bytes.remove(0, allowed);
        if (chunk.bytes.isEmpty())
            pipe.queue.pop_front();
    }
    if (pipe.closeWhenDrained) {
        // Everything the closed side sent went through: pass the close on.
        if (!targetGone)
            pipe.to->disconnectFromHost();
        if (other.closeWhenDrained || !pipe.to ||
            pipe.to->state() == QAbstractSocket::UnconnectedState) {
            if (other.queue.empty())
                closeLink(link);
        }
    }
}

} // namespace vigil::chaos
