#pragma once

#include "connectionconfig.h"
#include "httptransport.h"

#include <QString>

namespace vigil {

/// \brief Which transport the next attempt uses, and why: WebSocket first; once it kept
/// failing, was refused on the way or stayed critical too long (Auto), attempts alternate
/// between HTTP and WebSocket; SSE or Poll chosen by the operator are HTTP only.
///
/// A decision helper of the ConnectionManager, like the CircuitBreaker: it holds the evidence
/// (failures in a row, refusals, how long the link was critical) and answers; the manager
/// acts.
class TransportChoice
{
public:
    explicit TransportChoice(const ConnectionConfig &config);

    /// Whether the next attempt goes over HTTP.
    [[nodiscard]] bool nextIsHttp() const;
    /// Why the next attempt goes over HTTP (consumes a reason given by preferHttpNext()).
    [[nodiscard]] QString takeHttpReason();
    /// The HTTP mode for the next HTTP attempt (the operator's choice wins).
    [[nodiscard]] HttpTransport::Mode httpMode() const;
    void setHttpMode(HttpTransport::Mode mode) { m_httpMode = mode; }

    void attemptStarted(bool http) { m_attemptIsHttp = http; }
    [[nodiscard]] bool attemptIsHttp() const { return m_attemptIsHttp; }
    /// An attempt failed; one that never connected over WebSocket counts toward fallback.
    void attemptFailed(bool wasConnected);
    /// Something on the way answered the WebSocket upgrade with plain HTTP.
    void upgradeRefused() { m_refused = true; }
    /// WebSocket works (a link opened, or the operator asked to start over): forget the rest.
    void webSocketWorks();
    /// The grade of the WebSocket link after a heartbeat. True when it stayed critical for
    /// criticalFallbackMs (Auto only): HTTP is tried next, and `why` says so.
    bool stayedCritical(bool critical, qint64 nowMs, QString *why);

private:
    const ConnectionConfig &m_config;
    int m_failures = 0;           ///< WebSocket attempts that failed in a row
    bool m_refused = false;       ///< something on the way refused the WebSocket upgrade
    bool m_attemptIsHttp = false; ///< the current (or last) attempt goes over HTTP
    QString m_httpReason;         ///< why the next attempt goes over HTTP, when decided
    HttpTransport::Mode m_httpMode = HttpTransport::Mode::Sse;
    qint64 m_criticalSince = -1;
};

} // namespace vigil
