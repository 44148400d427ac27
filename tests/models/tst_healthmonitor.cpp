// The Health page's source: figures, chart history fed through replace(), reconnect markers,
// the connection timeline and its export, against a real relay.
#include "connection/connectionmanager.h"
#include "helpers/testsupport.h"
#include "models/healthmonitor.h"
#include "relay/relay.h"

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

using vigil::ConnectionManager;
using vigil::HealthMonitor;

namespace {
using vigil::test::kWaitMs;

vigil::ConnectionConfig configFor(const QUrl &url)
{
    vigil::ConnectionConfig c;
    c.urls = {url};
    c.channels = {"chat"};
    c.transport = vigil::TransportPreference::WebSocket;
    c.heartbeatMs = 200; // RTT samples arrive quickly
    c.reconnect.baseMs = 200;
    c.reconnect.capMs = 200;
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
};

void TestHealthMonitor::figuresAndSeriesFollowTheLink()
{
    vigil::Relay relay{vigil::RelayConfig{}};
    QString error;
    QVERIFY(relay.start(&error));
    ConnectionManager manager(configFor(relay.url()));
    HealthMonitor monitor(nullptr);
    qint64 now = 1'000'000;
    monitor.setWallClock([&] { return now; });
    monitor.attach(&manager, [] { return 7; });
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
    const QVariantMap f = monitor.figures();
    QCOMPARE(f.value("state").toString(), "connected");
    QCOMPARE(f.value("queueDepth").toInt(), 7);
    QVERIFY(f.value("rttLastMs").toLongLong() >= 0);
    QVERIFY(f.contains("quality"));
    QVERIFY(f.contains("recommendation"));
    QVERIFY(f.contains("duplicatesDropped"));
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
    ConnectionManager manager(configFor(relay.url()));
    HealthMonitor monitor(nullptr);
    qint64 now = 5'000'000;
    monitor.setWallClock([&] { return now; });
    int depth = 0;
    monitor.attach(&manager, [&] { return depth; });
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
    ConnectionManager manager(configFor(relay->url()));
    HealthMonitor monitor(nullptr);
    QAbstractItemModelTester tester(monitor.timeline(),
                                    QAbstractItemModelTester::FailureReportingMode::QtTest);
    monitor.attach(&manager);
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
    ConnectionManager manager(configFor(relay.url()));
    HealthMonitor monitor(nullptr);
    QTemporaryDir dir;
    monitor.setExportDirectory(dir.path() + "/exports"); // created on demand
    monitor.attach(&manager);
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
    ConnectionManager manager(configFor(relay->url()));
    HealthMonitor monitor(nullptr);
    qint64 now = 1'000'000;
    monitor.setWallClock([&] { return now; });
    monitor.attach(&manager);
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
    QCOMPARE(monitor.figures().value("rttLastMs").toLongLong(), -1);
    QCOMPARE(monitor.figures().value("quality").toString(), QStringLiteral("unknown"));
    QVERIFY(monitor.figures().value("recommendation").toString().startsWith("Not connected"));
}

QTEST_MAIN(TestHealthMonitor)
#include "tst_healthmonitor.moc"
