// The pages' views of the live models: the alerts, agents and activity filters, and the
// notifications centre's one order (newest first, whatever channel an item came on).
#include "helpers/testsupport.h"
#include "models/feedenvelopes.h"
#include "models/feedfilters.h"
#include "models/feedmodels.h"
#include "models/notificationsmodel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace vigil;
using namespace vigil::test;

namespace {

// The first role (the key) of every row the view shows, top to bottom.
QStringList keys(const QAbstractItemModel &m)
{
    QStringList out;
    for (int row = 0; row < m.rowCount(); ++row)
        out.append(m.data(m.index(row, 0), Qt::UserRole + 1).toString());
    return out;
}

Envelope raised(const QString &id, const QString &severity, const QString &title = "disk full",
                qint64 at = 1000)
{
    return env("alert.raised", "alerts",
               {{"alertId", id}, {"severity", severity}, {"title", title}, {"source", "db"}}, at);
}

Envelope agent(const QString &id, const QString &status, const QString &name = "api")
{
    return env("agent.status", "agents", {{"agentId", id}, {"name", name}, {"status", status}});
}

Envelope activity(const QString &id, const QString &actor, const QString &action)
{
    Envelope e = env("activity.event", "activity",
                     {{"actor", actor},
                      {"action", action},
                      {"target", "inc-1"},
                      {"summary", actor + " " + action + " inc-1"}});
    e.id = id;
    return e;
}

Envelope notification(const QString &id, qint64 at)
{
    return env("notification", "notifications",
               {{"id", id}, {"title", "Note " + id}, {"severity", "info"}}, at);
}

} // namespace

class TestFeedFilters : public QObject
{
    Q_OBJECT
private slots:
    void alertsActiveOrCleared();
    void alertsBySeverity_data();
    void alertsBySeverity();
    void alertsFollowTheirModel();
    void agentsByStatus();
    void activityByActorAndAction();
    void activityChoicesFollowTheRows();
    void searchLooksInTheRowsTexts();
    void notificationsNewestFirstAcrossChannels();
    void notificationsKeepTheirOrderWhenRead();
};

void TestFeedFilters::alertsActiveOrCleared()
{
    AlertsModel alerts(nullptr);
    AlertsFilter view;
    QAbstractItemModelTester tester(&view, QAbstractItemModelTester::FailureReportingMode::QtTest);
    view.setSourceModel(&alerts);
    alerts.record(raised("al-1", "critical"));
    alerts.record(raised("al-2", "warning"));
    alerts.record(raised("al-3", "error"));
    alerts.record(env("alert.cleared", "alerts", {{"alertId", "al-2"}}));
    // Acknowledged and silenced alerts are still active.
    alerts.record(env("alert.acknowledged", "alerts", {{"alertId", "al-3"}, {"status", "x"}}));
    alerts.flush();
    QCOMPARE(keys(view), (QStringList{"al-3", "al-1"}));
    QCOMPARE(view.count(), 2);

    QSignalSpy filterChanged(&view, &FeedFilter::filterChanged);
    QSignalSpy countChanged(&view, &FeedFilter::countChanged);
    view.setCleared(true);
    QCOMPARE(filterChanged.size(), 1);
    QVERIFY(countChanged.size() > 0);
    QCOMPARE(keys(view), QStringList{"al-2"});
    view.setCleared(true); // the same again: nothing to tell
    QCOMPARE(filterChanged.size(), 1);
}

void TestFeedFilters::alertsBySeverity_data()
{
    QTest::addColumn<QString>("severity");
    QTest::addColumn<QStringList>("shown");
    QTest::newRow("all") << "" << QStringList{"al-4", "al-3", "al-2", "al-1"};
    QTest::newRow("critical") << "critical" << QStringList{"al-4", "al-1"};
    QTest::newRow("case ignored") << "WARNING" << QStringList{"al-2"};
    QTest::newRow("none of that") << "info" << QStringList{};
}

