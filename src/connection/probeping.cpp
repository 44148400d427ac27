#include "probeping.h"

#include "diagnostics.h"
#include "diagnosticstext.h"

#include <QTimer>
#include <QWebSocket>

#include <algorithm>
#include <numeric>

namespace vigil {

using namespace diagnostics;

void PingProbe::release()
{
    discard(m_socket);
}

void PingProbe::run(QWebSocket *socket)
{
    m_socket = socket;
    if (socket) {
        socket->setParent(this);
        connect(socket, &QWebSocket::disconnected, this, [this] {
            finish(tr("the connection closed (code %1)")
                       .arg(int(m_socket ? m_socket->closeCode() : 0)));
        });
        connect(socket, &QWebSocket::pong, this,
                [this](quint64, const QByteArray &payload) { onPong(payload); });
    }
    m_sent = 0;
    m_lost = 0;
    m_rtts.clear();
    // Each ping arms its own timeout (sendNext), so the burst is bounded by count x timeout.
    if (!m_host.beginStep(Diagnostics::Ping, m_config.pingTimeoutMs, nullptr))
        return;
    if (!m_socket || m_socket->state() != QAbstractSocket::ConnectedState) {
        finish(tr("the connection closed before the burst"));
        return;
    }
    sendNext();
}

void PingProbe::sendNext()
{
    if (m_sent >= m_config.pingCount) {
        finish({});
        return;
    }
    ++m_sent;
    // A numbered payload, so a late pong of a ping already counted as lost is not mistaken
    // for the answer to the current one.
    m_payload = "vigil-diagnostics-" + QByteArray::number(m_sent);
    m_host.rearmStep(m_config.pingTimeoutMs, [this] {
        ++m_lost;
        sendNext();
    });
    m_clock.start();
    m_socket->ping(m_payload);
}

void PingProbe::onPong(const QByteArray &payload)
{
    if (m_host.runningStep() != Diagnostics::Ping || payload != m_payload)
        return;
    m_payload.clear();
    m_rtts.append(double(m_clock.nsecsElapsed()) / 1e6);
    sendNext();
}

void PingProbe::finish(const QString &problem)
{
    if (m_host.runningStep() != Diagnostics::Ping)
        return;
    const int count = m_config.pingCount;
    const int received = int(m_rtts.size());
    const int lost = count - received; // unanswered, and never sent because the link closed
    QJsonObject data{{QStringLiteral("sent"), m_sent},
                     {QStringLiteral("received"), received},
                     {QStringLiteral("lost"), lost},
                     {QStringLiteral("timeoutMs"), m_config.pingTimeoutMs}};
    QString figures;
    if (received > 0) {
        const auto [min, max] = std::minmax_element(m_rtts.begin(), m_rtts.end());
        const double avg = std::accumulate(m_rtts.begin(), m_rtts.end(), 0.0) / received;
        data.insert(QStringLiteral("minMs"), roundedMs(*min));
        data.insert(QStringLiteral("avgMs"), roundedMs(avg));
        data.insert(QStringLiteral("maxMs"), roundedMs(*max));
        figures = tr("RTT min %1 / avg %2 / max %3 ms")
                      .arg(formatMs(*min), formatMs(avg), formatMs(*max));
    }
    QString detail;
    if (!problem.isEmpty()) {
        detail = tr("%1 after %2 of %3 pongs").arg(problem).arg(received).arg(count);
    } else if (lost == 0) {
        detail = tr("%1 pings, none lost").arg(count);
    } else {
        detail = tr("%1 of %2 pings lost (no pong within %3 ms)")
                     .arg(lost)
                     .arg(count)
                     .arg(m_config.pingTimeoutMs);
    }
    if (!figures.isEmpty())
        detail = tr("%1; %2", "the result of the burst; its round trips").arg(detail, figures);
    closeSocket();
    m_host.finishStep(Diagnostics::Ping,
                      problem.isEmpty() && lost == 0 ? DiagnosticStep::Passed
                                                     : DiagnosticStep::Failed,
                      detail, data);
}

// Done with the WebSocket: say goodbye properly, so the server logs a clean close.
void PingProbe::closeSocket()
{
    QWebSocket *socket = std::exchange(m_socket, nullptr);
    if (!socket)
        return;
    socket->disconnect(this);
    if (socket->state() != QAbstractSocket::ConnectedState) {
        socket->deleteLater();
        return;
    }
    connect(socket, &QWebSocket::disconnected, socket, &QObject::deleteLater);
    // A server that never answers the close must not keep the socket forever.
    QTimer::singleShot(m_config.stepTimeoutMs, socket, [socket] {
        socket->abort();
        socket->deleteLater();
    });
    socket->close(QWebSocketProtocol::CloseCodeNormal, QStringLiteral("diagnostics finished"));
}

} // namespace vigil
