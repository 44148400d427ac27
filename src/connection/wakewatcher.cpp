#include "wakewatcher.h"

#include <QNetworkInformation>

#include <cstdlib>

namespace vigil {

WakeWatcher::WakeWatcher(int checkIntervalMs, int jumpThresholdMs, QObject *parent)
    : QObject(parent)
    , m_thresholdMs(jumpThresholdMs)
{
    setClock(Clock::system());
    connect(&m_timer, &QTimer::timeout, this, &WakeWatcher::check);
    m_timer.start(checkIntervalMs);
    if (QNetworkInformation::loadBackendByFeatures(QNetworkInformation::Feature::Reachability)) {
        connect(QNetworkInformation::instance(), &QNetworkInformation::reachabilityChanged, this,
                [this](QNetworkInformation::Reachability reachability) {
                    Q_EMIT linkCheckAdvised(
                        tr("network reachability changed to %1").arg(int(reachability)));
                });
    }
}

void WakeWatcher::setClock(Clock clock)
{
    m_clock = std::move(clock);
    m_lastMono = m_clock.monotonicMs();
    m_lastWall = m_clock.wallMs();
}

void WakeWatcher::check()
{
    const qint64 mono = m_clock.monotonicMs();
    const qint64 wall = m_clock.wallMs();
    const qint64 drift = (wall - m_lastWall) - (mono - m_lastMono);
    m_lastMono = mono;
    m_lastWall = wall;
    if (std::llabs(drift) > m_thresholdMs) {
        Q_EMIT linkCheckAdvised(
            tr("the clock jumped by %1 s (the machine slept, or the time was changed)")
                .arg(drift / 1000));
    }
}

} // namespace vigil
