// ConnectionManager under faults: a fault-injecting TCP proxy between it and a real relay, and
// scripted servers for close codes and basic (non-Vigil) backends. Intervals are scaled down
// to tens of milliseconds; every wait is on a signal or a condition, never a fixed sleep.
#include "connection/connectionmanager.h"
#include "helpers/connectionfixture.h"
#include "helpers/faultproxy.h"
#include "helpers/loopback.h"
#include "helpers/scriptedserver.h"
#include "helpers/testsupport.h"
#include "relay/relay.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

#include <memory>

using vigil::ConnectionManager;
using vigil::Envelope;
using vigil::test::FaultProxy;
using vigil::test::ScriptedServer;
using State = vigil::ConnectionManager::State;

namespace {

using vigil::test::closedPort;
using vigil::test::kWaitMs;
using vigil::test::wsUrl;

std::unique_ptr<vigil::Relay> startRelay(int history = 1000)
{
    vigil::RelayConfig config;
    config.historySize = history;
    auto relay = std::make_unique<vigil::Relay>(config);
    QString error;
    if (!relay->start(&error))
        qFatal("relay did not start: %s", qPrintable(error));
    return relay;
}

/// The shared test client on WebSocket only: these tests are about WebSocket reconnecting, the
/// HTTP fallback has its own tests. A link that lasted 50 ms resets the backoff.
vigil::ConnectionConfig fastConfig(const QList<QUrl> &urls)
{
    auto c = vigil::test::configFor(urls, {"incidents"}, vigil::TransportPreference::WebSocket);
    c.heartbeatMs = 60000; // tests that need heartbeats lower this
    c.heartbeatTimeoutMs = 5000;
    c.minStableMs = 50;
    c.connectTimeoutMs = 5000;
    return c;
}

/// Answers every upgrade request with a plain HTTP error, like a proxy or a server that
/// rejects the credentials before the WebSocket exists.
class HttpRefuser : public QObject
{
public:
    explicit HttpRefuser(QByteArray status)
        : m_status(std::move(status))
    {
        connect(&server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *s = server.nextPendingConnection()) {
                connect(s, &QTcpSocket::readyRead, s, [this, s] {
                    if (!s->readAll().contains("\r\n\r\n"))
                        return;
                    s->write("HTTP/1.1 " + m_status + "\r\nContent-Length: 0\r\n\r\n");
                    s->disconnectFromHost();
                });
            }
        });
        server.listen(QHostAddress::LocalHost, 0);
    }
    QTcpServer server;

private:
    QByteArray m_status;
};

} // namespace

class TestResilience : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { qRegisterMetaType<Envelope>(); }
    void halfOpenLinkIsDetectedWithinBound();
    void reconnectsThroughProxyAfterCut();
    void backoffFollowsPolicyExactly();
    void backoffWithRealJitterStaysInBounds();
    void breakerOpensProbesAndCloses();
    void close4401StopsUntilCredentialsChange();
    void http401OnUpgradeIsUnauthorized();
    void close4429BacksOffHarder();
    void close1001ReconnectsPromptly();
    void flappingServerDoesNotResetBackoff();
    void failoverRotatesAndPrefersLastGood();
    void duplicatesAreDropped();
    void resubscribeWithSinceFillsTheGapExactly();
    void unrecoverableGapIsSignalled();
    void restoredPositionsResumeWhereWeStopped();
    void basicServerWithoutWelcome();
    void clockJumpTriggersImmediateProbe();
    void probeWhileReconnectingSkipsTheWait();
    void healthFiguresAreReported();
};

