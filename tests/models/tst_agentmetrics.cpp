// The agents' CPU and memory history behind the Agents page's charts: per agent, bounded in
// time and in samples, fed by the router like the list models, and fed to chart series.
#include "helpers/testsupport.h"
#include "models/agentmetrics.h"
#include "models/feedenvelopes.h"
#include "models/feedrouter.h"

#include <QAbstractItemModelTester>
#include <QLineSeries>
#include <QSignalSpy>
#include <QTest>

using namespace vigil;
using namespace vigil::test;

namespace {

Envelope metric(const QString &source, qint64 at, std::optional<double> cpu,
                std::optional<double> memory = std::nullopt)
{
    QJsonObject figures;
    if (cpu)
        figures.insert("cpu", *cpu);
    if (memory)
        figures.insert("memory", *memory);
    return env("metric.update", "metrics", {{"source", source}, {"metrics", figures}}, at);
}

QList<double> ys(const QList<QPointF> &points)
{
    QList<double> out;
    for (const QPointF &p : points)
        out.append(p.y());
    return out;
}

} // namespace

class TestAgentMetrics : public QObject
{
    Q_OBJECT
private slots:
    void samplesPerAgentInTimeOrder();
    void historyIsBoundedByTimeAndCount();
    void agentStatusFiguresCount();
    void rowsSayWhatEachSourceReported();
    void sourcesBeyondTheCapacityLoseTheirHistory();
    void routerFeedsItTheMetricsAndAgentsChannels();
    void seriesFollowTheirSourceAndSwitch();
    void windowCoversTheHistory();
    void malformedMessagesAreIgnored();
};

void TestAgentMetrics::samplesPerAgentInTimeOrder()
{
    AgentMetrics m(nullptr);
    QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
    m.record(metric("a1", 1000, 10.0, 20.0));
    m.record(metric("a2", 1500, 50.0));
    m.record(metric("a1", 3000, 30.0));       // no memory in this one
    m.record(metric("a1", 2000, 20.0, 25.0)); // late: replayed after the others
    m.flush();
    QCOMPARE(ys(m.points("a1", "cpu")), (QList<double>{10, 20, 30}));
    QCOMPARE(m.points("a1", "cpu").first().x(), 1000.0);
    // A sample without the figure is no point (never a false zero).
    QCOMPARE(ys(m.points("a1", "memory")), (QList<double>{20, 25}));
    QCOMPARE(ys(m.points("a2", "cpu")), QList<double>{50});
    QVERIFY(m.points("a2", "memory").isEmpty());
    QVERIFY(m.points("nobody", "cpu").isEmpty());
    QVERIFY(m.points("a1", "disk").isEmpty());
}

void TestAgentMetrics::historyIsBoundedByTimeAndCount()
{
    AgentMetrics m(nullptr);
    // By count: one sample a second for longer than the bound allows.
    const int many = AgentMetrics::kMaxSamples + 50;
    for (int i = 0; i < many; ++i)
        m.record(metric("a1", 1000000 + i * 100, double(i)));
    m.flush();
    const auto samples = m.history("a1");
    QCOMPARE(int(samples.size()), AgentMetrics::kMaxSamples);
    QCOMPARE(samples.back().cpu.value(), double(many - 1)); // the newest are kept
    QCOMPARE(samples.front().cpu.value(), double(many - AgentMetrics::kMaxSamples));

    // By time: a sample older than the window behind the newest goes.
    const qint64 t0 = 1700000000000;
    m.record(metric("a2", t0, 1.0));
    m.record(metric("a2", t0 + AgentMetrics::kHistoryMs / 2, 2.0));
    m.record(metric("a2", t0 + AgentMetrics::kHistoryMs + 1, 3.0));
    m.flush();
    QCOMPARE(ys(m.points("a2", "cpu")), (QList<double>{2, 3}));
    // Each agent has its own bound: a1 kept its samples.
    QCOMPARE(int(m.history("a1").size()), AgentMetrics::kMaxSamples);
}

void TestAgentMetrics::agentStatusFiguresCount()
{
    // An agent's status carries its figures: its chart starts with the first status.
    AgentMetrics m(nullptr);
    m.record(env("agent.status", "agents",
                 {{"agentId", "a1"}, {"status", "online"}, {"cpu", 12.5}, {"lastSeen", 4000}}));
    m.record(env("agent.status", "agents", {{"agentId", "a2"}, {"status", "away"}})); // no figures
    m.flush();
    QCOMPARE(m.points("a1", "cpu"), QList<QPointF>{QPointF(4000, 12.5)});
    QCOMPARE(m.rowCount(), 1);
}

void TestAgentMetrics::rowsSayWhatEachSourceReported()
{
    AgentMetrics m(nullptr);
    QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
    m.record(metric("cluster", 1000, 40.0, 50.0));
    m.record(metric("a1", 1000, 10.0, 20.0));
    m.flush();
    QCOMPARE(m.rowCount(), 2);
    QCOMPARE(m.value(0, AgentMetrics::SourceRole).toString(), QStringLiteral("a1"));
    QSignalSpy changed(&m, &QAbstractItemModel::dataChanged);
    m.record(metric("a1", 2000, 11.0)); // memory not in it: the last one known stays
    m.flush();
    QCOMPARE(changed.size(), 1);
    QCOMPARE(m.value(0, AgentMetrics::CpuRole).toDouble(), 11.0);
    QCOMPARE(m.value(0, AgentMetrics::MemoryRole).toDouble(), 20.0);
    QCOMPARE(m.value(0, AgentMetrics::SamplesRole).toInt(), 2);
    QCOMPARE(m.value(0, AgentMetrics::LastAtRole).toLongLong(), 2000);
    const auto names = m.roleNames();
    QCOMPARE(names.value(AgentMetrics::SourceRole), QByteArray("source"));
    QCOMPARE(names.value(AgentMetrics::SamplesRole), QByteArray("samples"));
}

