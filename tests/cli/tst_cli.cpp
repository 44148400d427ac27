// vigil-cli (and the --help/--version/bad-flag behaviour of all three executables) driven
// from outside, exactly as scripts use them, against a real vigil-relay process.
#include "helpers/childprocess.h"
#include "helpers/faultproxy.h"
#include "helpers/loopback.h"
#include "helpers/scriptedserver.h"
#include "helpers/testsupport.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QWebSocket>
#include <QWebSocketServer>

using vigil::test::closedPort;
using vigil::test::kWaitMs;
using vigil::test::runProcess;
using vigil::test::startRelayProcess;

namespace {

const QString kCli = QStringLiteral(VIGIL_CLI_BIN);
const QString kRelay = QStringLiteral(VIGIL_RELAY_BIN);
const QString kApp = QStringLiteral(VIGIL_APP_BIN);

QString urlFor(quint16 port)
{
    return vigil::test::wsUrl(port).toString();
}

/// Sends a marker to "chat" through the relay on `port` and returns its id (empty if it was not
/// delivered). The relay fans messages out in order, so a tail of "chat" prints the marker
/// after anything the relay sent it before.
QString sendMarker(quint16 port)
{
    QTemporaryDir data;
    const auto r = runProcess(kCli, {"send", "--url", urlFor(port), "--data-dir", data.path(),
                                     "--channel", "chat", "--type", "chat.message", "--payload",
                                     R"({"content":"marker"})"});
    if (r.exitCode != 0 || r.lines.size() != 2 ||
        r.lines.last().value("status").toString() != QStringLiteral("delivered"))
        return {};
    return r.lines.last().value("id").toString();
}

/// A WebSocket server that welcomes every client with `capabilities` at once (so a client
/// never subscribes before it knows them) and records what the client sends.
class LogServer : public QObject
{
public:
    explicit LogServer(const QStringList &capabilities)
        : m_server(QStringLiteral("logs"), QWebSocketServer::NonSecureMode)
    {
        m_server.listen(QHostAddress::LocalHost, 0);
        const QJsonObject welcome{
            {"type", "welcome"},
            {"channel", "system"},
            {"payload", QJsonObject{{"session", "s"},
                                    {"server", "scripted"},
                                    {"capabilities", QJsonArray::fromStringList(capabilities)}}}};
        connect(&m_server, &QWebSocketServer::newConnection, this, [this, welcome] {
            while (QWebSocket *socket = m_server.nextPendingConnection()) {
                socket->setParent(this);
                m_clients.append(socket);
                connect(socket, &QWebSocket::textMessageReceived, this, [this](const QString &t) {
                    m_received.append(QJsonDocument::fromJson(t.toUtf8()).object());
                });
                socket->sendTextMessage(
                    QString::fromUtf8(QJsonDocument(welcome).toJson(QJsonDocument::Compact)));
            }
        });
    }
    [[nodiscard]] QString url() const { return urlFor(m_server.serverPort()); }
    void send(const QJsonObject &envelope)
    {
        for (QWebSocket *client : std::as_const(m_clients))
            client->sendTextMessage(
                QString::fromUtf8(QJsonDocument(envelope).toJson(QJsonDocument::Compact)));
    }
    [[nodiscard]] QList<QJsonObject> received(const QString &type) const
    {
        QList<QJsonObject> out;
        for (const QJsonObject &o : m_received) {
            if (o.value("type").toString() == type)
                out.append(o);
        }
        return out;
    }

private:
    QWebSocketServer m_server;
    QList<QWebSocket *> m_clients;
    QList<QJsonObject> m_received;
};

QJsonObject logLine(const QString &level, const QString &source, const QString &task)
{
    return {{"level", level},
            {"message", level + " from " + source},
            {"source", source},
            {"taskId", task}};
}

} // namespace

class TestCli : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void versionAndHelp_data();
    void versionAndHelp();
    void wrongFlagsExitTwo_data();
    void wrongFlagsExitTwo();
    void tailPrintsCountEnvelopes();
    void tailTimesOutWithExitThree();
    void tailFiltersLogs_data();
    void tailFiltersLogs();
    void sendDeliversWhenRelayIsUp();
    void sendQueuesWhileDownAndFlushDeliversOnce();
    void sendToBasicServerIsBestEffort();
    void killedSendIsDeliveredOnceByFlush();
    void refusedMessageBecomesADeadLetter();
    void ttlExpiredMessageIsShownAsDeadLetter();
    void tokenNeverPrinted();
    void relayStopsCleanlyOnSigterm();
    void tokensWorkEndToEndAndAreNeverLogged();
    void relayRefusesBadStarts_data();
    void relayRefusesBadStarts();
    void healthReportsRoundTrips();
    void healthOfUnreachableServerFails();
    void diagnoseExitCodes();
};

