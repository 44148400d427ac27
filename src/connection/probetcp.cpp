#include "probetcp.h"

#include "diagnostics.h"

#include <QMetaEnum>
#include <QSslSocket>
#include <QTcpSocket>

namespace vigil {

void TcpProbe::release()
{
    discard(m_socket);
}

QTcpSocket *TcpProbe::takeSocket()
{
    return handOver(m_socket);
}

void TcpProbe::run()
{
    if (!m_host.beginStep(Diagnostics::Tcp, m_config.stepTimeoutMs, [this] {
            release();
            m_host.finishStep(
                Diagnostics::Tcp, DiagnosticStep::Failed,
                tr("no answer from %1 port %2 within %3 ms (a firewall dropping packets, or "
                   "the host is down)")
                    .arg(host())
                    .arg(port())
                    .arg(m_config.stepTimeoutMs));
        }))
        return;
    const bool keepForTls = secure(m_config.url);
    QTcpSocket *socket = keepForTls ? new QSslSocket(this) : new QTcpSocket(this);
    m_socket = socket;
    connect(socket, &QAbstractSocket::connected, this, [this, socket, keepForTls] {
        if (m_host.runningStep() != Diagnostics::Tcp)
            return;
        const QJsonObject data{{QStringLiteral("peer"), socket->peerAddress().toString()},
                               {QStringLiteral("port"), socket->peerPort()}};
        const QString detail = tr("connected to %1 port %2")
                                   .arg(socket->peerAddress().toString())
                                   .arg(socket->peerPort());
        if (!keepForTls)
            release(); // the WebSocket step opens its own connection
        m_host.finishStep(Diagnostics::Tcp, DiagnosticStep::Passed, detail, data);
    });
    connect(socket, &QAbstractSocket::errorOccurred, this, [this, socket] {
        if (m_host.runningStep() != Diagnostics::Tcp)
            return;
        const QString why = socket->errorString();
        const QString error = QString::fromLatin1(
            QMetaEnum::fromType<QAbstractSocket::SocketError>().valueToKey(socket->error()));
        release();
        m_host.finishStep(Diagnostics::Tcp, DiagnosticStep::Failed,
                          tr("cannot connect to %1 port %2: %3").arg(host()).arg(port()).arg(why),
                          {{QStringLiteral("error"), error}});
    });
    socket->connectToHost(host(), quint16(port()));
}

} // namespace vigil
