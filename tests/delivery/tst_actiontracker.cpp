// Operator actions from the click to the server's confirmation: through the durable outbox,
// tracked as queued, sent, accepted, confirmed or failed, restored after a restart, refused
// with the server's reason, retried and discarded. Against a real relay on loopback.
#include "connection/connectionmanager.h"
#include "delivery/actiontracker.h"
#include "delivery/outboxdrainer.h"
#include "helpers/connectionfixture.h"
#include "helpers/outboxfixture.h"
#include "helpers/testsupport.h"
#include "relay/relay.h"
#include "storage/outbox.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using vigil::ActionTracker;
using vigil::ConnectionManager;
using vigil::Envelope;
using vigil::OperatorAction;
using vigil::OutboxDrainer;
using vigil::test::configFor;
using vigil::test::kWaitMs;
using vigil::test::TempOutbox;
using State = vigil::OperatorAction::State;

namespace {

Envelope incident(const QString &id, const QString &status)
{
    return Envelope::create("incident.created", "incidents",
                            QJsonObject{{"incidentId", id},
                                        {"type", "created"},
                                        {"data", QJsonObject{{"title", "Disk full on db-1"},
                                                             {"severity", "high"},
                                                             {"status", status}}}});
}

/// The state of `id` in `tracker`, or Failed with a marker reason when it is unknown.
State stateOf(const ActionTracker &tracker, const QString &id)
{
    const auto action = tracker.action(id);
    return action ? action->state : State::Failed;
}

} // namespace

class TestActionTracker : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { qRegisterMetaType<Envelope>(); }
    void typesMapToChannelsAndTargets();
    void unknownTypeIsRefusedBeforeTheOutbox();
    void actionIsConfirmedByTheUpdateNamingIt();
    void chatMessageIsConfirmedByItsFanOut();
    void queuedOfflineSurvivesARestartAndIsDeliveredOnce();
    void refusalFailsWithTheServersReasonAndRetryReplacesIt();
    void discardRemovesAQueuedActionFromTheOutbox();
};

void TestActionTracker::typesMapToChannelsAndTargets()
{
    QCOMPARE(ActionTracker::channelFor("incident.resolve"), QStringLiteral("incidents"));
    QCOMPARE(ActionTracker::channelFor("alert.silence"), QStringLiteral("alerts"));
    QCOMPARE(ActionTracker::channelFor("chat.message"), QStringLiteral("chat"));
    QCOMPARE(ActionTracker::channelFor("logs.clear"), QString());
    QCOMPARE(ActionTracker::targetOf("incident.assign", {{"incidentId", "inc-1"}}),
             QStringLiteral("inc-1"));
    QCOMPARE(ActionTracker::targetOf("alert.acknowledge", {{"alertId", "al-2"}}),
             QStringLiteral("al-2"));
    QCOMPARE(ActionTracker::targetOf("chat.message", {{"id", "msg-3"}}), QStringLiteral("msg-3"));
}

void TestActionTracker::unknownTypeIsRefusedBeforeTheOutbox()
{
    TempOutbox outbox;
    QVERIFY2(outbox.isOpen(), qPrintable(outbox.openError()));
    ActionTracker tracker(&outbox, "p");
    QString error;
    QVERIFY(!tracker.submit("reboot.everything", {}, &error));
    QVERIFY(error.contains("reboot.everything"));
    QCOMPARE(outbox.stats("p").depth, 0);
}

