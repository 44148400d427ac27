// Delivery of the durable outbox through a real connection: acks, re-sends after a reconnect
// without duplicates, basic servers, smoothing, failures and dead letters, TTL.
#include "connection/connectionmanager.h"
#include "delivery/outboxdrainer.h"
#include "helpers/connectionfixture.h"
#include "helpers/faultproxy.h"
#include "helpers/outboxdamage.h"
#include "helpers/outboxfixture.h"
#include "helpers/scriptedserver.h"
#include "helpers/testsupport.h"
#include "relay/relay.h"
#include "storage/outbox.h"

#include <QJsonDocument>
#include <QSignalSpy>
#include <QTest>

#include <memory>

using vigil::ConnectionManager;
using vigil::Envelope;
using vigil::OutboxDrainer;
using vigil::Priority;
using vigil::test::configFor;
using vigil::test::FaultProxy;
using vigil::test::kWaitMs;
using vigil::test::ScriptedServer;
using vigil::test::TempOutbox;

class TestOutboxDrainer : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { qRegisterMetaType<Envelope>(); }
    void init();
    void cleanup();
    void deliversInPriorityOrderAndLeavesOnAck();
    void unackedAreResentWithSameIdAndNeverDoubled();
    void basicServerLeavesOnceWritten();
    void reconnectBurstIsSmoothed();
    void refusedMessageIsDeadLettered();
    void missingAckIsRetriedThenDeadLettered();
    void expiredMessageIsNotSent();
    void profilesNeverMix();
    void unreadableRowsAtTheHeadDoNotBlockDelivery();

private:
    std::unique_ptr<TempOutbox> m_outbox;
};

void TestOutboxDrainer::init()
{
    m_outbox = std::make_unique<TempOutbox>();
    QVERIFY2(m_outbox->isOpen(), qPrintable(m_outbox->openError()));
}

void TestOutboxDrainer::cleanup()
{
    m_outbox.reset();
}

void TestOutboxDrainer::deliversInPriorityOrderAndLeavesOnAck()
{
    vigil::Relay relay({});
    QString error;
    QVERIFY(relay.start(&error));
    QStringList ids;
    for (Priority p : {Priority::Low, Priority::Normal, Priority::Critical, Priority::High})
        ids.append(*m_outbox->enqueue(
            "p", Envelope::create("chat.message", "chat", QJsonObject{}, p), &error));

    ConnectionManager watcher(configFor({relay.url()}, {"chat"}));
    QSignalSpy seen(&watcher, &ConnectionManager::envelopeReceived);
    QSignalSpy subscribed(&watcher, &ConnectionManager::subscribed);
    watcher.open();
    QTRY_COMPARE_WITH_TIMEOUT(subscribed.size(), 1, kWaitMs);

    ConnectionManager manager(configFor({relay.url()}));
    OutboxDrainer drainer(&manager, m_outbox.get(), "p");
    QSignalSpy delivered(&drainer, &OutboxDrainer::delivered);
    manager.open();
    QTRY_COMPARE_WITH_TIMEOUT(delivered.size(), 4, kWaitMs);
    QTRY_COMPARE_WITH_TIMEOUT(seen.size(), 4, kWaitMs);
    const QStringList expected = {ids[2], ids[3], ids[1], ids[0]}; // critical, high, normal, low
    for (int i = 0; i < 4; ++i)
        QCOMPARE(seen.at(i).first().value<Envelope>().id, expected.at(i));
    const auto stats = m_outbox->stats("p");
    QCOMPARE(stats.depth, 0);
    QCOMPARE(stats.acked, 4);
    QCOMPARE(stats.sent, 4);
}

