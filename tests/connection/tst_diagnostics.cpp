// The step-by-step link check against a real relay on loopback (ws:// and wss://), a refused
// port, a server that never answers, a wrong token, a wrong path and a link that drops pongs.
#include "connection/connectionoptions.h"
#include "connection/diagnostics.h"
#include "helpers/faultproxy.h"
#include "helpers/loopback.h"
#include "helpers/testcertificates.h"
#include "helpers/testsupport.h"
#include "relay/relay.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using vigil::Diagnostics;
using vigil::DiagnosticStep;
using Status = vigil::DiagnosticStep::Status;

namespace {

using vigil::test::closedPort;
using vigil::test::kWaitMs;
using vigil::test::wsUrl;

std::unique_ptr<vigil::Relay> startRelay(vigil::RelayConfig config = {})
{
    auto relay = std::make_unique<vigil::Relay>(config);
    QString error;
    if (!relay->start(&error))
        qFatal("relay did not start: %s", qPrintable(error));
    return relay;
}

/// A check of `url` with step limits generous enough for a loaded machine.
vigil::DiagnosticsConfig checkOf(const QUrl &url)
{
    vigil::DiagnosticsConfig config;
    config.url = url;
    config.stepTimeoutMs = 10000;
    config.pingTimeoutMs = 5000;
    return config;
}

// Runs the check to its end; false if it did not finish in time.
bool runToEnd(Diagnostics &diagnostics)
{
    QSignalSpy finished(&diagnostics, &Diagnostics::finished);
    diagnostics.start();
    return finished.wait(kWaitMs) && !diagnostics.running();
}

QString describe(const Diagnostics &diagnostics)
{
    return QString::fromUtf8(QJsonDocument(diagnostics.toJson()).toJson());
}

} // namespace

class TestDiagnostics : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void everyStepPassesOverWs();
    void tlsPassesWithTheTestCa();
    void tlsFailsWithANamedErrorWithoutTheCa();
    void refusedPortFailsTcpAndSkipsTheRest();
    void tokens_data();
    void tokens();
    void wrongPathFailsTheUpgradeButChecksHttp();
    void silentServerTimesOutInsteadOfHanging();
    void unansweredPingsAreCountedLost();
    void streamHeadersWithoutEventsAreNamed();
    void hostNamesAreLookedUp();
    void notAWebSocketUrl();
    void cancelStopsAndTheCheckCanRunAgain();

private:
    std::unique_ptr<vigil::Relay> startTlsRelay();

    QTemporaryDir m_dir;
};

void TestDiagnostics::initTestCase()
{
    // A CA of our own and a server certificate for 127.0.0.1 signed by it.
    QVERIFY(m_dir.isValid());
    QVERIFY(vigil::test::makeTestCertificates(m_dir.path(), "Diagnostics Test CA"));
}

std::unique_ptr<vigil::Relay> TestDiagnostics::startTlsRelay()
{
    vigil::RelayConfig config;
    config.tlsCertFile = m_dir.filePath("server.pem");
    config.tlsKeyFile = m_dir.filePath("server.key");
    return startRelay(config);
}

