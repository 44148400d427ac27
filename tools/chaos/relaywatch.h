#pragma once

#include "journal.h"

#include <QElapsedTimer>
#include <QList>
#include <QNetworkAccessManager>
#include <QObject>
#include <QPair>
#include <QPointer>
#include <QTimer>
#include <QUrl>

#include <functional>

namespace vigil::chaos {

/// VmRSS in KiB and the number of open descriptors of `pid`; -1 when it is gone.
[[nodiscard]] QPair<qint64, qint64> resourcesOf(qint64 pid);
/// CPU time (user and system) `pid` has used, in ms; -1 when it is gone.
[[nodiscard]] qint64 cpuMsOf(qint64 pid);

/// \brief Follows the relay closely while a chaos run goes on: every second its resident
/// memory (VmRSS) and CPU time, and those of any other process it is told to watch (the
/// hostile peers), how long the relay takes to answer `GET /api/health` (a relay that blocks
/// its event loop answers late) and what it says it holds, and the machine's load average. Every
/// sample is a line of `watch.jsonl`, which the result's relay figures are made from
/// (runfigures.h).
///
/// With a limit, overLimit() is emitted once, the first time the relay's RSS is above it.
class RelayWatch : public QObject
{
    Q_OBJECT
public:
    RelayWatch(const QString &journalPath, QObject *parent = nullptr);

    /// Follows the process `pid()` names, as `name` (the relay must be "relay").
    void watch(const QString &name, std::function<qint64()> pid);
    void setHealthUrl(const QUrl &url) { m_healthUrl = url; }
    void setRssLimitKb(qint64 kb) { m_limitKb = kb; }
    void start();
    void stop();
    [[nodiscard]] qint64 maxRssKb() const { return m_maxRssKb; }

Q_SIGNALS:
    void overLimit(qint64 rssKb);

private:
    void sample();
    void probe();

    Journal m_journal;
    QList<QPair<QString, std::function<qint64()>>> m_watched;
    QNetworkAccessManager m_network;
    QPointer<QNetworkReply> m_probe;
    QElapsedTimer m_probeClock;
    QUrl m_healthUrl;
    QTimer m_timer;
    qint64 m_limitKb = 0;
    qint64 m_maxRssKb = 0;
    bool m_signalled = false;
};

} // namespace vigil::chaos
