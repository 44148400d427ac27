#include "agentmetrics.h"

#include "protocol/logging.h"

#include <QJsonObject>
#include <QXYSeries>

#include <algorithm>

namespace vigil {

namespace {

std::optional<double> number(const QJsonObject &o, QLatin1StringView key)
{
    const QJsonValue v = o.value(key);
    return v.isDouble() ? std::optional(v.toDouble()) : std::nullopt;
}

RowRoles<MetricSeries> seriesRoles()
{
    using M = AgentMetrics;
    using R = MetricSeries;
    return {
        {M::SourceRole, "source", [](const R &r) { return r.id; }},
        {M::CpuRole, "cpu", [](const R &r) { return optionalValue(r.cpu); }},
        {M::MemoryRole, "memory", [](const R &r) { return optionalValue(r.memory); }},
        {M::SamplesRole, "samples", [](const R &r) { return r.samples; }},
        {M::LastAtRole, "lastAt", [](const R &r) { return r.lastAt; }},
    };
}

} // namespace

AgentMetrics::AgentMetrics(QObject *parent, int capacity)
    : LiveListModel(parent, capacity)
    , m_rows(this, seriesRoles())
{}

void AgentMetrics::record(const Envelope &e)
{
    const QJsonObject p = e.payload.toObject();
    const qint64 at = e.timestamp > 0 ? e.timestamp : QDateTime::currentMSecsSinceEpoch();
    QString source;
    Sample sample;
    if (e.type == u"metric.update") {
        const QJsonObject m = p.value(QLatin1StringView("metrics")).toObject();
        source = p.value(QLatin1StringView("source")).toString();
        sample = {at, number(m, QLatin1StringView("cpu")), number(m, QLatin1StringView("memory"))};
    } else if (e.type == u"agent.status") {
        // An agent's status carries its figures too: its chart starts with the first status.
        const std::optional<double> seen = number(p, QLatin1StringView("lastSeen"));
        source = p.value(QLatin1StringView("agentId")).toString();
        sample = {seen ? qint64(*seen) : at, number(p, QLatin1StringView("cpu")),
                  number(p, QLatin1StringView("memory"))};
    } else {
        return;
    }
    if (source.isEmpty() || (!sample.cpu && !sample.memory))
        return;
    add(source, sample);
}

void AgentMetrics::add(const QString &source, const Sample &sample)
{
    std::deque<Sample> &samples = m_history[source];
    // In time order: the agents' and the metrics' replays arrive one channel after the other.
    const auto at = std::upper_bound(samples.begin(), samples.end(), sample.at,
                                     [](qint64 t, const Sample &s) { return t < s.at; });
    samples.insert(at, sample);
    const qint64 newest = samples.back().at;
    while (!samples.empty() &&
           (samples.front().at < newest - kHistoryMs || int(samples.size()) > kMaxSamples))
        samples.pop_front();
    m_latest = std::max(m_latest, newest);
    m_changed.insert(source);

    const Sample last = samples.back();
    const int count = int(samples.size());
    m_rows.upsert(source, [last, count](MetricSeries &row) {
        assignIf(row.cpu, last.cpu);
        assignIf(row.memory, last.memory);
        row.samples = count;
        row.lastAt = last.at;
    });
}

void AgentMetrics::afterFlush()
{
    // The history of a source that left the list (beyond the capacity, or a new session) goes.
    if (m_history.size() > m_rows.all().size()) {
        QSet<QString> listed;
        for (const MetricSeries &row : m_rows.all())
            listed.insert(row.id);
        m_history.removeIf([&](const auto &it) { return !listed.contains(it.key()); });
        if (m_history.isEmpty())
            m_latest = 0;
    }
    m_attached.removeIf([](const Attached &a) { return a.series.isNull(); });
    for (const Attached &attached : std::as_const(m_attached)) {
        if (m_changed.contains(attached.source) || !m_history.contains(attached.source))
            feed(attached);
    }
    m_changed.clear();
    Q_EMIT windowChanged();
}

bool AgentMetrics::attachSeries(QObject *series, const QString &source, const QString &metric)
{
    auto *xy = qobject_cast<QXYSeries *>(series);
    if (!xy || (metric != u"cpu" && metric != u"memory")) {
        qCWarning(lcUi).noquote() << "cannot chart" << metric << "on" << series;
        return false;
    }
    const auto it = std::find_if(m_attached.begin(), m_attached.end(),
                                 [xy](const Attached &a) { return a.series == xy; });
    if (it != m_attached.end())
        *it = {xy, source, metric};
    else
        m_attached.append({xy, source, metric});
    feed({xy, source, metric});
    return true;
}

void AgentMetrics::feed(const Attached &attached) const
{
    if (attached.series)
        attached.series->replace(points(attached.source, attached.metric));
}

QList<QPointF> AgentMetrics::points(const QString &source, const QString &metric) const
{
    if (metric != u"cpu" && metric != u"memory")
        return {};
    const bool cpu = metric == u"cpu";
    QList<QPointF> out;
    const auto it = m_history.constFind(source);
    if (it == m_history.cend())
        return out;
    out.reserve(qsizetype(it->size()));
    for (const Sample &s : *it) {
        const std::optional<double> &value = cpu ? s.cpu : s.memory;
        if (value) // a sample without this figure is no point, never a false zero
            out.append(QPointF(double(s.at), *value));
    }
    return out;
}

QDateTime AgentMetrics::windowEnd() const
{
    return QDateTime::fromMSecsSinceEpoch(m_latest > 0 ? m_latest
                                                       : QDateTime::currentMSecsSinceEpoch());
}

QDateTime AgentMetrics::windowStart() const
{
    qint64 first = m_latest;
    for (const std::deque<Sample> &samples : m_history) {
        if (!samples.empty())
            first = std::min(first, samples.front().at);
    }
    const qint64 end = windowEnd().toMSecsSinceEpoch();
    return QDateTime::fromMSecsSinceEpoch(
        std::min(end - kMinimumWindowMs, std::max(first, end - kHistoryMs)));
}

} // namespace vigil