void TestDiagnostics::everyStepPassesOverWs()
{
    auto relay = startRelay();
    Diagnostics diagnostics(checkOf(relay->url()));
    QCOMPARE(diagnostics.steps().size(), int(Diagnostics::StepCount));
    QSignalSpy started(&diagnostics, &Diagnostics::stepStarted);
    QSignalSpy stepDone(&diagnostics, &Diagnostics::stepFinished);
    QSignalSpy finished(&diagnostics, &Diagnostics::finished);
    diagnostics.start();
    QVERIFY(diagnostics.running());
    QCOMPARE(started.size(), 0); // nothing happens inside start()
    QVERIFY(finished.wait(kWaitMs));
    QCOMPARE(finished.size(), 1);
    QCOMPARE(finished.first().first().toBool(), true);
    QVERIFY(diagnostics.allPassed());
    QVERIFY(!diagnostics.running());

    const auto &steps = diagnostics.steps();
    for (int i = 0; i < Diagnostics::StepCount; ++i) {
        if (i == Diagnostics::Tls)
            continue;
        QVERIFY2(steps.at(i).status == Status::Passed, qPrintable(describe(diagnostics)));
        QVERIFY(!steps.at(i).detail.isEmpty());
        QVERIFY(steps.at(i).elapsedMs >= 0);
    }
    QCOMPARE(steps.at(Diagnostics::Tls).status, Status::Skipped);
    QCOMPARE(steps.at(Diagnostics::Tls).detail, QStringLiteral("not used by ws://"));
    // Skipped steps finish without starting; every step finishes exactly once, in order.
    QCOMPARE(started.size(), Diagnostics::StepCount - 1);
    QCOMPARE(stepDone.size(), int(Diagnostics::StepCount));
    for (int i = 0; i < stepDone.size(); ++i)
        QCOMPARE(stepDone.at(i).first().toInt(), i);

    QCOMPARE(steps.at(Diagnostics::Dns).data.value("addresses").toArray(), QJsonArray{"127.0.0.1"});
    QVERIFY(steps.at(Diagnostics::WebSocket)
                .data.value("server")
                .toString()
                .startsWith("vigil-relay/"));
    const QJsonObject ping = steps.at(Diagnostics::Ping).data;
    QCOMPARE(ping.value("received").toInt(), 5);
    QCOMPARE(ping.value("lost").toInt(), 0);
    QVERIFY(ping.value("minMs").toDouble() <= ping.value("avgMs").toDouble());
    QVERIFY(ping.value("avgMs").toDouble() <= ping.value("maxMs").toDouble());
    QCOMPARE(steps.at(Diagnostics::HttpStream).data.value("contentType").toString(),
             QStringLiteral("text/event-stream"));

    // The report holds every step, in order, with everything the UI shows.
    const QJsonObject report = diagnostics.toJson();
    QCOMPARE(report.value("url").toString(), relay->url().toString());
    QCOMPARE(report.value("allPassed").toBool(), true);
    QVERIFY(!report.value("startedAt").toString().isEmpty());
    const QJsonArray list = report.value("steps").toArray();
    const QStringList ids = {"dns",  "tcp",         "tls",         "websocket",
                             "ping", "http-health", "http-stream", "http-poll"};
    QCOMPARE(list.size(), ids.size());
    for (int i = 0; i < list.size(); ++i) {
        const QJsonObject step = list.at(i).toObject();
        QCOMPARE(step.value("id").toString(), ids.at(i));
        QVERIFY(!step.value("title").toString().isEmpty());
        QVERIFY(!step.value("detail").toString().isEmpty());
        QVERIFY(step.contains("elapsedMs"));
        QCOMPARE(step.value("status").toString(),
                 i == Diagnostics::Tls ? QStringLiteral("skipped") : QStringLiteral("passed"));
    }
    // The relay saw the WebSocket close cleanly.
    QTRY_COMPARE_WITH_TIMEOUT(relay->clientCount(), 0, kWaitMs);
}

void TestDiagnostics::tlsPassesWithTheTestCa()
{
    auto relay = startTlsRelay();
    QCOMPARE(relay->url().scheme(), QStringLiteral("wss"));
    auto config = checkOf(relay->url());
    QString error;
    QVERIFY2(vigil::loadCaFile(m_dir.filePath("ca.pem"), &config.extraCaCertificates, &error),
             qPrintable(error));
    Diagnostics diagnostics(config);
    QVERIFY(runToEnd(diagnostics));
    QVERIFY2(diagnostics.allPassed(), qPrintable(describe(diagnostics)));
    const DiagnosticStep &tls = diagnostics.steps().at(Diagnostics::Tls);
    QCOMPARE(tls.status, Status::Passed);
    QVERIFY(tls.data.value("protocol").toString().startsWith("TLS 1."));
    QVERIFY(!tls.data.value("cipher").toString().isEmpty());
    const QJsonObject certificate = tls.data.value("certificate").toObject();
    QCOMPARE(certificate.value("subject").toString(), QStringLiteral("127.0.0.1"));
    QCOMPARE(certificate.value("issuer").toString(), QStringLiteral("Diagnostics Test CA"));
    QVERIFY(certificate.value("daysLeft").toInteger() >= 1);
    QVERIFY(tls.detail.contains("Diagnostics Test CA"));
    // The HTTPS endpoints trusted the same CA.
    QCOMPARE(diagnostics.steps().at(Diagnostics::HttpHealth).status, Status::Passed);
}

