// The Incidents page's list: IncidentsModel sorted by each key, filtered, searched, in server
// order after a replay, with the gaps that could not be recovered, the selected incident's
// timeline, and the operator's actions laid over the rows: pending while on their way,
// confirmed by the server's update, rolled back when refused or discarded. The actions go
// through a real ActionTracker and outbox to a real relay on loopback.
#include "connection/connectionmanager.h"
#include "delivery/actiontracker.h"
#include "delivery/outboxdrainer.h"
#include "helpers/connectionfixture.h"
#include "helpers/outboxfixture.h"
#include "helpers/testsupport.h"
#include "models/feedenvelopes.h"
#include "models/feedmodels.h"
#include "models/feedrouter.h"
#include "models/incidentlist.h"
#include "relay/relay.h"
#include "ui/incidentform.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace vigil;
using vigil::test::configFor;
using vigil::test::env;
using vigil::test::kWaitMs;
using vigil::test::TempOutbox;
using State = vigil::OperatorAction::State;
using Key = vigil::IncidentList::SortKey;

namespace {

// An incident as the relay publishes it, with every field a test sorts or filters on.
Envelope incident(const QString &kind, const QString &id, const QJsonObject &data, qint64 at,
                  qint64 seq = -1)
{
    Envelope e = env(QStringLiteral("incident.") + kind, QStringLiteral("incidents"),
                     {{"incidentId", id}, {"type", kind}, {"data", data}}, at);
    e.seq = seq;
    return e;
}

Envelope created(const QString &id, const QString &severity, const QString &status,
                 const QString &assignee, qint64 at, const QString &title = {})
{
    QJsonObject data{{"title", title.isEmpty() ? "Title of " + id : title},
                     {"severity", severity},
                     {"status", status}};
    data.insert("assignedTo", assignee.isEmpty() ? QJsonValue() : QJsonValue(assignee));
    return incident("created", id, data, at);
}

// The ids of the rows, top to bottom.
QStringList ids(const QAbstractItemModel &m)
{
    QStringList out;
    for (int row = 0; row < m.rowCount(); ++row)
        out.append(m.index(row, 0).data(IncidentsModel::IdRole).toString());
    return out;
}

QVariant cell(const IncidentList &list, const QString &id, int role)
{
    const int row = list.rowOf(id);
    return row < 0 ? QVariant(QStringLiteral("(no row %1)").arg(id))
                   : list.index(row, 0).data(role);
}

// Four incidents whose every sort key gives another order:
//   id     severity  status         assignee  updated
//   inc-a  low       resolved       ana       4000
//   inc-b  critical  new            -         1000
//   inc-c  medium    investigating  bob       3000
//   inc-d  high      acknowledged   ana       2000
void feedFour(IncidentsModel &model)
{
    model.record(created("inc-a", "low", "resolved", "ana", 4000, "Disk full on db-1"));
    model.record(created("inc-b", "critical", "new", {}, 1000, "API latency"));
    model.record(created("inc-c", "medium", "investigating", "bob", 3000, "Queue backlog"));
    model.record(created("inc-d", "high", "acknowledged", "ana", 2000, "Certificate expiry"));
    model.flush();
}

/// One IncidentList over one IncidentsModel, with a model tester on the list.
struct Fixture
{
    IncidentsModel model{nullptr};
    IncidentList list{nullptr};
    std::unique_ptr<QAbstractItemModelTester> tester;

    explicit Fixture(ActionTracker *tracker = nullptr)
    {
        list.setSources(&model, tracker);
        tester = std::make_unique<QAbstractItemModelTester>(
            &list, QAbstractItemModelTester::FailureReportingMode::QtTest);
    }
};

} // namespace

class TestIncidentList : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { qRegisterMetaType<Envelope>(); }
    void sortsByEachKey_data();
    void sortsByEachKey();
    void filters_data();
    void filters();
    void searchMatchesTitleIdAndAssignee();
    void filterChoicesFollowTheRows();
    void serverOrderAndNoDuplicatesAfterAReplay();
    void unrecoverableGapsMarkTheRowsBefore();
    void selectedIncidentFollowsItsRowAndTimeline();
    void pendingUntilTheServerConfirms();
    void refusalRollsBackAndRetryConfirms();
    void discardRollsBack();
    void expectationsFollowTheRelaysRules_data();
    void expectationsFollowTheRelaysRules();
    void creatingIsAPendingRowUntilConfirmed();
    void formChecksWhatTheServerChecks_data();
    void formChecksWhatTheServerChecks();
};

