#pragma once

#include "probe.h"

class QTcpSocket;

namespace vigil {

/// \brief The TCP step: a connection to the server's port opens within the step timeout.
///
/// For wss:// the connection is kept for the TLS step (takeSocket()), so that step times the
/// handshake alone.
class TcpProbe : public Probe
{
    Q_OBJECT
public:
    using Probe::Probe;

    void run();
    void release() override;
    /// The connected socket of a passed wss:// step (a QSslSocket), now the caller's; null
    /// when there is none.
    [[nodiscard]] QTcpSocket *takeSocket();

private:
    QPointer<QTcpSocket> m_socket;
};

} // namespace vigil
