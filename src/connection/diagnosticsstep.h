#pragma once

#include <QJsonObject>
#include <QList>
#include <QSslCertificate>
#include <QString>
#include <QUrl>

namespace vigil {

/// \brief One step of a link check: what was checked, how it went and how long it took.
struct DiagnosticStep
{
    enum Status { Pending, Running, Passed, Failed, Skipped };

    QString id;    ///< stable key for scripts and exports, e.g. "dns", "websocket"
    QString title; ///< short label for people
    Status status = Pending;
    QString detail;       ///< one sentence: the result, or why it failed or was skipped
    qint64 elapsedMs = 0; ///< wall time of the step itself; 0 when it did not run
    /// The figures behind `detail` (addresses, RTTs, certificate expiry...), so an export or a
    /// script does not have to parse a sentence. Never holds a credential.
    QJsonObject data;

    [[nodiscard]] static QString statusName(Status status);
    [[nodiscard]] QJsonObject toJson() const;
};

/// \brief What to check and how long each check may take.
struct DiagnosticsConfig
{
    QUrl url;      ///< ws:// or wss:// server URL, as the client uses it
    QString token; ///< bearer token; never logged or reported
    QList<QSslCertificate> extraCaCertificates; ///< trusted in addition to the system CAs
    /// Limit of each network step (DNS, TCP, TLS, upgrade, each HTTP request). A step that hits
    /// it fails with a sentence saying so, so no step can hang the check.
    int stepTimeoutMs = 10000;
    /// After the upgrade, how long to wait for `welcome` (or an immediate close, which is how
    /// the relay refuses a token) before calling the server a plain WebSocket server.
    int welcomeWaitMs = 2000;
    int pingCount = 5;
    int pingTimeoutMs = 2000; ///< a pong later than this counts as lost
    /// The channel the SSE and long-poll checks read: both endpoints refuse a request without
    /// one, and a token may be allowed to read only some channels.
    QString httpChannel = QStringLiteral("incidents");
};

} // namespace vigil
