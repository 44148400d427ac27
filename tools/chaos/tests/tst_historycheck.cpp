// The history check must find what it is there to find: a chaos run that passes only proves
// something if the same check fails on a history that lost, duplicated or reordered a message.
// Each case writes the journals of a tiny run by hand and checks the verdict.
#include "historycheck.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>

using vigil::chaos::HistoryCheck;

namespace {

/// The journals of one run, written line by line.
class RunDir
{
public:
    RunDir()
    {
        QDir(m_dir.path()).mkpath(QStringLiteral("clients"));
        write(QStringLiteral("run.json"),
              QJsonObject{
                  {"seed", "7"},
                  {"mode", "test"},
                  {"participants", QJsonArray{QJsonObject{{"name", "c0"}, {"kind", "headless"}},
                                              QJsonObject{{"name", "c1"}, {"kind", "headless"}}}}});
    }
    [[nodiscard]] QString path() const { return m_dir.path(); }
    void write(const QString &file, const QJsonObject &line)
    {
        QFile f(m_dir.filePath(file));
        QVERIFY(f.open(QIODevice::Append));
        f.write(QJsonDocument(line).toJson(QJsonDocument::Compact) + '\n');
    }
    void client(const QString &name, const QJsonObject &line)
    {
        write(QStringLiteral("clients/%1.jsonl").arg(name), line);
    }
    void event(const QJsonObject &line) { write(QStringLiteral("events.jsonl"), line); }
    void witness(const QString &channel, qint64 seq, const QString &id)
    {
        write(QStringLiteral("witness.jsonl"),
              {{"e", "rx"}, {"ch", channel}, {"seq", seq}, {"id", id}, {"t", 100 + seq}});
    }
    /// A client life that subscribed to `channel` at `head` and got `seqs` with their ids.
    void life(const QString &name, const QString &channel, qint64 head,
              const QList<QPair<qint64, QString>> &seqs, qint64 t = 10)
    {
        client(name, {{"e", "start"}, {"t", t}});
        client(name, {{"e", "state"}, {"state", "connected"}, {"t", t + 1}});
        client(name,
               {{"e", "sub"}, {"ch", channel}, {"head", head}, {"recovered", true}, {"t", t + 2}});
        for (const auto &[seq, id] : seqs)
            client(name,
                   {{"e", "rx"}, {"ch", channel}, {"seq", seq}, {"id", id}, {"t", 200 + seq}});
    }
    void barrier(const QString &channel, qint64 head)
    {
        event({{"e", "barrier"},
               {"heads", QJsonObject{{channel, head}}},
               {"reached", QJsonObject{{"c0", true}, {"c1", true}}},
               {"t", 5000}});
    }
    QJsonObject check() const { return HistoryCheck::run(m_dir.path()); }

private:
    QTemporaryDir m_dir;
};

qint64 field(const QJsonObject &result, const char *name)
{
    return result.value(QLatin1String(name)).toInteger(-1);
}

qint64 detail(const QJsonObject &result, const char *name)
{
    return result.value(QLatin1String("detail"))
        .toObject()
        .value(QLatin1String(name))
        .toInteger(-1);
}

} // namespace

class TestHistoryCheck : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void cleanHistoryPasses();
    void idNeverFannedOutIsLost();
    void idKeptTwiceIsDuplicated();
    void idFannedOutAgainAfterACrashIsNotADuplicate();
    void ackedIdTheRelayLostInACrashFails();
    void seqAReceiverNeverGotIsLost();
    void seqTheRelayReportedAsAGapIsNotLost();
    void seqsOutOfOrderFail();
    void seqReceivedTwiceInOneLifeIsDuplicated();
    void redeliveryAfterARestartIsAllowed();
    void blackholeDetectionIsMeasured();
};

void TestHistoryCheck::cleanHistoryPasses()
{
    RunDir run;
    run.client("c0", {{"e", "start"}, {"t", 1}});
    run.client("c0", {{"e", "enq"}, {"id", "a"}, {"state", "connected"}, {"t", 50}});
    run.client("c0", {{"e", "ack"}, {"id", "a"}, {"t", 60}});
    run.witness("chat", 1, "a");
    run.witness("chat", 2, "b");
    run.life("c1", "chat", 0, {{1, "a"}, {2, "b"}});
    run.barrier("chat", 2);
    const QJsonObject result = run.check();
    QVERIFY2(result.value("ok").toBool(), QJsonDocument(result).toJson().constData());
    QCOMPARE(field(result, "sent"), 1);
    QCOMPARE(field(result, "acked"), 1);
    QCOMPARE(field(result, "delivered"), 1);
    QCOMPARE(field(result, "lost"), 0);
    QCOMPARE(field(result, "duplicated"), 0);
    QCOMPARE(field(result, "received"), 2);
    QCOMPARE(field(result, "seed"), 7);
}

