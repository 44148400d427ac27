// The HTTP fallback through proxies that block WebSocket: the client switches, keeps receiving
// in order, delivers its outbox, and returns to WebSocket once the proxy allows it, with exact
// counts of messages sent, received, lost (0) and duplicated (0).
#include "connection/connectionmanager.h"
#include "delivery/outboxdrainer.h"
#include "helpers/childprocess.h"
#include "helpers/connectionfixture.h"
#include "helpers/faultproxy.h"
#include "helpers/httpproxy.h"
#include "helpers/loopback.h"
#include "helpers/outboxfixture.h"
#include "helpers/testsupport.h"
#include "relay/relay.h"

#include <QSignalSpy>
#include <QTest>

#include <memory>

using vigil::ConnectionManager;
using vigil::Envelope;
using vigil::TransportPreference;
using vigil::test::HttpProxy;
using State = vigil::ConnectionManager::State;

namespace {

using vigil::test::kWaitMs;

/// The shared test client on "chat", with the fallback's own timers scaled down: a WebSocket
/// probe after 150 ms (doubling up to 300), a stream silent for 400 ms is given up, polls every
/// 200 ms.
vigil::ConnectionConfig fallbackClient(const QUrl &url, TransportPreference transport)
{
    auto c = vigil::test::configFor({url}, {"chat"}, transport);
    c.heartbeatMs = 200;
    c.upgradeProbe = {150, 2.0, 300, true};
    c.sseSilenceMs = 400;
    c.pollBaseMs = 200;
    return c;
}

QUrl viaProxy(const HttpProxy &proxy)
{
    return vigil::test::wsUrl(proxy.port());
}

/// Everything one manager delivered upward, for exact counting.
struct Received
{
    QList<qint64> seqs;
    QStringList ids;
    void attach(ConnectionManager *m)
    {
        QObject::connect(m, &ConnectionManager::envelopeReceived, m, [this](const Envelope &e) {
            seqs.append(e.seq);
            ids.append(e.id);
        });
    }
    int duplicates() const
    {
        return int(seqs.size() - QSet<qint64>(seqs.begin(), seqs.end()).size());
    }
    int lost(qint64 head) const
    {
        int missing = 0;
        for (qint64 s = 1; s <= head; ++s)
            missing += seqs.contains(s) ? 0 : 1;
        return missing;
    }
};

} // namespace

class TestFallback : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { qRegisterMetaType<Envelope>(); }
    void init();
    void cleanup();
    void refusedUpgradeSwitchesToSseAndBackWithoutLossOrDuplicates();
    void bufferingProxyMovesToLongPolling();
    void failedAttemptsLeadToFallback();
    void refusedStreamMovesToLongPolling();
    void sameMessagesOverAllThreeTransports();
    void forcedWebSocketNeverFallsBack();
    void sustainedCriticalQualityFallsBack();
    void cliTailThroughABlockingProxy();
    void newEpochOverHttpReplaysFromTheStart_data();
    void newEpochOverHttpReplaysFromTheStart();

private:
    std::unique_ptr<vigil::Relay> m_relay;
};

void TestFallback::init()
{
    m_relay = std::make_unique<vigil::Relay>(vigil::RelayConfig{});
    QString error;
    QVERIFY2(m_relay->start(&error), qPrintable(error));
}

void TestFallback::cleanup()
{
    m_relay.reset();
}

