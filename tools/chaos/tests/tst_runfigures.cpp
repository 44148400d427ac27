// What a chaos run's result says besides delivery (runfigures.h): the relay's memory against
// the run's limit, a relay that crashed, the hostile peers' figures, the receive latency. Each
// case writes the files of a tiny run by hand and checks the verdict and the figures.
#include "historycheck.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>

using vigil::chaos::HistoryCheck;

namespace {

/// A run in which one message went from c0 to c1 as it should, plus what each case adds.
class RunDir
{
public:
    explicit RunDir(const QJsonObject &runExtra = {})
    {
        QDir(m_dir.path()).mkpath(QStringLiteral("clients"));
        QJsonObject run{
            {"seed", "7"},
            {"mode", "test"},
            {"participants", QJsonArray{QJsonObject{{"name", "c0"}, {"kind", "headless"}},
                                        QJsonObject{{"name", "c1"}, {"kind", "headless"}}}}};
        for (auto it = runExtra.begin(); it != runExtra.end(); ++it)
            run.insert(it.key(), it.value());
        write("run.json", run);
        write("clients/c0.jsonl", {{"e", "start"}, {"t", 1}});
        write("clients/c0.jsonl", {{"e", "enq"}, {"id", "a"}, {"state", "connected"}, {"t", 50}});
        write("clients/c0.jsonl", {{"e", "ack"}, {"id", "a"}, {"t", 60}});
        write("witness.jsonl", {{"e", "rx"}, {"ch", "chat"}, {"seq", 1}, {"id", "a"}, {"t", 70}});
        write("clients/c1.jsonl", {{"e", "start"}, {"t", 10}});
        write("clients/c1.jsonl", {{"e", "state"}, {"state", "connected"}, {"t", 11}});
        write("clients/c1.jsonl",
              {{"e", "sub"}, {"ch", "chat"}, {"head", 0}, {"recovered", true}, {"t", 12}});
        write("clients/c1.jsonl",
              {{"e", "rx"}, {"ch", "chat"}, {"seq", 1}, {"id", "a"}, {"t", 250}});
        write("events.jsonl", {{"e", "barrier"},
                               {"heads", QJsonObject{{"chat", 1}}},
                               {"reached", QJsonObject{{"c0", true}, {"c1", true}}},
                               {"t", 5000}});
    }
    void write(const QString &file, const QJsonObject &line)
    {
        QFile f(m_dir.filePath(file));
        QVERIFY(f.open(QIODevice::Append));
        f.write(QJsonDocument(line).toJson(QJsonDocument::Compact) + '\n');
    }
    void relaySample(qint64 pid, qint64 rssKb, qint64 cpuMs, qint64 t)
    {
        write("watch.jsonl", {{"e", "sample"},
                              {"name", "relay"},
                              {"pid", pid},
                              {"rssKb", rssKb},
                              {"cpuMs", cpuMs},
                              {"t", t}});
    }
    QJsonObject check() const { return HistoryCheck::run(m_dir.path()); }

private:
    QTemporaryDir m_dir;
};

QString dump(const QJsonObject &o)
{
    return QString::fromUtf8(QJsonDocument(o).toJson());
}

} // namespace

class TestRunFigures : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void relayMemoryIsHeldToTheLimit_data();
    void relayMemoryIsHeldToTheLimit();
    void relayCrashFailsTheRun();
    void hostileFiguresAddUpOverLives();
    void receiveLatencyIsMeasured();
};

void TestRunFigures::relayMemoryIsHeldToTheLimit_data()
{
    QTest::addColumn<qint64>("limitKb");
    QTest::addColumn<qint64>("peakKb");
    QTest::addColumn<bool>("ok");
    QTest::newRow("under the limit") << qint64(512 * 1024) << qint64(300 * 1024) << true;
    QTest::newRow("over the limit") << qint64(512 * 1024) << qint64(600 * 1024) << false;
    QTest::newRow("no limit") << qint64(0) << qint64(600 * 1024) << true;
}

