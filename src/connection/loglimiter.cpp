#include "loglimiter.h"

#include "protocol/logging.h"

namespace vigil {

LogLimiter::LogLimiter(int burst, int intervalMs, Summary summary, QObject *parent)
    : QObject(parent)
    , m_burst(std::max(1, burst))
    , m_intervalMs(std::max(1, intervalMs))
    , m_summary(std::move(summary))
{
    if (!m_summary) {
        m_summary = [](const QString &kind, int suppressed, int interval) {
            qCWarning(lcNet).noquote()
                << suppressed << "more" << QStringLiteral("\"%1\"").arg(kind)
                << "lines like this suppressed in the last" << (interval + 999) / 1000 << "s";
        };
    }
    m_clock.start();
    m_flushTimer.setSingleShot(true);
    connect(&m_flushTimer, &QTimer::timeout, this, &LogLimiter::flush);
}

bool LogLimiter::allow(const QString &kind)
{
    return allow(kind, m_clock.elapsed());
}

bool LogLimiter::allow(const QString &kind, qint64 nowMs)
{
    Window &w = m_windows[kind];
    if (w.written == 0 && w.suppressed == 0) {
        w.startMs = nowMs;
    } else if (nowMs - w.startMs >= m_intervalMs) {
        // A new interval: say what the last one left out, then start counting again.
        if (w.suppressed > 0 && m_summary)
            m_summary(kind, w.suppressed, m_intervalMs);
        w = Window{nowMs, 0, 0};
    }
    if (w.written < m_burst) {
        ++w.written;
        return true;
    }
    ++w.suppressed;
    ++m_suppressedTotal;
    if (!m_flushTimer.isActive())
        m_flushTimer.start(m_intervalMs);
    return false;
}

void LogLimiter::flush()
{
    for (auto it = m_windows.begin(); it != m_windows.end(); ++it) {
        if (it->suppressed > 0 && m_summary)
            m_summary(it.key(), it->suppressed, m_intervalMs);
        it->suppressed = 0;
    }
    // Kinds that went quiet are forgotten, so the table does not grow.
    const qint64 now = m_clock.elapsed();
    for (auto it = m_windows.begin(); it != m_windows.end();) {
        if (now - it->startMs >= m_intervalMs)
            it = m_windows.erase(it);
        else
            ++it;
    }
}

} // namespace vigil