void TestResilience::halfOpenLinkIsDetectedWithinBound()
{
    auto relay = startRelay();
    FaultProxy proxy(relay->port());
    QVERIFY(proxy.listen());
    auto config = fastConfig({wsUrl(proxy.port())});
    config.heartbeatMs = 100;
    config.heartbeatTimeoutMs = 80;
    config.maxMissedHeartbeats = 3;
    ConnectionManager manager(config);
    QSignalSpy rtt(&manager, &ConnectionManager::rttMeasured);
    manager.open();
    QTRY_VERIFY_WITH_TIMEOUT(rtt.size() >= 2, kWaitMs); // heartbeats flow

    // The peer vanishes: no FIN, no RST, nothing comes back.
    proxy.setBlackhole(FaultProxy::Both, true);
    QElapsedTimer clock;
    clock.start();
    QSignalSpy states(&manager, &ConnectionManager::stateChanged);
    // The first state change after the blackhole must be the verdict "dead".
    QVERIFY(states.wait(kWaitMs));
    const qint64 took = clock.elapsed();
    QCOMPARE(states.first().at(0).value<State>(), State::Reconnecting);
    const QString reason = states.first().at(1).toString();
    QVERIFY2(reason.contains("no heartbeat answer 3 times in a row"), qPrintable(reason));
    // interval * N + timeout = 380 ms; the factor of 10 only absorbs a loaded machine and
    // still fails an implementation that waits for TCP to give up (minutes).
    QVERIFY2(took < 3800, qPrintable(QString::number(took)));
    QVERIFY(manager.health().lossPercent() > 0);
    QCOMPARE(manager.errors(vigil::ErrorCategory::Network), 1u);

    // The link comes back: the manager reconnects on its own.
    proxy.setBlackhole(FaultProxy::Both, false);
    QTRY_COMPARE_WITH_TIMEOUT(manager.state(), State::Connected, kWaitMs);
}

void TestResilience::reconnectsThroughProxyAfterCut()
{
    auto relay = startRelay();
    FaultProxy proxy(relay->port());
    QVERIFY(proxy.listen());
    ConnectionManager manager(fastConfig({wsUrl(proxy.port())}));
    manager.open();
    QTRY_COMPARE_WITH_TIMEOUT(manager.state(), State::Connected, kWaitMs);
    proxy.cutAll();
    QTRY_COMPARE_WITH_TIMEOUT(manager.state(), State::Reconnecting, kWaitMs);
    QTRY_COMPARE_WITH_TIMEOUT(manager.state(), State::Connected, kWaitMs);
    QCOMPARE(manager.reconnects(), 1);
    QVERIFY(manager.lastTimeToReconnectMs() >= 0);
    QCOMPARE(proxy.accepted(), 2);
}

void TestResilience::backoffFollowsPolicyExactly()
{
    FaultProxy proxy(closedPort());
    proxy.setRefuse(true);
    QVERIFY(proxy.listen());
    auto config = fastConfig({wsUrl(proxy.port())});
    config.reconnect.baseMs = 10;
    config.reconnect.capMs = 80;
    ConnectionManager manager(config);
    // Draws of exactly 1.0 make each delay the policy's ceiling: 10, 20, 40, 80, 80.
    manager.setRandomSource([] { return 1.0; });
    QSignalSpy scheduled(&manager, &ConnectionManager::reconnectScheduled);
    manager.open();
    QTRY_VERIFY_WITH_TIMEOUT(scheduled.size() >= 5, kWaitMs);
    manager.close();
    const QList<int> expected = {10, 20, 40, 80, 80};
    for (int i = 0; i < 5; ++i) {
        QCOMPARE(scheduled.at(i).at(0).toInt(), i + 1);
        QCOMPARE(scheduled.at(i).at(1).toInt(), expected.at(i));
    }
}

void TestResilience::backoffWithRealJitterStaysInBounds()
{
    FaultProxy proxy(closedPort());
    proxy.setRefuse(true);
    QVERIFY(proxy.listen());
    auto config = fastConfig({wsUrl(proxy.port())});
    config.reconnect.baseMs = 5;
    config.reconnect.capMs = 40;
    ConnectionManager manager(config); // the default random source
    QSignalSpy scheduled(&manager, &ConnectionManager::reconnectScheduled);
    manager.open();
    QTRY_VERIFY_WITH_TIMEOUT(scheduled.size() >= 8, kWaitMs);
    manager.close();
    for (const auto &args : scheduled) {
        const int attempt = args.at(0).toInt();
        const int delay = args.at(1).toInt();
        QVERIFY(delay >= 0);
        QVERIFY(delay <= config.reconnect.ceilingMs(attempt));
    }
}