void TestIncidentList::sortsByEachKey_data()
{
    QTest::addColumn<Key>("key");
    QTest::addColumn<bool>("descending");
    QTest::addColumn<QStringList>("order");
    QTest::newRow("updated, newest first")
        << Key::Updated << true << QStringList{"inc-a", "inc-c", "inc-d", "inc-b"};
    QTest::newRow("updated, oldest first")
        << Key::Updated << false << QStringList{"inc-b", "inc-d", "inc-c", "inc-a"};
    QTest::newRow("severity, most severe first")
        << Key::Severity << true << QStringList{"inc-b", "inc-d", "inc-c", "inc-a"};
    QTest::newRow("severity, least severe first")
        << Key::Severity << false << QStringList{"inc-a", "inc-c", "inc-d", "inc-b"};
    QTest::newRow("status, new first")
        << Key::Status << false << QStringList{"inc-b", "inc-d", "inc-c", "inc-a"};
    QTest::newRow("status, resolved first")
        << Key::Status << true << QStringList{"inc-a", "inc-c", "inc-d", "inc-b"};
    QTest::newRow("id, ascending")
        << Key::Id << false << QStringList{"inc-a", "inc-b", "inc-c", "inc-d"};
    QTest::newRow("id, descending")
        << Key::Id << true << QStringList{"inc-d", "inc-c", "inc-b", "inc-a"};
}

void TestIncidentList::sortsByEachKey()
{
    QFETCH(Key, key);
    QFETCH(bool, descending);
    QFETCH(QStringList, order);
    Fixture f;
    feedFour(f.model);
    QSignalSpy sortChanged(&f.list, &IncidentList::sortChanged);
    f.list.setSortKey(key);
    f.list.setDescending(descending);
    QCOMPARE(ids(f.list), order);
    QCOMPARE(f.list.sortKey(), key);
    // The order holds as rows change: a live update re-sorts (the newest moves up).
    f.model.record(
        incident("updated", "inc-b", {{"severity", "low"}, {"status", "resolved"}}, 9000));
    f.model.flush();
    f.list.setSortKey(Key::Updated);
    f.list.setDescending(true);
    QCOMPARE(ids(f.list).constFirst(), QStringLiteral("inc-b"));
}

void TestIncidentList::filters_data()
{
    QTest::addColumn<QString>("severity");
    QTest::addColumn<QString>("status");
    QTest::addColumn<QString>("assignee");
    QTest::addColumn<bool>("unassigned");
    QTest::addColumn<bool>("open");
    QTest::addColumn<QStringList>("shown"); // newest first
    QTest::newRow("none") << ""
                          << ""
                          << "" << false << false
                          << QStringList{"inc-a", "inc-c", "inc-d", "inc-b"};
    QTest::newRow("severity high") << "high"
                                   << ""
                                   << "" << false << false << QStringList{"inc-d"};
    QTest::newRow("severity, any case") << "CRITICAL"
                                        << ""
                                        << "" << false << false << QStringList{"inc-b"};
    QTest::newRow("status investigating") << ""
                                          << "investigating"
                                          << "" << false << false << QStringList{"inc-c"};
    QTest::newRow("assignee ana") << ""
                                  << ""
                                  << "ana" << false << false << QStringList{"inc-a", "inc-d"};
    QTest::newRow("unassigned only") << ""
                                     << ""
                                     << "" << true << false << QStringList{"inc-b"};
    QTest::newRow("open only") << ""
                               << ""
                               << "" << false << true << QStringList{"inc-c", "inc-d", "inc-b"};
    QTest::newRow("ana's open ones") << ""
                                     << ""
                                     << "ana" << false << true << QStringList{"inc-d"};
    QTest::newRow("nothing matches") << "low"
                                     << "new"
                                     << "" << false << false << QStringList{};
}

void TestIncidentList::filters()
{
    QFETCH(QString, severity);
    QFETCH(QString, status);
    QFETCH(QString, assignee);
    QFETCH(bool, unassigned);
    QFETCH(bool, open);
    QFETCH(QStringList, shown);
    Fixture f;
    feedFour(f.model);
    QSignalSpy count(&f.list, &IncidentList::countChanged);
    f.list.setSeverityFilter(severity);
    f.list.setStatusFilter(status);
    f.list.setAssigneeFilter(assignee);
    f.list.setUnassignedOnly(unassigned);
    f.list.setOpenOnly(open);
    QCOMPARE(ids(f.list), shown);
    QCOMPARE(f.list.count(), int(shown.size()));
    QCOMPARE(f.list.filtered(), shown.size() != 4);
    if (shown.size() != 4)
        QVERIFY(!count.isEmpty());
    // A row that starts to match appears; one that stops matching goes.
    if (open) {
        f.model.record(incident("resolved", "inc-d", {}, 5000));
        f.model.flush();
        QVERIFY(!ids(f.list).contains("inc-d"));
    }
    f.list.clearFilters();
    QCOMPARE(f.list.count(), 4);
    QVERIFY(!f.list.filtered());
}

