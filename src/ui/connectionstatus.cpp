#include "connectionstatus.h"

#include "connection/connectionview.h"
#include "protocol/logging.h"

#include <QDateTime>

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

void ConnectionStatus::attach(ConnectionView *manager)
{
    if (m_manager)
        disconnect(m_manager, nullptr, this, nullptr);
    m_manager = manager;
    m_missedChannels.clear();
    m_reloadingChannels.clear();
    m_resetChannels.clear();
    m_rttMs = -1;
    Q_EMIT rttChanged();
    if (!manager) {
        update(QString());
        return;
    }
    connect(manager, &ConnectionView::stateChanged, this,
            [this](ConnectionManager::State, const QString &reason) { update(reason); });
    connect(manager, &ConnectionView::rttMeasured, this, [this](qint64 ms) {
        m_rttMs = int(ms);
        Q_EMIT rttChanged();
    });
    connect(manager, &ConnectionView::transportChanged, this,
            [this](const QString &, const QString &reason) { update(reason); });
    connect(manager, &ConnectionView::reconnectScheduled, this, [this](int, int delayMs) {
        m_retryAt = m_clock.elapsed() + delayMs;
        refreshBanner();
    });
    connect(manager, &ConnectionView::stalledChanged, this, [this](bool) { refreshBanner(); });
    connect(manager, &ConnectionView::recoveryFailed, this, [this](const QString &channel) {
        m_reloadingChannels.removeAll(channel);
        if (!m_missedChannels.contains(channel))
            m_missedChannels.append(channel);
        refreshBanner();
    });
    connect(manager, &ConnectionView::reloadFinished, this, [this](const QString &channel) {
        m_reloadingChannels.removeAll(channel);
        refreshBanner();
    });
    connect(manager, &ConnectionView::historyReset, this,
            [this](const QStringList &channels, const QString &) {
                for (const QString &channel : channels) {
                    if (!m_resetChannels.contains(channel))
                        m_resetChannels.append(channel);
                }
                refreshBanner();
            });
    update(QString());
}

QString ConnectionStatus::transport() const
{
    return m_manager ? m_manager->transportName() : QStringLiteral("websocket");
}

bool ConnectionStatus::overHttp() const
{
    return m_manager && m_manager->transportName() != u"websocket";
}

QString ConnectionStatus::fallbackReason() const
{
    return m_manager ? m_manager->fallbackReason() : QString();
}

QString ConnectionStatus::transportNotice() const
{
    if (!overHttp())
        return {};
    if (m_manager->transportPreference() == TransportPreference::Auto)
        return tr("Using HTTP fallback - WebSocket is blocked");
    // The reason (the banner's detail) says it was the operator's choice.
    return tr("Using HTTP (%1)").arg(m_manager->transportName().toUpper());
}

QStringList ConnectionStatus::transportChoices()
{
    QStringList names;
    for (TransportPreference preference :
         {TransportPreference::Auto, TransportPreference::WebSocket, TransportPreference::Sse,
          TransportPreference::Poll})
        names.append(transportPreferenceName(preference));
    return names;
}

QString ConnectionStatus::transportPreference() const
{
    return m_manager ? transportPreferenceName(m_manager->transportPreference())
                     : QStringLiteral("auto");
}

int ConnectionStatus::transportChoice() const
{
    return int(std::max<qsizetype>(0, transportChoices().indexOf(transportPreference())));
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
    if (m_banner == Missed) {
        // Reload: the affected channels start again from the beginning of what the server
        // holds; the banner stays ("reloading") until their replay is done.
        const QStringList channels = std::exchange(m_missedChannels, {});
        for (const QString &channel : channels) {
            if (!m_reloadingChannels.contains(channel))
                m_reloadingChannels.append(channel);
        }
        if (m_manager)
            m_manager->reload(channels);
    } else if (m_banner == HistoryReset) {
        m_resetChannels.clear(); // read and understood
    } else if (!m_bannerAction.isEmpty()) {
        reconnect();
    }
    refreshBanner();
}

bool ConnectionStatus::stalled() const
{
    return m_manager && m_manager->stalled();
}

int ConnectionStatus::secondsUntilRetry() const
{
    const qint64 left = std::max<qint64>(0, m_retryAt - m_clock.elapsed());
    return int((left + 999) / 1000);
}