void TestCli::versionAndHelp_data()
{
    QTest::addColumn<QString>("program");
    QTest::newRow("vigil-cli") << kCli;
    QTest::newRow("vigil-relay") << kRelay;
    QTest::newRow("vigil") << kApp;
}

void TestCli::versionAndHelp()
{
    QFETCH(QString, program);
    const auto version = runProcess(program, {"--version"});
    QCOMPARE(version.exitCode, 0);
    QVERIFY2(version.out.contains("0.1.0"), version.out.constData());
    const auto help = runProcess(program, {"--help"});
    QCOMPARE(help.exitCode, 0);
    QVERIFY(help.out.contains("--version"));
}

void TestCli::wrongFlagsExitTwo_data()
{
    QTest::addColumn<QString>("program");
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("message");
    QTest::newRow("cli unknown option")
        << kCli << QStringList{"tail", "--bogus"} << "Unknown option 'bogus'";
    QTest::newRow("cli no command") << kCli << QStringList{} << "no command given";
    QTest::newRow("cli unknown command")
        << kCli << QStringList{"explode"} << "unknown command 'explode'";
    QTest::newRow("cli count not a number")
        << kCli << QStringList{"tail", "--count", "abc"} << "--count must be a whole number";
    QTest::newRow("cli option of another command")
        << kCli << QStringList{"tail", "--type", "x"} << "--type does not apply to 'tail'";
    QTest::newRow("cli http url") << kCli << QStringList{"tail", "--url", "http://example.test/"}
                                  << "is not a ws:// or wss:// URL";
    QTest::newRow("cli missing token file")
        << kCli << QStringList{"tail", "--token-file", "/nonexistent/token"}
        << "--token-file: cannot read the token file";
    QTest::newRow("cli send without channel")
        << kCli << QStringList{"send", "--type", "t"} << "send needs exactly one --channel";
    QTest::newRow("cli send without type")
        << kCli << QStringList{"send", "--channel", "chat"} << "send needs --type";
    QTest::newRow("cli bad payload")
        << kCli << QStringList{"send", "--channel", "chat", "--type", "t", "--payload", "{bad"}
        << "--payload is not valid JSON";
    QTest::newRow("cli bad priority")
        << kCli << QStringList{"send", "--channel", "chat", "--type", "t", "--priority", "urgent"}
        << "--priority must be critical, high, normal or low";
    QTest::newRow("cli bad min-level")
        << kCli << QStringList{"tail", "--channel", "logs", "--min-level", "loud"}
        << "--min-level must be debug, info, warn or error (got 'loud')";
    QTest::newRow("cli log filter without logs")
        << kCli << QStringList{"tail", "--channel", "chat", "--source", "api"}
        << "filter the logs channel: add --channel logs";
    QTest::newRow("cli log filter of another command")
        << kCli << QStringList{"send", "--channel", "chat", "--type", "t", "--task", "x"}
        << "--task does not apply to 'send'";
    QTest::newRow("cli bad channel")
        << kCli << QStringList{"tail", "--channel", "no spaces"} << "not a valid channel name";
    QTest::newRow("cli heartbeat zero") << kCli << QStringList{"health", "--heartbeat-ms", "0"}
                                        << "--heartbeat-ms must be a whole number";
    // The same range as the app's Settings page (connection/settingsranges.h).
    QTest::newRow("cli heartbeat below the app's range")
        << kCli << QStringList{"health", "--heartbeat-ms", "50"}
        << "--heartbeat-ms must be a whole number from 100 to 3600000";
    QTest::newRow("cli diagnose option of another command")
        << kCli << QStringList{"diagnose", "--type", "x"} << "--type does not apply to 'diagnose'";
    QTest::newRow("cli diagnose two channels")
        << kCli << QStringList{"diagnose", "--channel", "a", "--channel", "b"}
        << "diagnose takes at most one --channel";
    QTest::newRow("cli diagnose too many pings")
        << kCli << QStringList{"diagnose", "--count", "5000"}
        << "--count for diagnose must be from 1 to 1000 pings";
    QTest::newRow("relay port out of range") << kRelay << QStringList{"--port", "70000"}
                                             << "--port must be a whole number from 0 to 65535";
    QTest::newRow("relay unknown option")
        << kRelay << QStringList{"--bogus"} << "Unknown option 'bogus'";
    QTest::newRow("app unknown option")
        << kApp << QStringList{"--bogus"} << "Unknown option 'bogus'";
    QTest::newRow("app bad url") << kApp << QStringList{"--url", "not a url"}
                                 << "is not a ws:// or wss:// URL";
    QTest::newRow("app demo and url")
        << kApp << QStringList{"--demo", "--url", "ws://127.0.0.1:1/ws"}
        << "--demo and --url exclude each other";
}