void TestHistoryCheck::idNeverFannedOutIsLost()
{
    RunDir run;
    run.client("c0", {{"e", "start"}, {"t", 1}});
    run.client("c0", {{"e", "enq"}, {"id", "a"}, {"t", 50}});
    run.client("c0", {{"e", "enq"}, {"id", "gone"}, {"t", 51}});
    run.witness("chat", 1, "a");
    const QJsonObject result = run.check();
    QVERIFY(!result.value("ok").toBool());
    QCOMPARE(field(result, "lost"), 1);
    QCOMPARE(result.value("detail").toObject().value("lostIds").toArray(), QJsonArray{"gone"});
}

void TestHistoryCheck::idKeptTwiceIsDuplicated()
{
    RunDir run;
    run.client("c0", {{"e", "start"}, {"t", 1}});
    run.client("c0", {{"e", "enq"}, {"id", "a"}, {"t", 50}});
    run.witness("chat", 1, "a");
    run.write("history.jsonl", {{"ch", "chat"}, {"seq", 1}, {"id", "a"}});
    run.write("history.jsonl", {{"ch", "chat"}, {"seq", 2}, {"id", "a"}});
    const QJsonObject result = run.check();
    QVERIFY(!result.value("ok").toBool());
    QCOMPARE(field(result, "duplicated"), 1);
    QCOMPARE(detail(result, "duplicateFanOut"), 1);
}

void TestHistoryCheck::idFannedOutAgainAfterACrashIsNotADuplicate()
{
    // Fanned out as chat:5, never saved (the relay was killed and kept up to 4), sent again by
    // its client and fanned out as chat:1005: the relay's documented crash limit.
    RunDir run;
    run.client("c0", {{"e", "start"}, {"t", 1}});
    run.client("c0", {{"e", "enq"}, {"id", "a"}, {"t", 50}});
    run.witness("chat", 4, "x");
    run.witness("chat", 5, "a");
    run.witness("chat", 1005, "a");
    run.event({{"e", "restartcheck"},
               {"before", QJsonObject{{"chat", 5}}},
               {"since", QJsonObject{{"chat", 0}}},
               {"held", QJsonObject{{"chat", QJsonArray{4, 1005}}}},
               {"t", 300}});
    run.life("c1", "chat", 3, {{4, "x"}, {5, "a"}});
    run.barrier("chat", 1005);
    const QJsonObject result = run.check();
    QVERIFY2(result.value("ok").toBool(), QJsonDocument(result).toJson().constData());
    QCOMPARE(field(result, "refannedAfterCrash"), 1);
    QCOMPARE(detail(result, "droppedAsDuplicate"), 1); // c1 de-duplicated chat:1005
}

void TestHistoryCheck::ackedIdTheRelayLostInACrashFails()
{
    // Fanned out as chat:5 and acknowledged, then the relay was killed having saved only up to
    // 4: the sender had forgotten it, so it is missing from the history for good. The relay
    // acknowledges only what it saved, so this is a broken promise, not the crash limit.
    RunDir run;
    run.client("c0", {{"e", "start"}, {"t", 1}});
    run.client("c0", {{"e", "enq"}, {"id", "a"}, {"t", 50}});
    run.client("c0", {{"e", "ack"}, {"id", "a"}, {"t", 60}});
    run.witness("chat", 4, "x");
    run.witness("chat", 5, "a");
    run.event({{"e", "restartcheck"},
               {"before", QJsonObject{{"chat", 5}}},
               {"since", QJsonObject{{"chat", 0}}},
               {"held", QJsonObject{{"chat", QJsonArray{4}}}},
               {"t", 300}});
    run.life("c1", "chat", 3, {{4, "x"}, {5, "a"}});
    run.barrier("chat", 5);
    const QJsonObject result = run.check();
    QVERIFY2(!result.value("ok").toBool(), QJsonDocument(result).toJson().constData());
    QCOMPARE(field(result, "ackedButUnsaved"), 1);
    QCOMPARE(field(result, "lost"), 0); // fanned out once: the loss is the history's
}

