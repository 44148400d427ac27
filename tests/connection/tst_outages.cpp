// What the operator is told when the server is down, frozen or restarted, checked against real
// vigil-relay processes: the state, the header line, the banner and the grade must agree with
// what is really happening, and nothing the server still holds may be lost.
#include "connection/connectionmanager.h"
#include "helpers/childprocess.h"
#include "helpers/connectionfixture.h"
#include "helpers/faultproxy.h"
#include "helpers/httpproxy.h"
#include "helpers/loopback.h"
#include "helpers/testsupport.h"
#include "ui/connectionstatus.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QRegularExpression>
#include <QSet>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <memory>

using vigil::ConnectionManager;
using vigil::ConnectionStatus;
using vigil::Envelope;
using vigil::QualityGrade;
using vigil::test::ChildProcess;
using vigil::test::FaultProxy;
using vigil::test::HttpProxy;
using State = ConnectionManager::State;

namespace {
using vigil::test::closedPort;
using vigil::test::kWaitMs;
using vigil::test::wsUrl;

/// Quick retries (so many attempts fit in a test) with countdowns of whole seconds.
vigil::ConnectionConfig fastConfig(const QUrl &url)
{
    auto c =
        vigil::test::configFor({url}, {"incidents"}, vigil::TransportPreference::Auto, {200, 1500});
    c.connectTimeoutMs = 3000;
    c.heartbeatMs = 400;
    c.heartbeatTimeoutMs = 400;
    c.maxMissedHeartbeats = 3;
    c.welcomeWaitMs = 2000;
    return c;
}

/// Publishes `count` messages on `channel` through the relay's HTTP API; returns their ids.
QStringList publish(quint16 port, const QString &channel, int count)
{
    QJsonArray batch;
    QStringList ids;
    for (int i = 0; i < count; ++i) {
        const Envelope e = Envelope::create("incident.updated", channel, QJsonObject{{"n", i}});
        ids << e.id;
        batch.append(QJsonDocument::fromJson(e.serialize()).object());
    }
    QNetworkAccessManager network;
    QNetworkRequest request(QUrl(QStringLiteral("http://127.0.0.1:%1/api/messages").arg(port)));
    request.setHeader(QNetworkRequest::ContentTypeHeader, "application/json");
    QNetworkReply *reply = network.post(request, QJsonDocument(batch).toJson());
    QSignalSpy done(reply, &QNetworkReply::finished);
    if (!done.wait(kWaitMs) || reply->error() != QNetworkReply::NoError)
        ids.clear();
    reply->deleteLater();
    return ids;
}

/// Starts vigil-relay on `port` (0: any) with extra arguments.
std::unique_ptr<ChildProcess> relayOn(quint16 *port, QStringList args = {})
{
    args << "--port" << QString::number(*port);
    return vigil::test::startRelayProcess(args, port);
}

void signalProcess(ChildProcess *process, int sig)
{
    ::kill(pid_t(process->processId()), sig);
}

/// Every state the manager reports, for checks over a whole run.
struct StateLog
{
    QList<State> states;
    void attach(ConnectionManager *m)
    {
        QObject::connect(m, &ConnectionManager::stateChanged, m,
                         [this](State s, const QString &) { states << s; });
    }
};

/// The number of seconds in "... retrying in N s" or "Reconnecting in N s".
int secondsIn(const QString &text)
{
    const auto match = QRegularExpression(R"(in (\d+) s)").match(text);
    return match.hasMatch() ? match.captured(1).toInt() : -1;
}

const QRegularExpression
    kUnreachable(R"(^Server unreachable since \d\d:\d\d:\d\d - (retrying in \d+ s|trying now)$)");
} // namespace

class TestOutages : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void stoppedRelayIsUnreachableNotBlocked_data();
    void stoppedRelayIsUnreachableNotBlocked();
    void unreachablePortNeverClaimsFallback();
    void cliStateEventsAgree();
    void refusedUpgradeStillFallsBackAtOnce();
    void resettingServerGetsOneBudget();
    void frozenRelayTurnsAmberThenRecovers();
    void restartedRelayWithoutHistoryLosesNothing();
    void reloadAfterAnUnrecoverableGap();
};