void TestCli::wrongFlagsExitTwo()
{
    QFETCH(QString, program);
    QFETCH(QStringList, args);
    QFETCH(QString, message);
    const auto r = runProcess(program, args, 30000, {"QT_QPA_PLATFORM=offscreen"});
    QVERIFY(r.finished);
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(QString::fromUtf8(r.err).contains(message), r.err.constData());
    QVERIFY(r.out.isEmpty());
}

void TestCli::tailPrintsCountEnvelopes()
{
    quint16 port = 0;
    auto relay = startRelayProcess({"--demo"}, &port);
    QVERIFY(relay);
    const auto r =
        runProcess(kCli, {"tail", "--url", urlFor(port), "--count", "3", "--timeout-ms", "30000"});
    QCOMPARE(r.exitCode, 0);
    QVERIFY(r.allLinesJson);
    QCOMPARE(r.lines.size(), 3);
    for (const QJsonObject &line : r.lines) {
        QVERIFY(!line.value("type").toString().isEmpty());
        QVERIFY(!line.value("channel").toString().isEmpty());
        QVERIFY(line.value("seq").toInteger() >= 1);
        QVERIFY(!line.value("id").toString().isEmpty());
    }
    // State changes went to stderr as JSON events naming the transport.
    QVERIFY(r.err.contains(R"("event":"state")"));
    QVERIFY(r.err.contains(R"("state":"connected")"));
    QVERIFY(r.err.contains(R"("transport":"websocket")"));
}

void TestCli::tailTimesOutWithExitThree()
{
    quint16 port = 0;
    auto relay = startRelayProcess({}, &port); // no demo: nothing will arrive
    QVERIFY(relay);
    const auto r =
        runProcess(kCli, {"tail", "--url", urlFor(port), "--count", "1", "--timeout-ms", "700"});
    QCOMPARE(r.exitCode, 3);
    QCOMPARE(r.lines.size(), 0);
    QVERIFY(r.err.contains("timed out after 700 ms"));
}

void TestCli::tailFiltersLogs_data()
{
    QTest::addColumn<QStringList>("capabilities");
    QTest::addColumn<bool>("onServer");
    QTest::newRow("server filters") << QStringList{"ack", "logFilter"} << true;
    QTest::newRow("server cannot filter") << QStringList{"ack"} << false;
}

void TestCli::tailFiltersLogs()
{
    QFETCH(QStringList, capabilities);
    QFETCH(bool, onServer);
    LogServer server(capabilities);
    QProcess cli;
    cli.start(kCli, {"tail", "--url", server.url(), "--channel", "logs", "--min-level", "warn",
                     "--source", "api", "--source", "worker", "--task", "t1", "--count", "3",
                     "--timeout-ms", "30000"});
    QVERIFY(cli.waitForStarted());
    // The server runs in this process: serve it while the CLI works.
    QTRY_COMPARE_WITH_TIMEOUT(server.received("subscribe").size(), 1, kWaitMs);
    const QJsonObject subscribe = server.received("subscribe").first();
    const QJsonObject logs =
        subscribe.value("payload").toObject().value("channels").toArray().at(0).toObject();
    QCOMPARE(logs.value("name").toString(), QStringLiteral("logs"));
    QCOMPARE(logs.contains("filter"), onServer);
    if (onServer) {
        QCOMPARE(logs.value("filter").toObject(),
                 QJsonObject({{"minLevel", "warn"},
                              {"sources", QJsonArray{"api", "worker"}},
                              {"taskId", "t1"}}));
    }
    // Whatever the server does, only what matches is printed: this one sends everything.
    const QList<QJsonObject> lines = {
        logLine("info", "api", "t1"),     logLine("warn", "api", "t1"),
        logLine("warn", "db", "t1"),      logLine("error", "api", "t2"),
        logLine("error", "worker", "t1"),
    };
    qint64 seq = 0;
    for (const QJsonObject &payload : lines) {
        server.send({{"type", "log.entry"},
                     {"channel", "logs"},
                     {"id", QString("e%1").arg(++seq)},
                     {"seq", seq},
                     {"payload", payload}});
    }
    server.send({{"type", "log.batch"},
                 {"channel", "logs"},
                 {"id", "pub-1"},
                 {"seq", ++seq},
                 {"payload", QJsonObject{{"entries", QJsonArray{logLine("debug", "api", "t1"),
                                                                logLine("warn", "api", "t1")}}}}});
    QTRY_VERIFY_WITH_TIMEOUT(cli.state() == QProcess::NotRunning, kWaitMs);
    QCOMPARE(cli.exitCode(), 0);
    const QList<QByteArray> out = cli.readAllStandardOutput().trimmed().split('\n');
    QCOMPARE(out.size(), 3);
    QCOMPARE(QJsonDocument::fromJson(out.at(0)).object().value("id").toString(),
             QStringLiteral("e2"));
    QCOMPARE(QJsonDocument::fromJson(out.at(1)).object().value("id").toString(),
             QStringLiteral("e5"));
    const QJsonObject batch = QJsonDocument::fromJson(out.at(2)).object();
    QCOMPARE(batch.value("id").toString(), QStringLiteral("pub-1"));
    QCOMPARE(batch.value("payload").toObject().value("entries").toArray(),
             QJsonArray{logLine("warn", "api", "t1")});
    const QByteArray err = cli.readAllStandardError();
    QVERIFY2(err.contains(onServer ? R"("event":"log-filter","filter":{"minLevel":"warn")"
                                   : R"("event":"log-filter")"),
             err.constData());
    QVERIFY2(err.contains(onServer ? R"("onServer":true)" : R"("onServer":false)"),
             err.constData());
}

