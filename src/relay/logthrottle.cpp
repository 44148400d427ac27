#include "logthrottle.h"

namespace vigil {

LogThrottle::LogThrottle(qint64 intervalMs)
    : m_intervalMs(intervalMs)
{
    m_clock.start();
}

bool LogThrottle::allow(const QString &kind, int *held)
{
    Entry &entry = m_entries[kind];
    const qint64 now = m_clock.elapsed();
    if (entry.lastMs >= 0 && now - entry.lastMs < m_intervalMs) {
        ++entry.held;
        return false;
    }
    *held = entry.held;
    entry.held = 0;
    entry.lastMs = now;
    return true;
}

QString LogThrottle::heldNote(int held)
{
    return held > 0 ? QStringLiteral(" (%1 more like this not logged)").arg(held) : QString();
}

} // namespace vigil