void TestFallback::refusedUpgradeSwitchesToSseAndBackWithoutLossOrDuplicates()
{
    HttpProxy proxy(m_relay->port());
    proxy.setUpgrade(HttpProxy::Upgrade::Refuse);
    QVERIFY(proxy.listen());
    vigil::test::TempOutbox outbox;
    QVERIFY2(outbox.isOpen(), qPrintable(outbox.openError()));
    QString error;

    // A watcher straight on the relay sees every message that is really fanned out.
    ConnectionManager watcher(fallbackClient(m_relay->url(), TransportPreference::WebSocket));
    Received watched;
    watched.attach(&watcher);
    QSignalSpy watcherSubscribed(&watcher, &ConnectionManager::subscribed);
    watcher.open();
    QTRY_COMPARE_WITH_TIMEOUT(watcherSubscribed.size(), 1, kWaitMs);

    auto config = fallbackClient(viaProxy(proxy), TransportPreference::Auto);
    config.replayHistory = true; // like the app: a fresh stream starts from the history
    ConnectionManager manager(config);
    vigil::DrainPolicy policy;
    policy.ackTimeoutMs = 3000;
    vigil::OutboxDrainer drainer(&manager, &outbox, "p", policy);
    QSignalSpy delivered(&drainer, &vigil::OutboxDrainer::delivered);
    Received got;
    got.attach(&manager);
    manager.open();
    QTRY_COMPARE_WITH_TIMEOUT(manager.state(), State::Fallback, kWaitMs);
    QCOMPARE(manager.transportName(), QStringLiteral("sse"));
    QVERIFY(manager.fallbackReason().contains("upgrade was refused"));
    QVERIFY(manager.healthJson().value("transport").toString() == QStringLiteral("sse"));
    QVERIFY(proxy.refusedUpgrades() >= 1);

    int sent = 0;
    for (int i = 0; i < 10; ++i)
        m_relay->publish(Envelope::create("chat.message", "chat", QJsonObject{{"from", "server"}}));
    for (int i = 0; i < 5; ++i, ++sent) {
        QVERIFY(outbox.enqueue(
            "p", Envelope::create("chat.message", "chat", QJsonObject{{"from", "client"}}),
            &error));
        drainer.kick();
    }
    QTRY_COMPARE_WITH_TIMEOUT(delivered.size(), 5, kWaitMs);
    QTRY_COMPARE_WITH_TIMEOUT(got.seqs.size(), 15, kWaitMs);
    QCOMPARE(manager.state(), State::Fallback);   // all of that over HTTP
    QVERIFY(manager.health().sampleCount() >= 1); // round trips measured over HTTP

    // The proxy lets WebSocket through again: the client notices on its own and switches back.
    proxy.setUpgrade(HttpProxy::Upgrade::Allow);
    QTRY_COMPARE_WITH_TIMEOUT(manager.state(), State::Connected, kWaitMs);
    QCOMPARE(manager.transportName(), QStringLiteral("websocket"));
    for (int i = 0; i < 10; ++i)
        m_relay->publish(Envelope::create("chat.message", "chat", QJsonObject{{"from", "server"}}));
    for (int i = 0; i < 5; ++i, ++sent) {
        QVERIFY(outbox.enqueue(
            "p", Envelope::create("chat.message", "chat", QJsonObject{{"from", "client"}}),
            &error));
        drainer.kick();
    }
    QTRY_COMPARE_WITH_TIMEOUT(delivered.size(), 10, kWaitMs);
    const qint64 head = m_relay->head("chat");
    QCOMPARE(head, qint64(20 + sent));
    QTRY_COMPARE_WITH_TIMEOUT(got.seqs.size(), int(head), kWaitMs);

    // The counts: sent 10, received 30 of 30, lost 0, duplicated 0; in order.
    QCOMPARE(sent, 10);
    QCOMPARE(got.lost(head), 0);
    QCOMPARE(got.duplicates(), 0);
    for (int i = 1; i < got.seqs.size(); ++i)
        QVERIFY(got.seqs.at(i) > got.seqs.at(i - 1));
    QCOMPARE(outbox.stats("p").depth, 0);
    QTRY_COMPARE_WITH_TIMEOUT(watched.seqs.size(), int(head), kWaitMs);
    QCOMPARE(watched.duplicates(), 0); // no client message was applied twice
    // And nothing more was fanned out: a marker published now comes right after the last of
    // them, so a late copy of a client message would have arrived (and taken a seq) before it.
    const Envelope marker = Envelope::create("chat.message", "chat", QJsonObject{{"marker", true}});
    m_relay->publish(marker);
    QTRY_VERIFY_WITH_TIMEOUT(watched.ids.contains(marker.id), kWaitMs);
    QCOMPARE(watched.ids.last(), marker.id);
    QCOMPARE(watched.seqs.last(), head + 1);
    QCOMPARE(watched.seqs.size(), int(head) + 1);
    QCOMPARE(watched.duplicates(), 0);
}