void TestCli::sendDeliversWhenRelayIsUp()
{
    quint16 port = 0;
    auto relay = startRelayProcess({}, &port);
    QVERIFY(relay);
    QTemporaryDir data;
    const auto r = runProcess(kCli, {"send", "--url", urlFor(port), "--data-dir", data.path(),
                                     "--channel", "chat", "--type", "chat.message", "--priority",
                                     "high", "--payload", R"({"content":"hello"})"});
    QCOMPARE(r.exitCode, 0);
    QCOMPARE(r.lines.size(), 2);
    const QString id = r.lines.at(0).value("id").toString();
    QVERIFY(!id.isEmpty());
    QCOMPARE(r.lines.at(0).value("status").toString(), QStringLiteral("enqueued"));
    QCOMPARE(r.lines.at(1).value("id").toString(), id);
    QCOMPARE(r.lines.at(1).value("status").toString(), QStringLiteral("delivered"));

    const auto q = runProcess(kCli, {"queue", "--url", urlFor(port), "--data-dir", data.path()});
    QCOMPARE(q.exitCode, 0);
    QCOMPARE(q.lines.first().value("depth").toInt(), 0);
}

void TestCli::sendQueuesWhileDownAndFlushDeliversOnce()
{
    const quint16 port = closedPort();
    QTemporaryDir data;
    const QStringList common = {"--url", urlFor(port), "--data-dir", data.path()};

    const auto sent =
        runProcess(kCli, QStringList{"send", "--channel", "chat", "--type", "chat.message",
                                     "--payload", R"({"content":"offline"})"} +
                             common);
    QCOMPARE(sent.exitCode, 0);
    QCOMPARE(sent.lines.size(), 2);
    const QString id = sent.lines.at(0).value("id").toString();
    QCOMPARE(sent.lines.at(1).value("status").toString(), QStringLiteral("queued"));
    QVERIFY(!sent.lines.at(1).value("reason").toString().isEmpty());

    const auto queued = runProcess(kCli, QStringList{"queue"} + common);
    QCOMPARE(queued.exitCode, 0);
    QCOMPARE(queued.lines.size(), 2);
    QCOMPARE(queued.lines.at(0).value("depth").toInt(), 1);
    QCOMPARE(queued.lines.at(0).value("byPriority").toObject().value("normal").toInt(), 1);
    QCOMPARE(queued.lines.at(1).value("id").toString(), id);

    // The server comes up; a watcher subscribes; flush delivers the queued message.
    quint16 relayPort = 0;
    auto relay = startRelayProcess({"--port", QString::number(port)}, &relayPort);
    QVERIFY2(relay, "the chosen port was taken meanwhile");
    vigil::test::ChildProcess watcher;
    watcher.start(kCli,
                  {"tail", "--url", urlFor(port), "--channel", "chat", "--timeout-ms", "60000"});
    QVERIFY(watcher.waitForStarted());
    QByteArray watcherErr;
    QTRY_VERIFY_WITH_TIMEOUT(
        (watcherErr += watcher.readAllStandardError()).contains(R"("event":"subscribed")"), 30000);

    const auto flushed = runProcess(kCli, QStringList{"flush", "--timeout-ms", "30000"} + common);
    QCOMPARE(flushed.exitCode, 0);
    QCOMPARE(flushed.lines.last().value("delivered").toInt(), 1);
    QCOMPARE(flushed.lines.last().value("remaining").toInt(), 0);

    QTRY_VERIFY_WITH_TIMEOUT(watcher.canReadLine(), 30000);
    const QJsonObject got = QJsonDocument::fromJson(watcher.readLine()).object();
    QCOMPARE(got.value("id").toString(), id);
    QCOMPARE(got.value("payload").toObject().value("content").toString(),
             QStringLiteral("offline"));

    // Flushing again delivers nothing more: the message left the outbox exactly once.
    const auto again = runProcess(kCli, QStringList{"flush"} + common);
    QCOMPARE(again.exitCode, 0);
    QCOMPARE(again.lines.last().value("delivered").toInt(), 0);
    // Nor did the watcher get a second copy: the next line it prints is a marker sent now.
    const QString marker = sendMarker(port);
    QVERIFY(!marker.isEmpty());
    QTRY_VERIFY_WITH_TIMEOUT(watcher.canReadLine(), kWaitMs);
    QCOMPARE(QJsonDocument::fromJson(watcher.readLine()).object().value("id").toString(), marker);
}