void TestHistoryCheck::seqAReceiverNeverGotIsLost()
{
    RunDir run;
    for (qint64 seq = 1; seq <= 3; ++seq)
        run.witness("chat", seq, QStringLiteral("m%1").arg(seq));
    run.life("c1", "chat", 0, {{1, "m1"}, {3, "m3"}});
    run.barrier("chat", 3);
    const QJsonObject result = run.check();
    QVERIFY(!result.value("ok").toBool());
    QCOMPARE(field(result, "lost"), 1);
    QCOMPARE(detail(result, "missedSeqs"), 1);
    QCOMPARE(result.value("detail").toObject().value("missedSamples").toArray(),
             QJsonArray{"c1 chat:2"});
}

void TestHistoryCheck::seqTheRelayReportedAsAGapIsNotLost()
{
    RunDir run;
    for (qint64 seq = 1; seq <= 3; ++seq)
        run.witness("chat", seq, QStringLiteral("m%1").arg(seq));
    run.life("c1", "chat", 0, {{1, "m1"}});
    // The relay no longer had 2 when c1 came back: it said so, then sent 3.
    run.client("c1",
               {{"e", "sub"}, {"ch", "chat"}, {"head", 3}, {"recovered", false}, {"t", 9000}});
    run.client("c1", {{"e", "rx"}, {"ch", "chat"}, {"seq", 3}, {"id", "m3"}, {"t", 9001}});
    run.barrier("chat", 3);
    const QJsonObject result = run.check();
    QVERIFY2(result.value("ok").toBool(), QJsonDocument(result).toJson().constData());
    QCOMPARE(field(result, "gaps"), 1);
}

void TestHistoryCheck::seqsOutOfOrderFail()
{
    RunDir run;
    run.witness("chat", 1, "m1");
    run.witness("chat", 2, "m2");
    run.life("c1", "chat", 0, {{2, "m2"}, {1, "m1"}});
    run.barrier("chat", 2);
    const QJsonObject result = run.check();
    QVERIFY(!result.value("ok").toBool());
    QCOMPARE(field(result, "orderViolations"), 1);
}

void TestHistoryCheck::seqReceivedTwiceInOneLifeIsDuplicated()
{
    RunDir run;
    run.witness("chat", 1, "m1");
    run.life("c1", "chat", 0, {{1, "m1"}, {1, "m1"}});
    run.barrier("chat", 1);
    const QJsonObject result = run.check();
    QVERIFY(!result.value("ok").toBool());
    QCOMPARE(field(result, "duplicated"), 1);
    QCOMPARE(detail(result, "duplicateAtReceiver"), 1);
}

void TestHistoryCheck::redeliveryAfterARestartIsAllowed()
{
    // Killed after 2, its saved position said 1: 2 comes again in its next life.
    RunDir run;
    for (qint64 seq = 1; seq <= 3; ++seq)
        run.witness("chat", seq, QStringLiteral("m%1").arg(seq));
    run.life("c1", "chat", 0, {{1, "m1"}, {2, "m2"}}, 10);
    run.client("c1", {{"e", "start"},
                      {"positions", QJsonObject{{"chat", QJsonObject{{"seq", 1}}}}},
                      {"t", 1000}});
    run.client("c1", {{"e", "rx"}, {"ch", "chat"}, {"seq", 2}, {"id", "m2"}, {"t", 1100}});
    run.client("c1", {{"e", "rx"}, {"ch", "chat"}, {"seq", 3}, {"id", "m3"}, {"t", 1101}});
    run.barrier("chat", 3);
    const QJsonObject result = run.check();
    QVERIFY2(result.value("ok").toBool(), QJsonDocument(result).toJson().constData());
    QCOMPARE(field(result, "redelivered"), 1);
}

void TestHistoryCheck::blackholeDetectionIsMeasured()
{
    RunDir run;
    run.life("c1", "chat", 0, {});
    run.client("c1", {{"e", "state"}, {"state", "reconnecting"}, {"t", 3500}});
    run.client("c1", {{"e", "state"}, {"state", "connected"}, {"t", 9000}});
    run.event({{"e", "fault"},
               {"step", "begin"},
               {"kind", "blackhole"},
               {"target", "c1"},
               {"durationMs", 6000},
               {"t", 1000}});
    const QJsonObject result = run.check();
    QCOMPARE(field(result, "maxDetectMs"), 2500);
    QCOMPARE(field(result, "blackholesDetected"), 1);
    QCOMPARE(field(result, "reconnects"), 1);
    QCOMPARE(result.value("faults").toObject().value("blackhole").toInt(), 1);
}

QTEST_GUILESS_MAIN(TestHistoryCheck)
#include "tst_historycheck.moc"