void TestIncidentList::searchMatchesTitleIdAndAssignee()
{
    Fixture f;
    feedFour(f.model);
    f.list.setSearchText("disk");
    QCOMPARE(ids(f.list), QStringList{"inc-a"}); // the title, any case
    f.list.setSearchText("INC-C");
    QCOMPARE(ids(f.list), QStringList{"inc-c"}); // the id
    f.list.setSearchText("bo");
    QCOMPARE(ids(f.list), QStringList{"inc-c"}); // the assignee
    f.list.setSearchText("  ana ");
    QCOMPARE(ids(f.list), (QStringList{"inc-a", "inc-d"})); // trimmed
    f.list.setSeverityFilter("high");
    QCOMPARE(ids(f.list), QStringList{"inc-d"}); // with the filters
    f.list.setSearchText("nothing like it");
    QCOMPARE(f.list.count(), 0);
    f.list.setSearchText({});
    QCOMPARE(ids(f.list), QStringList{"inc-d"});
}

void TestIncidentList::filterChoicesFollowTheRows()
{
    Fixture f;
    QSignalSpy choices(&f.list, &IncidentList::choicesChanged);
    feedFour(f.model);
    QCOMPARE(f.list.statuses(),
             (QStringList{"new", "acknowledged", "investigating", "resolved"})); // by progress
    QCOMPARE(f.list.assignees(), (QStringList{"ana", "bob"}));
    QCOMPARE(choices.size(), 1);
    QCOMPARE(IncidentList::severities().size(), 4);
}

void TestIncidentList::serverOrderAndNoDuplicatesAfterAReplay()
{
    Fixture f;
    // The live stream: created, acknowledged, investigating; another incident in between.
    const QList<Envelope> stream = {
        [] {
            Envelope e = created("inc-1", "high", "new", {}, 1000);
            e.seq = 1;
            return e;
        }(),
        [] {
            Envelope e = created("inc-2", "low", "new", {}, 1500);
            e.seq = 2;
            return e;
        }(),
        incident("acknowledged", "inc-1", {{"status", "acknowledged"}}, 2000, 3),
        incident("updated", "inc-1", {{"status", "investigating"}, {"assignedTo", "ana"}}, 2000, 4),
    };
    for (const Envelope &e : stream)
        f.model.record(e);
    f.model.flush();
    QCOMPARE(ids(f.list), (QStringList{"inc-1", "inc-2"}));

    // A reconnect replays the history (the same messages, a burst in one batch, and then one
    // by one after a restart): no row twice, no update twice, and nothing goes back.
    for (bool oneByOne : {false, true}) {
        for (const Envelope &e : stream) {
            f.model.record(e);
            if (oneByOne)
                f.model.flush();
        }
        f.model.flush();
        QCOMPARE(f.model.rowCount(), 2);
        QCOMPARE(ids(f.list), (QStringList{"inc-1", "inc-2"}));
        QCOMPARE(cell(f.list, "inc-1", IncidentsModel::StatusRole).toString(), "investigating");
        QCOMPARE(cell(f.list, "inc-1", IncidentsModel::AssignedToRole).toString(), "ana");
        QCOMPARE(f.model.rows().find("inc-1")->history.size(), 3);
    }
    // An older update under a new id (another server's copy) is older all the same: kept out.
    f.model.record(incident("updated", "inc-1", {{"status", "new"}}, 1000, 1));
    f.model.flush();
    QCOMPARE(cell(f.list, "inc-1", IncidentsModel::StatusRole).toString(), "investigating");
    // Two updates in the same millisecond keep their server order (seq).
    f.model.record(incident("updated", "inc-2", {{"status", "acknowledged"}}, 2000, 5));
    f.model.flush();
    QCOMPARE(ids(f.list), (QStringList{"inc-2", "inc-1"}));
    // The server's order is its seq, whatever time a publisher put on its message.
    f.model.record(incident("updated", "inc-1", {{"assignedTo", "bob"}}, 1900, 6));
    f.model.flush();
    QCOMPARE(ids(f.list), (QStringList{"inc-1", "inc-2"}));
    QCOMPARE(cell(f.list, "inc-1", IncidentsModel::AssignedToRole).toString(), "bob");

    // A relay that restarted without its history counts seq from 1 again: its updates are
    // newer than every row, and apply.
    f.model.noteHistoryReset({"chat"}); // another channel's: nothing changes here
    f.model.noteHistoryReset({"incidents", "chat"});
    f.model.record(incident("acknowledged", "inc-2", {{"status", "investigating"}}, 1500, 1));
    f.model.flush();
    QCOMPARE(cell(f.list, "inc-2", IncidentsModel::StatusRole).toString(), "investigating");
    QCOMPARE(ids(f.list), (QStringList{"inc-2", "inc-1"}));
    f.model.record(incident("resolved", "inc-1", {}, 3000, 2));
    f.model.flush();
    QCOMPARE(cell(f.list, "inc-1", IncidentsModel::StatusRole).toString(), "resolved");
    QCOMPARE(ids(f.list), (QStringList{"inc-1", "inc-2"}));
    // ... and its replay is as old as anything replayed.
    f.model.record(incident("acknowledged", "inc-2", {{"status", "new"}}, 1500, 1));
    f.model.flush();
    QCOMPARE(cell(f.list, "inc-2", IncidentsModel::StatusRole).toString(), "investigating");
}