void TestCli::sendToBasicServerIsBestEffort()
{
    // A plain WebSocket backend: no welcome, no acks. The message leaves the outbox once
    // written, and the server has it.
    vigil::test::ScriptedServer server;
    QVERIFY(server.listen());
    QTemporaryDir data;
    QProcess cli;
    cli.start(kCli, {"send", "--url", server.url().toString(), "--data-dir", data.path(),
                     "--channel", "chat", "--type", "chat.message", "--payload", "\"plain\""});
    QVERIFY(cli.waitForStarted());
    // The server runs in this process: serve it while the CLI works.
    QTRY_VERIFY_WITH_TIMEOUT(cli.state() == QProcess::NotRunning, 30000);
    QCOMPARE(cli.exitCode(), 0);
    const QList<QByteArray> lines = cli.readAllStandardOutput().trimmed().split('\n');
    QCOMPARE(lines.size(), 2);
    const QJsonObject last = QJsonDocument::fromJson(lines.last()).object();
    QCOMPARE(last.value("status").toString(), QStringLiteral("delivered"));
    const QString id = last.value("id").toString();
    QTRY_VERIFY_WITH_TIMEOUT(server.received().join('\n').contains(id), 10000);
    const auto q =
        runProcess(kCli, {"queue", "--url", server.url().toString(), "--data-dir", data.path()});
    QCOMPARE(q.lines.first().value("depth").toInt(), 0);
}

void TestCli::killedSendIsDeliveredOnceByFlush()
{
    // The relay is down and the network swallows everything: `send` hangs after storing the
    // message, and is killed with SIGKILL.
    const quint16 relayPort = closedPort();
    vigil::test::FaultProxy proxy(relayPort);
    QVERIFY(proxy.listen());
    proxy.setBlackhole(vigil::test::FaultProxy::Both, true);
    QTemporaryDir data;
    const QStringList common = {"--url", urlFor(proxy.port()), "--data-dir", data.path()};
    QProcess sender;
    sender.start(kCli,
                 QStringList{"send", "--channel", "chat", "--type", "chat.message", "--payload",
                             R"({"content":"before the crash"})", "--timeout-ms", "120000"} +
                     common);
    QVERIFY(sender.waitForStarted());
    QByteArray out;
    QTRY_VERIFY_WITH_TIMEOUT((out += sender.readAllStandardOutput()).contains("enqueued"), 30000);
    const QString id =
        QJsonDocument::fromJson(out.left(out.indexOf('\n'))).object().value("id").toString();
    QVERIFY(!id.isEmpty());
    sender.kill(); // SIGKILL, mid-connection
    QVERIFY(sender.waitForFinished());

    // The relay comes back, the network heals, a watcher subscribes, and flush delivers.
    quint16 port = 0;
    auto relay = startRelayProcess({"--port", QString::number(relayPort)}, &port);
    QVERIFY2(relay, "the chosen port was taken meanwhile");
    proxy.setBlackhole(vigil::test::FaultProxy::Both, false);
    proxy.cutAll();
    vigil::test::ChildProcess watcher;
    watcher.start(
        kCli, {"tail", "--url", urlFor(relayPort), "--channel", "chat", "--timeout-ms", "60000"});
    QVERIFY(watcher.waitForStarted());
    QByteArray watcherErr;
    QTRY_VERIFY_WITH_TIMEOUT(
        (watcherErr += watcher.readAllStandardError()).contains(R"("event":"subscribed")"), 30000);

    QProcess flush;
    flush.start(kCli, QStringList{"flush", "--timeout-ms", "30000"} + common);
    QVERIFY(flush.waitForStarted());
    QTRY_VERIFY_WITH_TIMEOUT(flush.state() == QProcess::NotRunning, 60000);
    QCOMPARE(flush.exitCode(), 0);
    const QList<QByteArray> lines = flush.readAllStandardOutput().trimmed().split('\n');
    const QJsonObject summary = QJsonDocument::fromJson(lines.last()).object();
    QCOMPARE(summary.value("delivered").toInt(), 1);
    QCOMPARE(summary.value("remaining").toInt(), 0);

    QTRY_VERIFY_WITH_TIMEOUT(watcher.canReadLine(), 30000);
    const QJsonObject got = QJsonDocument::fromJson(watcher.readLine()).object();
    QCOMPARE(got.value("id").toString(), id);
    // Exactly once: the next line the watcher prints is a marker sent now.
    const QString marker = sendMarker(relayPort);
    QVERIFY(!marker.isEmpty());
    QTRY_VERIFY_WITH_TIMEOUT(watcher.canReadLine(), kWaitMs);
    QCOMPARE(QJsonDocument::fromJson(watcher.readLine()).object().value("id").toString(), marker);
}

