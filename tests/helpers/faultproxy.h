#pragma once

#include <QHostAddress>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QTcpServer>
#include <QTcpSocket>

namespace vigil::test {

/// \brief A TCP proxy on 127.0.0.1 that injects network faults between a client and a server.
///
/// - refuse: new connections are accepted and closed at once (like a blocked port);
/// - blackhole (per direction): bytes are read and dropped, sockets stay open, no FIN, no
///   RST: the peer has vanished without a trace (half-open link);
/// - delay (per direction): bytes are forwarded after a fixed delay, in order;
/// - cutAll: every current link is reset.
class FaultProxy : public QObject
{
    Q_OBJECT
public:
    enum Direction { ClientToServer = 1, ServerToClient = 2, Both = 3 };

    explicit FaultProxy(quint16 upstreamPort, QObject *parent = nullptr);
    ~FaultProxy() override;

    /// Listens on 127.0.0.1:`port` (0 = any free port).
    bool listen(quint16 port = 0);
    [[nodiscard]] quint16 port() const { return m_server.serverPort(); }
    void setUpstreamPort(quint16 port) { m_upstreamPort = port; }

    void setRefuse(bool refuse) { m_refuse = refuse; }
    void setBlackhole(Direction direction, bool on);
    void setDelay(Direction direction, int ms);
    /// Stop reading in `direction`: bytes pile up in the kernel and then in the sender, like a
    /// peer that no longer reads.
    void setStall(Direction direction, bool on);
    void cutAll();
    [[nodiscard]] int accepted() const { return m_accepted; }
    [[nodiscard]] int activeLinks() const;

private:
    struct Link
    {
        QPointer<QTcpSocket> client;
        QPointer<QTcpSocket> upstream;
        QByteArray pendingToUpstream; // bytes that arrived before the upstream connected
    };
    void onNewConnection();
    void forward(QTcpSocket *from, QTcpSocket *to, Direction direction);

    QTcpServer m_server;
    quint16 m_upstreamPort;
    bool m_refuse = false;
    int m_blackhole = 0;
    int m_stall = 0;
    int m_delayToServer = 0;
    int m_delayToClient = 0;
    int m_accepted = 0;
    QList<Link *> m_links;
};

} // namespace vigil::test