void TestOutages::stoppedRelayIsUnreachableNotBlocked_data()
{
    QTest::addColumn<int>("signal");
    QTest::newRow("SIGTERM") << int(SIGTERM);
    QTest::newRow("SIGKILL") << int(SIGKILL);
}

void TestOutages::stoppedRelayIsUnreachableNotBlocked()
{
    QFETCH(int, signal);
    quint16 port = 0;
    auto relay = relayOn(&port);
    QVERIFY(relay);
    ConnectionManager manager(fastConfig(wsUrl(port)));
    ConnectionStatus status(nullptr);
    status.attach(vigil::test::viewOf(manager));
    manager.open();
    QTRY_COMPARE_WITH_TIMEOUT(manager.state(), State::Connected, kWaitMs);
    QTRY_VERIFY_WITH_TIMEOUT(manager.health().sampleCount() > 0, kWaitMs);
    QCOMPARE(status.tone(), QStringLiteral("ok"));

    StateLog log;
    log.attach(&manager);
    signalProcess(relay.get(), signal);
    QVERIFY(relay->waitForFinished(kWaitMs));

    // Well past the three WebSocket failures that used to mean "blocked": HTTP is tried too,
    // nothing answers, so the client keeps saying it cannot reach the server.
    QTRY_VERIFY_WITH_TIMEOUT(manager.attempt() >= 6, kWaitMs);
    QVERIFY(!log.states.contains(State::Fallback));
    QCOMPARE(manager.transportName(), QStringLiteral("websocket"));
    QCOMPARE(manager.quality(), QualityGrade::Unknown);
    QCOMPARE(manager.healthJson().value("quality").toString(), QStringLiteral("unknown"));
    QCOMPARE(manager.healthJson().value("rttLastMs").toInteger(), -1);
    QTRY_COMPARE_WITH_TIMEOUT(manager.state(), State::Reconnecting, kWaitMs);
    QVERIFY2(status.summary().contains(kUnreachable), qPrintable(status.summary()));
    QCOMPARE(status.tone(), QStringLiteral("danger"));
    QCOMPARE(status.banner(), QStringLiteral("reconnecting"));
    // One countdown: the header and the banner show the same number of seconds.
    QCOMPARE(secondsIn(status.summary()), status.countdown());
    QCOMPARE(secondsIn(status.bannerText()), status.countdown());
    QVERIFY(manager.unreachableSinceMs() > 0);
    // A refused connection is the network's fault, never the server's (SIGTERM's close 1001,
    // "going away", is the server's own word and counted once before).
    QVERIFY(manager.errors(vigil::ErrorCategory::Network) >= 5);
    QVERIFY(manager.errors(vigil::ErrorCategory::Server) <= 1);

    // The relay comes back: the client says so, and the grade is measured again.
    auto again = relayOn(&port);
    QVERIFY(again);
    QTRY_COMPARE_WITH_TIMEOUT(manager.state(), State::Connected, kWaitMs);
    QCOMPARE(status.tone(), QStringLiteral("ok"));
    QCOMPARE(status.banner(), QString());
    QCOMPARE(manager.unreachableSinceMs(), -1);
}

void TestOutages::unreachablePortNeverClaimsFallback()
{
    const quint16 port = closedPort();
    auto config = fastConfig(wsUrl(port));
    config.maxAttempts = 8; // then the breaker opens: Error, still honest
    config.breakerCooldownMs = 600000;
    ConnectionManager manager(config);
    ConnectionStatus status(nullptr);
    status.attach(vigil::test::viewOf(manager));
    StateLog log;
    log.attach(&manager);
    manager.open();
    QTRY_COMPARE_WITH_TIMEOUT(manager.state(), State::Error, kWaitMs);
    QVERIFY(!log.states.contains(State::Fallback));
    QVERIFY(!log.states.contains(State::Connected));
    QCOMPARE(manager.quality(), QualityGrade::Unknown);
    QCOMPARE(status.banner(), QStringLiteral("gave-up"));
    QVERIFY2(status.summary().contains(QRegularExpression(
                 R"(^Server unreachable since \d\d:\d\d:\d\d - next try in 600 s$)")),
             qPrintable(status.summary()));
    QCOMPARE(secondsIn(status.bannerText()), status.countdown());
}