void TestCli::refusedMessageBecomesADeadLetter()
{
    vigil::test::ScriptedServer server;
    server.sendWelcome = true;
    server.errorCode = "forbidden_channel";
    QVERIFY(server.listen());
    QTemporaryDir data;
    const QStringList common = {"--url", server.url().toString(), "--data-dir", data.path()};
    QProcess cli;
    cli.start(kCli, QStringList{"send", "--channel", "secret", "--type", "x"} + common);
    QVERIFY(cli.waitForStarted());
    QTRY_VERIFY_WITH_TIMEOUT(cli.state() == QProcess::NotRunning, 30000);
    QCOMPARE(cli.exitCode(), 1);
    const QList<QByteArray> lines = cli.readAllStandardOutput().trimmed().split('\n');
    const QJsonObject last = QJsonDocument::fromJson(lines.last()).object();
    QCOMPARE(last.value("status").toString(), QStringLiteral("dead-lettered"));
    QVERIFY(last.value("reason").toString().startsWith("forbidden_channel"));
    const QString id = last.value("id").toString();

    auto q = runProcess(kCli, QStringList{"queue"} + common);
    QCOMPARE(q.exitCode, 0);
    QCOMPARE(q.lines.size(), 2); // summary, dead letter
    QCOMPARE(q.lines.first().value("depth").toInt(), 0);
    QCOMPARE(q.lines.first().value("deadLetters").toInt(), 1);
    QCOMPARE(q.lines.first().value("deadLettered").toInt(), 1);
    QCOMPARE(q.lines.last().value("event").toString(), QStringLiteral("dead-letter"));
    QCOMPARE(q.lines.last().value("id").toString(), id);

    // Retry puts it back in the queue; purge removes dead letters for good.
    q = runProcess(kCli, QStringList{"queue", "--retry-dead", id} + common);
    QCOMPARE(q.exitCode, 0);
    QVERIFY(q.lines.size() >= 2);
    QCOMPARE(q.lines.at(0).value("count").toInt(), 1);
    QCOMPARE(q.lines.at(1).value("depth").toInt(), 1);
    QCOMPARE(q.lines.at(1).value("deadLetters").toInt(), 0);
    q = runProcess(kCli, QStringList{"queue", "--purge-dead", "no-such-id"} + common);
    QCOMPARE(q.exitCode, 1);
    QVERIFY(q.err.contains("no dead letter with id no-such-id"));
}

void TestCli::ttlExpiredMessageIsShownAsDeadLetter()
{
    QTemporaryDir data;
    const QStringList common = {"--url", urlFor(closedPort()), "--data-dir", data.path()};
    const auto sent = runProcess(
        kCli, QStringList{"send", "--channel", "chat", "--type", "t", "--ttl-ms", "1"} + common);
    QCOMPARE(sent.exitCode, 0);
    QCOMPARE(sent.lines.last().value("status").toString(), QStringLiteral("queued"));
    QTRY_VERIFY_WITH_TIMEOUT(
        runProcess(kCli, QStringList{"queue"} + common).lines.first().value("expired").toInt() == 1,
        10000);
    const auto q = runProcess(kCli, QStringList{"queue"} + common);
    QCOMPARE(q.lines.size(), 2); // summary, dead letter
    QCOMPARE(q.lines.first().value("depth").toInt(), 0);
    QCOMPARE(q.lines.last().value("reason").toString(), QStringLiteral("expired"));
}

