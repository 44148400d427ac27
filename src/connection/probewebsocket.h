#pragma once

#include "probe.h"

#include <QSslError>

class QWebSocket;

namespace vigil {

/// \brief The WebSocket step: the upgrade the client sends is accepted, and whether a
/// vigil-relay welcomes the connection (and with what), a plain WebSocket server says nothing,
/// or the server closes at once (how the relay refuses a token).
///
/// A passed step keeps its connection for the ping burst (takeSocket()).
class WebSocketProbe : public Probe
{
    Q_OBJECT
public:
    using Probe::Probe;

    void run();
    void release() override;
    /// The open connection of a passed step, now the caller's; null when there is none.
    [[nodiscard]] QWebSocket *takeSocket();

private:
    void onWelcome(const QString &text);
    void onClosed();
    void failUpgrade();
    void finish(DiagnosticStep::Status status, const QString &detail, const QJsonObject &data);

    QPointer<QWebSocket> m_socket;
    QList<QSslError> m_sslErrors;
    bool m_upgraded = false;
    qint64 m_upgradeMs = 0;
};

} // namespace vigil