void TestOutboxDrainer::unackedAreResentWithSameIdAndNeverDoubled()
{
    vigil::Relay relay({});
    QString error;
    QVERIFY(relay.start(&error));
    FaultProxy proxy(relay.port());
    QVERIFY(proxy.listen());

    ConnectionManager watcher(configFor({relay.url()}, {"chat"}));
    QSignalSpy seen(&watcher, &ConnectionManager::envelopeReceived);
    QSignalSpy subscribed(&watcher, &ConnectionManager::subscribed);
    watcher.open();
    QTRY_COMPARE_WITH_TIMEOUT(subscribed.size(), 1, kWaitMs);

    ConnectionManager manager(configFor({vigil::test::wsUrl(proxy.port())}));
    OutboxDrainer drainer(&manager, m_outbox.get(), "p");
    QSignalSpy delivered(&drainer, &OutboxDrainer::delivered);
    manager.open();
    QTRY_COMPARE_WITH_TIMEOUT(manager.state(), ConnectionManager::State::Connected, kWaitMs);
    QTRY_VERIFY_WITH_TIMEOUT(manager.serverSentWelcome(), kWaitMs);

    // The relay gets the messages but its acks never come back.
    proxy.setBlackhole(FaultProxy::ServerToClient, true);
    QStringList ids;
    for (int i = 0; i < 3; ++i) {
        ids.append(*m_outbox->enqueue(
            "p", Envelope::create("chat.message", "chat", QJsonObject{{"n", i}}), &error));
        drainer.kick();
    }
    QTRY_COMPARE_WITH_TIMEOUT(seen.size(), 3, kWaitMs); // fanned out once each
    QTRY_COMPARE_WITH_TIMEOUT(drainer.inFlight(), 3, kWaitMs);
    QCOMPARE(delivered.size(), 0);
    QCOMPARE(m_outbox->stats("p").depth, 3); // still ours until acknowledged

    // The link breaks and comes back: the same ids go again, the relay acks without fanning
    // them out a second time.
    proxy.cutAll();
    proxy.setBlackhole(FaultProxy::ServerToClient, false);
    QTRY_COMPARE_WITH_TIMEOUT(delivered.size(), 3, kWaitMs);
    QCOMPARE(m_outbox->stats("p").depth, 0);
    QCOMPARE(m_outbox->stats("p").retried, 3);
    // No second copy reaches the watcher: a marker published after the re-sends were acked
    // arrives after any copy the relay could have fanned out.
    relay.publish(Envelope::create("chat.message", "chat", QJsonObject{{"marker", true}}));
    QTRY_COMPARE_WITH_TIMEOUT(seen.size(), 4, kWaitMs);
    QVERIFY(seen.last().first().value<Envelope>().payload.toObject().value("marker").toBool());
    seen.removeLast();
    QStringList got;
    for (const auto &args : seen)
        got.append(args.first().value<Envelope>().id);
    QCOMPARE(got, ids);
}

void TestOutboxDrainer::basicServerLeavesOnceWritten()
{
    ScriptedServer server; // no welcome, no acks
    QVERIFY(server.listen());
    QString error;
    const QString id =
        *m_outbox->enqueue("p", Envelope::create("chat.message", "chat", QJsonObject{}), &error);
    ConnectionManager manager(configFor({server.url()}));
    vigil::DrainPolicy policy;
    policy.welcomeGraceMs = 100;
    OutboxDrainer drainer(&manager, m_outbox.get(), "p", policy);
    QSignalSpy delivered(&drainer, &OutboxDrainer::delivered);
    manager.open();
    QTRY_COMPARE_WITH_TIMEOUT(delivered.size(), 1, kWaitMs);
    QCOMPARE(m_outbox->stats("p").depth, 0);
    QTRY_VERIFY_WITH_TIMEOUT(server.received().join('\n').contains(id), kWaitMs);
}

