// The Health page's source: figures, chart history fed through replace(), reconnect markers,
// the connection timeline and its export, against a real relay.
#include "connection/connectionmanager.h"
#include "helpers/connectionfixture.h"
#include "helpers/testsupport.h"
#include "relay/relay.h"
#include "ui/healthmonitor.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLineSeries>
#include <QScatterSeries>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

Q_DECLARE_METATYPE(vigil::QualityGrade)

using vigil::ConnectionManager;
using vigil::HealthMonitor;

namespace {
using vigil::test::kWaitMs;

vigil::ConnectionConfig monitoredClient(const QUrl &url)
{
    vigil::ConnectionConfig c =
        vigil::test::configFor({url}, {"chat"}, vigil::TransportPreference::WebSocket, {200, 200});
    c.heartbeatMs = 200; // RTT samples arrive quickly
    c.reconnect.jitter = false;
    return c;
}
} // namespace

class TestHealthMonitor : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void figuresAndSeriesFollowTheLink();
    void historyIsBoundedAndAxesScale();
    void reconnectsAreMarkedAndTimelined();
    void exportWritesJsonLines();
    void exportFailureIsReported();
    void unknownMetricsAndSeriesAreRefused();
    void silenceIsAGapNotTheLastValue();
    void durationsAreFormatted_data();
    void durationsAreFormatted();
    void gradesHaveTones_data();
    void gradesHaveTones();
    void figuresBeforeTheFirstSample();
    void figuresFromAReport();
    void timelineAlarmsHaveTheDangerTone();
};