void TestResilience::breakerOpensProbesAndCloses()
{
    auto relay = startRelay();
    FaultProxy proxy(relay->port());
    proxy.setRefuse(true);
    QVERIFY(proxy.listen());
    auto config = fastConfig({wsUrl(proxy.port())});
    config.maxAttempts = 3;
    config.breakerCooldownMs = 200;
    ConnectionManager manager(config);
    manager.open();
    QTRY_COMPARE_WITH_TIMEOUT(manager.state(), State::Error, kWaitMs);
    QVERIFY(manager.breaker().isOpen());
    QCOMPARE(manager.breaker().failures(), 3); // gave up after 3 attempts
    QCOMPARE(proxy.accepted(), 3);

    // Half-open: after the cool-down exactly one probe goes out, fails, and opens it again.
    QTRY_COMPARE_WITH_TIMEOUT(proxy.accepted(), 4, kWaitMs);
    QTRY_COMPARE_WITH_TIMEOUT(manager.state(), State::Error, kWaitMs);
    QCOMPARE(proxy.accepted(), 4);

    // The server is reachable again: the next probe closes the breaker.
    proxy.setRefuse(false);
    QTRY_COMPARE_WITH_TIMEOUT(manager.state(), State::Connected, kWaitMs);
    QCOMPARE(manager.breaker().phase(), vigil::CircuitBreaker::Phase::Closed);
    QCOMPARE(manager.breaker().failures(), 0);

    // A manual reconnect resets it, too.
    proxy.setRefuse(true);
    proxy.cutAll();
    QTRY_COMPARE_WITH_TIMEOUT(manager.state(), State::Error, kWaitMs);
    proxy.setRefuse(false);
    manager.reconnectNow();
    QCOMPARE(manager.breaker().failures(), 0);
    QTRY_COMPARE_WITH_TIMEOUT(manager.state(), State::Connected, kWaitMs);
}

void TestResilience::close4401StopsUntilCredentialsChange()
{
    ScriptedServer server;
    server.closeCode = 4401;
    QVERIFY(server.listen());
    auto config = fastConfig({server.url()});
    config.token = "old-token";
    ConnectionManager manager(config);
    QSignalSpy scheduled(&manager, &ConnectionManager::reconnectScheduled);
    manager.open();
    QTRY_COMPARE_WITH_TIMEOUT(manager.state(), State::Error, kWaitMs);
    QVERIFY(manager.unauthorized());
    QCOMPARE(manager.errors(vigil::ErrorCategory::Auth), 1u);
    // No retry: by the time one would have run (they are due within capMs), none was scheduled,
    // no attempt left Error and the server saw no second connection.
    QSignalSpy states(&manager, &ConnectionManager::stateChanged);
    QVERIFY(vigil::test::outlastRetry(config.reconnect.capMs));
    QCOMPARE(scheduled.size(), 0);
    QCOMPARE(states.size(), 0);
    QCOMPARE(server.connections(), 1);

    manager.setToken("new-token");
    QTRY_COMPARE_WITH_TIMEOUT(server.connections(), 2, kWaitMs);
}

void TestResilience::http401OnUpgradeIsUnauthorized()
{
    HttpRefuser refuser("401 Unauthorized");
    ConnectionManager manager(fastConfig({wsUrl(refuser.server.serverPort())}));
    manager.open();
    QTRY_COMPARE_WITH_TIMEOUT(manager.state(), State::Error, kWaitMs);
    QVERIFY(manager.unauthorized());
    QCOMPARE(manager.errors(vigil::ErrorCategory::Auth), 1u);
}

