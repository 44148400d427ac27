#pragma once

#include <QElapsedTimer>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>

#include <deque>
#include <memory>
#include <random>

namespace vigil::chaos {

/// \brief How a link behaves while no outage is in force: added latency with jitter and a
/// bandwidth cap, the same for both directions (each direction has its own budget).
struct LinkShape
{
    int latencyMs = 0;
    int jitterMs = 0;          ///< up to this much more, drawn per chunk; order is kept
    qint64 bytesPerSecond = 0; ///< 0: no cap
};

/// \brief A TCP proxy on 127.0.0.1 between one client and the relay that injects the faults of
/// a chaos run: connection resets, silent blackholes, latency and jitter, bandwidth caps.
///
/// A blackhole behaves as a network that drops every packet would under TCP: nothing gets
/// through and nobody is told, but nothing is lost either. Bytes and closes wait in the proxy
/// and go through, in order, when the blackhole ends (TCP would retransmit them), unless a peer
/// gave up first. New connections made during a blackhole wait the same way. A reset aborts
/// both sides of every link (the peers see a connection reset).
///
/// Jitter never reorders bytes: each chunk leaves no earlier than the one before it. The
/// random source is seeded, so a run's shaping draws the same numbers for the same seed.
class ChaosProxy : public QObject
{
    Q_OBJECT
public:
    ChaosProxy(quint16 upstreamPort, quint64 seed, QObject *parent = nullptr);
    ~ChaosProxy() override;

    bool listen();
    [[nodiscard]] quint16 port() const { return m_server.serverPort(); }

    void setShape(const LinkShape &shape) { m_shape = shape; }
    [[nodiscard]] const LinkShape &shape() const { return m_shape; }
    void setBlackhole(bool on);
    [[nodiscard]] bool blackhole() const { return m_blackhole; }
    /// Aborts every link on both sides.
    void resetAll();
    /// Links whose client side is connected.
    [[nodiscard]] int activeLinks() const;

private:
    struct Chunk
    {
        qint64 dueMs = 0;
        QByteArray bytes;
    };
    /// One direction of a link.
    struct Pipe
    {
        QPointer<QTcpSocket> from;
        QPointer<QTcpSocket> to;
        std::deque<Chunk> queue;
        qint64 lastDueMs = 0;
        double tokens = 0;
        qint64 lastRefillMs = -1;
        bool closeWhenDrained = false; ///< `from` closed: close `to` after the queue
        QTimer timer;
    };
    struct Link
    {
        QPointer<QTcpSocket> client;
        QPointer<QTcpSocket> upstream;
        bool upstreamConnected = false;
        Pipe toUpstream;
        Pipe toClient;
    };

    void onNewConnection();
    void take(Link *link, Pipe &pipe);
    void pump(Link *link, Pipe &pipe);
    void closeLink(Link *link);
    [[nodiscard]] qint64 nowMs() const { return m_clock.elapsed(); }

    QTcpServer m_server;
    quint16 m_upstreamPort;
    LinkShape m_shape;
    bool m_blackhole = false;
    std::mt19937_64 m_random;
    QElapsedTimer m_clock;
    QList<Link *> m_links;
};

} // namespace vigil::chaos
