#include "dedupwindow.h"

#include <algorithm>

namespace vigil {

DedupWindow::DedupWindow(int capacity, qint64 maxAgeMs)
    : m_capacity(std::max(1, capacity))
    , m_maxAgeMs(maxAgeMs)
{}

bool DedupWindow::seen(const QString &id, qint64 nowMs)
{
    expire(nowMs);
    if (m_seenAt.contains(id))
        return true;
    m_seenAt.insert(id, nowMs);
    m_order.emplace_back(id, nowMs);
    while (int(m_order.size()) > m_capacity) {
        m_seenAt.remove(m_order.front().first);
        m_order.pop_front();
    }
    return false;
}

void DedupWindow::expire(qint64 nowMs)
{
    while (!m_order.empty() && nowMs - m_order.front().second > m_maxAgeMs) {
        m_seenAt.remove(m_order.front().first);
        m_order.pop_front();
    }
}

void DedupWindow::clear()
{
    m_seenAt.clear();
    m_order.clear();
}

} // namespace vigil