void TestOutboxDrainer::reconnectBurstIsSmoothed()
{
    vigil::Relay relay({});
    QString error;
    QVERIFY(relay.start(&error));
    for (int i = 0; i < 30; ++i)
        QVERIFY(m_outbox->enqueue(
            "p", Envelope::create("chat.message", "chat", QJsonObject{{"n", i}}), &error));
    ConnectionManager manager(configFor({relay.url()}));
    vigil::DrainPolicy policy;
    policy.burst = 5;
    policy.ratePerSecond = 50;
    OutboxDrainer drainer(&manager, m_outbox.get(), "p", policy);
    // A clock that only moves when the test says so. The drainer reads it to refill its bucket
    // before every decision to send, so the reads count the decisions it made.
    qint64 mono = 1000;
    int clockReads = 0;
    drainer.setClock({[&] {
                          ++clockReads;
                          return mono;
                      },
                      [] { return QDateTime::currentMSecsSinceEpoch(); }});
    QSignalSpy delivered(&drainer, &OutboxDrainer::delivered);
    // Nothing more goes out while no time passes. The drainer reads the clock before each
    // decision to send; once it has read it twice more, it has decided again with every ack in,
    // and a message sent then would already be counted by the outbox.
    const auto sendsNoMore = [&](int sent) {
        const int seen = clockReads;
        QTRY_VERIFY_WITH_TIMEOUT(clockReads >= seen + 2, kWaitMs);
        QCOMPARE(m_outbox->stats("p").sent, sent);
        QCOMPARE(delivered.size(), sent);
    };
    manager.open();
    QTRY_COMPARE_WITH_TIMEOUT(delivered.size(), 5, kWaitMs); // the burst
    sendsNoMore(5);
    if (QTest::currentTestFailed())
        return;
    mono += 100; // 100 ms at 50/s: five more tokens
    drainer.kick();
    QTRY_COMPARE_WITH_TIMEOUT(delivered.size(), 10, kWaitMs);
    sendsNoMore(10);
    if (QTest::currentTestFailed())
        return;
    mono += 10000; // plenty of time: the bucket refills only up to the burst size
    drainer.kick();
    QTRY_COMPARE_WITH_TIMEOUT(delivered.size(), 15, kWaitMs);
    sendsNoMore(15);
}

void TestOutboxDrainer::refusedMessageIsDeadLettered()
{
    ScriptedServer server;
    server.sendWelcome = true;
    server.errorCode = "forbidden_channel";
    QVERIFY(server.listen());
    QString error;
    const QString id =
        *m_outbox->enqueue("p", Envelope::create("chat.message", "secret", QJsonObject{}), &error);
    ConnectionManager manager(configFor({server.url()}));
    OutboxDrainer drainer(&manager, m_outbox.get(), "p");
    QSignalSpy failed(&drainer, &OutboxDrainer::failed);
    manager.open();
    QTRY_COMPARE_WITH_TIMEOUT(failed.size(), 1, kWaitMs);
    QCOMPARE(failed.first().at(0).toString(), id);
    QVERIFY(failed.first().at(1).toString().startsWith("forbidden_channel"));
    QCOMPARE(failed.first().at(2).toBool(), true); // no retry can fix it
    const auto dead = m_outbox->deadLetters("p");
    QCOMPARE(dead.size(), 1);
    QCOMPARE(dead.first().envelope.id, id);
    QCOMPARE(m_outbox->stats("p").depth, 0);
}

void TestOutboxDrainer::missingAckIsRetriedThenDeadLettered()
{
    ScriptedServer server; // says it acks, never does
    server.sendWelcome = true;
    QVERIFY(server.listen());
    QString error;
    const QString id =
        *m_outbox->enqueue("p", Envelope::create("chat.message", "chat", QJsonObject{}), &error);
    ConnectionManager manager(configFor({server.url()}));
    vigil::DrainPolicy policy;
    policy.ackTimeoutMs = 100;
    policy.maxFailures = 3;
    policy.retry = {10, 2.0, 40, false};
    OutboxDrainer drainer(&manager, m_outbox.get(), "p", policy);
    QSignalSpy failed(&drainer, &OutboxDrainer::failed);
    manager.open();
    QTRY_COMPARE_WITH_TIMEOUT(failed.size(), 3, kWaitMs);
    QCOMPARE(failed.at(0).at(2).toBool(), false);
    QCOMPARE(failed.at(1).at(2).toBool(), false);
    QCOMPARE(failed.at(2).at(2).toBool(), true);
    QVERIFY(failed.last().at(1).toString().startsWith("no acknowledgement"));
    // Sent three times, always with the same id.
    int copies = 0;
    for (const QString &frame : server.received())
        copies += frame.contains(id) ? 1 : 0;
    QCOMPARE(copies, 3);
    QCOMPARE(m_outbox->deadLetters("p").size(), 1);
}

