// vigil-cli as a real process against a hostile server (tests/helpers/hostileserver.*) and a
// damaged outbox: its memory stays bounded (the child's peak VmHWM from /proc is recorded), it
// says what is wrong, --timeout-ms is a hard deadline, stderr stays short, a message over the
// size limit is skipped instead of looped over, and unreadable outbox rows become dead letters.
#include "helpers/childprocess.h"
#include "helpers/hostileserver.h"
#include "helpers/loopback.h"
#include "helpers/outboxdamage.h"

#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

using vigil::test::closedPort;
using vigil::test::HostileServer;
using vigil::test::runProcess;
using vigil::test::startRelayProcess;

namespace {

const QString kCli = QStringLiteral(VIGIL_CLI_BIN);
// What the deadline may be overshot by: the CLI's own grace (2 s) plus starting a process on a
// busy machine.
constexpr int kMarginMs = 5000;

struct CliRun
{
    bool finished = false;
    int exitCode = -1;
    qint64 elapsedMs = 0;
    qint64 peakRssKb = 0;
    QByteArray out;
    QByteArray err;
    [[nodiscard]] QList<QJsonObject> outLines() const
    {
        QList<QJsonObject> lines;
        for (const QByteArray &line : out.split('\n')) {
            if (!line.trimmed().isEmpty())
                lines.append(QJsonDocument::fromJson(line).object());
        }
        return lines;
    }
};

/// Runs vigil-cli while this process's event loop serves the hostile server, reading its output
/// as it comes (a child blocked on a full pipe proves nothing) and sampling its peak memory.
CliRun runServed(const QStringList &args, int limitMs)
{
    CliRun run;
    QProcess process;
    QObject::connect(&process, &QProcess::readyReadStandardOutput, &process,
                     [&] { run.out += process.readAllStandardOutput(); });
    QObject::connect(&process, &QProcess::readyReadStandardError, &process,
                     [&] { run.err += process.readAllStandardError(); });
    QTimer sampler;
    QObject::connect(&sampler, &QTimer::timeout, &process, [&] {
        run.peakRssKb =
            std::max(run.peakRssKb, vigil::test::procMemoryKb(process.processId(), "VmHWM"));
    });
    QSignalSpy finished(&process, &QProcess::finished);
    QElapsedTimer clock;
    clock.start();
    process.start(kCli, args);
    if (!process.waitForStarted(30000))
        return run;
    sampler.start(20);
    run.finished = finished.wait(limitMs);
    run.elapsedMs = clock.elapsed();
    sampler.stop();
    if (!run.finished) {
        process.kill();
        process.waitForFinished(5000);
    }
    run.out += process.readAllStandardOutput();
    run.err += process.readAllStandardError();
    run.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    qInfo("vigil-cli %s: exit %d after %lld ms, peak VmHWM %lld kB, stderr %lld bytes",
          qPrintable(args.value(0)), run.exitCode, qlonglong(run.elapsedMs),
          qlonglong(run.peakRssKb), qlonglong(run.err.size()));
    return run;
}

} // namespace

class TestCliHardening : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void tailAgainstHostileServer_data();
    void tailAgainstHostileServer();
    void timeoutIsHonouredByEveryCommand_data();
    void timeoutIsHonouredByEveryCommand();
    void tailSkipsAnOversizedMessageInsteadOfLooping();
    void tailReadsAnEventStreamWithCrlf();
    void flushMovesUnreadableRowsToDeadLettersAndDeliversTheRest();
};

void TestCliHardening::tailAgainstHostileServer_data()
{
    QTest::addColumn<HostileServer::Mode>("mode");
    QTest::addColumn<QString>("transport");
    QTest::addColumn<QString>("said");
    QTest::newRow("SSE line without end") << HostileServer::Mode::SseEndlessLine << "sse"
                                          << "without ending an event";
    QTest::newRow("endless poll answer") << HostileServer::Mode::PollEndless << "poll"
                                         << "a poll answer was larger than 16777216 bytes";
    QTest::newRow("ping flood, never reads") << HostileServer::Mode::PingFlood << "websocket"
                                             << "does not read what it is sent";
    QTest::newRow("garbage frames") << HostileServer::Mode::GarbageFrames << "websocket"
                                    << "the server sent 20 bad frames within 10 s";
}

