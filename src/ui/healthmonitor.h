#pragma once

#include "healthfigures.h"
#include "tone.h"

#include "models/cppownedsingleton.h"
#include "models/livelistmodel.h"

#include <QDateTime>
#include <QObject>
#include <QPointF>
#include <QPointer>
#include <QTimer>
#include <QtQml/qqmlregistration.h>

#include <deque>
#include <functional>

class QQmlEngine;
class QJSEngine;
class QXYSeries;

namespace vigil {

class ConnectionView;

/// One event of the connection timeline.
struct TimelineEvent
{
    QString id;
    qint64 timestamp = 0; ///< ms since the epoch
    QString kind;         ///< state, transport, retry, error, missed
    QString message;
};

/// \brief The connection timeline: every state change, transport switch, scheduled retry and
/// error, newest first, so an operator (or a support engineer) can see what happened when.
///
/// Rows are TimelineEvent; roles `eventId`, `timestamp`, `kind`, `message`, `tone` (a Tone:
/// Danger for errors and missed messages, Idle otherwise), one table in healthmonitor.cpp.
// The base is named with its namespace: Qt 6.4's qmltyperegistrar records base classes as
// written, and drops an unqualified one from the QML type information (qmllint then cannot
// see the model's `count`).
class TimelineModel : public vigil::LiveListModel
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("The timeline belongs to HealthMonitor")
public:
    enum Role { IdRole = Qt::UserRole + 1, TimestampRole, KindRole, MessageRole, ToneRole };
    Q_ENUM(Role)

    explicit TimelineModel(QObject *parent = nullptr, int capacity = 2000);
    void record(const Envelope &) override {}
    void add(qint64 timestampMs, const QString &kind, const QString &text);
    /// All events, oldest first, one JSON object per line.
    [[nodiscard]] QByteArray toJsonLines() const;

private:
    LiveRows<TimelineEvent> m_rows;
    quint64 m_next = 0;
};

/// \brief The Health page's source: every figure of the connection, sampled once a second,
/// with five minutes of history for the charts and the connection timeline.
///
/// Charts are fed from C++: a QML chart hands its series over once with attachSeries(), and
/// each sample replaces the series' points in one call (QXYSeries::replace), which is what
/// keeps a live chart cheap. The axis ranges are properties the chart binds to.
class HealthMonitor : public QObject, public CppOwnedSingleton<HealthMonitor>
{
    Q_OBJECT
    QML_ELEMENT
    QML_SINGLETON
    /// The last sample's figures, typed, with the texts the page shows
    Q_PROPERTY(vigil::HealthFigures figures READ figures NOTIFY sampled)
    /// Errors by category as "network 2, tls 0, ..." for one line of text.
    Q_PROPERTY(QString errorSummary READ errorSummary NOTIFY sampled)
    Q_PROPERTY(QDateTime windowStart READ windowStart NOTIFY sampled)
    Q_PROPERTY(QDateTime windowEnd READ windowEnd NOTIFY sampled)
    Q_PROPERTY(double rttAxisMax READ rttAxisMax NOTIFY sampled)
    Q_PROPERTY(double throughputAxisMax READ throughputAxisMax NOTIFY sampled)
    Q_PROPERTY(double queueAxisMax READ queueAxisMax NOTIFY sampled)
    Q_PROPERTY(int sampleCount READ sampleCount NOTIFY sampled)
    Q_PROPERTY(vigil::TimelineModel *timeline READ timeline CONSTANT)
    /// The outcome of the last export, for the page to show.
    Q_PROPERTY(QString exportMessage READ exportMessage NOTIFY exportMessageChanged)
public:
    static constexpr int kHistorySeconds = 300;
    static constexpr int kMinimumWindowSeconds = 60;

    // No default argument: see ConnectionStatus.
    explicit HealthMonitor(QObject *parent);

    /// Follows `manager` (not owned); `queueDepth` tells how many actions wait (optional).
    void attach(ConnectionView *manager, std::function<int()> queueDepth = {});
    /// Where exports go by default (the app passes the user's documents folder).
    void setExportDirectory(const QString &directory) { m_exportDirectory = directory; }
    /// Replaces the wall clock (tests).
    void setWallClock(std::function<qint64()> nowMs) { m_now = std::move(nowMs); }

    /// Takes one sample now (a 1 s timer calls it; tests call it directly).
    void sample();

    /// Hands a chart series to the monitor: `metric` is rtt, jitter, in, out, queue or
    /// reconnects (markers at the time of each reconnect, drawn on the RTT chart's floor).
    Q_INVOKABLE bool attachSeries(const QString &metric, QObject *series);
    /// Writes the timeline as JSON lines to `path` (or a new file in the export directory when
    /// empty). Returns the path written, or empty on failure; exportMessage says which.
    Q_INVOKABLE QString exportTimeline(const QString &path = {});

    [[nodiscard]] HealthFigures figures() const { return m_figures; }
    [[nodiscard]] QString errorSummary() const { return m_errorSummary; }
    [[nodiscard]] QDateTime windowStart() const;
    [[nodiscard]] QDateTime windowEnd() const;
    [[nodiscard]] double rttAxisMax() const { return m_rttAxisMax; }
    [[nodiscard]] double throughputAxisMax() const { return m_throughputAxisMax; }
    [[nodiscard]] double queueAxisMax() const { return m_queueAxisMax; }
    [[nodiscard]] int sampleCount() const { return int(m_samples.size()); }
    [[nodiscard]] TimelineModel *timeline() { return &m_timeline; }
    [[nodiscard]] QString exportMessage() const { return m_exportMessage; }
    /// Points a series of `metric` gets (tests read them without a chart).
    [[nodiscard]] QList<QPointF> points(const QString &metric) const;

Q_SIGNALS:
    void sampled();
    void exportMessageChanged();

private:
    struct Sample
    {
        qint64 at;
        double rtt; // < 0: no measurement yet
        double jitter;
        double in;
        double out;
        double queue;
        bool silent; // the server was expected to answer and did not (stalled or unreachable)
    };
    void feedSeries();
    void setExportMessage(const QString &message);

    QPointer<ConnectionView> m_manager;
    std::function<int()> m_queueDepth;
    std::function<qint64()> m_now;
    QString m_exportDirectory;
    std::deque<Sample> m_samples;
    std::deque<qint64> m_reconnectMarks;
    QHash<QString, QPointer<QXYSeries>> m_series;
    HealthFigures m_figures;
    QString m_errorSummary;
    double m_rttAxisMax = 100;
    double m_throughputAxisMax = 10;
    double m_queueAxisMax = 10;
    TimelineModel m_timeline;
    QString m_exportMessage;
    QTimer m_timer;
};

} // namespace vigil