void TestDiagnostics::tlsFailsWithANamedErrorWithoutTheCa()
{
    auto relay = startTlsRelay();
    Diagnostics diagnostics(checkOf(relay->url()));
    QVERIFY(runToEnd(diagnostics));
    QVERIFY(!diagnostics.allPassed());
    const auto &steps = diagnostics.steps();
    QCOMPARE(steps.at(Diagnostics::Tcp).status, Status::Passed);
    const DiagnosticStep &tls = steps.at(Diagnostics::Tls);
    QVERIFY2(tls.status == Status::Failed, qPrintable(describe(diagnostics)));
    QVERIFY2(tls.detail.startsWith("the certificate was refused: "), qPrintable(tls.detail));
    const QJsonArray errors = tls.data.value("errors").toArray();
    QVERIFY(!errors.isEmpty());
    for (const QJsonValue &name : errors) {
        QVERIFY(!name.toString().isEmpty());
        QVERIFY2(tls.detail.contains(name.toString()), qPrintable(tls.detail));
    }
    // What the server presented is still reported: it helps to see which certificate it was.
    QCOMPARE(tls.data.value("certificate").toObject().value("subject").toString(),
             QStringLiteral("127.0.0.1"));
    for (int i = Diagnostics::WebSocket; i < Diagnostics::StepCount; ++i) {
        QCOMPARE(steps.at(i).status, Status::Skipped);
        QCOMPARE(steps.at(i).detail, QStringLiteral("skipped: TLS handshake failed"));
    }
}

void TestDiagnostics::refusedPortFailsTcpAndSkipsTheRest()
{
    const quint16 port = closedPort();
    Diagnostics diagnostics(checkOf(wsUrl(port)));
    QSignalSpy finished(&diagnostics, &Diagnostics::finished);
    QVERIFY(runToEnd(diagnostics));
    QCOMPARE(finished.first().first().toBool(), false);
    const auto &steps = diagnostics.steps();
    QCOMPARE(steps.at(Diagnostics::Dns).status, Status::Passed);
    const DiagnosticStep &tcp = steps.at(Diagnostics::Tcp);
    QCOMPARE(tcp.status, Status::Failed);
    QVERIFY2(
        tcp.detail.startsWith(QStringLiteral("cannot connect to 127.0.0.1 port %1: ").arg(port)),
        qPrintable(tcp.detail));
    QCOMPARE(tcp.data.value("error").toString(), QStringLiteral("ConnectionRefusedError"));
    for (int i = Diagnostics::Tls; i < Diagnostics::StepCount; ++i) {
        QCOMPARE(steps.at(i).status, Status::Skipped);
        QCOMPARE(steps.at(i).detail, QStringLiteral("skipped: TCP connect failed"));
        QCOMPARE(steps.at(i).elapsedMs, 0);
    }
}

void TestDiagnostics::tokens_data()
{
    QTest::addColumn<QString>("token");
    QTest::addColumn<bool>("passes");
    QTest::newRow("right token") << "tok-diag-4c1d-right" << true;
    QTest::newRow("wrong token") << "tok-diag-0000-wrong" << false;
    QTest::newRow("no token") << "" << false;
}

void TestDiagnostics::tokens()
{
    QFETCH(QString, token);
    QFETCH(bool, passes);
    QTemporaryDir dir;
    QFile tokens(dir.filePath("tokens.json"));
    QVERIFY(tokens.open(QIODevice::WriteOnly));
    tokens.write(R"({"tokens":[{"token":"tok-diag-4c1d-right","user":"alice","read":["*"]}]})");
    tokens.close();
    vigil::RelayConfig relayConfig;
    relayConfig.tokensFile = tokens.fileName();
    auto relay = startRelay(relayConfig);

    auto config = checkOf(relay->url());
    config.token = token;
    Diagnostics diagnostics(config);
    QVERIFY(runToEnd(diagnostics));
    QCOMPARE(diagnostics.allPassed(), passes);
    const auto &steps = diagnostics.steps();
    if (passes) {
        QVERIFY2(diagnostics.allPassed(), qPrintable(describe(diagnostics)));
    } else {
        const DiagnosticStep &upgrade = steps.at(Diagnostics::WebSocket);
        QCOMPARE(upgrade.status, Status::Failed);
        QCOMPARE(upgrade.data.value("closeCode").toInt(), 4401);
        QVERIFY2(upgrade.detail.contains("token"), qPrintable(upgrade.detail)); // what to check
        QCOMPARE(steps.at(Diagnostics::Ping).status, Status::Skipped);
        QCOMPARE(steps.at(Diagnostics::Ping).detail,
                 QStringLiteral("skipped: WebSocket upgrade failed"));
        // The HTTP endpoints were still checked, and refused the same way.
        for (int i = Diagnostics::HttpHealth; i < Diagnostics::StepCount; ++i) {
            QCOMPARE(steps.at(i).status, Status::Failed);
            QCOMPARE(steps.at(i).data.value("status").toInt(), 401);
        }
    }
    // The token is a secret: it is in no report.
    if (!token.isEmpty())
        QVERIFY(!describe(diagnostics).contains(token));
}