void TestOutages::cliStateEventsAgree()
{
    // vigil-cli against a port where nothing listens: its state events never say fallback,
    // never name an HTTP transport, and `health` exits 1 with a network error.
    const QString url = wsUrl(closedPort()).toString();
    const auto tail = vigil::test::runProcess(
        QStringLiteral(VIGIL_CLI_BIN),
        {"tail", "--url", url, "--channel", "incidents", "--count", "1", "--timeout-ms", "6000"},
        60000);
    QVERIFY(tail.finished);
    QCOMPARE(tail.exitCode, 3); // timed out: nothing ever arrived
    int states = 0;
    for (const QByteArray &line : tail.err.split('\n')) {
        const QJsonObject event = QJsonDocument::fromJson(line).object();
        if (event.value("event").toString() != "state")
            continue;
        ++states;
        QVERIFY2(event.value("state").toString() != "fallback", line.constData());
        QCOMPARE(event.value("transport").toString(), QStringLiteral("websocket"));
    }
    QVERIFY2(states >= 6, tail.err.constData()); // WebSocket and HTTP attempts were made

    const auto health = vigil::test::runProcess(QStringLiteral(VIGIL_CLI_BIN),
                                                {"health", "--url", url, "--duration-ms", "3000"});
    QVERIFY(health.finished);
    QCOMPARE(health.exitCode, 1);
    QVERIFY(!health.lines.isEmpty());
    const QJsonObject result = health.lines.last();
    QCOMPARE(result.value("quality").toString(), QStringLiteral("unknown"));
    QCOMPARE(result.value("errors").toObject().value("network").toInt(), 1);
    QCOMPARE(result.value("errors").toObject().value("server").toInt(), 0);
}

void TestOutages::refusedUpgradeStillFallsBackAtOnce()
{
    quint16 port = 0;
    auto relay = relayOn(&port);
    QVERIFY(relay);
    HttpProxy proxy(port);
    proxy.setUpgrade(HttpProxy::Upgrade::Refuse);
    QVERIFY(proxy.listen());
    auto config = fastConfig(QUrl(QStringLiteral("ws://127.0.0.1:%1/ws").arg(proxy.port())));
    config.upgradeProbe = {600000, 2.0, 600000, false};
    ConnectionManager manager(config);
    ConnectionStatus status(nullptr);
    status.attach(vigil::test::viewOf(manager));
    QSignalSpy scheduled(&manager, &ConnectionManager::reconnectScheduled);
    manager.open();
    QTRY_COMPARE_WITH_TIMEOUT(manager.state(), State::Fallback, kWaitMs);
    // A refused upgrade is evidence that WebSocket is blocked on the way: HTTP is tried in the
    // same attempt, without a backoff wait.
    QCOMPARE(scheduled.size(), 0);
    QCOMPARE(manager.transportName(), QStringLiteral("sse"));
    QCOMPARE(status.banner(), QStringLiteral("fallback"));
    QCOMPARE(status.tone(), QStringLiteral("warning"));
    // Round trips over HTTP are real ones.
    QTRY_VERIFY_WITH_TIMEOUT(manager.health().sampleCount() >= 2, kWaitMs);
    QVERIFY(manager.quality() != QualityGrade::Unknown);

    // The relay dies behind the proxy: the fallback stops working, and the client says so.
    signalProcess(relay.get(), SIGKILL);
    QVERIFY(relay->waitForFinished(kWaitMs));
    QTRY_VERIFY_WITH_TIMEOUT(
        manager.state() == State::Reconnecting || manager.state() == State::Connecting, kWaitMs);
    QTRY_COMPARE_WITH_TIMEOUT(manager.state(), State::Reconnecting, kWaitMs);
    QCOMPARE(manager.quality(), QualityGrade::Unknown);
    QCOMPARE(status.tone(), QStringLiteral("danger"));
    QVERIFY2(status.summary().contains(kUnreachable), qPrintable(status.summary()));
}