void TestActionTracker::actionIsConfirmedByTheUpdateNamingIt()
{
    TempOutbox outbox;
    QVERIFY2(outbox.isOpen(), qPrintable(outbox.openError()));
    vigil::Relay relay({});
    QString error;
    QVERIFY(relay.start(&error));
    relay.publish(incident("inc-1", "new"));

    ConnectionManager manager(configFor({relay.url()}, {"incidents"}));
    OutboxDrainer drainer(&manager, &outbox, "p");
    ActionTracker tracker(&outbox, "p");
    tracker.attach(vigil::test::viewOf(manager), &drainer);
    QSignalSpy changed(&tracker, &ActionTracker::changed);
    const auto action = tracker.submit("incident.acknowledge", {{"incidentId", "inc-1"}}, &error);
    QVERIFY2(action, qPrintable(error));
    QCOMPARE(action->state, State::Queued); // at once, before any network
    QCOMPARE(action->target, QStringLiteral("inc-1"));
    QCOMPARE(tracker.openActionFor("inc-1")->id, action->id);
    QCOMPARE(outbox.stats("p").depth, 1); // kept safe first

    manager.open();
    QTRY_COMPARE_WITH_TIMEOUT(stateOf(tracker, action->id), State::Confirmed, kWaitMs);
    // Every step was reported, in order, and none went backwards.
    QList<State> seen;
    for (const QList<QVariant> &args : std::as_const(changed))
        seen.append(args.at(0).value<OperatorAction>().state);
    QCOMPARE(seen.first(), State::Queued);
    QCOMPARE(seen.last(), State::Confirmed);
    QVERIFY(std::is_sorted(seen.cbegin(), seen.cend(),
                           [](State a, State b) { return int(a) < int(b); }));
    QVERIFY(!tracker.openActionFor("inc-1"));
    QTRY_COMPARE_WITH_TIMEOUT(outbox.stats("p").depth, 0, kWaitMs);
}

void TestActionTracker::chatMessageIsConfirmedByItsFanOut()
{
    TempOutbox outbox;
    QVERIFY2(outbox.isOpen(), qPrintable(outbox.openError()));
    vigil::Relay relay({});
    QString error;
    QVERIFY(relay.start(&error));
    ConnectionManager manager(configFor({relay.url()}, {"chat"}));
    OutboxDrainer drainer(&manager, &outbox, "p");
    ActionTracker tracker(&outbox, "p");
    tracker.attach(vigil::test::viewOf(manager), &drainer);
    manager.open();
    const auto action = tracker.submit(
        "chat.message",
        {{"id", "msg-1"}, {"conversationId", "conv-1"}, {"senderId", "me"}, {"content", "on it"}},
        &error);
    QVERIFY2(action, qPrintable(error));
    QTRY_COMPARE_WITH_TIMEOUT(stateOf(tracker, action->id), State::Confirmed, kWaitMs);
}

void TestActionTracker::queuedOfflineSurvivesARestartAndIsDeliveredOnce()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath("outbox.sqlite");
    QString error;
    QString id;
    {
        // Offline: no connection at all. The action is queued and kept on disk.
        vigil::Outbox outbox;
        QVERIFY2(outbox.open(path, &error), qPrintable(error));
        ActionTracker tracker(&outbox, "p");
        const auto action = tracker.submit("incident.resolve",
                                           {{"incidentId", "inc-7"}, {"note", "fixed"}}, &error);
        QVERIFY2(action, qPrintable(error));
        id = action->id;
    } // quit

    vigil::Outbox outbox;
    QVERIFY2(outbox.open(path, &error), qPrintable(error));
    ActionTracker tracker(&outbox, "p");
    tracker.restore();
    QCOMPARE(stateOf(tracker, id), State::Queued);
    QCOMPARE(tracker.action(id)->type, QStringLiteral("incident.resolve"));
    QCOMPARE(tracker.openActionFor("inc-7")->id, id);

    vigil::Relay relay({});
    QVERIFY(relay.start(&error));
    relay.publish(incident("inc-7", "investigating"));
    ConnectionManager watcher(configFor({relay.url()}, {"incidents"}));
    QSignalSpy seen(&watcher, &ConnectionManager::envelopeReceived);
    QSignalSpy subscribed(&watcher, &ConnectionManager::subscribed);
    watcher.open();
    QTRY_COMPARE_WITH_TIMEOUT(subscribed.size(), 1, kWaitMs);

    ConnectionManager manager(configFor({relay.url()}, {"incidents"}));
    OutboxDrainer drainer(&manager, &outbox, "p");
    tracker.attach(vigil::test::viewOf(manager), &drainer);
    manager.open();
    QTRY_COMPARE_WITH_TIMEOUT(stateOf(tracker, id), State::Confirmed, kWaitMs);
    // The other client saw the resolution exactly once, naming this action.
    const Envelope marker = relay.publish(incident("inc-marker", "new"));
    QTRY_VERIFY_WITH_TIMEOUT(!seen.isEmpty() && seen.last().at(0).value<Envelope>().id == marker.id,
                             kWaitMs);
    int resolutions = 0;
    for (const QList<QVariant> &args : std::as_const(seen)) {
        const Envelope e = args.at(0).value<Envelope>();
        if (e.payload.toObject().value("requestId").toString() == id)
            ++resolutions;
    }
    QCOMPARE(resolutions, 1);
}