void TestDiagnostics::wrongPathFailsTheUpgradeButChecksHttp()
{
    auto relay = startRelay();
    QUrl url = relay->url();
    url.setPath("/not-the-websocket");
    Diagnostics diagnostics(checkOf(url));
    QVERIFY(runToEnd(diagnostics));
    const auto &steps = diagnostics.steps();
    const DiagnosticStep &upgrade = steps.at(Diagnostics::WebSocket);
    QCOMPARE(upgrade.status, Status::Failed);
    QCOMPARE(upgrade.data.value("httpStatus").toInt(), 404);
    QCOMPARE(steps.at(Diagnostics::Ping).status, Status::Skipped);
    for (int i = Diagnostics::HttpHealth; i < Diagnostics::StepCount; ++i)
        QVERIFY2(steps.at(i).status == Status::Passed, qPrintable(describe(diagnostics)));
}

void TestDiagnostics::silentServerTimesOutInsteadOfHanging()
{
    // Accepts TCP and then says nothing, ever.
    QTcpServer silent;
    QVERIFY(silent.listen(QHostAddress::LocalHost, 0));
    auto config = checkOf(wsUrl(silent.serverPort()));
    config.stepTimeoutMs = 300;
    Diagnostics diagnostics(config);
    QVERIFY(runToEnd(diagnostics));
    const auto &steps = diagnostics.steps();
    QCOMPARE(steps.at(Diagnostics::Tcp).status, Status::Passed);
    const DiagnosticStep &upgrade = steps.at(Diagnostics::WebSocket);
    QCOMPARE(upgrade.status, Status::Failed);
    QCOMPARE(upgrade.detail, QStringLiteral("no answer to the upgrade within 300 ms"));
    QVERIFY(upgrade.elapsedMs >= 290); // it waited (less a millisecond of rounding)
    QCOMPARE(steps.at(Diagnostics::Ping).status, Status::Skipped);
    for (int i = Diagnostics::HttpHealth; i < Diagnostics::StepCount; ++i) {
        QCOMPARE(steps.at(i).status, Status::Failed);
        QVERIFY2(steps.at(i).detail.startsWith("no answer within"), qPrintable(steps.at(i).detail));
    }
}

void TestDiagnostics::unansweredPingsAreCountedLost()
{
    auto relay = startRelay();
    vigil::test::FaultProxy proxy(relay->port());
    QVERIFY(proxy.listen());
    auto config = checkOf(wsUrl(proxy.port()));
    config.pingCount = 3;
    config.pingTimeoutMs = 200;
    Diagnostics diagnostics(config);
    // The server's answers vanish during the burst only; the HTTP checks go through again.
    connect(&diagnostics, &Diagnostics::stepStarted, &proxy, [&proxy](int index) {
        if (index == Diagnostics::Ping)
            proxy.setBlackhole(vigil::test::FaultProxy::ServerToClient, true);
    });
    connect(&diagnostics, &Diagnostics::stepFinished, &proxy, [&proxy](int index) {
        if (index == Diagnostics::Ping)
            proxy.setBlackhole(vigil::test::FaultProxy::ServerToClient, false);
    });
    QVERIFY(runToEnd(diagnostics));
    const auto &steps = diagnostics.steps();
    QCOMPARE(steps.at(Diagnostics::WebSocket).status, Status::Passed);
    const DiagnosticStep &ping = steps.at(Diagnostics::Ping);
    QCOMPARE(ping.status, Status::Failed);
    QCOMPARE(ping.data.value("lost").toInt(), 3);
    QCOMPARE(ping.data.value("received").toInt(), 0);
    QVERIFY(ping.elapsedMs >= 590); // three full timeouts (less rounding)
    for (int i = Diagnostics::HttpHealth; i < Diagnostics::StepCount; ++i)
        QVERIFY2(steps.at(i).status == Status::Passed, qPrintable(describe(diagnostics)));
}

