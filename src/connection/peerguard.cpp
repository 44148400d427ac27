#include "peerguard.h"

namespace vigil {

bool BadFrameWindow::record(qint64 nowMs)
{
    if (m_limit <= 0)
        return false;
    while (!m_times.empty() && nowMs - m_times.front() >= m_windowMs)
        m_times.pop_front();
    m_times.push_back(nowMs);
    if (int(m_times.size()) < m_limit)
        return false;
    m_times.clear();
    return true;
}

qint64 OversizeGuard::record(const QString &positions, const QString &replaying, qint64 since)
{
    if (positions == m_positions) {
        ++m_count;
    } else {
        m_positions = positions;
        m_count = 1;
    }
    if (m_count < m_repeats || replaying.isEmpty() || since < 0)
        return -1;
    // Skipping moves the positions: the next close, if any, starts counting afresh.
    m_positions.clear();
    m_count = 0;
    return since + 1;
}

void OversizeGuard::clear()
{
    m_positions.clear();
    m_count = 0;
}

} // namespace vigil