void TestIncidentList::unrecoverableGapsMarkTheRowsBefore()
{
    Fixture f;
    QSignalSpy gaps(&f.model, &IncidentsModel::gapsChanged);
    f.model.noteLinkStart();
    f.model.record(created("inc-1", "low", "new", {}, 1000));
    f.model.record(created("inc-2", "low", "new", {}, 2000));
    f.model.flush();
    QCOMPARE(cell(f.list, "inc-1", IncidentsModel::GapsAfterRole).toInt(), 0);

    // Reconnected; the server could not replay what was missed on another channel: no gap here.
    f.model.noteLinkStart();
    f.model.noteGap("chat");
    QCOMPARE(gaps.size(), 0);
    // ... and on this one: the rows of the earlier connection are before the gap.
    QSignalSpy changed(&f.list, &QAbstractItemModel::dataChanged);
    f.model.noteGap("incidents");
    QCOMPARE(gaps.size(), 1);
    QVERIFY(!changed.isEmpty()); // views re-read the role
    QCOMPARE(f.model.gapCount(), 1);
    QCOMPARE(cell(f.list, "inc-1", IncidentsModel::GapsAfterRole).toInt(), 1);
    // What this connection brings is after the gap: a new row, and a row updated again.
    f.model.record(created("inc-3", "low", "new", {}, 3000));
    f.model.record(incident("acknowledged", "inc-2", {{"status", "acknowledged"}}, 3500));
    f.model.flush();
    QCOMPARE(ids(f.list), (QStringList{"inc-2", "inc-3", "inc-1"}));
    QCOMPARE(cell(f.list, "inc-2", IncidentsModel::GapsAfterRole).toInt(), 0);
    QCOMPARE(cell(f.list, "inc-3", IncidentsModel::GapsAfterRole).toInt(), 0);
    QCOMPARE(cell(f.list, "inc-1", IncidentsModel::GapsAfterRole).toInt(), 1);

    // A second gap later: inc-1 is before both.
    f.model.noteLinkStart();
    f.model.noteGap("incidents");
    QCOMPARE(cell(f.list, "inc-1", IncidentsModel::GapsAfterRole).toInt(), 2);
    QCOMPARE(cell(f.list, "inc-3", IncidentsModel::GapsAfterRole).toInt(), 1);
    // The operator's Reload replays what the server holds: nothing is missing any more.
    f.model.noteReloaded("incidents");
    QCOMPARE(f.model.gapCount(), 0);
    QCOMPARE(cell(f.list, "inc-1", IncidentsModel::GapsAfterRole).toInt(), 0);
    // A new session starts without gaps.
    f.model.noteGap("incidents");
    f.model.attach(nullptr);
    QCOMPARE(f.model.gapCount(), 0);
}

void TestIncidentList::selectedIncidentFollowsItsRowAndTimeline()
{
    Fixture f;
    SelectedIncident *selected = f.list.selected();
    QAbstractItemModelTester timelineTester(selected,
                                            QAbstractItemModelTester::FailureReportingMode::QtTest);
    feedFour(f.model);
    QSignalSpy selection(&f.list, &IncidentList::selectionChanged);
    QSignalSpy rowChanged(&f.list, &IncidentList::selectedRowChanged);
    f.list.select("inc-d");
    QCOMPARE(selection.size(), 1);
    QTRY_COMPARE_WITH_TIMEOUT(rowChanged.size(), 1, kWaitMs);
    QCOMPARE(f.list.selectedId(), QStringLiteral("inc-d"));
    QCOMPARE(f.list.selectedRow(), 2);
    QVERIFY(selected->found());
    QCOMPARE(selected->title(), QStringLiteral("Certificate expiry"));
    QCOMPARE(selected->severity(), QStringLiteral("high"));
    QCOMPARE(selected->count(), 1);
    QCOMPARE(selected->index(0).data(SelectedIncident::KindRole).toString(), "created");
    QVERIFY(selected->canAct());
    QVERIFY(selected->canEscalate());

    // It is updated: the row moves to the top (the newest), the timeline grows on top.
    QSignalSpy inserted(selected, &QAbstractItemModel::rowsInserted);
    Envelope update = incident(
        "updated", "inc-d",
        {{"status", "investigating"}, {"assignedTo", "bob"}, {"description", "expires Friday"}},
        5000);
    update.payload = QJsonObject{{"incidentId", "inc-d"},
                                 {"type", "updated"},
                                 {"actor", "carol"},
                                 {"data", update.payload.toObject().value("data")}};
    f.model.record(update);
    f.model.flush();
    QCOMPARE(f.list.selectedRow(), 0);
    // Views hear of the new row once they have taken the change of the rows themselves.
    QCOMPARE(rowChanged.size(), 1);
    QTRY_COMPARE_WITH_TIMEOUT(rowChanged.size(), 2, kWaitMs);
    QCOMPARE(selection.size(), 1); // the same incident
    QCOMPARE(selected->status(), QStringLiteral("investigating"));
    QCOMPARE(selected->description(), QStringLiteral("expires Friday"));
    QCOMPARE(inserted.size(), 1);
    QCOMPARE(selected->count(), 2);
    QCOMPARE(selected->index(0).data(SelectedIncident::ActorRole).toString(), "carol");
    QCOMPARE(selected->index(0).data(SelectedIncident::ChangesRole).toString(),
             QStringLiteral("status acknowledged → investigating, reassigned from ana to bob"));
    QCOMPARE(selected->index(0).data(SelectedIncident::AtRole).toLongLong(), 5000);

    // The timeline is bounded: the oldest updates leave at the bottom.
    for (int i = 0; i < IncidentsModel::kKeepUpdates + 5; ++i)
        f.model.record(
            incident("updated", "inc-d", {{"assignedTo", QString("op-%1").arg(i)}}, 6000 + i));
    f.model.flush();
    QCOMPARE(selected->count(), IncidentsModel::kKeepUpdates);

    // Filtered out: no row, still selected and shown; back when the filter goes.
    f.list.setSeverityFilter("low");
    QCOMPARE(f.list.selectedRow(), -1);
    QVERIFY(selected->found());
    f.list.setSeverityFilter({});
    QCOMPARE(f.list.selectedRow(), 0);
    // Resolved: no more actions. Another incident: another timeline.
    f.model.record(incident("resolved", "inc-d", {}, 9000));
    f.model.flush();
    QVERIFY(!selected->canAct());
    f.list.select("inc-b");
    QCOMPARE(selected->count(), 1);
    QVERIFY(!selected->canEscalate()); // critical: nothing above
    f.list.select("inc-unknown");
    QVERIFY(!selected->found());
    QCOMPARE(selected->count(), 0);
}

