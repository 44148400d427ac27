#pragma once

#include <QElapsedTimer>
#include <QHash>
#include <QObject>
#include <QString>
#include <QTimer>

#include <functional>

namespace vigil {

/// \brief Keeps a bad peer from flooding the log: of each kind of line, the first `burst` per
/// interval are written, the rest are counted, and one summary line per interval says how many
/// were left out ("N more like this suppressed in the last 10 s").
///
/// The kind is a short fixed key chosen by the caller ("bad frame", "server error"), never text
/// from the peer, so the number of kinds stays small.
class LogLimiter : public QObject
{
    Q_OBJECT
public:
    /// Receives one summary per kind that had lines suppressed in the interval just ended.
    using Summary = std::function<void(const QString &kind, int suppressed, int intervalMs)>;

    explicit LogLimiter(int burst = 5, int intervalMs = 10000, Summary summary = {},
                        QObject *parent = nullptr);

    /// True when a line of `kind` may be written now; otherwise it is counted for the summary.
    bool allow(const QString &kind);
    /// The same with an explicit clock (ms, monotonic), for tests.
    bool allow(const QString &kind, qint64 nowMs);
    /// Reports what was suppressed so far (the timer does this once per interval).
    void flush();
    [[nodiscard]] int burst() const { return m_burst; }
    [[nodiscard]] int intervalMs() const { return m_intervalMs; }
    /// Lines suppressed since the start, all kinds together.
    [[nodiscard]] quint64 suppressedTotal() const { return m_suppressedTotal; }

private:
    struct Window
    {
        qint64 startMs = 0;
        int written = 0;
        int suppressed = 0;
    };
    int m_burst;
    int m_intervalMs;
    Summary m_summary;
    QHash<QString, Window> m_windows;
    QElapsedTimer m_clock;
    QTimer m_flushTimer;
    quint64 m_suppressedTotal = 0;
};

} // namespace vigil