void TestResilience::close4429BacksOffHarder()
{
    ScriptedServer server;
    server.closeCode = 4429;
    QVERIFY(server.listen());
    auto config = fastConfig({server.url()});
    config.rateLimitedMinDelayMs = 700;
    ConnectionManager manager(config);
    manager.setRandomSource([] { return 0.5; });
    QSignalSpy scheduled(&manager, &ConnectionManager::reconnectScheduled);
    manager.open();
    QVERIFY(scheduled.wait(kWaitMs));
    manager.close();
    // floor + jittered backoff (half of 20 fixed, 0.5 of the other half)
    QCOMPARE(scheduled.first().at(1).toInt(), 700 + 15);
    QCOMPARE(manager.errors(vigil::ErrorCategory::RateLimited), 1u);
}

void TestResilience::close1001ReconnectsPromptly()
{
    ScriptedServer server;
    server.closeCode = 1001;
    QVERIFY(server.listen());
    auto config = fastConfig({server.url()});
    config.minStableMs = 60000; // the attempt count keeps growing...
    config.reconnect.capMs = 10000;
    ConnectionManager manager(config);
    manager.setRandomSource([] { return 1.0; });
    QSignalSpy scheduled(&manager, &ConnectionManager::reconnectScheduled);
    manager.open();
    QTRY_VERIFY_WITH_TIMEOUT(scheduled.size() >= 4, kWaitMs);
    manager.close();
    // ...but a server going away on purpose is retried at the first step's delay every time.
    QCOMPARE(scheduled.at(3).at(0).toInt(), 4);
    for (const auto &args : scheduled)
        QCOMPARE(args.at(1).toInt(), 20);
}

void TestResilience::flappingServerDoesNotResetBackoff()
{
    ScriptedServer server;
    server.closeCode = 1000; // accepts, then closes at once
    QVERIFY(server.listen());
    auto config = fastConfig({server.url()});
    config.minStableMs = 60000;
    ConnectionManager manager(config);
    manager.setRandomSource([] { return 1.0; });
    QSignalSpy scheduled(&manager, &ConnectionManager::reconnectScheduled);
    manager.open();
    QTRY_VERIFY_WITH_TIMEOUT(scheduled.size() >= 4, kWaitMs);
    manager.close();
    QCOMPARE(scheduled.at(0).at(1).toInt(), 20);
    QCOMPARE(scheduled.at(1).at(1).toInt(), 40);
    QCOMPARE(scheduled.at(2).at(1).toInt(), 80);
    QCOMPARE(scheduled.at(3).at(1).toInt(), 100);
}

void TestResilience::failoverRotatesAndPrefersLastGood()
{
    auto relay = startRelay();
    FaultProxy dead(closedPort());
    dead.setRefuse(true);
    QVERIFY(dead.listen());
    FaultProxy good(relay->port());
    QVERIFY(good.listen());
    ConnectionManager manager(fastConfig({wsUrl(dead.port()), wsUrl(good.port())}));
    manager.open();
    QTRY_COMPARE_WITH_TIMEOUT(manager.state(), State::Connected, kWaitMs);
    QCOMPARE(manager.currentUrl(), wsUrl(good.port()));
    QCOMPARE(dead.accepted(), 1);

    // The good link drops: the retry goes to the last good URL first, not back to the dead one.
    good.cutAll();
    QTRY_COMPARE_WITH_TIMEOUT(manager.state(), State::Reconnecting, kWaitMs);
    QTRY_COMPARE_WITH_TIMEOUT(manager.state(), State::Connected, kWaitMs);
    QCOMPARE(manager.currentUrl(), wsUrl(good.port()));
    QCOMPARE(dead.accepted(), 1);
    QCOMPARE(good.accepted(), 2);
}

