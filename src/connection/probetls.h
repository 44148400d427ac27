#pragma once

#include "probe.h"

#include <QSslError>

class QSslSocket;
class QTcpSocket;

namespace vigil {

/// \brief The TLS step (wss:// only): the handshake on the TCP step's connection succeeds with
/// the client's trust, and what the server presented (protocol, cipher, certificate).
class TlsProbe : public Probe
{
    Q_OBJECT
public:
    using Probe::Probe;

    /// Shakes hands on `tcp`, the TCP step's socket (taken over; null when there is none).
    void run(QTcpSocket *tcp);
    void release() override;

private:
    QPointer<QSslSocket> m_socket;
    QList<QSslError> m_sslErrors;
};

} // namespace vigil