void TestHealthMonitor::figuresAndSeriesFollowTheLink()
{
    vigil::Relay relay{vigil::RelayConfig{}};
    QString error;
    QVERIFY(relay.start(&error));
    ConnectionManager manager(monitoredClient(relay.url()));
    HealthMonitor monitor(nullptr);
    qint64 now = 1'000'000;
    monitor.setWallClock([&] { return now; });
    monitor.attach(vigil::test::viewOf(manager), [] { return 7; });
    QLineSeries rtt;
    QLineSeries queue;
    QScatterSeries silent;
    QVERIFY(monitor.attachSeries("rtt", &rtt));
    QVERIFY(monitor.attachSeries("queue", &queue));
    QVERIFY(monitor.attachSeries("silent", &silent));
    manager.open();
    QTRY_VERIFY_WITH_TIMEOUT(manager.health().sampleCount() >= 2, kWaitMs);

    QSignalSpy sampled(&monitor, &HealthMonitor::sampled);
    now += 1000;
    monitor.sample();
    QCOMPARE(sampled.count(), 1);
    const vigil::HealthFigures f = monitor.figures();
    QCOMPARE(f.state(), QStringLiteral("connected"));
    QCOMPARE(f.transport(), QStringLiteral("websocket"));
    QCOMPARE(f.stateText(), QStringLiteral("connected / websocket"));
    QCOMPARE(f.queueDepth(), 7);
    QVERIFY(f.rttLastMs() >= 0);
    QVERIFY(f.rttLastText().endsWith(" ms"));
    QCOMPARE(f.quality(), vigil::gradeName(manager.quality()));
    QCOMPARE(f.qualityTone(), vigil::HealthFigures::toneOf(manager.quality()));
    QVERIFY(!f.recommendation().isEmpty());
    QCOMPARE(f.duplicatesDropped(), 0.0);
    QVERIFY(f.uptimeMs() >= 0);
    QVERIFY(f.uptimeText() != QStringLiteral("-"));
    QVERIFY(monitor.errorSummary().contains("network 0"));
    // The series got the samples as points in one replace(): x is the sample time.
    QVERIFY(rtt.count() >= 1);
    QCOMPARE(rtt.at(rtt.count() - 1).x(), double(now));
    QCOMPARE(queue.at(queue.count() - 1).y(), 7.0);
    QCOMPARE(silent.count(), 0); // a first connect and a working link are not silence
    QCOMPARE(monitor.windowEnd().toMSecsSinceEpoch(), now);
    // A fresh session shows at least a minute, not five empty minutes.
    QCOMPARE(monitor.windowStart().toMSecsSinceEpoch(), now - 60'000);
}

void TestHealthMonitor::historyIsBoundedAndAxesScale()
{
    vigil::Relay relay{vigil::RelayConfig{}};
    QString error;
    QVERIFY(relay.start(&error));
    ConnectionManager manager(monitoredClient(relay.url()));
    HealthMonitor monitor(nullptr);
    qint64 now = 5'000'000;
    monitor.setWallClock([&] { return now; });
    int depth = 0;
    monitor.attach(vigil::test::viewOf(manager), [&] { return depth; });
    for (int i = 0; i < HealthMonitor::kHistorySeconds + 50; ++i) {
        now += 1000;
        depth = i < 10 ? 130 : 3;
        monitor.sample();
    }
    // Five minutes of history, no more: memory stays flat on a week-long session.
    QVERIFY(monitor.sampleCount() <= HealthMonitor::kHistorySeconds + 1);
    QCOMPARE(monitor.windowStart().toMSecsSinceEpoch(),
             now - HealthMonitor::kHistorySeconds * 1000);
    // The 130-deep queue has aged out; the axis follows what is on screen (3 -> 10).
    QCOMPARE(monitor.queueAxisMax(), 10.0);
    for (int i = 0; i < 5; ++i) {
        now += 1000;
        depth = 130;
        monitor.sample();
    }
    QCOMPARE(monitor.queueAxisMax(), 200.0); // 130 * 1.2 rounded up to a 1-2-5 step
}

void TestHealthMonitor::reconnectsAreMarkedAndTimelined()
{
    auto relay = std::make_unique<vigil::Relay>(vigil::RelayConfig{});
    QString error;
    QVERIFY(relay->start(&error));
    const quint16 port = relay->port();
    ConnectionManager manager(monitoredClient(relay->url()));
    HealthMonitor monitor(nullptr);
    QAbstractItemModelTester tester(monitor.timeline(),
                                    QAbstractItemModelTester::FailureReportingMode::QtTest);
    monitor.attach(vigil::test::viewOf(manager));
    QScatterSeries marks;
    QVERIFY(monitor.attachSeries("reconnects", &marks));
    manager.open();
    QTRY_COMPARE_WITH_TIMEOUT(manager.state(), ConnectionManager::State::Connected, kWaitMs);

    relay.reset();
    QTRY_COMPARE_WITH_TIMEOUT(manager.state(), ConnectionManager::State::Reconnecting, kWaitMs);
    vigil::RelayConfig again;
    again.port = port;
    relay = std::make_unique<vigil::Relay>(again);
    QVERIFY(relay->start(&error));
    QTRY_COMPARE_WITH_TIMEOUT(manager.state(), ConnectionManager::State::Connected, kWaitMs);
    monitor.sample();
    QVERIFY(marks.count() >= 1);
    QCOMPARE(marks.at(0).y(), 0.0);

    monitor.timeline()->flush();
    QStringList kinds;
    QStringList texts;
    for (int row = monitor.timeline()->rowCount() - 1; row >= 0; --row) {
        kinds << monitor.timeline()->value(row, vigil::TimelineModel::KindRole).toString();
        texts << monitor.timeline()->value(row, vigil::TimelineModel::MessageRole).toString();
    }
    QVERIFY2(kinds.contains("retry"), qPrintable(kinds.join(',')));
    const QString all = texts.join('\n');
    QVERIFY2(all.contains("connected"), qPrintable(all));
    QVERIFY2(all.contains("reconnecting"), qPrintable(all));
    // Oldest first in this list: the reconnect came after the first connect.
    QVERIFY(all.indexOf("reconnecting") > all.indexOf("connected"));
}

void TestHealthMonitor::exportWritesJsonLines()
{
    vigil::Relay relay{vigil::RelayConfig{}};
    QString error;
    QVERIFY(relay.start(&error));
    ConnectionManager manager(monitoredClient(relay.url()));
    HealthMonitor monitor(nullptr);
    QTemporaryDir dir;
    monitor.setExportDirectory(dir.path() + "/exports"); // created on demand
    monitor.attach(vigil::test::viewOf(manager));
    manager.open();
    QTRY_COMPARE_WITH_TIMEOUT(manager.state(), ConnectionManager::State::Connected, kWaitMs);
    QSignalSpy message(&monitor, &HealthMonitor::exportMessageChanged);
    const QString path = monitor.exportTimeline();
    QVERIFY(!path.isEmpty());
    QVERIFY(path.startsWith(dir.path() + "/exports/vigil-timeline-"));
    QCOMPARE(message.count(), 1);
    QVERIFY2(monitor.exportMessage().contains(path), qPrintable(monitor.exportMessage()));
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QList<QByteArray> lines = file.readAll().trimmed().split('\n');
    QVERIFY(lines.size() >= 2); // the initial state and at least "connecting"/"connected"
    for (const QByteArray &line : lines) {
        QJsonParseError parseError;
        const QJsonObject o = QJsonDocument::fromJson(line, &parseError).object();
        QCOMPARE(parseError.error, QJsonParseError::NoError);
        QVERIFY(o.contains("time"));
        QVERIFY(o.contains("kind"));
        QVERIFY(o.contains("message"));
    }
    QVERIFY(lines.last().contains("connected"));
}

void TestHealthMonitor::exportFailureIsReported()
{
    HealthMonitor monitor(nullptr);
    QTemporaryDir dir;
    QFile blocker(dir.path() + "/file");
    QVERIFY(blocker.open(QIODevice::WriteOnly));
    blocker.close();
    // A path below a regular file cannot be created.
    QCOMPARE(monitor.exportTimeline(dir.path() + "/file/timeline.jsonl"), QString());
    QVERIFY2(monitor.exportMessage().startsWith("Could not save the timeline"),
             qPrintable(monitor.exportMessage()));
}

void TestHealthMonitor::unknownMetricsAndSeriesAreRefused()
{
    HealthMonitor monitor(nullptr);
    QLineSeries series;
    QObject notASeries;
    QVERIFY(!monitor.attachSeries("temperature", &series));
    QVERIFY(!monitor.attachSeries("rtt", &notASeries));
    QVERIFY(!monitor.attachSeries("rtt", nullptr));
    monitor.sample(); // not attached to a manager: nothing to sample, no crash
    QCOMPARE(monitor.sampleCount(), 0);
}

void TestHealthMonitor::silenceIsAGapNotTheLastValue()
{
    auto relay = std::make_unique<vigil::Relay>(vigil::RelayConfig{});
    QString error;
    QVERIFY(relay->start(&error));
    ConnectionManager manager(monitoredClient(relay->url()));
    HealthMonitor monitor(nullptr);
    qint64 now = 1'000'000;
    monitor.setWallClock([&] { return now; });
    monitor.attach(vigil::test::viewOf(manager));
    QLineSeries rtt;
    QScatterSeries silent;
    QVERIFY(monitor.attachSeries("rtt", &rtt));
    QVERIFY(monitor.attachSeries("silent", &silent));
    manager.open();
    QTRY_VERIFY_WITH_TIMEOUT(manager.health().sampleCount() >= 2, kWaitMs);
    now += 1000;
    monitor.sample();
    const int answered = int(rtt.count());
    QVERIFY(answered >= 1);
    QCOMPARE(silent.count(), 0);

    relay.reset(); // nothing answers any more
    QTRY_VERIFY_WITH_TIMEOUT(manager.state() == ConnectionManager::State::Reconnecting ||
                                 manager.state() == ConnectionManager::State::Connecting,
                             kWaitMs);
    for (int i = 0; i < 3; ++i) {
        now += 1000;
        monitor.sample();
    }
    // No new round-trip points (the last value is not repeated), the seconds marked silent,
    // and no grade where there is nothing to measure
    // (the state changes themselves are sampled too, so there may be more silent points).
    QCOMPARE(int(rtt.count()), answered);
    QVERIFY(silent.count() >= 3);
    QCOMPARE(silent.at(silent.count() - 1).x(), double(now));
    for (int i = 0; i < silent.count(); ++i)
        QVERIFY(silent.at(i).x() > rtt.at(answered - 1).x() - 1); // only after the last answer
    QCOMPARE(monitor.figures().rttLastMs(), -1.0);
    QCOMPARE(monitor.figures().rttLastText(), QStringLiteral("-"));
    QCOMPARE(monitor.figures().quality(), QStringLiteral("unknown"));
    QCOMPARE(monitor.figures().qualityKnown(), false);
    QCOMPARE(monitor.figures().qualityTone(), vigil::Tone::Idle);
    QVERIFY(monitor.figures().recommendation().startsWith("Not connected"));
}

void TestHealthMonitor::durationsAreFormatted_data()
{
    QTest::addColumn<double>("ms");
    QTest::addColumn<QString>("text");
    QTest::newRow("unknown") << -1.0 << "-";
    QTest::newRow("zero") << 0.0 << "0 s";
    QTest::newRow("under a second") << 999.0 << "0 s";
    QTest::newRow("seconds") << 59'999.0 << "59 s";
    QTest::newRow("a minute") << 60'000.0 << "1 min 0 s";
    QTest::newRow("minutes") << 3'599'000.0 << "59 min 59 s";
    QTest::newRow("an hour") << 3'600'000.0 << "1 h 0 min";
    QTest::newRow("hours") << 26.0 * 3'600'000 + 5 * 60'000 + 59'000 << "26 h 5 min";
}

void TestHealthMonitor::durationsAreFormatted()
{
    QFETCH(double, ms);
    QFETCH(QString, text);
    QCOMPARE(vigil::HealthFigures::formatDuration(ms), text);
}

void TestHealthMonitor::gradesHaveTones_data()
{
    QTest::addColumn<vigil::QualityGrade>("grade");
    QTest::addColumn<vigil::Tone::Value>("tone");
    QTest::newRow("unknown") << vigil::QualityGrade::Unknown << vigil::Tone::Idle;
    QTest::newRow("excellent") << vigil::QualityGrade::Excellent << vigil::Tone::Ok;
    QTest::newRow("good") << vigil::QualityGrade::Good << vigil::Tone::Ok;
    QTest::newRow("fair") << vigil::QualityGrade::Fair << vigil::Tone::Warning;
    QTest::newRow("poor") << vigil::QualityGrade::Poor << vigil::Tone::Danger;
    QTest::newRow("critical") << vigil::QualityGrade::Critical << vigil::Tone::Danger;
}

void TestHealthMonitor::gradesHaveTones()
{
    QFETCH(vigil::QualityGrade, grade);
    QFETCH(vigil::Tone::Value, tone);
    QCOMPARE(vigil::HealthFigures::toneOf(grade), tone);
    const auto figures = vigil::HealthFigures::from({}, grade, 0);
    QCOMPARE(figures.qualityTone(), tone);
    QCOMPARE(figures.qualityKnown(), grade != vigil::QualityGrade::Unknown);
    QCOMPARE(figures.quality(), vigil::gradeName(grade));
}

// What the header and the page show before anything was sampled.
void TestHealthMonitor::figuresBeforeTheFirstSample()
{
    HealthMonitor monitor(nullptr);
    const vigil::HealthFigures f = monitor.figures();
    QCOMPARE(f.qualityKnown(), false);
    QCOMPARE(f.qualityTone(), vigil::Tone::Idle);
    QCOMPARE(f.quality(), QString());
    QCOMPARE(f.rttLastText(), QStringLiteral("-"));
    QCOMPARE(f.jitterText(), QStringLiteral("-"));
    QCOMPARE(f.uptimeText(), QStringLiteral("-"));
    QCOMPARE(f.lossText(), QStringLiteral("0.0 %"));
    QCOMPARE(f.messagesInText(), QStringLiteral("0 (0.0/s)"));
    QCOMPARE(f.queueDepth(), 0);
}

// Every figure the page shows comes from its field of the report, formatted.
void TestHealthMonitor::figuresFromAReport()
{
    const QJsonObject report{{"state", "fallback"},
                             {"transport", "sse"},
                             {"recommendation", "Connection is good; no action needed."},
                             {"rttLastMs", 41.6},
                             {"rttAvgMs", 38.2},
                             {"rttP95Ms", 95},
                             {"jitterMs", 3.4},
                             {"lossPercent", 1.26},
                             {"uptimeMs", 3'725'000},
                             {"reconnects", 3},
                             {"messagesIn", 1'234'567},
                             {"messagesOut", 12},
                             {"messagesInPerSec", 3.46},
                             {"messagesOutPerSec", 0},
                             {"duplicatesDropped", 5},
                             {"stalled", true}};
    const auto f = vigil::HealthFigures::from(report, vigil::QualityGrade::Good, 4);
    QCOMPARE(f.stateText(), QStringLiteral("fallback / sse"));
    QCOMPARE(f.quality(), QStringLiteral("good"));
    QCOMPARE(f.qualityTone(), vigil::Tone::Ok);
    QCOMPARE(f.recommendation(), QStringLiteral("Connection is good; no action needed."));
    QCOMPARE(f.rttLastText(), QStringLiteral("42 ms"));
    QCOMPARE(f.rttAvgText(), QStringLiteral("38 ms"));
    QCOMPARE(f.rttP95Text(), QStringLiteral("95 ms"));
    QCOMPARE(f.jitterText(), QStringLiteral("3 ms"));
    QCOMPARE(f.lossText(), QStringLiteral("1.3 %"));
    QCOMPARE(f.uptimeText(), QStringLiteral("1 h 2 min"));
    QCOMPARE(f.reconnects(), 3);
    QCOMPARE(f.messagesInText(), QStringLiteral("1234567 (3.5/s)"));
    QCOMPARE(f.messagesOutText(), QStringLiteral("12 (0.0/s)"));
    QCOMPARE(f.duplicatesDropped(), 5.0);
    QCOMPARE(f.queueDepth(), 4);
    QCOMPARE(f.stalled(), true);
}

void TestHealthMonitor::timelineAlarmsHaveTheDangerTone()
{
    vigil::TimelineModel timeline(nullptr);
    QAbstractItemModelTester tester(&timeline,
                                    QAbstractItemModelTester::FailureReportingMode::QtTest);
    timeline.add(1000, "state", "connected");
    timeline.add(2000, "error", "bad frame");
    timeline.add(3000, "missed", "chat");
    timeline.add(4000, "retry", "Attempt 1 in 500 ms");
    timeline.flush();
    QCOMPARE(timeline.rowCount(), 4);
    QCOMPARE(timeline.roleNames().value(vigil::TimelineModel::ToneRole), QByteArray("tone"));
    QList<int> tones; // newest first
    for (int row = 0; row < timeline.rowCount(); ++row)
        tones << timeline.value(row, vigil::TimelineModel::ToneRole).toInt();
    QCOMPARE(tones, (QList<int>{vigil::Tone::Idle, vigil::Tone::Danger, vigil::Tone::Danger,
                                vigil::Tone::Idle}));
}

QTEST_MAIN(TestHealthMonitor)
#include "tst_healthmonitor.moc"