void TestOutages::resettingServerGetsOneBudget()
{
    // A server that resets every connection, with the default settings and the worst random
    // draws: every attempt (WebSocket, HTTP, checks) counts against one backoff, so the first
    // 15 s see at most 10 connections.
    FaultProxy server(closedPort());
    server.setRefuse(true); // accept, then close at once
    QVERIFY(server.listen());
    vigil::ConnectionConfig config;
    config.urls = {wsUrl(server.port())};
    config.channels = {"incidents"};
    ConnectionManager manager(config);
    manager.setRandomSource([] { return 0.0; });
    QSignalSpy scheduled(&manager, &ConnectionManager::reconnectScheduled);
    StateLog log;
    log.attach(&manager);
    QElapsedTimer clock;
    clock.start();
    manager.open();
    // The measurement window: the first 15 s of trying (the loop keeps running meanwhile).
    QTRY_VERIFY_WITH_TIMEOUT(clock.elapsed() >= 15000, 60000);
    const int connectionsBy15s = server.accepted();
    QVERIFY2(connectionsBy15s <= 10, qPrintable(QString::number(connectionsBy15s)));
    QVERIFY(connectionsBy15s >= 4); // it did keep trying
    QVERIFY(!log.states.contains(State::Fallback));
    manager.close();
}

void TestOutages::frozenRelayTurnsAmberThenRecovers()
{
    quint16 port = 0;
    auto relay = relayOn(&port);
    QVERIFY(relay);
    auto config = fastConfig(wsUrl(port));
    config.maxMissedHeartbeats = 1000; // stay on the frozen link: this is about what is shown
    config.lossWindowMs = 3000;
    ConnectionManager manager(config);
    ConnectionStatus status(nullptr);
    status.attach(vigil::test::viewOf(manager));
    manager.open();
    QTRY_COMPARE_WITH_TIMEOUT(manager.state(), State::Connected, kWaitMs);
    QTRY_VERIFY_WITH_TIMEOUT(manager.health().sampleCount() >= 2, kWaitMs);
    QCOMPARE(status.tone(), QStringLiteral("ok"));

    QSignalSpy stalled(&manager, &ConnectionManager::stalledChanged);
    signalProcess(relay.get(), SIGSTOP);
    QVERIFY(stalled.wait(kWaitMs));
    QCOMPARE(stalled.last().at(0).toBool(), true);
    QCOMPARE(status.tone(), QStringLiteral("warning"));
    QCOMPARE(manager.quality(), QualityGrade::Critical);
    QCOMPARE(manager.healthJson().value("rttLastMs").toInteger(), -1); // a gap, not the last
    // The header counts the silence.
    QTRY_VERIFY_WITH_TIMEOUT(
        status.summary().contains(QRegularExpression(R"(^Connected - no answer for [1-9]\d* s$)")),
        kWaitMs);

    signalProcess(relay.get(), SIGCONT);
    QTRY_COMPARE_WITH_TIMEOUT(status.tone(), QStringLiteral("ok"), kWaitMs);
    QCOMPARE(status.summary(), QStringLiteral("Connected"));
    // The losses of the freeze leave the grade once the loss window has passed.
    QTRY_VERIFY_WITH_TIMEOUT(manager.quality() == QualityGrade::Excellent ||
                                 manager.quality() == QualityGrade::Good,
                             kWaitMs);
    QCOMPARE(manager.state(), State::Connected);
}