void TestFallback::bufferingProxyMovesToLongPolling()
{
    HttpProxy proxy(m_relay->port());
    proxy.setUpgrade(HttpProxy::Upgrade::Refuse);
    proxy.setBufferStreams(true);
    QVERIFY(proxy.listen());
    auto config = fallbackClient(viaProxy(proxy), TransportPreference::Auto);
    config.replayHistory = true;
    config.upgradeProbe = {600000, 2.0, 600000, false}; // stay on fallback for this test
    ConnectionManager manager(config);
    Received got;
    got.attach(&manager);
    manager.open();
    // The buffered stream never answers, so Fallback comes only with the first answered poll.
    QTRY_COMPARE_WITH_TIMEOUT(manager.state(), State::Fallback, kWaitMs);
    QCOMPARE(manager.transportName(), QStringLiteral("poll"));
    QVERIFY(manager.fallbackReason().contains("buffered"));
    for (int i = 0; i < 8; ++i)
        m_relay->publish(Envelope::create("chat.message", "chat", QJsonObject{{"n", i}}));
    QTRY_COMPARE_WITH_TIMEOUT(got.seqs.size(), 8, kWaitMs);
    QCOMPARE(got.lost(8), 0);
    QCOMPARE(got.duplicates(), 0);
}

void TestFallback::refusedStreamMovesToLongPolling()
{
    HttpProxy proxy(m_relay->port());
    proxy.setUpgrade(HttpProxy::Upgrade::Refuse);
    proxy.setRefusePath("/api/stream");
    QVERIFY(proxy.listen());
    auto config = fallbackClient(viaProxy(proxy), TransportPreference::Auto);
    config.replayHistory = true;
    config.upgradeProbe = {600000, 2.0, 600000, false};
    ConnectionManager manager(config);
    Received got;
    got.attach(&manager);
    manager.open();
    QTRY_COMPARE_WITH_TIMEOUT(manager.transportName(), QStringLiteral("poll"), kWaitMs);
    QVERIFY(manager.fallbackReason().contains("event stream was refused"));
    m_relay->publish(Envelope::create("chat.message", "chat", QJsonObject{}));
    QTRY_COMPARE_WITH_TIMEOUT(got.seqs.size(), 1, kWaitMs);
}

void TestFallback::failedAttemptsLeadToFallback()
{
    HttpProxy proxy(m_relay->port());
    proxy.setUpgrade(HttpProxy::Upgrade::Drop); // no answer at all to an upgrade
    QVERIFY(proxy.listen());
    auto config = fallbackClient(viaProxy(proxy), TransportPreference::Auto);
    config.fallbackAfterFailures = 3;
    config.replayHistory = true;
    config.upgradeProbe = {600000, 2.0, 600000, false};
    ConnectionManager manager(config);
    QSignalSpy scheduled(&manager, &ConnectionManager::reconnectScheduled);
    manager.open();
    QTRY_COMPARE_WITH_TIMEOUT(manager.state(), State::Fallback, kWaitMs);
    // Three WebSocket failures, each followed by a wait from the one backoff; the attempt after
    // the third is HTTP, and it answers.
    QCOMPARE(scheduled.size(), 3);
    QVERIFY(manager.fallbackReason().startsWith("WebSocket failed 3 times in a row"));
    Received got;
    got.attach(&manager);
    m_relay->publish(Envelope::create("chat.message", "chat", QJsonObject{}));
    QTRY_COMPARE_WITH_TIMEOUT(got.seqs.size(), 1, kWaitMs);
}

void TestFallback::sameMessagesOverAllThreeTransports()
{
    for (int i = 0; i < 20; ++i)
        m_relay->publish(Envelope::create("chat.message", "chat", QJsonObject{{"n", i}}));
    QList<QStringList> lists;
    for (auto t :
         {TransportPreference::WebSocket, TransportPreference::Sse, TransportPreference::Poll}) {
        auto config = fallbackClient(m_relay->url(), t);
        config.replayHistory = true;
        ConnectionManager manager(config);
        Received got;
        got.attach(&manager);
        manager.open();
        QTRY_COMPARE_WITH_TIMEOUT(got.ids.size(), 20, kWaitMs);
        QCOMPARE(manager.transportName(), vigil::transportPreferenceName(t));
        lists.append(got.ids);
    }
    QCOMPARE(lists.at(1), lists.at(0));
    QCOMPARE(lists.at(2), lists.at(0));
}