void TestCli::tokenNeverPrinted()
{
    quint16 port = 0;
    auto relay = startRelayProcess({"--demo"}, &port);
    QVERIFY(relay);
    QTemporaryDir dir;
    const QString token = "tok-3b1f77-very-secret";
    QFile file(dir.filePath("token"));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(token.toUtf8() + "\n");
    file.close();
    const auto r = runProcess(kCli,
                              {"tail", "--url", urlFor(port), "--token-file", file.fileName(),
                               "--count", "2", "--timeout-ms", "30000"},
                              60000, {"QT_LOGGING_RULES=vigil.*=true"});
    QCOMPARE(r.exitCode, 0);
    QVERIFY(!r.out.contains(token.toUtf8()));
    QVERIFY(!r.err.contains(token.toUtf8()));
    QVERIFY(r.err.contains("vigil.net")); // the debug log really was on
}

void TestCli::relayStopsCleanlyOnSigterm()
{
    quint16 port = 0;
    auto relay = startRelayProcess({"--log-format", "json"}, &port);
    QVERIFY(relay);
    QWebSocket client;
    client.open(QUrl(urlFor(port)));
    QSignalSpy connected(&client, &QWebSocket::connected);
    QVERIFY(connected.wait(15000));
    QSignalSpy closed(&client, &QWebSocket::disconnected);
    relay->terminate(); // SIGTERM
    QVERIFY(closed.wait(15000));
    QCOMPARE(client.closeCode(), QWebSocketProtocol::CloseCodeGoingAway);
    QVERIFY(relay->state() == QProcess::NotRunning || relay->waitForFinished(15000));
    QCOMPARE(relay->exitStatus(), QProcess::NormalExit);
    QCOMPARE(relay->exitCode(), 0);
    // --log-format json: every log line on stderr is a JSON object.
    const QList<QByteArray> lines = relay->readAllStandardError().trimmed().split('\n');
    QVERIFY(lines.size() >= 2);
    for (const QByteArray &line : lines) {
        const QJsonObject o = QJsonDocument::fromJson(line).object();
        QVERIFY2(o.contains("level") && o.contains("category") && o.contains("message"),
                 line.constData());
    }
}

void TestCli::tokensWorkEndToEndAndAreNeverLogged()
{
    QTemporaryDir dir;
    QFile tokens(dir.filePath("tokens.json"));
    QVERIFY(tokens.open(QIODevice::WriteOnly));
    tokens.write(
        R"({"tokens":[{"token":"tok-9f8e7d-operator","user":"alice","read":["*"],"write":["chat"]}]})");
    tokens.close();
    QFile good(dir.filePath("good"));
    QVERIFY(good.open(QIODevice::WriteOnly));
    good.write("tok-9f8e7d-operator\n");
    good.close();
    QFile bad(dir.filePath("bad"));
    QVERIFY(bad.open(QIODevice::WriteOnly));
    bad.write("tok-wrong-000000\n");
    bad.close();

    quint16 port = 0;
    auto relay = startRelayProcess({"--demo", "--tokens", tokens.fileName()}, &port);
    QVERIFY(relay);
    const QStringList debug = {"QT_LOGGING_RULES=vigil.*=true"};
    const auto ok = runProcess(kCli,
                               {"tail", "--url", urlFor(port), "--token-file", good.fileName(),
                                "--count", "2", "--timeout-ms", "30000"},
                               60000, debug);
    QCOMPARE(ok.exitCode, 0);
    QCOMPARE(ok.lines.size(), 2);
    const auto refused = runProcess(kCli,
                                    {"tail", "--url", urlFor(port), "--token-file", bad.fileName(),
                                     "--count", "1", "--timeout-ms", "3000"},
                                    60000, debug);
    QCOMPARE(refused.exitCode, 3);
    QVERIFY2(refused.err.contains("unauthorized"), refused.err.constData());
    relay->terminate();
    QVERIFY(relay->state() == QProcess::NotRunning || relay->waitForFinished(15000));
    const QByteArray relayLog = relay->readAllStandardError();
    QVERIFY(relayLog.contains("as alice"));
    for (const QByteArray &log : {ok.err, ok.out, refused.err, relayLog}) {
        QVERIFY(!log.contains("tok-9f8e7d-operator"));
        QVERIFY(!log.contains("tok-wrong-000000"));
    }
}

void TestCli::relayRefusesBadStarts_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<int>("code");
    QTest::addColumn<QString>("message");
    QTest::newRow("public without tokens")
        << QStringList{"--host", "0.0.0.0", "--port", "0"} << 1
        << "refusing to listen on 0.0.0.0 without authentication";
    QTest::newRow("missing tokens file")
        << QStringList{"--tokens", "/nonexistent.json", "--port", "0"} << 1
        << "cannot read the tokens file";
    QTest::newRow("bad host") << QStringList{"--host", "localhost.example"} << 2
                              << "is not an IP address";
    QTest::newRow("bad log format")
        << QStringList{"--log-format", "xml"} << 2 << "--log-format must be text or json";
    QTest::newRow("half tls") << QStringList{"--tls-cert", "a.pem"} << 2
                              << "--tls-cert and --tls-key go together";
}