void TestDiagnostics::streamHeadersWithoutEventsAreNamed()
{
    // Answers every request with the headers of an event stream and then nothing, the way a
    // proxy that buffers responses looks to the client.
    QTcpServer server;
    QVERIFY(server.listen(QHostAddress::LocalHost, 0));
    connect(&server, &QTcpServer::newConnection, &server, [&server] {
        while (QTcpSocket *socket = server.nextPendingConnection()) {
            connect(socket, &QTcpSocket::readyRead, socket, [socket] {
                if (socket->property("answered").toBool() ||
                    !socket->readAll().contains("\r\n\r\n"))
                    return;
                socket->setProperty("answered", true);
                socket->write("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
                              "Cache-Control: no-cache\r\n\r\n");
            });
        }
    });
    auto config = checkOf(wsUrl(server.serverPort()));
    config.stepTimeoutMs = 500;
    Diagnostics diagnostics(config);
    QVERIFY(runToEnd(diagnostics));
    const auto &steps = diagnostics.steps();
    const DiagnosticStep &upgrade = steps.at(Diagnostics::WebSocket);
    QCOMPARE(upgrade.status, Status::Failed);
    QCOMPARE(upgrade.data.value("httpStatus").toInt(), 200); // not 101: no switch
    QCOMPARE(
        steps.at(Diagnostics::HttpHealth).detail,
        QStringLiteral("HTTP 200 headers arrived but the answer did not finish within 500 ms"));
    const DiagnosticStep &stream = steps.at(Diagnostics::HttpStream);
    QCOMPARE(stream.status, Status::Failed);
    QCOMPARE(stream.detail, QStringLiteral("HTTP 200 headers arrived but no event within 500 ms "
                                           "(a proxy buffering the stream?)"));
}

void TestDiagnostics::hostNamesAreLookedUp()
{
    auto relay = startRelay();
    Diagnostics diagnostics(
        checkOf(QUrl(QStringLiteral("ws://localhost:%1/ws").arg(relay->port()))));
    QVERIFY(runToEnd(diagnostics));
    const DiagnosticStep &dns = diagnostics.steps().at(Diagnostics::Dns);
    QVERIFY2(dns.status == Status::Passed, qPrintable(dns.detail));
    QVERIFY(!dns.data.value("addresses").toArray().isEmpty());
}

void TestDiagnostics::notAWebSocketUrl()
{
    Diagnostics diagnostics(checkOf(QUrl("http://127.0.0.1:1/ws?token=secret-in-url")));
    QVERIFY(runToEnd(diagnostics));
    const auto &steps = diagnostics.steps();
    QCOMPARE(steps.at(Diagnostics::Dns).status, Status::Failed);
    QVERIFY(steps.at(Diagnostics::Dns).detail.contains("is not a ws:// or wss:// URL"));
    for (int i = Diagnostics::Tcp; i < Diagnostics::StepCount; ++i)
        QCOMPARE(steps.at(i).status, Status::Skipped);
    QVERIFY(!describe(diagnostics).contains("secret-in-url"));
}

void TestDiagnostics::cancelStopsAndTheCheckCanRunAgain()
{
    QTcpServer silent;
    QVERIFY(silent.listen(QHostAddress::LocalHost, 0));
    auto config = checkOf(wsUrl(silent.serverPort()));
    config.stepTimeoutMs = 120000; // only cancel() can end this check in time
    Diagnostics diagnostics(config);
    QSignalSpy finished(&diagnostics, &Diagnostics::finished);
    diagnostics.start();
    QTRY_COMPARE_WITH_TIMEOUT(diagnostics.steps().at(Diagnostics::WebSocket).status,
                              Status::Running, kWaitMs);
    diagnostics.cancel();
    QCOMPARE(finished.size(), 1); // before cancel() returns
    QCOMPARE(finished.first().first().toBool(), false);
    QVERIFY(!diagnostics.running());
    QVERIFY(!diagnostics.allPassed());
    for (int i = Diagnostics::WebSocket; i < Diagnostics::StepCount; ++i) {
        QCOMPARE(diagnostics.steps().at(i).status, Status::Skipped);
        QCOMPARE(diagnostics.steps().at(i).detail, QStringLiteral("cancelled"));
    }
    QCOMPARE(diagnostics.toJson().value("cancelled").toBool(), true);

    // The same object checks another server from scratch.
    auto relay = startRelay();
    diagnostics.setConfig(checkOf(relay->url()));
    QVERIFY(runToEnd(diagnostics));
    QVERIFY2(diagnostics.allPassed(), qPrintable(describe(diagnostics)));
    QCOMPARE(finished.size(), 2);
}

QTEST_GUILESS_MAIN(TestDiagnostics)
#include "tst_diagnostics.moc"