void TestFeedFilters::alertsBySeverity()
{
    QFETCH(QString, severity);
    QFETCH(QStringList, shown);
    AlertsModel alerts(nullptr);
    AlertsFilter view;
    QAbstractItemModelTester tester(&view, QAbstractItemModelTester::FailureReportingMode::QtTest);
    view.setSourceModel(&alerts);
    view.setSeverity(severity);
    alerts.record(raised("al-1", "critical"));
    alerts.record(raised("al-2", "warning"));
    alerts.record(raised("al-3", "error"));
    alerts.record(raised("al-4", "Critical")); // servers may shout
    alerts.flush();
    QCOMPARE(keys(view), shown);
    QCOMPARE(AlertsFilter::severities(), (QStringList{"critical", "error", "warning"}));
}

void TestFeedFilters::alertsFollowTheirModel()
{
    // Live: a clear moves an alert from one view to the other, without the page doing anything.
    AlertsModel alerts(nullptr);
    AlertsFilter active;
    AlertsFilter cleared;
    cleared.setCleared(true);
    QAbstractItemModelTester t1(&active, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QAbstractItemModelTester t2(&cleared, QAbstractItemModelTester::FailureReportingMode::QtTest);
    active.setSourceModel(&alerts);
    cleared.setSourceModel(&alerts);
    alerts.record(raised("al-1", "error"));
    alerts.flush();
    QCOMPARE(keys(active), QStringList{"al-1"});
    QCOMPARE(cleared.count(), 0);
    alerts.record(env("alert.cleared", "alerts", {{"alertId", "al-1"}}));
    alerts.flush();
    QCOMPARE(active.count(), 0);
    QCOMPARE(keys(cleared), QStringList{"al-1"});
    alerts.clear(); // a new session
    QCOMPARE(cleared.count(), 0);
}

void TestFeedFilters::agentsByStatus()
{
    AgentsModel agents(nullptr);
    AgentsFilter view;
    QAbstractItemModelTester tester(&view, QAbstractItemModelTester::FailureReportingMode::QtTest);
    view.setSourceModel(&agents);
    agents.record(agent("a1", "online"));
    agents.record(agent("a2", "offline"));
    agents.record(agent("a3", "busy"));
    agents.flush();
    QCOMPARE(keys(view), (QStringList{"a3", "a2", "a1"}));
    view.setStatus("offline");
    QCOMPARE(keys(view), QStringList{"a2"});
    // An agent coming back online leaves the offline view; one going offline joins it.
    agents.record(agent("a2", "online"));
    agents.record(agent("a1", "offline"));
    agents.flush();
    QCOMPARE(keys(view), QStringList{"a1"});
    view.setStatus("");
    QCOMPARE(view.count(), 3);
    QCOMPARE(AgentsFilter::statuses(), (QStringList{"online", "busy", "away", "offline"}));
}

void TestFeedFilters::activityByActorAndAction()
{
    ActivityModel events(nullptr);
    ActivityFilter view;
    QAbstractItemModelTester tester(&view, QAbstractItemModelTester::FailureReportingMode::QtTest);
    view.setSourceModel(&events);
    events.record(activity("e1", "ana", "acknowledged"));
    events.record(activity("e2", "bob", "resolved"));
    events.record(activity("e3", "ana", "resolved"));
    events.record(activity("e4", "anabel", "acknowledged"));
    events.flush();
    view.setActor("ana"); // exactly: not "anabel"
    QCOMPARE(keys(view), (QStringList{"e3", "e1"}));
    view.setAction("resolved");
    QCOMPARE(keys(view), QStringList{"e3"});
    view.setActor("");
    QCOMPARE(keys(view), (QStringList{"e3", "e2"}));
    // A new event that matches appears on top; one that does not stays out.
    events.record(activity("e5", "bob", "acknowledged"));
    events.record(activity("e6", "cy", "resolved"));
    events.flush();
    QCOMPARE(keys(view), (QStringList{"e6", "e3", "e2"}));
}

void TestFeedFilters::activityChoicesFollowTheRows()
{
    ActivityModel events(nullptr, 2);
    QSignalSpy choices(&events, &ActivityModel::choicesChanged);
    events.record(activity("e1", "bob", "resolved"));
    events.record(activity("e2", "Ana", "acknowledged"));
    events.flush();
    QCOMPARE(events.actors(), (QStringList{"Ana", "bob"}));
    QCOMPARE(events.actions(), (QStringList{"acknowledged", "resolved"}));
    QCOMPARE(choices.size(), 1);
    // The oldest event leaves (capacity 2): so do the choices only it had.
    events.record(activity("e3", "Ana", "acknowledged"));
    events.flush();
    QCOMPARE(events.actors(), QStringList{"Ana"});
    QCOMPARE(events.actions(), QStringList{"acknowledged"});
    QCOMPARE(choices.size(), 2);
}

void TestFeedFilters::searchLooksInTheRowsTexts()
{
    AgentsModel agents(nullptr);
    AgentsFilter view;
    QAbstractItemModelTester tester(&view, QAbstractItemModelTester::FailureReportingMode::QtTest);
    view.setSourceModel(&agents);
    agents.record(agent("agent-1", "online", "payments-1"));
    agents.record(agent("agent-2", "online", "search-1"));
    agents.flush();
    view.setSearch("PAY");
    QCOMPARE(keys(view), QStringList{"agent-1"});
    view.setSearch("agent-2"); // the id too
    QCOMPARE(keys(view), QStringList{"agent-2"});
    view.setStatus("offline"); // both filters apply
    QCOMPARE(view.count(), 0);
    view.setStatus("");
    view.setSearch("  ");
    QCOMPARE(view.count(), 2);
}

void TestFeedFilters::notificationsNewestFirstAcrossChannels()
{
    // After a reconnect each channel replays in its own turn: alerts first, then notifications.
    // Arrival order would group them by channel; the centre shows them by time.
    NotificationsModel model(nullptr);
    NewestFirst view;
    QAbstractItemModelTester tester(&view, QAbstractItemModelTester::FailureReportingMode::QtTest);
    view.setSourceModel(&model);
    auto critical = [](const QString &id, qint64 at) {
        return env("alert.raised", "alerts",
                   {{"alertId", id}, {"severity", "critical"}, {"title", "Down"}}, at);
    };
    model.record(critical("al-1", 1000));
    model.record(critical("al-2", 5000));
    model.record(notification("n-1", 2000));
    model.record(notification("n-2", 4000));
    model.flush();
    QCOMPARE(keys(model), (QStringList{"n-2", "n-1", "al-2", "al-1"})); // as they arrived
    QCOMPARE(keys(view), (QStringList{"al-2", "n-2", "n-1", "al-1"}));

    // Later arrivals fall into place, in the same frame or the next.
    model.record(notification("n-3", 3000));
    model.record(notification("n-4", 6000));
    model.flush();
    QCOMPARE(keys(view), (QStringList{"n-4", "al-2", "n-2", "n-3", "n-1", "al-1"}));

    // The same time: the one that arrived later is newer.
    model.record(notification("n-5", 6000));
    model.flush();
    QCOMPARE(keys(view).mid(0, 2), (QStringList{"n-5", "n-4"}));
}

void TestFeedFilters::notificationsKeepTheirOrderWhenRead()
{
    // Read and unread together: marking one read moves nothing.
    NotificationsModel model(nullptr);
    NewestFirst view;
    QAbstractItemModelTester tester(&view, QAbstractItemModelTester::FailureReportingMode::QtTest);
    view.setSourceModel(&model);
    for (int i = 1; i <= 4; ++i)
        model.record(notification(QStringLiteral("n-%1").arg(i), 1000 * i));
    model.flush();
    const QStringList before = keys(view);
    QCOMPARE(before, (QStringList{"n-4", "n-3", "n-2", "n-1"}));
    QSignalSpy moved(&view, &QAbstractItemModel::layoutChanged);
    model.markRead("n-3");
    model.markRead("n-1");
    QCOMPARE(keys(view), before);
    QCOMPARE(moved.size(), 0);
    const int read = NotificationsModel::ReadRole;
    QCOMPARE(view.data(view.index(1, 0), read).toBool(), true);
    QCOMPARE(view.data(view.index(0, 0), read).toBool(), false);
    model.dismiss("n-2");
    QCOMPARE(keys(view), (QStringList{"n-4", "n-3", "n-1"}));
}

QTEST_GUILESS_MAIN(TestFeedFilters)
#include "tst_feedfilters.moc"