void TestOutages::restartedRelayWithoutHistoryLosesNothing()
{
    quint16 port = 0;
    auto relay = relayOn(&port);
    QVERIFY(relay);
    FaultProxy proxy(port);
    QVERIFY(proxy.listen());
    auto config = fastConfig(wsUrl(proxy.port()));
    config.replayHistory = true;
    config.transport = vigil::TransportPreference::WebSocket; // this is about history only
    ConnectionManager manager(config);
    ConnectionStatus status(nullptr);
    status.attach(vigil::test::viewOf(manager));
    QSet<QString> ids;
    int duplicates = 0;
    connect(&manager, &ConnectionManager::envelopeReceived, this, [&](const Envelope &e) {
        if (ids.contains(e.id))
            ++duplicates;
        ids.insert(e.id);
    });
    QSignalSpy reset(&manager, &ConnectionManager::historyReset);
    QSignalSpy failed(&manager, &ConnectionManager::recoveryFailed);
    manager.open();
    QTRY_COMPARE_WITH_TIMEOUT(manager.state(), State::Connected, kWaitMs);
    QCOMPARE(publish(port, "incidents", 5).size(), 5);
    QTRY_COMPARE_WITH_TIMEOUT(ids.size(), 5, kWaitMs);
    QCOMPARE(manager.lastSeq("incidents"), 5);

    // The relay restarts without its history while the client cannot reach it, and publishes
    // seven messages (seq 1..7 of a new history) before the client is back.
    proxy.setRefuse(true);
    proxy.cutAll();
    signalProcess(relay.get(), SIGKILL);
    QVERIFY(relay->waitForFinished(kWaitMs));
    auto again = relayOn(&port);
    QVERIFY(again);
    const QStringList during = publish(port, "incidents", 7);
    QCOMPARE(during.size(), 7);
    proxy.setRefuse(false);

    // All seven arrive (not only 6..7), once each; the user is told that what came before the
    // restart could not be checked; nothing is reported missing.
    QTRY_COMPARE_WITH_TIMEOUT(manager.state(), State::Connected, kWaitMs);
    QTRY_COMPARE_WITH_TIMEOUT(ids.size(), 12, kWaitMs);
    for (const QString &id : during)
        QVERIFY(ids.contains(id));
    QCOMPARE(duplicates, 0);
    QCOMPARE(reset.size(), 1);
    QCOMPARE(reset.first().at(0).toStringList(), QStringList{"incidents"});
    QCOMPARE(failed.size(), 0);
    QCOMPARE(status.banner(), QStringLiteral("history-reset"));
    QVERIFY(status.bannerText().contains("could not be checked (incidents)"));
    QCOMPARE(manager.lastSeq("incidents"), 7);
    status.triggerBannerAction(); // Dismiss
    QCOMPARE(status.banner(), QString());
}

void TestOutages::reloadAfterAnUnrecoverableGap()
{
    QTemporaryDir data; // the relay keeps its history (and epoch), but only 3 messages of it
    quint16 port = 0;
    auto relay = relayOn(&port, {"--data-dir", data.path(), "--history", "3"});
    QVERIFY(relay);
    FaultProxy proxy(port);
    QVERIFY(proxy.listen());
    auto config = fastConfig(wsUrl(proxy.port()));
    config.transport = vigil::TransportPreference::WebSocket; // this is about history only
    ConnectionManager manager(config);
    ConnectionStatus status(nullptr);
    status.attach(vigil::test::viewOf(manager));
    QStringList received;
    connect(&manager, &ConnectionManager::envelopeReceived, this,
            [&](const Envelope &e) { received << e.id; });
    QSignalSpy subscribed(&manager, &ConnectionManager::subscribed);
    manager.open();
    QTRY_COMPARE_WITH_TIMEOUT(subscribed.size(), 1, kWaitMs);
    QCOMPARE(publish(port, "incidents", 2).size(), 2);
    QTRY_COMPARE_WITH_TIMEOUT(received.size(), 2, kWaitMs);

    // Away while 10 more are published: the relay keeps only the last 3.
    proxy.setRefuse(true);
    proxy.cutAll();
    QTRY_VERIFY_WITH_TIMEOUT(manager.state() != State::Connected, kWaitMs);
    const QStringList missed = publish(port, "incidents", 10);
    QCOMPARE(missed.size(), 10);
    proxy.setRefuse(false);
    QTRY_COMPARE_WITH_TIMEOUT(status.banner(), QStringLiteral("missed"), kWaitMs);
    QCOMPARE(status.bannerAction(), QStringLiteral("Reload"));
    QTRY_COMPARE_WITH_TIMEOUT(received.size(), 5, kWaitMs); // the 3 it still held

    QSignalSpy states(&manager, &ConnectionManager::stateChanged);
    QSignalSpy finished(&manager, &ConnectionManager::reloadFinished);
    status.triggerBannerAction();
    QCOMPARE(status.banner(), QStringLiteral("reloading"));
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, kWaitMs);
    QCOMPARE(status.banner(), QString());
    QCOMPARE(states.size(), 0); // on the same link: no impossible transition, no reconnect
    // What the relay holds is shown once: no duplicate rows after the reload.
    QCOMPARE(QSet<QString>(received.begin(), received.end()).size(), received.size());
    for (const QString &id : missed.mid(7))
        QVERIFY(received.contains(id));
}

QTEST_GUILESS_MAIN(TestOutages)
#include "tst_outages.moc"