void TestIncidentList::pendingUntilTheServerConfirms()
{
    TempOutbox outbox;
    QVERIFY2(outbox.isOpen(), qPrintable(outbox.openError()));
    Relay relay({});
    QString error;
    QVERIFY2(relay.start(&error), qPrintable(error));
    const Envelope inc = relay.publish(created("inc-1", "high", "new", {}, 1000));

    ConnectionManager manager(configFor({relay.url()}, {"incidents"}));
    OutboxDrainer drainer(&manager, &outbox, "p");
    ActionTracker tracker(&outbox, "p");
    tracker.attach(vigil::test::viewOf(manager), &drainer);
    Fixture f(&tracker);
    FeedRouter router({&f.model});
    router.attach(vigil::test::viewOf(manager));
    f.model.record(inc); // known from an earlier session
    f.model.flush();
    QCOMPARE(cell(f.list, "inc-1", IncidentList::ActionStateRole).toInt(), -1);

    // Offline: queued in the outbox, and the row shows what it will be, marked pending.
    QSignalSpy changed(&f.list, &QAbstractItemModel::dataChanged);
    const auto ack = tracker.submit("incident.acknowledge", {{"incidentId", "inc-1"}}, &error);
    QVERIFY2(ack, qPrintable(error));
    QVERIFY(!changed.isEmpty());
    QCOMPARE(cell(f.list, "inc-1", IncidentList::ActionIdRole).toString(), ack->id);
    QCOMPARE(cell(f.list, "inc-1", IncidentList::ActionStateRole).toInt(), int(State::Queued));
    QCOMPARE(cell(f.list, "inc-1", IncidentList::ActionTextRole).toString(),
             QStringLiteral("Acknowledge: Queued"));
    QCOMPARE(cell(f.list, "inc-1", IncidentList::ActionPendingRole).toBool(), true);
    QCOMPARE(cell(f.list, "inc-1", IncidentList::PendingStatusRole).toString(), "acknowledged");
    QCOMPARE(cell(f.list, "inc-1", IncidentsModel::StatusRole).toString(), "new"); // the server's
    QCOMPARE(cell(f.list, "inc-1", IncidentList::ActionToneRole).value<Tone::Value>(),
             Tone::Warning);
    f.list.select("inc-1");
    QCOMPARE(f.list.selected()->pendingStatus(), QStringLiteral("acknowledged"));
    QCOMPARE(f.list.selected()->actionState(), int(State::Queued));
    QVERIFY(f.list.selected()->canDiscard());

    // Online: sent, accepted, and confirmed by the update naming it; the row shows the
    // server's values, no longer pending, and the timeline says whose action it was.
    manager.open();
    QTRY_COMPARE_WITH_TIMEOUT(cell(f.list, "inc-1", IncidentList::ActionStateRole).toInt(),
                              int(State::Confirmed), kWaitMs);
    QTRY_COMPARE_WITH_TIMEOUT(cell(f.list, "inc-1", IncidentsModel::StatusRole).toString(),
                              QStringLiteral("acknowledged"), kWaitMs);
    QCOMPARE(cell(f.list, "inc-1", IncidentList::ActionPendingRole).toBool(), false);
    QCOMPARE(cell(f.list, "inc-1", IncidentList::PendingStatusRole).toString(), QString());
    QCOMPARE(cell(f.list, "inc-1", IncidentList::ActionToneRole).value<Tone::Value>(), Tone::Ok);
    QCOMPARE(f.list.selected()->actionText(), QStringLiteral("Acknowledge: Confirmed"));
    QCOMPARE(f.list.selected()->index(0).data(SelectedIncident::RequestIdRole).toString(), ack->id);

    // Assign: expected assignee and the status it moves to, then the server's.
    const auto assign =
        tracker.submit("incident.assign", {{"incidentId", "inc-1"}, {"assignee", "dana"}}, &error);
    QVERIFY2(assign, qPrintable(error));
    QCOMPARE(cell(f.list, "inc-1", IncidentList::PendingAssigneeRole).toString(), "dana");
    QCOMPARE(cell(f.list, "inc-1", IncidentList::PendingStatusRole).toString(), "investigating");
    QTRY_COMPARE_WITH_TIMEOUT(cell(f.list, "inc-1", IncidentsModel::AssignedToRole).toString(),
                              QStringLiteral("dana"), kWaitMs);
    QTRY_COMPARE_WITH_TIMEOUT(cell(f.list, "inc-1", IncidentList::ActionStateRole).toInt(),
                              int(State::Confirmed), kWaitMs);
    QCOMPARE(cell(f.list, "inc-1", IncidentList::PendingAssigneeRole).toString(), QString());
}

