#pragma once

#include "cppownedsingleton.h"
#include "livelistmodel.h"

#include <QDateTime>
#include <QHash>
#include <QPointF>
#include <QPointer>
#include <QSet>
#include <QtQml/qqmlregistration.h>

#include <deque>
#include <functional>
#include <optional>

class QQmlEngine;
class QJSEngine;
class QXYSeries;

namespace vigil {

/// The figures one source (an agent, or "cluster") reported last, and how many are kept.
struct MetricSeries
{
    QString id; ///< the source: an agent id, or "cluster" for the whole system
    std::optional<double> cpu;
    std::optional<double> memory;
    int samples = 0;
    qint64 lastAt = 0; ///< ms since the epoch
};

/// \brief A bounded history of CPU and memory per agent, from `metric.update` (and the figures
/// of `agent.status`), for the Agents page's live charts.
///
/// Fed by the FeedRouter like the list models: its rows are the sources (roles `source`, `cpu`,
/// `memory`, `samples`, `lastAt`), newest first; each keeps its last kHistoryMs of samples, at
/// most kMaxSamples, and the list at most `capacity` sources, so a console left open for days,
/// or a flood, does not grow. Charts are fed from C++ like the Health page's: a chart hands
/// its series over with attachSeries() naming the source and the figure, and each frame with
/// new samples replaces the series' points in one call (QXYSeries::replace). Emptied with the
/// other feeds when the session changes.
class AgentMetrics : public vigil::LiveListModel, public CppOwnedSingleton<AgentMetrics>
{
    Q_OBJECT
    QML_ELEMENT
    QML_SINGLETON
    /// The time axis of the charts: the history there is, at least a minute, at most kHistoryMs
    Q_PROPERTY(QDateTime windowStart READ windowStart NOTIFY windowChanged)
    Q_PROPERTY(QDateTime windowEnd READ windowEnd NOTIFY windowChanged)
public:
    static constexpr qint64 kHistoryMs = 10 * 60 * 1000;
    static constexpr qint64 kMinimumWindowMs = 60 * 1000;
    static constexpr int kMaxSamples = 600;

    enum Role { SourceRole = Qt::UserRole + 1, CpuRole, MemoryRole, SamplesRole, LastAtRole };
    Q_ENUM(Role)

    /// One reading; a figure the message did not carry is empty.
    struct Sample
    {
        qint64 at = 0;
        std::optional<double> cpu;
        std::optional<double> memory;
    };

    // No default argument for the parent: see feedmodels.h.
    explicit AgentMetrics(QObject *parent, int capacity = 1000);

    void record(const Envelope &envelope) override;
    [[nodiscard]] QStringList channels() const override
    {
        return {QStringLiteral("metrics"), QStringLiteral("agents")};
    }

    /// Hands a chart series over: from now on it shows `metric` ("cpu" or "memory") of `source`.
    /// Calling it again for the same series switches it to another source.
    Q_INVOKABLE bool attachSeries(QObject *series, const QString &source, const QString &metric);

    /// The samples kept for `source`, oldest first (tests, and the charts).
    [[nodiscard]] std::deque<Sample> history(const QString &source) const
    {
        return m_history.value(source);
    }
    /// The points a series of `metric` of `source` gets: (ms since the epoch, percent).
    [[nodiscard]] QList<QPointF> points(const QString &source, const QString &metric) const;
    [[nodiscard]] QDateTime windowStart() const;
    [[nodiscard]] QDateTime windowEnd() const;

Q_SIGNALS:
    void windowChanged();

protected:
    void afterFlush() override;

private:
    struct Attached
    {
        QPointer<QXYSeries> series;
        QString source;
        QString metric;
    };
    void add(const QString &source, const Sample &sample);
    void feed(const Attached &attached) const;

    LiveRows<MetricSeries> m_rows;
    QHash<QString, std::deque<Sample>> m_history; ///< per source, oldest first
    QSet<QString> m_changed;                      ///< sources with new samples since the last flush
    QList<Attached> m_attached;
    qint64 m_latest = 0; ///< the newest sample's time, of any source
};

} // namespace vigil