void TestCliHardening::tailAgainstHostileServer()
{
    QFETCH(HostileServer::Mode, mode);
    QFETCH(QString, transport);
    QFETCH(QString, said);
    HostileServer server(mode);
    QVERIFY(server.listen());
    const int timeoutMs = 5000;
    const CliRun run =
        runServed({"tail", "--url", server.wsUrl().toString(), "--channel", "incidents",
                   "--transport", transport, "--timeout-ms", QString::number(timeoutMs)},
                  timeoutMs + 60000);
    qInfo("the server sent %llu bytes over %d connections", qulonglong(server.bytesSent()),
          server.connections());
    QVERIFY(run.finished);
    // It gave up at its deadline, said so, and said what the server did wrong.
    QCOMPARE(run.exitCode, 3);
    QVERIFY2(run.elapsedMs < timeoutMs + kMarginMs, qPrintable(QString::number(run.elapsedMs)));
    QVERIFY2(run.err.contains(R"("event":"error")"), run.err.right(2000).constData());
    QVERIFY2(run.err.contains("timed out after 5000 ms"), run.err.right(2000).constData());
    QVERIFY2(QString::fromUtf8(run.err).contains(said), run.err.right(4000).constData());
    // Bounded: memory (gigabytes before), and stderr (tens of megabytes before).
    QVERIFY(run.peakRssKb > 0);
    QVERIFY2(run.peakRssKb < 200 * 1024, qPrintable(QString::number(run.peakRssKb)));
    QVERIFY2(run.err.size() < 64 * 1024, qPrintable(QString::number(run.err.size())));
    QVERIFY(run.out.isEmpty());
    QVERIFY(server.bytesSent() > 1024 * 1024); // the attack really happened
}

void TestCliHardening::timeoutIsHonouredByEveryCommand_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<HostileServer::Mode>("mode");
    QTest::addColumn<int>("deadlineMs");
    QTest::addColumn<int>("exitCode");
    // A server that welcomes, promises acks and never sends one: send and flush wait for them
    // until their deadline.
    QTest::newRow("send, no ack ever")
        << QStringList{"send", "--channel", "chat", "--type", "t", "--timeout-ms", "3000"}
        << HostileServer::Mode::Relay << 3000 << 0; // "queued": the outbox keeps it
    QTest::newRow("flush, no ack ever")
        << QStringList{"flush", "--timeout-ms", "3000"} << HostileServer::Mode::Relay << 3000 << 3;
    QTest::newRow("tail, ping flood") << QStringList{"tail", "--timeout-ms", "3000"}
                                      << HostileServer::Mode::PingFlood << 3000 << 3;
    // Qt's network thread reads a response header that never ends for as long as it comes and
    // cannot be stopped. Tearing down used to wait 5 s for it, until the watchdog ended the
    // process; the manager is now destroyed off the main thread (NetworkReaper).
    QTest::newRow("tail, endless HTTP header")
        << QStringList{"tail", "--transport", "sse", "--timeout-ms", "3000"}
        << HostileServer::Mode::HttpEndlessHeader << 3000 << 3;
    QTest::newRow("health, garbage") << QStringList{"health", "--duration-ms", "3000"}
                                     << HostileServer::Mode::GarbageFrames << 3000 << 1;
}

void TestCliHardening::timeoutIsHonouredByEveryCommand()
{
    QFETCH(QStringList, args);
    QFETCH(HostileServer::Mode, mode);
    QFETCH(int, deadlineMs);
    QFETCH(int, exitCode);
    HostileServer server(mode);
    QVERIFY(server.listen());
    QTemporaryDir data;
    const QStringList common = {"--url", server.wsUrl().toString(), "--data-dir", data.path()};
    if (args.first() == "flush") {
        // Something to flush: queued by a send that gave up at once.
        const CliRun queued = runServed(
            QStringList{"send", "--channel", "chat", "--type", "t", "--timeout-ms", "1"} + common,
            60000);
        QCOMPARE(queued.exitCode, 0);
    }
    const CliRun run = runServed(args + common, deadlineMs + 60000);
    QVERIFY(run.finished);
    QCOMPARE(run.exitCode, exitCode);
    QVERIFY2(run.elapsedMs < deadlineMs + kMarginMs, qPrintable(QString::number(run.elapsedMs)));
    QVERIFY2(run.peakRssKb < 200 * 1024, qPrintable(QString::number(run.peakRssKb)));
    QVERIFY2(run.err.size() < 64 * 1024, qPrintable(QString::number(run.err.size())));
    QVERIFY2(!run.err.contains("after the deadline"), run.err.constData()); // no watchdog needed
}

