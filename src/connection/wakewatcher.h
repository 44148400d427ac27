#pragma once

#include "clock.h"

#include <QObject>
#include <QTimer>

namespace vigil {

/// \brief Notices when the link may have died without a word: the machine slept (the
/// monotonic and wall clocks disagree afterwards) or the network's reachability changed.
///
/// It only tells; the ConnectionManager checks the link at once instead of waiting for the
/// next heartbeat.
class WakeWatcher : public QObject
{
    Q_OBJECT
public:
    WakeWatcher(int checkIntervalMs, int jumpThresholdMs, QObject *parent = nullptr);

    void setClock(Clock clock);
    /// Compares the clocks now (a timer does it every checkIntervalMs).
    void check();

Q_SIGNALS:
    /// Something happened after which the link should be checked; `reason` says what.
    void linkCheckAdvised(const QString &reason);

private:
    int m_thresholdMs;
    Clock m_clock;
    QTimer m_timer;
    qint64 m_lastMono = 0;
    qint64 m_lastWall = 0;
};

} // namespace vigil
