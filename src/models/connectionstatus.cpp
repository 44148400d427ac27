#include "connectionstatus.h"

#include "connection/connectionmanager.h"
#include "protocol/logging.h"

namespace vigil {

ConnectionStatus::ConnectionStatus(QObject *parent)
    : QObject(parent)
    , m_summary(tr("Not connected"))
{
    m_clock.start();
    // A countdown on screen must move: one tick a second, only while one is shown.
    m_tick.setInterval(1000);
    connect(&m_tick, &QTimer::timeout, this, &ConnectionStatus::refreshBanner);
}

void ConnectionStatus::attach(ConnectionManager *manager)
{
    if (m_manager)
        disconnect(m_manager, nullptr, this, nullptr);
    m_manager = manager;
    m_missedChannels.clear();
    m_rttMs = -1;
    Q_EMIT rttChanged();
    if (!manager) {
        update(QString());
        return;
    }
    connect(manager, &ConnectionManager::stateChanged, this,
            [this](ConnectionManager::State, const QString &reason) { update(reason); });
    connect(manager, &ConnectionManager::rttMeasured, this, [this](qint64 ms) {
        m_rttMs = int(ms);
        Q_EMIT rttChanged();
    });
    connect(manager, &ConnectionManager::transportChanged, this,
            [this](const QString &, const QString &reason) { update(reason); });
    connect(manager, &ConnectionManager::reconnectScheduled, this, [this](int, int delayMs) {
        m_retryAt = m_clock.elapsed() + delayMs;
        refreshBanner();
    });
    connect(manager, &ConnectionManager::recoveryFailed, this, [this](const QString &channel) {
        if (!m_missedChannels.contains(channel))
            m_missedChannels.append(channel);
        refreshBanner();
    });
    update(QString());
}

QString ConnectionStatus::transport() const
{
    return m_manager ? m_manager->transportName() : QStringLiteral("websocket");
}

QString ConnectionStatus::fallbackReason() const
{
    return m_manager ? m_manager->fallbackReason() : QString();
}

QString ConnectionStatus::transportPreference() const
{
    return m_manager ? transportPreferenceName(m_manager->transportPreference())
                     : QStringLiteral("auto");
}

void ConnectionStatus::setTransportPreference(const QString &name)
{
    const auto preference = transportPreferenceFromName(name);
    if (!m_manager || !preference) {
        qCWarning(lcUi).noquote() << "unknown transport" << name;
        return;
    }
    m_manager->setTransportPreference(*preference);
    update(tr("transport set to %1").arg(name));
}

void ConnectionStatus::reconnect()
{
    if (m_manager)
        m_manager->reconnectNow();
}

void ConnectionStatus::triggerBannerAction()
{
    if (m_banner == u"missed") {
        // Reload: subscribe afresh; what the server still has is replayed.
        m_missedChannels.clear();
        reconnect();
    } else if (!m_bannerAction.isEmpty()) {
        reconnect();
    }
    refreshBanner();
}

void ConnectionStatus::setQueuedCount(std::function<int()> queued)
{
    m_queued = std::move(queued);
    refreshBanner();
}

void ConnectionStatus::refreshBanner()
{
    using State = ConnectionManager::State;
    QString banner;
    QString text;
    QString action;
    const int queued = m_queued ? m_queued() : 0;
    const QString offline = queued > 0
                                ? tr("Offline - %n action(s) queued, they will be sent when the "
                                     "connection returns",
                                     nullptr, queued)
                                : QString();
    const State state = m_manager ? m_manager->state() : State::Disconnected;
    if (m_manager && m_manager->unauthorized()) {
        banner = QStringLiteral("unauthorized");
        text = tr("Unauthorized - check your token");
    } else if (m_manager && state == State::Error && m_manager->breaker().isOpen()) {
        banner = QStringLiteral("gave-up");
        text = tr("Gave up after %n attempt(s)", nullptr, m_manager->breaker().failures());
        action = tr("Retry");
    } else if (state == State::Reconnecting) {
        banner = QStringLiteral("reconnecting");
        const qint64 left = std::max<qint64>(0, m_retryAt - m_clock.elapsed());
        text = tr("Reconnecting in %1 s (attempt %2)")
                   .arg((left + 999) / 1000)
                   .arg(m_manager->attempt());
        if (!offline.isEmpty())
            text = offline + QStringLiteral(". ") + text;
        action = tr("Retry now");
    } else if (state != State::Connected && state != State::Fallback && !offline.isEmpty()) {
        banner = QStringLiteral("offline");
        text = offline;
        action = tr("Retry now");
    } else if (!m_missedChannels.isEmpty()) {
        banner = QStringLiteral("missed");
        text = tr("Missed messages could not be recovered (%1)")
                   .arg(m_missedChannels.join(QStringLiteral(", ")));
        action = tr("Reload");
    } else if (state == State::Fallback) {
        banner = QStringLiteral("fallback");
        text = tr("Using HTTP fallback");
    }
    if (banner == u"reconnecting") {
        if (!m_tick.isActive())
            m_tick.start();
    } else {
        m_tick.stop();
    }
    if (banner == m_banner && text == m_bannerText && action == m_bannerAction)
        return;
    m_banner = banner;
    m_bannerText = text;
    m_bannerAction = action;
    Q_EMIT bannerChanged();
}

void ConnectionStatus::update(const QString &reason)
{
    if (!m_manager)
        return;
    using State = ConnectionManager::State;
    const State state = m_manager->state();
    m_state = ConnectionManager::stateName(state);
    m_detail = reason;
    m_url = m_manager->currentUrl()
                .adjusted(QUrl::RemoveUserInfo | QUrl::RemoveQuery | QUrl::RemoveFragment)
                .toString();
    switch (state) {
    case State::Connected:
        m_summary = tr("Connected");
        break;
    case State::Connecting:
        m_summary = tr("Connecting");
        break;
    case State::Reconnecting:
        m_summary = tr("Reconnecting - attempt %1, next try in %2 s")
                        .arg(m_manager->attempt())
                        .arg((m_manager->nextDelayMs() + 999) / 1000);
        break;
    case State::Disconnected:
        m_summary = tr("Disconnected");
        break;
    case State::Error:
        m_summary = tr("Connection error");
        break;
    case State::Closed:
        m_summary = tr("Closed");
        break;
    case State::Fallback:
        m_summary = tr("Using HTTP fallback (%1)").arg(m_manager->transportName().toUpper());
        break;
    }
    if (state != State::Connected) {
        m_rttMs = -1;
        Q_EMIT rttChanged();
    }
    qCDebug(lcUi).noquote() << "status" << m_state << m_summary;
    Q_EMIT changed();
    refreshBanner();
}

} // namespace vigil