void TestResilience::duplicatesAreDropped()
{
    ScriptedServer server;
    server.sendWelcome = true;
    QVERIFY(server.listen());
    ConnectionManager manager(fastConfig({server.url()}));
    QSignalSpy received(&manager, &ConnectionManager::envelopeReceived);
    manager.open();
    QTRY_COMPARE_WITH_TIMEOUT(manager.state(), State::Connected, kWaitMs);
    const QString a = R"({"id":"m-1","type":"incident.updated","channel":"incidents","seq":1})";
    const QString b = R"({"id":"m-2","type":"incident.updated","channel":"incidents","seq":2})";
    for (const QString &frame : {a, a, b, a, b})
        server.broadcast(frame);
    QTRY_COMPARE_WITH_TIMEOUT(manager.duplicatesDropped(), 3u, kWaitMs);
    QCOMPARE(received.size(), 2);
    QCOMPARE(received.at(0).first().value<Envelope>().id, QStringLiteral("m-1"));
    QCOMPARE(received.at(1).first().value<Envelope>().id, QStringLiteral("m-2"));
}

void TestResilience::resubscribeWithSinceFillsTheGapExactly()
{
    auto relay = startRelay();
    FaultProxy proxy(relay->port());
    QVERIFY(proxy.listen());
    auto config = fastConfig({wsUrl(proxy.port())});
    config.reconnect.baseMs = 300; // time to publish while the client is away
    config.reconnect.capMs = 300;
    ConnectionManager manager(config);
    manager.setRandomSource([] { return 1.0; });
    QSignalSpy received(&manager, &ConnectionManager::envelopeReceived);
    QSignalSpy subscribed(&manager, &ConnectionManager::subscribed);
    manager.open();
    QTRY_COMPARE_WITH_TIMEOUT(subscribed.size(), 1, kWaitMs);
    for (int i = 0; i < 3; ++i)
        relay->publish(Envelope::create("incident.updated", "incidents", QJsonObject{{"n", i}}));
    QTRY_COMPARE_WITH_TIMEOUT(received.size(), 3, kWaitMs);

    proxy.cutAll();
    QTRY_COMPARE_WITH_TIMEOUT(manager.state(), State::Reconnecting, kWaitMs);
    for (int i = 3; i < 6; ++i)
        relay->publish(Envelope::create("incident.updated", "incidents", QJsonObject{{"n", i}}));
    QTRY_COMPARE_WITH_TIMEOUT(subscribed.size(), 2, kWaitMs);
    QCOMPARE(subscribed.last().at(2).toBool(), true); // recovered
    QTRY_COMPARE_WITH_TIMEOUT(received.size(), 6, kWaitMs);
    relay->publish(Envelope::create("incident.updated", "incidents", QJsonObject{{"n", 6}}));
    QTRY_COMPARE_WITH_TIMEOUT(received.size(), 7, kWaitMs);
    for (int i = 0; i < 7; ++i) {
        const Envelope e = received.at(i).first().value<Envelope>();
        QCOMPARE(e.seq, i + 1); // no gap, no duplicate, in order
        QCOMPARE(e.payload.toObject().value("n").toInt(), i);
    }
    QCOMPARE(manager.duplicatesDropped(), 0u);
}