void TestFallback::forcedWebSocketNeverFallsBack()
{
    HttpProxy proxy(m_relay->port());
    proxy.setUpgrade(HttpProxy::Upgrade::Refuse);
    QVERIFY(proxy.listen());
    ConnectionManager manager(fallbackClient(viaProxy(proxy), TransportPreference::WebSocket));
    QSignalSpy scheduled(&manager, &ConnectionManager::reconnectScheduled);
    manager.open();
    QTRY_VERIFY_WITH_TIMEOUT(scheduled.size() >= 4, kWaitMs);
    QVERIFY(manager.state() != State::Fallback);
    QCOMPARE(manager.transportName(), QStringLiteral("websocket"));
    // The operator's toggle switches it at run time.
    manager.setTransportPreference(TransportPreference::Poll);
    QTRY_COMPARE_WITH_TIMEOUT(manager.state(), State::Fallback, kWaitMs);
    QCOMPARE(manager.transportName(), QStringLiteral("poll"));
}

void TestFallback::sustainedCriticalQualityFallsBack()
{
    // Every answer takes 600 ms to come back: round trips far above 500 ms, grade Critical.
    vigil::test::FaultProxy slow(m_relay->port());
    QVERIFY(slow.listen());
    slow.setDelay(vigil::test::FaultProxy::ServerToClient, 600);
    auto config = fallbackClient(vigil::test::wsUrl(slow.port()), TransportPreference::Auto);
    config.heartbeatMs = 100;
    config.heartbeatTimeoutMs = 5000;
    config.criticalFallbackMs = 500;
    config.upgradeProbe = {600000, 2.0, 600000, false};
    ConnectionManager manager(config);
    manager.open();
    QTRY_COMPARE_WITH_TIMEOUT(manager.state(), State::Connected, kWaitMs);
    QTRY_COMPARE_WITH_TIMEOUT(manager.state(), State::Fallback, kWaitMs);
    QVERIFY2(manager.fallbackReason().contains("stayed critical"),
             qPrintable(manager.fallbackReason()));
}

void TestFallback::cliTailThroughABlockingProxy()
{
    HttpProxy proxy(m_relay->port());
    proxy.setUpgrade(HttpProxy::Upgrade::Refuse);
    QVERIFY(proxy.listen());
    vigil::test::ChildProcess tail;
    tail.start(QStringLiteral(VIGIL_CLI_BIN),
               {"tail", "--url", viaProxy(proxy).toString(), "--channel", "chat", "--count", "3",
                "--timeout-ms", "30000"});
    QVERIFY(tail.waitForStarted());
    QByteArray err;
    QTRY_VERIFY_WITH_TIMEOUT((err += tail.readAllStandardError()).contains(R"("transport":"sse")"),
                             kWaitMs);
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            m_relay->publish(Envelope::create("chat.message", "chat", QJsonObject{}));
            return tail.state() == QProcess::NotRunning;
        }(),
        kWaitMs);
    QCOMPARE(tail.exitCode(), 0);
    QCOMPARE(tail.readAllStandardOutput().trimmed().split('\n').size(), 3);
}

void TestFallback::newEpochOverHttpReplaysFromTheStart_data()
{
    QTest::addColumn<int>("transport");
    QTest::newRow("sse") << int(TransportPreference::Sse);
    QTest::newRow("poll") << int(TransportPreference::Poll);
}

void TestFallback::newEpochOverHttpReplaysFromTheStart()
{
    // The client stopped at seq 5 of an older history; this relay's history is new and holds
    // three messages. Over HTTP the epoch arrives as the Vigil-Epoch header: the client must
    // start over from since 0 rather than ask for "after 5" and get nothing.
    QFETCH(int, transport);
    for (int i = 0; i < 3; ++i)
        m_relay->publish(Envelope::create("chat.message", "chat", QJsonObject{{"n", i}}));
    auto config = fallbackClient(m_relay->url(), TransportPreference(transport));
    ConnectionManager manager(config);
    manager.setLastSeq("chat", 5, "an-older-history");
    QSignalSpy reset(&manager, &ConnectionManager::historyReset);
    QSignalSpy failed(&manager, &ConnectionManager::recoveryFailed);
    Received got;
    got.attach(&manager);
    manager.open();
    QTRY_COMPARE_WITH_TIMEOUT(got.seqs, (QList<qint64>{1, 2, 3}), kWaitMs);
    QCOMPARE(manager.state(), State::Fallback);
    QCOMPARE(reset.size(), 1);
    QCOMPARE(reset.first().at(1).toString(), m_relay->epoch());
    QCOMPARE(failed.size(), 0);
    QCOMPARE(manager.cursor().position("chat").epoch, m_relay->epoch());
}

QTEST_GUILESS_MAIN(TestFallback)
#include "tst_fallback.moc"