void TestIncidentList::refusalRollsBackAndRetryConfirms()
{
    TempOutbox outbox;
    QVERIFY2(outbox.isOpen(), qPrintable(outbox.openError()));
    Relay relay({});
    QString error;
    QVERIFY2(relay.start(&error), qPrintable(error));
    ConnectionManager manager(configFor({relay.url()}, {"incidents"}));
    OutboxDrainer drainer(&manager, &outbox, "p");
    ActionTracker tracker(&outbox, "p");
    tracker.attach(vigil::test::viewOf(manager), &drainer);
    Fixture f(&tracker);
    FeedRouter router({&f.model});
    router.attach(vigil::test::viewOf(manager));
    // The window lists an incident the relay does not know (it forgot it): it refuses.
    f.model.record(created("inc-9", "low", "new", {}, 1000));
    f.model.flush();
    manager.open();
    const auto escalate = tracker.submit("incident.escalate", {{"incidentId", "inc-9"}}, &error);
    QVERIFY2(escalate, qPrintable(error));
    QCOMPARE(cell(f.list, "inc-9", IncidentList::PendingSeverityRole).toString(), "medium");
    QTRY_COMPARE_WITH_TIMEOUT(cell(f.list, "inc-9", IncidentList::ActionStateRole).toInt(),
                              int(State::Failed), kWaitMs);
    // Rolled back: the server's values, no expectation, the reason and Retry.
    QCOMPARE(cell(f.list, "inc-9", IncidentList::PendingSeverityRole).toString(), QString());
    QCOMPARE(cell(f.list, "inc-9", IncidentList::ActionPendingRole).toBool(), false);
    QCOMPARE(cell(f.list, "inc-9", IncidentsModel::SeverityRole).toString(), "low");
    QCOMPARE(cell(f.list, "inc-9", IncidentList::CanRetryRole).toBool(), true);
    QCOMPARE(cell(f.list, "inc-9", IncidentList::ActionToneRole).value<Tone::Value>(),
             Tone::Danger);
    QVERIFY2(cell(f.list, "inc-9", IncidentList::ActionReasonRole).toString().contains("inc-9"),
             qPrintable(cell(f.list, "inc-9", IncidentList::ActionReasonRole).toString()));
    f.list.select("inc-9");
    QVERIFY(f.list.selected()->canRetry());
    QCOMPARE(f.list.selected()->actionTone(), Tone::Danger);

    // The relay learns of it; Retry is a new action, pending again, then confirmed.
    relay.publish(created("inc-9", "low", "new", {}, 1000));
    const auto again = tracker.retry(escalate->id, &error);
    QVERIFY2(again, qPrintable(error));
    QCOMPARE(cell(f.list, "inc-9", IncidentList::ActionIdRole).toString(), again->id);
    QTRY_COMPARE_WITH_TIMEOUT(cell(f.list, "inc-9", IncidentList::ActionStateRole).toInt(),
                              int(State::Confirmed), kWaitMs);
    QTRY_COMPARE_WITH_TIMEOUT(cell(f.list, "inc-9", IncidentsModel::SeverityRole).toString(),
                              QStringLiteral("medium"), kWaitMs);
}