void TestResilience::unrecoverableGapIsSignalled()
{
    auto relay = startRelay(2); // history of two messages only
    FaultProxy proxy(relay->port());
    QVERIFY(proxy.listen());
    auto config = fastConfig({wsUrl(proxy.port())});
    config.reconnect.baseMs = 300;
    config.reconnect.capMs = 300;
    ConnectionManager manager(config);
    manager.setRandomSource([] { return 1.0; });
    QSignalSpy received(&manager, &ConnectionManager::envelopeReceived);
    QSignalSpy lost(&manager, &ConnectionManager::recoveryFailed);
    QSignalSpy subscribed(&manager, &ConnectionManager::subscribed);
    manager.open();
    QTRY_COMPARE_WITH_TIMEOUT(subscribed.size(), 1, kWaitMs);
    relay->publish(Envelope::create("incident.updated", "incidents", QJsonObject{}));
    QTRY_COMPARE_WITH_TIMEOUT(received.size(), 1, kWaitMs);
    proxy.cutAll();
    QTRY_COMPARE_WITH_TIMEOUT(manager.state(), State::Reconnecting, kWaitMs);
    for (int i = 0; i < 5; ++i) // seq 2..6; history keeps 5 and 6
        relay->publish(Envelope::create("incident.updated", "incidents", QJsonObject{}));
    QTRY_COMPARE_WITH_TIMEOUT(lost.size(), 1, kWaitMs);
    QCOMPARE(lost.first().first().toString(), QStringLiteral("incidents"));
    QTRY_COMPARE_WITH_TIMEOUT(received.size(), 3, kWaitMs);
    QCOMPARE(received.at(1).first().value<Envelope>().seq, 5);
    QCOMPARE(manager.lastSeq("incidents"), 6);
}

void TestResilience::restoredPositionsResumeWhereWeStopped()
{
    auto relay = startRelay();
    for (int i = 0; i < 5; ++i)
        relay->publish(Envelope::create("incident.updated", "incidents", QJsonObject{}));
    ConnectionManager manager(fastConfig({relay->url()}));
    manager.setLastSeq("incidents", 3); // what a previous run had persisted
    QSignalSpy received(&manager, &ConnectionManager::envelopeReceived);
    QSignalSpy advanced(&manager, &ConnectionManager::positionAdvanced);
    manager.open();
    QTRY_COMPARE_WITH_TIMEOUT(received.size(), 2, kWaitMs);
    QCOMPARE(received.at(0).first().value<Envelope>().seq, 4);
    QCOMPARE(received.at(1).first().value<Envelope>().seq, 5);
    QCOMPARE(advanced.last().at(1).toLongLong(), 5);
}

void TestResilience::basicServerWithoutWelcome()
{
    ScriptedServer server; // no welcome, no acks, no app-level pong
    QVERIFY(server.listen());
    auto config = fastConfig({server.url()});
    config.heartbeatMs = 50;
    config.heartbeatTimeoutMs = 2000;
    ConnectionManager manager(config);
    QSignalSpy rtt(&manager, &ConnectionManager::rttMeasured);
    manager.open();
    QTRY_COMPARE_WITH_TIMEOUT(manager.state(), State::Connected, kWaitMs);
    // RFC 6455 ping frames are answered by any server.
    QTRY_VERIFY_WITH_TIMEOUT(rtt.size() >= 3, kWaitMs);
    QVERIFY(!manager.serverSentWelcome());
    QCOMPARE(manager.health().lossPercent(), 0.0);
    // It still subscribes the way the protocol says...
    QTRY_VERIFY_WITH_TIMEOUT(!server.received().isEmpty(), kWaitMs);
    const QJsonObject subscribe =
        QJsonDocument::fromJson(server.received().first().toUtf8()).object();
    QCOMPARE(subscribe.value("type").toString(), QStringLiteral("subscribe"));
    QCOMPARE(subscribe.value("payload").toObject().value("channels").toArray().size(), 1);
    // ...and what it sends arrives.
    const Envelope out = Envelope::create("chat.message", "chat", QJsonObject{{"c", "hello"}});
    QVERIFY(manager.send(out));
    QTRY_VERIFY_WITH_TIMEOUT(
        server.received().size() >= 2 && server.received().last().contains(out.id), kWaitMs);
    // Messages without ids or seqs from such a server are passed on, not dropped.
    QSignalSpy received(&manager, &ConnectionManager::envelopeReceived);
    server.broadcast(R"({"type":"log.entry","channel":"logs","payload":{"message":"hi"}})");
    server.broadcast(R"({"type":"log.entry","channel":"logs","payload":{"message":"hi"}})");
    QTRY_COMPARE_WITH_TIMEOUT(received.size(), 2, kWaitMs);
}

