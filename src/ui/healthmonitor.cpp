#include "healthmonitor.h"

#include "connection/connectionview.h"
#include "protocol/logging.h"

#include <QDir>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>
#include <QXYSeries>

#include <algorithm>
#include <cmath>

namespace vigil {

namespace {

// The smallest 1-2-5 step at or above `value` (never below `floor`), so axes do not jitter.
double niceCeiling(double value, double floor)
{
    value = std::max(value, floor);
    const double magnitude = std::pow(10.0, std::floor(std::log10(value)));
    for (double step : {1.0, 2.0, 5.0, 10.0}) {
        if (value <= step * magnitude)
            return step * magnitude;
    }
    return 10 * magnitude;
}

} // namespace

namespace {
RowRoles<TimelineEvent> timelineRoles()
{
    using M = TimelineModel;
    using R = TimelineEvent;
    return {
        {M::IdRole, "eventId", [](const R &r) { return r.id; }},
        {M::TimestampRole, "timestamp", [](const R &r) { return r.timestamp; }},
        {M::KindRole, "kind", [](const R &r) { return r.kind; }},
        {M::MessageRole, "message", [](const R &r) { return r.message; }},
        {M::ToneRole, "tone",
         [](const R &r) {
             const bool alarm = r.kind == u"error" || r.kind == u"missed";
             return int(alarm ? Tone::Danger : Tone::Idle);
         }},
    };
}
} // namespace

TimelineModel::TimelineModel(QObject *parent, int capacity)
    : LiveListModel(parent, capacity)
    , m_rows(this, timelineRoles())
{}

void TimelineModel::add(qint64 timestampMs, const QString &kind, const QString &text)
{
    m_rows.upsert(TimelineEvent{QString::number(++m_next), timestampMs, kind, text});
}

QByteArray TimelineModel::toJsonLines() const
{
    QByteArray out;
    const QList<TimelineEvent> &all = m_rows.all();
    for (auto it = all.crbegin(); it != all.crend(); ++it) {
        const QJsonObject line{
            {QStringLiteral("time"),
             QDateTime::fromMSecsSinceEpoch(it->timestamp).toString(Qt::ISODateWithMs)},
            {QStringLiteral("kind"), it->kind},
            {QStringLiteral("message"), it->message}};
        out += QJsonDocument(line).toJson(QJsonDocument::Compact);
        out += '\n';
    }
    return out;
}

HealthMonitor::HealthMonitor(QObject *parent)
    : QObject(parent)
    , m_now([] { return QDateTime::currentMSecsSinceEpoch(); })
{
    m_timer.setInterval(1000);
    connect(&m_timer, &QTimer::timeout, this, &HealthMonitor::sample);
}

void HealthMonitor::attach(ConnectionView *manager, std::function<int()> queueDepth)
{
    if (m_manager)
        disconnect(m_manager, nullptr, this, nullptr);
    m_manager = manager;
    m_queueDepth = std::move(queueDepth);
    m_samples.clear();
    m_reconnectMarks.clear();
    if (!manager) {
        m_timer.stop();
        return;
    }
    using State = ConnectionManager::State;
    connect(
        manager, &ConnectionView::stateChanged, this, [this](State state, const QString &reason) {
            const QString name = ConnectionManager::stateName(state);
            m_timeline.add(m_now(), QStringLiteral("state"),
                           reason.isEmpty() ? name : QStringLiteral("%1: %2").arg(name, reason));
            if (state == State::Reconnecting)
                m_reconnectMarks.push_back(m_now());
            sample(); // the page shows the new state now, not at the next tick
        });
    connect(manager, &ConnectionView::transportChanged, this,
            [this](const QString &transport, const QString &reason) {
                m_timeline.add(m_now(), QStringLiteral("transport"),
                               QStringLiteral("%1: %2").arg(transport, reason));
            });
    connect(manager, &ConnectionView::reconnectScheduled, this, [this](int attempt, int delay) {
        m_timeline.add(m_now(), QStringLiteral("retry"),
                       tr("Attempt %1 in %2 ms").arg(attempt).arg(delay));
    });
    connect(manager, &ConnectionView::serverError, this,
            [this](const QString &code, const QString &message, const QString &) {
                m_timeline.add(m_now(), QStringLiteral("error"),
                               QStringLiteral("%1: %2").arg(code, message));
            });
    connect(manager, &ConnectionView::protocolError, this, [this](const QString &message) {
        m_timeline.add(m_now(), QStringLiteral("error"), message);
    });
    connect(manager, &ConnectionView::recoveryFailed, this, [this](const QString &channel) {
        m_timeline.add(m_now(), QStringLiteral("missed"),
                       tr("Missed messages on %1 could not be recovered").arg(channel));
    });
    m_timeline.add(m_now(), QStringLiteral("state"),
                   ConnectionManager::stateName(manager->state()));
    sample();
    m_timer.start();
}

void HealthMonitor::sample()
{
    if (!m_manager)
        return;
    const qint64 now = m_now();
    const QJsonObject health = m_manager->healthJson();
    const int queue = m_queueDepth ? m_queueDepth() : 0;
    m_figures = HealthFigures::from(health, m_manager->quality(), queue);

    QStringList errors;
    const QJsonObject byCategory = health.value(QStringLiteral("errors")).toObject();
    for (auto it = byCategory.begin(); it != byCategory.end(); ++it)
        errors.append(QStringLiteral("%1 %2").arg(it.key()).arg(it.value().toInteger()));
    m_errorSummary = errors.join(QStringLiteral(", "));

    using State = ConnectionManager::State;
    const State state = m_manager->state();
    // Silent: a link that stopped answering, or a server that was reached before and is not now.
    const bool silent =
        m_figures.stalled() ||
        (m_manager->unreachableSinceMs() >= 0 &&
         (state == State::Reconnecting || state == State::Connecting || state == State::Error));
    // The round trip as the report has it: whole milliseconds, -1 for none.
    const double rtt = double(health.value(QStringLiteral("rttLastMs")).toInteger(-1));
    m_samples.push_back({now, rtt, health.value(QStringLiteral("jitterMs")).toDouble(),
                         m_figures.messagesInPerSec(), m_figures.messagesOutPerSec(), double(queue),
                         silent});
    const qint64 oldest = now - kHistorySeconds * 1000;
    while (!m_samples.empty() && m_samples.front().at < oldest)
        m_samples.pop_front();
    while (!m_reconnectMarks.empty() && m_reconnectMarks.front() < oldest)
        m_reconnectMarks.pop_front();

    double rttMax = 0, rateMax = 0, queueMax = 0;
    for (const Sample &s : m_samples) {
        rttMax = std::max({rttMax, s.rtt, s.jitter});
        rateMax = std::max({rateMax, s.in, s.out});
        queueMax = std::max(queueMax, s.queue);
    }
    m_rttAxisMax = niceCeiling(rttMax * 1.2, 10);
    m_throughputAxisMax = niceCeiling(rateMax * 1.2, 10);
    m_queueAxisMax = niceCeiling(queueMax * 1.2, 10);
    feedSeries();
    Q_EMIT sampled();
}

QList<QPointF> HealthMonitor::points(const QString &metric) const
{
    QList<QPointF> out;
    if (metric == u"reconnects") {
        for (qint64 at : m_reconnectMarks)
            out.append(QPointF(double(at), 0));
        return out;
    }
    if (metric == u"silent") {
        // The seconds in which nothing answered: marked on the time axis where the round-trip
        // line has no points.
        for (const Sample &sample : m_samples) {
            if (sample.silent)
                out.append(QPointF(double(sample.at), 0));
        }
        return out;
    }
    out.reserve(qsizetype(m_samples.size()));
    for (const Sample &s : m_samples) {
        double y = 0;
        if (metric == u"rtt") {
            if (s.rtt < 0)
                continue; // nothing answered (not yet, a silent link, no link): no point, never
                          // a repeated last value or a false zero
            y = s.rtt;
        } else if (metric == u"jitter") {
            if (s.rtt < 0)
                continue; // no round trip in that second (silent link, no link): a gap
            y = s.jitter;
        } else if (metric == u"in") {
            y = s.in;
        } else if (metric == u"out") {
            y = s.out;
        } else if (metric == u"queue") {
            y = s.queue;
        } else {
            return {};
        }
        out.append(QPointF(double(s.at), y));
    }
    return out;
}

bool HealthMonitor::attachSeries(const QString &metric, QObject *series)
{
    auto *xy = qobject_cast<QXYSeries *>(series);
    static const QStringList known = {QStringLiteral("rtt"),   QStringLiteral("jitter"),
                                      QStringLiteral("in"),    QStringLiteral("out"),
                                      QStringLiteral("queue"), QStringLiteral("reconnects"),
                                      QStringLiteral("silent")};
    if (!xy || !known.contains(metric)) {
        qCWarning(lcUi).noquote() << "cannot chart" << metric << "on" << series;
        return false;
    }
    m_series.insert(metric, xy);
    xy->replace(points(metric));
    return true;
}

void HealthMonitor::feedSeries()
{
    for (auto it = m_series.cbegin(); it != m_series.cend(); ++it) {
        if (it.value())
            it.value()->replace(points(it.key()));
    }
}

QDateTime HealthMonitor::windowStart() const
{
    // The history there is, at least a minute, at most five: a fresh session's line fills
    // the chart instead of hugging its right edge.
    const qint64 end = m_samples.empty() ? m_now() : m_samples.back().at;
    const qint64 first = m_samples.empty() ? end : m_samples.front().at;
    return QDateTime::fromMSecsSinceEpoch(std::min(end - kMinimumWindowSeconds * 1000,
                                                   std::max(first, end - kHistorySeconds * 1000)));
}

QDateTime HealthMonitor::windowEnd() const
{
    return QDateTime::fromMSecsSinceEpoch(m_samples.empty() ? m_now() : m_samples.back().at);
}

QString HealthMonitor::exportTimeline(const QString &path)
{
    m_timeline.flush();
    QString target = path;
    if (target.isEmpty()) {
        const QString dir = m_exportDirectory.isEmpty() ? QDir::homePath() : m_exportDirectory;
        if (!QDir().mkpath(dir)) {
            setExportMessage(tr("Cannot create the folder %1").arg(dir));
            return {};
        }
        target = QDir(dir).filePath(QStringLiteral("vigil-timeline-%1.jsonl")
                                        .arg(QDateTime::fromMSecsSinceEpoch(m_now()).toString(
                                            QStringLiteral("yyyyMMdd-HHmmss"))));
    }
    QSaveFile file(target);
    if (!file.open(QIODevice::WriteOnly) || file.write(m_timeline.toJsonLines()) < 0 ||
        !file.commit()) {
        setExportMessage(
            tr("Could not save the timeline to %1: %2").arg(target, file.errorString()));
        return {};
    }
    setExportMessage(tr("Saved %n event(s) to %1", nullptr, m_timeline.count()).arg(target));
    return target;
}

void HealthMonitor::setExportMessage(const QString &message)
{
    m_exportMessage = message;
    Q_EMIT exportMessageChanged();
}

} // namespace vigil
