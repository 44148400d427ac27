#include "upgradeprobe.h"

#include "protocol/logging.h"

#include <QRandomGenerator>

namespace vigil {

UpgradeProbe::UpgradeProbe(ReconnectPolicy policy, QObject *parent)
    : QObject(parent)
    , m_policy(policy)
    , m_uniform01([] { return QRandomGenerator::global()->generateDouble(); })
{
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &UpgradeProbe::probe);
}

void UpgradeProbe::start(const QUrl &url, const ServerEndpoint &endpoint,
                         WebSocketLink::Limits limits)
{
    stop();
    m_url = url;
    m_endpoint = endpoint;
    m_limits = limits;
    m_attempts = 0;
    schedule();
}

void UpgradeProbe::stop()
{
    m_timer.stop();
    dropLink();
}

void UpgradeProbe::schedule()
{
    m_timer.start(m_policy.delayMs(++m_attempts, m_uniform01));
}

void UpgradeProbe::dropLink()
{
    if (WebSocketLink *link = m_link) {
        m_link = nullptr;
        link->disconnect(this);
        link->close(false);
        link->deleteLater();
    }
}

void UpgradeProbe::probe()
{
    dropLink();
    auto *link = new WebSocketLink(m_endpoint, m_limits, this);
    m_link = link;
    connect(link, &WebSocketLink::opened, this, [this, link] {
        m_link = nullptr;
        link->disconnect(this);
        link->close(true);
        link->deleteLater();
        qCInfo(lcNet) << "WebSocket works again: leaving the HTTP fallback";
        Q_EMIT webSocketWorks();
    });
    connect(link, &WebSocketLink::failed, this, [this](const LinkFailure &failure) {
        qCDebug(lcNet).noquote() << "WebSocket probe failed:" << failure.reason;
        dropLink();
        schedule();
    });
    link->open(m_url);
}

} // namespace vigil
