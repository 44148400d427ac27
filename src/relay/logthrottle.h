#pragma once

#include <QElapsedTimer>
#include <QHash>
#include <QString>

namespace vigil {

/// \brief Keeps a flood of alike log lines (one per refused request, say) down to one line per
/// kind and interval, and tells how many were held back in the next line of that kind.
///
/// An attacker decides how often the relay would otherwise log; this decides it instead. Kinds
/// are a small fixed set chosen by the caller, never taken from the peer.
class LogThrottle
{
public:
    explicit LogThrottle(qint64 intervalMs = 10000);

    /// True when a line of `kind` may be written now. `held` then holds how many lines of that
    /// kind were held back since the last one written (0 when none).
    bool allow(const QString &kind, int *held);
    /// " (N more like this not logged)" for `held` > 0, else empty: a suffix for the line.
    [[nodiscard]] static QString heldNote(int held);

private:
    struct Entry
    {
        qint64 lastMs = -1;
        int held = 0;
    };
    QHash<QString, Entry> m_entries;
    QElapsedTimer m_clock;
    qint64 m_intervalMs;
};

} // namespace vigil
