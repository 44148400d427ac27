#include "probetls.h"

#include "diagnostics.h"
#include "diagnosticstext.h"

#include <QSslCipher>
#include <QSslSocket>

namespace vigil {

using namespace diagnostics;

void TlsProbe::release()
{
    discard(m_socket);
}

void TlsProbe::run(QTcpSocket *tcp)
{
    auto *socket = qobject_cast<QSslSocket *>(tcp);
    if (tcp && !socket)
        tcp->deleteLater(); // not ours to shake hands on: a ws:// connection
    if (socket)
        socket->setParent(this);
    m_socket = socket;
    if (!m_host.beginStep(Diagnostics::Tls, m_config.stepTimeoutMs, [this] {
            release();
            m_host.finishStep(Diagnostics::Tls, DiagnosticStep::Failed,
                              tr("no TLS handshake within %1 ms (is this port serving TLS?)")
                                  .arg(m_config.stepTimeoutMs));
        }))
        return;
    if (!QSslSocket::supportsSsl()) {
        release();
        m_host.finishStep(Diagnostics::Tls, DiagnosticStep::Failed,
                          tr("TLS is not available on this machine (no TLS backend)"));
        return;
    }
    if (!socket || socket->state() != QAbstractSocket::ConnectedState) {
        release();
        m_host.finishStep(Diagnostics::Tls, DiagnosticStep::Failed,
                          tr("the server closed the TCP connection before the handshake"));
        return;
    }
    m_sslErrors.clear();
    socket->setSslConfiguration(tlsConfiguration());
    socket->setPeerVerifyName(host());
    connect(socket, &QSslSocket::sslErrors, this,
            [this](const QList<QSslError> &errors) { m_sslErrors = errors; });
    connect(socket, &QSslSocket::encrypted, this, [this, socket] {
        if (m_host.runningStep() != Diagnostics::Tls)
            return;
        const QSslCertificate peer = socket->peerCertificate();
        const QJsonObject certificate = certificateJson(peer);
        const QSsl::SslProtocol protocol = socket->sessionProtocol();
        const QString cipher = socket->sessionCipher().name();
        const QString detail =
            tr("%1, %2; certificate \"%3\" issued by \"%4\", valid until %5 (%6 days left)")
                .arg(protocolText(protocol), cipher, peer.subjectDisplayName(),
                     peer.issuerDisplayName(),
                     certificate.value(QStringLiteral("expires")).toString())
                .arg(certificate.value(QStringLiteral("daysLeft")).toInteger());
        release();
        m_host.finishStep(
            Diagnostics::Tls, DiagnosticStep::Passed, detail,
            {{QStringLiteral("protocol"), QString::fromLatin1(protocolName(protocol))},
             {QStringLiteral("cipher"), cipher},
             {QStringLiteral("certificate"), certificate}});
    });
    connect(socket, &QAbstractSocket::errorOccurred, this, [this, socket] {
        if (m_host.runningStep() != Diagnostics::Tls)
            return;
        QJsonObject data;
        const QSslCertificate peer = socket->peerCertificate();
        if (!peer.isNull())
            data.insert(QStringLiteral("certificate"), certificateJson(peer));
        const QString detail =
            m_sslErrors.isEmpty()
                ? tr("the handshake failed: %1").arg(socket->errorString())
                : sslFailure(tr("the certificate was refused: %1"), m_sslErrors, &data);
        release();
        m_host.finishStep(Diagnostics::Tls, DiagnosticStep::Failed, detail, data);
    });
    socket->startClientEncryption();
}

} // namespace vigil
