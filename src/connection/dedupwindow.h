#pragma once

#include <QHash>
#include <QString>

#include <deque>

namespace vigil {

/// \brief Remembers recently seen message ids, bounded both by count and by age, so a
/// replayed or re-sent message is dropped while memory stays flat under a flood.
class DedupWindow
{
public:
    DedupWindow(int capacity = 10000, qint64 maxAgeMs = 10 * 60 * 1000);

    /// Returns true if `id` was seen within the window (a duplicate); otherwise records it.
    bool seen(const QString &id, qint64 nowMs);
    [[nodiscard]] int size() const { return int(m_order.size()); }
    void clear();

private:
    void expire(qint64 nowMs);

    int m_capacity;
    qint64 m_maxAgeMs;
    QHash<QString, qint64> m_seenAt;
    std::deque<std::pair<QString, qint64>> m_order;
};

} // namespace vigil
