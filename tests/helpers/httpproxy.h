#pragma once

#include <QList>
#include <QObject>
#include <QPointer>
#include <QTcpServer>
#include <QTcpSocket>

namespace vigil::test {

/// \brief An HTTP-aware proxy on 127.0.0.1 that behaves like the corporate proxies Vigil
/// must get through: it forwards ordinary requests, but can refuse WebSocket upgrades (403),
/// drop them without an answer, and hold back streaming responses (text/event-stream) the way
/// a buffering proxy does.
class HttpProxy : public QObject
{
    Q_OBJECT
public:
    enum class Upgrade { Allow, Refuse, Drop };

    explicit HttpProxy(quint16 upstreamPort, QObject *parent = nullptr);
    ~HttpProxy() override;
    bool listen();
    [[nodiscard]] quint16 port() const { return m_server.serverPort(); }
    void setUpgrade(Upgrade mode) { m_upgrade = mode; }
    void setBufferStreams(bool on) { m_bufferStreams = on; }
    /// Requests whose path starts with `prefix` get 403 (a proxy policy against a URL).
    void setRefusePath(const QByteArray &prefix) { m_refusePath = prefix; }
    [[nodiscard]] int refusedUpgrades() const { return m_refused; }

private:
    struct Link
    {
        QPointer<QTcpSocket> client;
        QPointer<QTcpSocket> upstream;
        QByteArray head; // the first request, until its end is known
        bool decided = false;
        QByteArray pending;   // client bytes waiting for the upstream connection
        QByteArray response;  // the start of the upstream's answer, to spot streams
        bool holding = false; // a streaming response is being held back
    };
    void onNewConnection();
    void decide(Link *link);

    QTcpServer m_server;
    quint16 m_upstreamPort;
    Upgrade m_upgrade = Upgrade::Allow;
    bool m_bufferStreams = false;
    QByteArray m_refusePath;
    int m_refused = 0;
};

} // namespace vigil::test