void TestCliHardening::tailSkipsAnOversizedMessageInsteadOfLooping()
{
    // Seq 3 is larger than vigil-cli accepts (1 MiB): QWebSocket closes with 1009, and the
    // server replays it after every reconnect. The client gets past it and says so.
    HostileServer server(HostileServer::Mode::Relay);
    server.addMessage("incidents", 1);
    server.addMessage("incidents", 2);
    server.addMessage("incidents", 3, 3 * 512 * 1024);
    server.addMessage("incidents", 4);
    QVERIFY(server.listen());
    const CliRun run = runServed({"tail", "--url", server.wsUrl().toString(), "--channel",
                                  "incidents", "--count", "3", "--timeout-ms", "30000"},
                                 90000);
    QVERIFY(run.finished);
    QCOMPARE(run.exitCode, 0);
    QStringList ids;
    for (const QJsonObject &line : run.outLines())
        ids.append(line.value("id").toString());
    QCOMPARE(ids, (QStringList{"incidents-1", "incidents-2", "incidents-4"}));
    QJsonObject skipped;
    for (const QByteArray &line : run.err.split('\n')) {
        const QJsonObject o = QJsonDocument::fromJson(line).object();
        if (o.value("event").toString() == "skipped")
            skipped = o;
    }
    QCOMPARE(skipped.value("channel").toString(), QString("incidents"));
    QCOMPARE(skipped.value("seq").toInteger(), 3);
    QVERIFY(skipped.value("reason").toString().contains("over the limit of 1048576 bytes"));
    QCOMPARE(server.upgrades(), 3); // live, the replay twice at the same place, then past it
}

void TestCliHardening::tailReadsAnEventStreamWithCrlf()
{
    HostileServer server(HostileServer::Mode::SseEvents);
    QByteArray body = ": hello\r\n\r\n";
    for (qint64 seq = 1; seq <= 3; ++seq) {
        body += "id: incidents:" + QByteArray::number(seq) +
                "\r\ndata:" + HostileServer::envelopeText("incidents", seq, 0) + "\r\n\r\n";
    }
    server.sseBody = body;
    QVERIFY(server.listen());
    const CliRun run =
        runServed({"tail", "--url", server.wsUrl().toString(), "--channel", "incidents",
                   "--transport", "sse", "--count", "3", "--timeout-ms", "20000"},
                  60000);
    QVERIFY(run.finished);
    QCOMPARE(run.exitCode, 0);
    const auto lines = run.outLines();
    QCOMPARE(lines.size(), 3);
    for (int i = 0; i < 3; ++i)
        QCOMPARE(lines.at(i).value("seq").toInteger(), i + 1);
    QVERIFY(run.err.contains(R"("transport":"sse")"));
}

void TestCliHardening::flushMovesUnreadableRowsToDeadLettersAndDeliversTheRest()
{
    const quint16 port = closedPort();
    const QString url = QStringLiteral("ws://127.0.0.1:%1/ws").arg(port);
    QTemporaryDir data;
    const QStringList common = {"--url", url, "--data-dir", data.path()};
    // Five good messages, queued while the server is down.
    for (int i = 0; i < 5; ++i) {
        const auto sent = runProcess(kCli, QStringList{"send", "--channel", "chat", "--type",
                                                       "chat.message", "--timeout-ms", "2000"} +
                                               common);
        QCOMPARE(sent.exitCode, 0);
        QCOMPARE(sent.lines.last().value("status").toString(), QString("queued"));
    }
    // 60 unreadable rows in front of them: more than one drain batch.
    QCOMPARE(vigil::test::insertUnreadableRows(data.filePath("outbox.sqlite"), url, 60), 60);

    quint16 relayPort = 0;
    auto relay = startRelayProcess({"--port", QString::number(port)}, &relayPort);
    QVERIFY2(relay, "the chosen port was taken meanwhile");
    const auto flushed =
        runProcess(kCli, QStringList{"flush", "--timeout-ms", "30000"} + common, 60000);
    QVERIFY(flushed.finished);
    QCOMPARE(flushed.exitCode, 0);
    const QJsonObject summary = flushed.lines.last();
    QCOMPARE(summary.value("event").toString(), QString("flush"));
    QCOMPARE(summary.value("delivered").toInt(), 5);
    QCOMPARE(summary.value("deadLettered").toInt(), 60);
    QCOMPARE(summary.value("remaining").toInt(), 0);

    const auto queue = runProcess(kCli, QStringList{"queue"} + common);
    QCOMPARE(queue.exitCode, 0);
    QCOMPARE(queue.lines.first().value("depth").toInt(), 0);
    QCOMPARE(queue.lines.first().value("deadLetters").toInt(), 60);
    int dead = 0;
    for (const QJsonObject &line : queue.lines) {
        if (line.value("event").toString() != "dead-letter")
            continue;
        ++dead;
        QVERIFY(line.value("id").toString().startsWith("bad-"));
        QVERIFY2(line.value("reason").toString().startsWith("unreadable: "),
                 qPrintable(line.value("reason").toString()));
    }
    QCOMPARE(dead, 60);
}

QTEST_GUILESS_MAIN(TestCliHardening)
#include "tst_clihardening.moc"