void TestCli::relayRefusesBadStarts()
{
    QFETCH(QStringList, args);
    QFETCH(int, code);
    QFETCH(QString, message);
    const auto r = runProcess(kRelay, args, 30000);
    QVERIFY(r.finished);
    QCOMPARE(r.exitCode, code);
    QVERIFY2(QString::fromUtf8(r.err).contains(message), r.err.constData());
    QVERIFY(r.out.isEmpty());
}

void TestCli::healthReportsRoundTrips()
{
    quint16 port = 0;
    auto relay = startRelayProcess({}, &port);
    QVERIFY(relay);
    const auto r = runProcess(
        kCli, {"health", "--url", urlFor(port), "--duration-ms", "1500", "--heartbeat-ms", "100"});
    QCOMPARE(r.exitCode, 0);
    QCOMPARE(r.lines.size(), 1);
    const QJsonObject h = r.lines.first();
    QCOMPARE(h.value("state").toString(), QStringLiteral("connected"));
    QCOMPARE(h.value("transport").toString(), QStringLiteral("websocket"));
    QVERIFY(h.value("samples").toInt() >= 2);
    QVERIFY(h.value("rttLastMs").toInteger() >= 0);
    QCOMPARE(h.value("lossPercent").toDouble(), 0.0);
    QVERIFY(h.value("capabilities").toArray().contains("ack"));
    QVERIFY(h.value("server").toString().startsWith("vigil-relay/"));
    QVERIFY(!h.value("quality").toString().isEmpty());
    QVERIFY(!h.value("recommendation").toString().isEmpty());
    QVERIFY(h.value("errors").toObject().contains("tls"));
}

void TestCli::healthOfUnreachableServerFails()
{
    const auto r =
        runProcess(kCli, {"health", "--url", urlFor(closedPort()), "--duration-ms", "20000"});
    QCOMPARE(r.exitCode, 1);
    QCOMPARE(r.lines.size(), 1);
    QVERIFY(r.lines.first().value("state").toString() != QStringLiteral("connected"));
    QCOMPARE(r.lines.first().value("samples").toInt(), 0);
}

void TestCli::diagnoseExitCodes()
{
    const QStringList ids = {"dns",  "tcp",         "tls",         "websocket",
                             "ping", "http-health", "http-stream", "http-poll"};
    const auto help = runProcess(kCli, {"--help"});
    QVERIFY(help.out.contains("diagnose [--channel C] [--count N] [--timeout-ms N]"));

    // 0: the relay is up; every step passes but TLS, which ws:// does not use.
    {
        quint16 port = 0;
        auto relay = startRelayProcess({}, &port);
        QVERIFY(relay);
        const auto r = runProcess(kCli, {"diagnose", "--url", urlFor(port), "--count", "3"});
        QVERIFY2(r.exitCode == 0, r.out.constData());
        QVERIFY(r.allLinesJson);
        QCOMPARE(r.lines.size(), ids.size());
        for (int i = 0; i < ids.size(); ++i) {
            const QJsonObject step = r.lines.at(i);
            QCOMPARE(step.value("event").toString(), QStringLiteral("step"));
            QCOMPARE(step.value("id").toString(), ids.at(i));
            QCOMPARE(step.value("status").toString(),
                     ids.at(i) == "tls" ? QStringLiteral("skipped") : QStringLiteral("passed"));
            QVERIFY(step.contains("elapsedMs"));
        }
        QCOMPARE(r.lines.at(4).value("data").toObject().value("received").toInt(), 3);
        QVERIFY(r.err.contains(R"("event":"diagnose")"));
    }

    // 1: nothing listens; TCP fails and everything after it is skipped.
    {
        const auto r = runProcess(kCli, {"diagnose", "--url", urlFor(closedPort())});
        QCOMPARE(r.exitCode, 1);
        QCOMPARE(r.lines.size(), ids.size());
        QCOMPARE(r.lines.at(1).value("status").toString(), QStringLiteral("failed"));
        QVERIFY(r.lines.at(1).value("detail").toString().contains("refused"));
        for (int i = 2; i < ids.size(); ++i)
            QCOMPARE(r.lines.at(i).value("status").toString(), QStringLiteral("skipped"));
    }

    // 2: a usage error, and nothing on stdout.
    {
        const auto r = runProcess(kCli, {"diagnose", "--bogus"});
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.out.isEmpty());
        QVERIFY(r.err.contains("Unknown option 'bogus'"));
    }
}

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