void TestIncidentList::discardRollsBack()
{
    TempOutbox outbox;
    QVERIFY2(outbox.isOpen(), qPrintable(outbox.openError()));
    ActionTracker tracker(&outbox, "p");
    Fixture f(&tracker);
    f.model.record(created("inc-1", "medium", "investigating", "ana", 1000));
    f.model.flush();
    QString error;
    const auto resolve = tracker.submit("incident.resolve",
                                        {{"incidentId", "inc-1"}, {"note", "rolled back"}}, &error);
    QVERIFY2(resolve, qPrintable(error));
    QCOMPARE(cell(f.list, "inc-1", IncidentList::PendingStatusRole).toString(), "resolved");
    f.list.select("inc-1");
    QCOMPARE(f.list.selected()->pendingStatus(), QStringLiteral("resolved"));
    QVERIFY(tracker.discard(resolve->id));
    QCOMPARE(cell(f.list, "inc-1", IncidentList::ActionStateRole).toInt(), -1);
    QCOMPARE(cell(f.list, "inc-1", IncidentList::PendingStatusRole).toString(), QString());
    QCOMPARE(cell(f.list, "inc-1", IncidentList::ActionIdRole).toString(), QString());
    QCOMPARE(f.list.selected()->pendingStatus(), QString());
    QCOMPARE(f.list.selected()->actionState(), -1);

    // Two actions: the newest is shown; discarding it shows the one before again.
    const auto first = tracker.submit("incident.acknowledge", {{"incidentId", "inc-1"}}, &error);
    const auto second =
        tracker.submit("incident.assign", {{"incidentId", "inc-1"}, {"assignee", "bob"}}, &error);
    QVERIFY(first && second);
    QCOMPARE(cell(f.list, "inc-1", IncidentList::ActionIdRole).toString(), second->id);
    QCOMPARE(cell(f.list, "inc-1", IncidentList::PendingAssigneeRole).toString(), "bob");
    QVERIFY(tracker.discard(second->id));
    QCOMPARE(cell(f.list, "inc-1", IncidentList::ActionIdRole).toString(), first->id);
    QCOMPARE(cell(f.list, "inc-1", IncidentList::PendingAssigneeRole).toString(), QString());
    // Acknowledging an incident already under investigation keeps its status.
    QCOMPARE(cell(f.list, "inc-1", IncidentList::PendingStatusRole).toString(), QString());

    // A tracker restored after a restart shows the queued action again.
    ActionTracker restored(&outbox, "p");
    restored.restore();
    Fixture g(&restored);
    g.model.record(created("inc-1", "medium", "new", "ana", 1000));
    g.model.flush();
    QCOMPARE(cell(g.list, "inc-1", IncidentList::ActionIdRole).toString(), first->id);
    QCOMPARE(cell(g.list, "inc-1", IncidentList::PendingStatusRole).toString(), "acknowledged");
}

void TestIncidentList::expectationsFollowTheRelaysRules_data()
{
    QTest::addColumn<QString>("type");
    QTest::addColumn<QString>("status");
    QTest::addColumn<QString>("severity");
    QTest::addColumn<QString>("expectStatus");
    QTest::addColumn<QString>("expectAssignee");
    QTest::addColumn<QString>("expectSeverity");
    QTest::newRow("acknowledge new") << "incident.acknowledge"
                                     << "new"
                                     << "low"
                                     << "acknowledged"
                                     << ""
                                     << "";
    QTest::newRow("acknowledge mitigating") << "incident.acknowledge"
                                            << "mitigating"
                                            << "low"
                                            << ""
                                            << ""
                                            << "";
    QTest::newRow("assign acknowledged") << "incident.assign"
                                         << "acknowledged"
                                         << "low"
                                         << "investigating"
                                         << "zoe"
                                         << "";
    QTest::newRow("assign mitigating") << "incident.assign"
                                       << "mitigating"
                                       << "low"
                                       << ""
                                       << "zoe"
                                       << "";
    QTest::newRow("escalate high") << "incident.escalate"
                                   << "new"
                                   << "high"
                                   << ""
                                   << ""
                                   << "critical";
    QTest::newRow("escalate critical") << "incident.escalate"
                                       << "new"
                                       << "critical"
                                       << ""
                                       << ""
                                       << "";
    QTest::newRow("resolve") << "incident.resolve"
                             << "investigating"
                             << "low"
                             << "resolved"
                             << ""
                             << "";
    QTest::newRow("anything on a resolved one") << "incident.assign"
                                                << "resolved"
                                                << "low"
                                                << ""
                                                << ""
                                                << "";
}

void TestIncidentList::expectationsFollowTheRelaysRules()
{
    QFETCH(QString, type);
    QFETCH(QString, status);
    QFETCH(QString, severity);
    QFETCH(QString, expectStatus);
    QFETCH(QString, expectAssignee);
    QFETCH(QString, expectSeverity);
    IncidentAction action;
    action.type = type;
    action.payload = {{"incidentId", "inc-1"}, {"assignee", "zoe"}};
    Incident row;
    row.id = "inc-1";
    row.status = status;
    row.severity = severity;
    const IncidentExpectation e = IncidentOverlay::expect(action, row);
    QCOMPARE(e.status, expectStatus);
    QCOMPARE(e.assignee, expectAssignee);
    QCOMPARE(e.severity, expectSeverity);
}