void ConnectionStatus::refreshSummary()
{
    using State = ConnectionManager::State;
    QString summary;
    Tone::Value tone = Tone::Idle;
    int countdown = -1;
    if (m_manager) {
        const State state = m_manager->state();
        const qint64 since = m_manager->unreachableSinceMs();
        const QString sinceText =
            since >= 0 ? QDateTime::fromMSecsSinceEpoch(since).toString(QStringLiteral("HH:mm:ss"))
                       : QString();
        const QString silent = tr("no answer for %1 s").arg(m_manager->silentForMs() / 1000);
        switch (state) {
        case State::Connected:
            summary = stalled() ? tr("Connected - %1").arg(silent) : tr("Connected");
            tone = stalled() ? Tone::Warning : Tone::Ok;
            break;
        case State::Fallback:
            summary = tr("Using HTTP fallback (%1)").arg(m_manager->transportName().toUpper());
            if (stalled())
                summary += QStringLiteral(" - ") + silent;
            tone = Tone::Warning;
            break;
        case State::Connecting:
            summary = sinceText.isEmpty()
                          ? tr("Connecting")
                          : tr("Server unreachable since %1 - trying now").arg(sinceText);
            tone = sinceText.isEmpty() ? Tone::Warning : Tone::Danger;
            break;
        case State::Reconnecting:
            countdown = secondsUntilRetry();
            summary = sinceText.isEmpty() ? tr("Reconnecting in %1 s").arg(countdown)
                                          : tr("Server unreachable since %1 - retrying in %2 s")
                                                .arg(sinceText)
                                                .arg(countdown);
            tone = Tone::Danger;
            break;
        case State::Error:
            if (m_manager->unauthorized()) {
                summary = tr("Unauthorized");
            } else if (m_manager->breakerOpen()) {
                countdown = secondsUntilRetry();
                summary = sinceText.isEmpty() ? tr("Gave up - next try in %1 s").arg(countdown)
                                              : tr("Server unreachable since %1 - next try in %2 s")
                                                    .arg(sinceText)
                                                    .arg(countdown);
            } else {
                summary = tr("Connection error");
            }
            tone = Tone::Danger;
            break;
        case State::Disconnected:
            summary = tr("Disconnected");
            break;
        case State::Closed:
            summary = tr("Closed");
            break;
        }
    } else {
        summary = tr("Not connected");
    }
    if (summary == m_summary && tone == m_tone && countdown == m_countdown)
        return;
    m_summary = summary;
    m_tone = tone;
    m_countdown = countdown;
    Q_EMIT changed();
}

void ConnectionStatus::setQueuedCount(std::function<int()> queued)
{
    m_queued = std::move(queued);
    refreshBanner();
}

void ConnectionStatus::refreshBanner()
{
    using State = ConnectionManager::State;
    refreshSummary();
    Banner banner = NoBanner;
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
        banner = Unauthorized;
        text = tr("Unauthorized - check your token");
    } else if (m_manager && state == State::Error && m_manager->breakerOpen()) {
        banner = GaveUp;
        text = tr("Gave up after %n attempt(s)", nullptr, m_manager->breakerFailures()) +
               QStringLiteral(" - ") + tr("next try in %1 s").arg(m_countdown);
        action = tr("Retry");
    } else if (state == State::Reconnecting) {
        banner = Reconnecting;
        text = tr("Reconnecting in %1 s (attempt %2)").arg(m_countdown).arg(m_manager->attempt());
        if (!offline.isEmpty())
            text = offline + QStringLiteral(". ") + text;
        action = tr("Retry now");
    } else if (state != State::Connected && state != State::Fallback && !offline.isEmpty()) {
        banner = Offline;
        text = offline;
        action = tr("Retry now");
    } else if (!m_missedChannels.isEmpty()) {
        banner = Missed;
        text = tr("Missed messages could not be recovered (%1)")
                   .arg(m_missedChannels.join(QStringLiteral(", ")));
        action = tr("Reload");
    } else if (!m_reloadingChannels.isEmpty()) {
        banner = Reloading;
        text = tr("Reloading %1 from the server...")
                   .arg(m_reloadingChannels.join(QStringLiteral(", ")));
    } else if (!m_resetChannels.isEmpty()) {
        banner = HistoryReset;
        text = tr("The server restarted without its history: everything it holds was loaded "
                  "again, but messages from before its restart could not be checked (%1)")
                   .arg(m_resetChannels.join(QStringLiteral(", ")));
        action = tr("Dismiss");
    } else if (state == State::Fallback) {
        banner = Fallback;
        text = tr("Using HTTP fallback");
    }
    // The countdown and "no answer for N s" must move: one tick a second while either shows.
    if (m_countdown >= 0 || stalled()) {
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
    m_stateValue = state;
    m_state = ConnectionManager::stateName(state);
    m_detail = reason;
    m_url = m_manager->currentUrl()
                .adjusted(QUrl::RemoveUserInfo | QUrl::RemoveQuery | QUrl::RemoveFragment)
                .toString();
    if (state != State::Connected && state != State::Fallback) {
        m_rttMs = -1;
        Q_EMIT rttChanged();
    }
    if (state == State::Error && m_manager->breakerOpen())
        m_retryAt = m_clock.elapsed() + m_manager->nextDelayMs();
    Q_EMIT changed();
    refreshBanner();
    qCDebug(lcUi).noquote() << "status" << m_state << m_summary;
}

QString ConnectionStatus::bannerName(Banner banner)
{
    switch (banner) {
    case NoBanner:
        break;
    case Offline:
        return QStringLiteral("offline");
    case Reconnecting:
        return QStringLiteral("reconnecting");
    case GaveUp:
        return QStringLiteral("gave-up");
    case Unauthorized:
        return QStringLiteral("unauthorized");
    case Missed:
        return QStringLiteral("missed");
    case Reloading:
        return QStringLiteral("reloading");
    case HistoryReset:
        return QStringLiteral("history-reset");
    case Fallback:
        return QStringLiteral("fallback");
    }
    return {};
}

Tone::Value ConnectionStatus::bannerTone() const
{
    switch (m_banner) {
    case NoBanner:
        return Tone::Idle;
    case Unauthorized:
    case GaveUp:
        return Tone::Danger;
    default:
        return Tone::Warning;
    }
}

} // namespace vigil