void TestActionTracker::refusalFailsWithTheServersReasonAndRetryReplacesIt()
{
    TempOutbox outbox;
    QVERIFY2(outbox.isOpen(), qPrintable(outbox.openError()));
    vigil::Relay relay({});
    QString error;
    QVERIFY(relay.start(&error));
    ConnectionManager manager(configFor({relay.url()}, {"incidents"}));
    OutboxDrainer drainer(&manager, &outbox, "p");
    ActionTracker tracker(&outbox, "p");
    tracker.attach(vigil::test::viewOf(manager), &drainer);
    manager.open();
    // No such incident: the server refuses, naming the action.
    const auto action =
        tracker.submit("incident.acknowledge", {{"incidentId", "inc-missing"}}, &error);
    QVERIFY2(action, qPrintable(error));
    QTRY_COMPARE_WITH_TIMEOUT(stateOf(tracker, action->id), State::Failed, kWaitMs);
    QVERIFY(!tracker.action(action->id)->reason.isEmpty());
    QCOMPARE(outbox.deadLetters("p").size(), 1); // refused for good, kept for the record

    // The incident appears; Retry sends the same action again under a new id.
    relay.publish(incident("inc-missing", "new"));
    QSignalSpy removed(&tracker, &ActionTracker::removed);
    const auto again = tracker.retry(action->id, &error);
    QVERIFY2(again, qPrintable(error));
    QVERIFY(again->id != action->id);
    QCOMPARE(removed.size(), 1);
    QVERIFY(!tracker.action(action->id));
    QCOMPARE(outbox.deadLetters("p").size(), 0);
    QTRY_COMPARE_WITH_TIMEOUT(stateOf(tracker, again->id), State::Confirmed, kWaitMs);
    QVERIFY(!tracker.retry(again->id, &error)); // only failed actions are retried
}

void TestActionTracker::discardRemovesAQueuedActionFromTheOutbox()
{
    TempOutbox outbox;
    QVERIFY2(outbox.isOpen(), qPrintable(outbox.openError()));
    ActionTracker tracker(&outbox, "p");
    QString error;
    const auto action =
        tracker.submit("alert.silence", {{"alertId", "al-1"}, {"minutes", 30}}, &error);
    QVERIFY2(action, qPrintable(error));
    QCOMPARE(outbox.stats("p").depth, 1);
    QSignalSpy removed(&tracker, &ActionTracker::removed);
    QVERIFY(tracker.discard(action->id));
    QCOMPARE(removed.size(), 1);
    QCOMPARE(removed.at(0).at(1).toString(), QStringLiteral("al-1"));
    QCOMPARE(outbox.stats("p").depth, 0);
    QVERIFY(!tracker.openActionFor("al-1"));
    QVERIFY(!tracker.discard(action->id));
}

QTEST_GUILESS_MAIN(TestActionTracker)
#include "tst_actiontracker.moc"