void TestAgentMetrics::sourcesBeyondTheCapacityLoseTheirHistory()
{
    AgentMetrics m(nullptr, 2);
    QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
    m.record(metric("a1", 1000, 1.0));
    m.flush();
    m.record(metric("a2", 2000, 2.0));
    m.record(metric("a3", 3000, 3.0));
    m.flush();
    QCOMPARE(m.rowCount(), 2);
    QVERIFY(m.history("a1").empty()); // dropped with its row
    QCOMPARE(int(m.history("a3").size()), 1);

    // A new session empties the feeds, and the history with them.
    m.clear();
    QCOMPARE(m.rowCount(), 0);
    QVERIFY(m.history("a2").empty());
    QVERIFY(m.history("a3").empty());
}

void TestAgentMetrics::routerFeedsItTheMetricsAndAgentsChannels()
{
    AgentMetrics m(nullptr);
    FeedRouter router({&m});
    QCOMPARE(router.modelsFor("metrics"), QList<LiveListModel *>{&m});
    QCOMPARE(router.modelsFor("agents"), QList<LiveListModel *>{&m});
    QVERIFY(router.modelsFor("logs").isEmpty());
    router.route(metric("a1", 1000, 5.0));
    QTRY_COMPARE_WITH_TIMEOUT(m.rowCount(), 1, kWaitMs); // the frame timer publishes it
}

void TestAgentMetrics::seriesFollowTheirSourceAndSwitch()
{
    AgentMetrics m(nullptr);
    QLineSeries cpu;
    QLineSeries memory;
    QVERIFY(m.attachSeries(&cpu, "a1", "cpu"));
    QVERIFY(m.attachSeries(&memory, "a1", "memory"));
    QVERIFY(!m.attachSeries(&cpu, "a1", "disk"));
    QVERIFY(!m.attachSeries(this, "a1", "cpu")); // not a series
    m.record(metric("a1", 1000, 10.0, 60.0));
    m.record(metric("a2", 1000, 90.0));
    m.flush();
    QCOMPARE(cpu.points(), QList<QPointF>{QPointF(1000, 10)});
    QCOMPARE(memory.points(), QList<QPointF>{QPointF(1000, 60)});
    m.record(metric("a1", 2000, 15.0));
    m.flush();
    QCOMPARE(ys(cpu.points()), (QList<double>{10, 15}));

    // The page selects another agent: the same series now shows that one's history.
    QVERIFY(m.attachSeries(&cpu, "a2", "cpu"));
    QCOMPARE(ys(cpu.points()), QList<double>{90});
    m.record(metric("a1", 3000, 20.0));
    m.flush();
    QCOMPARE(ys(cpu.points()), QList<double>{90}); // a1's samples no longer go there

    // A series that is gone is forgotten; the session changing empties the others.
    {
        QLineSeries shortLived;
        m.attachSeries(&shortLived, "a1", "cpu");
    }
    m.record(metric("a1", 4000, 25.0));
    m.flush(); // must not touch the destroyed series
    m.clear();
    QVERIFY(cpu.points().isEmpty());
    QVERIFY(memory.points().isEmpty());
}

void TestAgentMetrics::windowCoversTheHistory()
{
    AgentMetrics m(nullptr);
    QSignalSpy window(&m, &AgentMetrics::windowChanged);
    const qint64 t0 = 1700000000000;
    m.record(metric("a1", t0, 1.0));
    m.flush();
    QCOMPARE(window.size(), 1);
    // At least a minute, even with one sample.
    QCOMPARE(m.windowEnd().toMSecsSinceEpoch(), t0);
    QCOMPARE(m.windowStart().toMSecsSinceEpoch(), t0 - AgentMetrics::kMinimumWindowMs);
    // At most the history kept.
    m.record(metric("cluster", t0 + 3 * AgentMetrics::kHistoryMs, 1.0));
    m.flush();
    QCOMPARE(m.windowEnd().toMSecsSinceEpoch(), t0 + 3 * AgentMetrics::kHistoryMs);
    QCOMPARE(m.windowStart().toMSecsSinceEpoch(), t0 + 2 * AgentMetrics::kHistoryMs);
}

void TestAgentMetrics::malformedMessagesAreIgnored()
{
    AgentMetrics m(nullptr);
    m.record(
        env("metric.update", "metrics", {{"metrics", QJsonObject{{"cpu", 1.0}}}})); // no source
    m.record(env("metric.update", "metrics", {{"source", "a1"}}));                  // no figures
    m.record(env("metric.update", "metrics",
                 {{"source", "a1"}, {"metrics", QJsonObject{{"cpu", "high"}}}})); // not a number
    m.record(env("log.entry", "metrics", {{"source", "a1"}}));
    Envelope notAnObject = env("metric.update", "metrics", {});
    notAnObject.payload = QJsonValue(42);
    m.record(notAnObject);
    m.flush();
    QCOMPARE(m.rowCount(), 0);
    QVERIFY(m.history("a1").empty());
}

// QLineSeries is a widget-era class: it wants the QApplication.
QTEST_MAIN(TestAgentMetrics)
#include "tst_agentmetrics.moc"