void TestOutboxDrainer::expiredMessageIsNotSent()
{
    vigil::Relay relay({});
    QString error;
    QVERIFY(relay.start(&error));
    const QString stale =
        *m_outbox->enqueue("p", Envelope::create("chat.message", "chat", QJsonObject{}), &error, 1);
    const QString fresh =
        *m_outbox->enqueue("p", Envelope::create("chat.message", "chat", QJsonObject{}), &error);
    QTRY_VERIFY_WITH_TIMEOUT(
        QDateTime::currentMSecsSinceEpoch() > m_outbox->pending("p").first().expiresAtMs, kWaitMs);
    ConnectionManager manager(configFor({relay.url()}));
    OutboxDrainer drainer(&manager, m_outbox.get(), "p");
    QSignalSpy delivered(&drainer, &OutboxDrainer::delivered);
    manager.open();
    QTRY_COMPARE_WITH_TIMEOUT(delivered.size(), 1, kWaitMs);
    QCOMPARE(delivered.first().first().toString(), fresh);
    QCOMPARE(m_outbox->deadLetters("p").first().envelope.id, stale);
    QCOMPARE(m_outbox->deadLetters("p").first().reason, QStringLiteral("expired"));
    QCOMPARE(relay.head("chat"), 1);
}

void TestOutboxDrainer::profilesNeverMix()
{
    vigil::Relay relay({});
    QString error;
    QVERIFY(relay.start(&error));
    QVERIFY(m_outbox->enqueue("ws://other-server/ws",
                              Envelope::create("chat.message", "chat", QJsonObject{}), &error));
    const QString mine =
        *m_outbox->enqueue("mine", Envelope::create("chat.message", "chat", QJsonObject{}), &error);
    ConnectionManager manager(configFor({relay.url()}));
    OutboxDrainer drainer(&manager, m_outbox.get(), "mine");
    QSignalSpy delivered(&drainer, &OutboxDrainer::delivered);
    QSignalSpy idle(&drainer, &OutboxDrainer::idle);
    manager.open();
    QTRY_VERIFY_WITH_TIMEOUT(idle.size() >= 1 && delivered.size() == 1, kWaitMs);
    QCOMPARE(delivered.first().first().toString(), mine);
    QCOMPARE(relay.head("chat"), 1);
    QCOMPARE(m_outbox->stats("ws://other-server/ws").depth, 1);
}

void TestOutboxDrainer::unreadableRowsAtTheHeadDoNotBlockDelivery()
{
    // More unreadable rows at the head than one drain batch holds (50): they used to fill every
    // batch, so nothing was ever sent. Now they become dead letters and the rest is delivered.
    vigil::Relay relay({});
    QString error;
    QVERIFY(relay.start(&error));
    QStringList good;
    for (int i = 0; i < 5; ++i)
        good.append(*m_outbox->enqueue("p", Envelope::create("chat.message", "chat"), &error));
    QCOMPARE(vigil::test::insertUnreadableRows(m_outbox->path(), "p", 60), 60);

    ConnectionManager manager(configFor({relay.url()}));
    OutboxDrainer drainer(&manager, m_outbox.get(), "p");
    QSignalSpy delivered(&drainer, &OutboxDrainer::delivered);
    QSignalSpy failed(&drainer, &OutboxDrainer::failed);
    QSignalSpy idle(&drainer, &OutboxDrainer::idle);
    manager.open();
    QTRY_COMPARE_WITH_TIMEOUT(delivered.size(), 5, kWaitMs);
    QTRY_VERIFY_WITH_TIMEOUT(!idle.isEmpty(), kWaitMs);
    QCOMPARE(failed.size(), 60);
    for (const auto &args : failed) {
        QVERIFY(args.at(0).toString().startsWith("bad-"));
        QVERIFY(args.at(1).toString().startsWith("unreadable: "));
        QVERIFY(args.at(2).toBool()); // dead-lettered
    }
    const auto stats = m_outbox->stats("p");
    QCOMPARE(stats.depth, 0);
    QCOMPARE(stats.deadLetters, 60);
    QCOMPARE(stats.acked, 5);
}

QTEST_GUILESS_MAIN(TestOutboxDrainer)
#include "tst_outboxdrainer.moc"