void TestIncidentList::creatingIsAPendingRowUntilConfirmed()
{
    TempOutbox outbox;
    QVERIFY2(outbox.isOpen(), qPrintable(outbox.openError()));
    Relay relay({});
    QString error;
    QVERIFY2(relay.start(&error), qPrintable(error));
    ConnectionManager manager(configFor({relay.url()}, {"incidents"}));
    OutboxDrainer drainer(&manager, &outbox, "p");
    ActionTracker tracker(&outbox, "p");
    tracker.attach(vigil::test::viewOf(manager), &drainer);
    Fixture f(&tracker);
    FeedRouter router({&f.model});
    router.attach(vigil::test::viewOf(manager));
    PendingIncidents *creating = f.list.creating();
    QAbstractItemModelTester tester(creating,
                                    QAbstractItemModelTester::FailureReportingMode::QtTest);

    const auto create = tracker.submit(
        "incident.create", {{"title", "Printer on fire"}, {"severity", "critical"}}, &error);
    QVERIFY2(create, qPrintable(error));
    QCOMPARE(creating->count(), 1);
    const QModelIndex row = creating->index(0);
    QCOMPARE(row.data(PendingIncidents::TitleRole).toString(), "Printer on fire");
    QCOMPARE(row.data(PendingIncidents::SeverityRole).toString(), "critical");
    QCOMPARE(row.data(PendingIncidents::StateRole).toInt(), int(State::Queued));
    QCOMPARE(row.data(PendingIncidents::CanDiscardRole).toBool(), true);
    // Discarded: gone.
    QVERIFY(tracker.discard(create->id));
    QCOMPARE(creating->count(), 0);

    // Sent for real: the pending row leaves once the server's incident.created names it, and
    // the incident is a row of the list.
    const auto again = tracker.submit(
        "incident.create", {{"title", "Printer on fire"}, {"severity", "critical"}}, &error);
    QVERIFY2(again, qPrintable(error));
    QCOMPARE(creating->count(), 1);
    manager.open();
    QTRY_COMPARE_WITH_TIMEOUT(creating->count(), 0, kWaitMs);
    QCOMPARE(tracker.action(again->id)->state, State::Confirmed);
    QTRY_COMPARE_WITH_TIMEOUT(f.list.count(), 1, kWaitMs);
    QCOMPARE(f.list.index(0, 0).data(IncidentsModel::TitleRole).toString(), "Printer on fire");
}

void TestIncidentList::formChecksWhatTheServerChecks_data()
{
    QTest::addColumn<QString>("title");
    QTest::addColumn<QString>("severity");
    QTest::addColumn<QString>("description");
    QTest::addColumn<QString>("problem"); // the start of the sentence, "" for none
    QTest::newRow("fine") << "Disk full"
                          << "high"
                          << ""
                          << "";
    QTest::newRow("no title") << "   "
                              << "high"
                              << ""
                              << "A title is needed.";
    QTest::newRow("title of 200") << QString(200, 'x') << "low"
                                  << ""
                                  << "";
    QTest::newRow("title of 201") << QString(201, 'x') << "low"
                                  << ""
                                  << "The title is 201 characters long";
    QTest::newRow("unknown severity") << "Disk full"
                                      << "urgent"
                                      << ""
                                      << "Choose a severity";
    QTest::newRow("severity in capitals") << "Disk full"
                                          << "HIGH"
                                          << ""
                                          << "Choose a severity";
    QTest::newRow("description of 4000") << "Disk full"
                                         << "low" << QString(4000, 'd') << "";
    QTest::newRow("description of 4001")
        << "Disk full"
        << "low" << QString(4001, 'd') << "The description is 4001 characters long";
}

void TestIncidentList::formChecksWhatTheServerChecks()
{
    QFETCH(QString, title);
    QFETCH(QString, severity);
    QFETCH(QString, description);
    QFETCH(QString, problem);
    IncidentForm form(nullptr);
    const QString found = form.createProblem(title, severity, description);
    if (problem.isEmpty())
        QCOMPARE(found, QString());
    else
        QVERIFY2(found.startsWith(problem), qPrintable(found));
    // The fields one by one say the same.
    const QString each = !form.titleProblem(title).isEmpty() ? form.titleProblem(title)
                         : !form.severityProblem(severity).isEmpty()
                             ? form.severityProblem(severity)
                             : form.descriptionProblem(description);
    QCOMPARE(each, found);
    QVERIFY(!form.assigneeProblem(" ").isEmpty());
    QVERIFY(form.assigneeProblem("ana").isEmpty());
    QVERIFY(!form.noteProblem(QString(4001, 'n')).isEmpty());
    QVERIFY(!form.me().isEmpty());
}

QTEST_MAIN(TestIncidentList)
#include "tst_incidentlist.moc"