void TestRunFigures::relayMemoryIsHeldToTheLimit()
{
    QFETCH(qint64, limitKb);
    QFETCH(qint64, peakKb);
    QFETCH(bool, ok);
    RunDir run({{"hostile", true}, {"relayRssLimitKb", limitKb}});
    run.relaySample(100, 20000, 0, 1000);
    run.relaySample(100, peakKb, 500, 2000); // the peak of one life...
    run.relaySample(200, 30000, 0, 3000);    // ...then a restart
    const QJsonObject result = run.check();
    QCOMPARE(result.value("relayMaxRssKb").toInteger(), peakKb);
    QCOMPARE(result.value("ok").toBool(), ok);
    if (!ok) {
        QVERIFY2(result.value("reason").toString().contains("over the limit of 512 MB"),
                 qPrintable(dump(result)));
    } else {
        QVERIFY(!result.contains("reason"));
    }
    // 500 ms of CPU in one second of the first life.
    QCOMPARE(result.value("relay").toObject().value("cpuPercent").toDouble(), 50.0);
}

void TestRunFigures::relayCrashFailsTheRun()
{
    RunDir run;
    // A relay killed for a fault, and one stopped at the end, are expected...
    run.write("events.jsonl",
              {{"e", "relay-exit"}, {"code", 9}, {"crashed", true}, {"expected", true}});
    run.write("events.jsonl",
              {{"e", "relay-exit"}, {"code", 0}, {"crashed", false}, {"expected", true}});
    QVERIFY2(run.check().value("ok").toBool(), qPrintable(dump(run.check())));
    // ...one that ended by itself is not.
    run.write("events.jsonl",
              {{"e", "relay-exit"}, {"code", 11}, {"crashed", true}, {"expected", false}});
    const QJsonObject result = run.check();
    QVERIFY(!result.value("ok").toBool());
    QCOMPARE(result.value("relay").toObject().value("crashes").toInt(), 1);
    QVERIFY(result.value("reason").toString().contains("crashed"));
}

void TestRunFigures::hostileFiguresAddUpOverLives()
{
    RunDir run({{"hostile", true}});
    // Two lives of the hostile process: each counts from zero, its last line is what it did.
    run.write("hostile.jsonl", {{"e", "start"}, {"openFiles", QJsonObject{{"soft", 4096}}}});
    run.write("hostile.jsonl", {{"e", "stats"},
                                {"connections", 5},
                                {"kinds", QJsonObject{{"idlePolls", QJsonObject{{"opened", 5}}}}}});
    run.write("hostile.jsonl", {{"e", "stats"},
                                {"connections", 8},
                                {"kinds", QJsonObject{{"idlePolls", QJsonObject{{"opened", 8}}}}}});
    run.write("hostile.jsonl", {{"e", "exit"}, {"code", 139}, {"asked", false}});
    run.write("hostile.jsonl", {{"e", "start"}});
    run.write("hostile.jsonl", {{"e", "final"},
                                {"connections", 3},
                                {"kinds", QJsonObject{{"idlePolls", QJsonObject{{"opened", 2}}},
                                                      {"wsFlood", QJsonObject{{"opened", 1}}}}}});
    const QJsonObject result = run.check();
    QVERIFY2(result.value("ok").toBool(), qPrintable(dump(result)));
    const QJsonObject hostile = result.value("hostile").toObject();
    QCOMPARE(hostile.value("connections").toInt(), 11);
    QCOMPARE(hostile.value("processStarts").toInt(), 2);
    QCOMPARE(hostile.value("unexpectedExits").toInt(), 1);
    QCOMPARE(hostile.value("openFiles").toObject().value("soft").toInt(), 4096);
    const QJsonObject kinds = hostile.value("kinds").toObject();
    QCOMPARE(kinds.value("idlePolls").toObject().value("opened").toInt(), 10);
    QCOMPARE(kinds.value("wsFlood").toObject().value("opened").toInt(), 1);
    // Without --hostile there is nothing to report.
    QCOMPARE(RunDir().check().value("hostile"), QJsonValue(false));
}

void TestRunFigures::receiveLatencyIsMeasured()
{
    // Enqueued at 50, first seen by the witness at 70, received by c1 at 250.
    const QJsonObject result = RunDir().check();
    QCOMPARE(result.value("p99DeliverMs").toInteger(), 20);
    QCOMPARE(result.value("p99ReceiveMs").toInteger(), 200);
    QCOMPARE(result.value("p50ReceiveMs").toInteger(), 200);
}

QTEST_GUILESS_MAIN(TestRunFigures)
#include "tst_runfigures.moc"
