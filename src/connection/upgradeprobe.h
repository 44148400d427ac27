#pragma once

#include "reconnectpolicy.h"
#include "serverendpoint.h"
#include "websocketlink.h"

#include <QObject>
#include <QPointer>
#include <QTimer>
#include <QUrl>

#include <functional>

namespace vigil {

/// \brief While the client is on the HTTP fallback: tries now and then whether a WebSocket
/// to the server opens again, on a backoff of its own, and says so when one does.
///
/// A probe only opens and closes a link; it carries nothing. What to do when WebSocket works
/// again (leave the fallback, reconnect) is the ConnectionManager's decision.
class UpgradeProbe : public QObject
{
    Q_OBJECT
public:
    UpgradeProbe(ReconnectPolicy policy, QObject *parent = nullptr);

    void setRandomSource(std::function<double()> uniform01) { m_uniform01 = std::move(uniform01); }
    /// Starts probing `url` (after the policy's first delay) with `endpoint`'s credentials.
    void start(const QUrl &url, const ServerEndpoint &endpoint, WebSocketLink::Limits limits);
    void stop();

Q_SIGNALS:
    /// A WebSocket opened (and was closed again): probing has stopped.
    void webSocketWorks();

private:
    void schedule();
    void probe();
    void dropLink();

    ReconnectPolicy m_policy;
    std::function<double()> m_uniform01;
    QUrl m_url;
    ServerEndpoint m_endpoint;
    WebSocketLink::Limits m_limits;
    QTimer m_timer;
    QPointer<WebSocketLink> m_link;
    int m_attempts = 0;
};

} // namespace vigil
