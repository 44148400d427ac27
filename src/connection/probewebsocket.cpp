#include "probewebsocket.h"

#include "diagnostics.h"
#include "diagnosticstext.h"
#include "serverendpoint.h"

#include <QJsonArray>
#include <QWebSocket>

namespace vigil {

using namespace diagnostics;

void WebSocketProbe::release()
{
    discard(m_socket);
}

QWebSocket *WebSocketProbe::takeSocket()
{
    return handOver(m_socket);
}

void WebSocketProbe::finish(DiagnosticStep::Status status, const QString &detail,
                            const QJsonObject &data)
{
    if (status == DiagnosticStep::Failed)
        release();
    m_host.finishStep(Diagnostics::WebSocket, status, detail, data);
}

void WebSocketProbe::run()
{
    m_upgraded = false;
    m_sslErrors.clear();
    if (!m_host.beginStep(Diagnostics::WebSocket, m_config.stepTimeoutMs, [this] {
            finish(DiagnosticStep::Failed,
                   tr("no answer to the upgrade within %1 ms").arg(m_config.stepTimeoutMs), {});
        }))
        return;
    auto *socket = new QWebSocket(QString(), QWebSocketProtocol::VersionLatest, this);
    m_socket = socket;
    // The client's limits: a server sending huge frames fails the check, not the memory.
    socket->setMaxAllowedIncomingMessageSize(quint64(kDefaultMaxMessageBytes));
    socket->setMaxAllowedIncomingFrameSize(quint64(kDefaultMaxMessageBytes));
    socket->setReadBufferSize(kMaxProbeAnswer);
    if (secure(m_config.url))
        socket->setSslConfiguration(tlsConfiguration());

    connect(socket, &QWebSocket::connected, this, [this] {
        if (m_host.runningStep() != Diagnostics::WebSocket)
            return;
        m_upgraded = true;
        m_upgradeMs = m_host.stepElapsedMs();
        // The relay refuses a token by closing right after the upgrade, and welcomes everyone
        // else at once: wait briefly for either before judging.
        m_host.rearmStep(m_config.welcomeWaitMs, [this] {
            if (!m_socket || m_socket->state() != QAbstractSocket::ConnectedState) {
                finish(DiagnosticStep::Failed,
                       tr("the connection was lost right after the upgrade"), {});
                return;
            }
            finish(
                DiagnosticStep::Passed,
                tr("upgraded in %1 ms; no welcome within %2 ms, so a plain WebSocket server "
                   "rather than vigil-relay")
                    .arg(m_upgradeMs)
                    .arg(m_config.welcomeWaitMs),
                {{QStringLiteral("upgradeMs"), m_upgradeMs}, {QStringLiteral("welcome"), false}});
        });
    });
    connect(socket, &QWebSocket::textMessageReceived, this, &WebSocketProbe::onWelcome);
    connect(socket, &QWebSocket::disconnected, this, &WebSocketProbe::onClosed);
    connect(socket, qOverload<QAbstractSocket::SocketError>(&QWebSocket::error), this, [this] {
        // After the upgrade `disconnected` tells the whole story (code and reason).
        if (m_host.runningStep() == Diagnostics::WebSocket && !m_upgraded)
            failUpgrade();
    });
    connect(socket, &QWebSocket::sslErrors, this,
            [this](const QList<QSslError> &errors) { m_sslErrors = errors; });

    // The same request the client sends (ConnectionManager::upgradeRequest).
    socket->open(
        ServerEndpoint(m_config.token, m_config.extraCaCertificates).request(m_config.url));
}

void WebSocketProbe::onWelcome(const QString &text)
{
    if (m_host.runningStep() != Diagnostics::WebSocket)
        return;
    const ParseResult parsed = parseEnvelope(text.toUtf8());
    QJsonObject data{{QStringLiteral("upgradeMs"), m_upgradeMs}};
    if (!parsed.ok() || parsed.envelope.type != u"welcome") {
        data.insert(QStringLiteral("welcome"), false);
        finish(DiagnosticStep::Passed,
               tr("upgraded in %1 ms; the first message was not a welcome (%2)")
                   .arg(m_upgradeMs)
                   .arg(parsed.ok() ? parsed.envelope.type.left(64) : parsed.error.message),
               data);
        return;
    }
    const QJsonObject welcome = parsed.envelope.payload.toObject();
    const QString server = welcome.value(QStringLiteral("server")).toString();
    QStringList capabilities;
    for (const QJsonValue &c : welcome.value(QStringLiteral("capabilities")).toArray())
        capabilities.append(c.toString());
    data.insert(QStringLiteral("welcome"), true);
    data.insert(QStringLiteral("server"), server);
    data.insert(QStringLiteral("capabilities"), QJsonArray::fromStringList(capabilities));
    data.insert(QStringLiteral("heartbeatMs"), welcome.value(QStringLiteral("heartbeatMs")));
    finish(DiagnosticStep::Passed,
           tr("upgraded in %1 ms; welcomed by %2 (capabilities: %3)")
               .arg(m_upgradeMs)
               .arg(server.isEmpty() ? tr("an unnamed server") : server,
                    capabilities.isEmpty() ? tr("none", "no capabilities")
                                           : capabilities.join(QStringLiteral(", "))),
           data);
}

void WebSocketProbe::onClosed()
{
    if (m_host.runningStep() != Diagnostics::WebSocket || !m_socket)
        return;
    if (!m_upgraded) {
        failUpgrade();
        return;
    }
    const int code = int(m_socket->closeCode());
    const QString reason = m_socket->closeReason();
    const QString meaning = closeCodeMeaning(code);
    // One whole sentence per case, so a translation can order the parts its own way. One
    // arg() call fills every marker at once: a "%1" in the server's reason stays as it is.
    const QString number = QString::number(code);
    QString detail;
    if (reason.isEmpty() && meaning.isEmpty()) {
        detail =
            tr("the server closed the connection right after the upgrade with code %1").arg(number);
    } else if (meaning.isEmpty()) {
        detail = tr("the server closed the connection right after the upgrade with code %1 (%2)")
                     .arg(number, reason.left(120));
    } else if (reason.isEmpty()) {
        detail = tr("the server closed the connection right after the upgrade with code %1: %2")
                     .arg(number, meaning);
    } else {
        detail =
            tr("the server closed the connection right after the upgrade with code %1 (%2): %3")
                .arg(number, reason.left(120), meaning);
    }
    finish(
        DiagnosticStep::Failed, detail,
        {{QStringLiteral("closeCode"), code}, {QStringLiteral("closeReason"), reason.left(120)}});
}

void WebSocketProbe::failUpgrade()
{
    if (m_host.runningStep() != Diagnostics::WebSocket || !m_socket)
        return;
    const QString text = m_socket->errorString();
    QJsonObject data{{QStringLiteral("error"), text.left(200)}};
    QString detail;
    const int status = ServerEndpoint::refusedUpgradeStatus(text);
    if (status == 401) {
        detail = tr("the server refused the credentials (HTTP 401)");
    } else if (status > 0) {
        detail = tr("the server answered the upgrade with HTTP %1 instead of switching to "
                    "WebSocket (wrong path, or a proxy that strips WebSocket)")
                     .arg(status);
    } else if (!m_sslErrors.isEmpty()) {
        detail = sslFailure(tr("TLS problem: %1"), m_sslErrors, &data);
    } else {
        detail = tr("the upgrade failed: %1").arg(text);
    }
    if (status > 0)
        data.insert(QStringLiteral("httpStatus"), status);
    finish(DiagnosticStep::Failed, detail, data);
}

} // namespace vigil