void TestResilience::clockJumpTriggersImmediateProbe()
{
    auto relay = startRelay();
    auto config = fastConfig({relay->url()});
    config.heartbeatMs = 600000;           // no heartbeat would come for ten minutes
    config.clockCheckIntervalMs = 3600000; // the test calls checkClock() itself
    ConnectionManager manager(config);
    qint64 mono = 1000;
    qint64 wall = 1700000000000;
    manager.setClock({[&] { return mono; }, [&] { return wall; }});
    QSignalSpy rtt(&manager, &ConnectionManager::rttMeasured);
    QSignalSpy probes(&manager, &ConnectionManager::probeRequested);
    manager.open();
    QTRY_COMPARE_WITH_TIMEOUT(rtt.size(), 1, kWaitMs); // the heartbeat sent on connect

    // Time passes normally: nothing happens.
    mono += 2000;
    wall += 2000;
    manager.checkClock();
    QCOMPARE(probes.size(), 0);

    // The laptop slept for an hour: wall time moved, monotonic time did not.
    wall += 3600 * 1000;
    manager.checkClock();
    QCOMPARE(probes.size(), 1);
    QVERIFY(probes.first().first().toString().contains("the clock jumped"));
    QTRY_COMPARE_WITH_TIMEOUT(rtt.size(), 2, kWaitMs); // an immediate heartbeat went out
}

void TestResilience::probeWhileReconnectingSkipsTheWait()
{
    auto relay = startRelay();
    FaultProxy proxy(relay->port());
    proxy.setRefuse(true);
    QVERIFY(proxy.listen());
    auto config = fastConfig({wsUrl(proxy.port())});
    config.reconnect.baseMs = 600000; // the next attempt would be minutes away
    config.reconnect.capMs = 600000;
    ConnectionManager manager(config);
    manager.setRandomSource([] { return 1.0; });
    manager.open();
    QTRY_COMPARE_WITH_TIMEOUT(manager.state(), State::Reconnecting, kWaitMs);
    proxy.setRefuse(false);
    manager.probeNow("network reachability changed");
    QTRY_COMPARE_WITH_TIMEOUT(manager.state(), State::Connected, kWaitMs);
}

void TestResilience::healthFiguresAreReported()
{
    auto relay = startRelay();
    auto config = fastConfig({relay->url()});
    config.heartbeatMs = 30;
    ConnectionManager manager(config);
    QSignalSpy rtt(&manager, &ConnectionManager::rttMeasured);
    manager.open();
    QTRY_VERIFY_WITH_TIMEOUT(rtt.size() >= 5, kWaitMs);
    for (int i = 0; i < 10; ++i)
        relay->publish(Envelope::create("incident.updated", "incidents", QJsonObject{}));
    QTRY_VERIFY_WITH_TIMEOUT(manager.messagesIn() >= 15, kWaitMs);
    const QJsonObject h = manager.healthJson();
    QCOMPARE(h.value("state").toString(), QStringLiteral("connected"));
    QVERIFY(h.value("quality").toString() != QStringLiteral("unknown"));
    QVERIFY(!h.value("recommendation").toString().isEmpty());
    QVERIFY(h.value("bytesIn").toInteger() > 0);
    QVERIFY(h.value("bytesOut").toInteger() > 0);
    QVERIFY(h.value("messagesInPerSec").toDouble() > 0);
    QVERIFY(h.value("uptimeMs").toInteger() >= 0);
    QVERIFY(h.value("samples").toInt() >= 5);
    const QJsonObject errors = h.value("errors").toObject();
    for (const char *c : {"network", "tls", "auth", "protocol", "server", "rate-limited"})
        QVERIFY2(errors.contains(QLatin1String(c)), c);
}

QTEST_GUILESS_MAIN(TestResilience)
#include "tst_resilience.moc"
