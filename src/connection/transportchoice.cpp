#include "transportchoice.h"

#include <QCoreApplication>

#include <algorithm>
#include <utility>

namespace vigil {

TransportChoice::TransportChoice(const ConnectionConfig &config)
    : m_config(config)
{}

bool TransportChoice::nextIsHttp() const
{
    switch (m_config.transport) {
    case TransportPreference::Sse:
    case TransportPreference::Poll:
        return true;
    case TransportPreference::WebSocket:
        return false;
    case TransportPreference::Auto:
        break;
    }
    // WebSocket first; once it kept failing (or was refused on the way), attempts alternate
    // between HTTP and WebSocket, each one drawing from the same backoff.
    return (m_refused || m_failures >= m_config.fallbackAfterFailures) && !m_attemptIsHttp;
}

QString TransportChoice::takeHttpReason()
{
    if (!m_httpReason.isEmpty())
        return std::exchange(m_httpReason, QString());
    if (m_config.transport != TransportPreference::Auto)
        return QCoreApplication::translate("vigil::TransportChoice",
                                           "chosen by the operator (transport %1)")
            .arg(transportPreferenceName(m_config.transport));
    if (m_refused)
        return QCoreApplication::translate("vigil::TransportChoice",
                                           "the WebSocket upgrade is refused on the way");
    return QCoreApplication::translate("vigil::TransportChoice",
                                       "WebSocket failed %1 times in a row")
        .arg(m_failures);
}

HttpTransport::Mode TransportChoice::httpMode() const
{
    if (m_config.transport == TransportPreference::Sse)
        return HttpTransport::Mode::Sse;
    if (m_config.transport == TransportPreference::Poll)
        return HttpTransport::Mode::Poll;
    return m_httpMode;
}

void TransportChoice::attemptFailed(bool wasConnected)
{
    if (!wasConnected && !m_attemptIsHttp)
        ++m_failures;
}

void TransportChoice::webSocketWorks()
{
    m_failures = 0;
    m_refused = false;
    m_attemptIsHttp = false;
    m_criticalSince = -1;
}

bool TransportChoice::stayedCritical(bool critical, qint64 nowMs, QString *why)
{
    if (m_config.transport != TransportPreference::Auto || !critical) {
        m_criticalSince = -1;
        return false;
    }
    if (m_criticalSince < 0) {
        m_criticalSince = nowMs;
        return false;
    }
    if (nowMs - m_criticalSince < m_config.criticalFallbackMs)
        return false;
    *why = QCoreApplication::translate("vigil::TransportChoice",
                                       "the WebSocket link stayed critical for %1 s")
               .arg((nowMs - m_criticalSince) / 1000);
    m_criticalSince = -1;
    m_failures = std::max(m_failures, m_config.fallbackAfterFailures);
    m_attemptIsHttp = false;
    m_httpReason = *why;
    return true;
}

} // namespace vigil
