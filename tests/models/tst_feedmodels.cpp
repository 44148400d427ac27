// The live list models: what each makes of the feed, and the per-frame coalescing they share.
#include "helpers/testsupport.h"
#include "models/feedenvelopes.h"
#include "models/feedmodels.h"
#include "models/feedrouter.h"

#include <QAbstractItemModelTester>
#include <QJsonArray>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTest>

using namespace vigil;
using namespace vigil::test;

namespace {

QVariant cell(const LiveListModel &m, int row, int role)
{
    return m.data(m.index(row), role);
}

// The row showing `key` (the first role is the key), or -1.
int rowOf(const LiveListModel &m, const QString &key)
{
    for (int row = 0; row < m.rowCount(); ++row) {
        if (cell(m, row, Qt::UserRole + 1).toString() == key)
            return row;
    }
    return -1;
}

} // namespace

class TestFeedModels : public QObject
{
    Q_OBJECT
private slots:
    void incidentsTrackStatusAndOpenCounts();
    void incidentsResolvedLeaveTheOpenCount();
    void aBurstIsOneInsertPerFrame();
    void updatesSignalOnlyChangedRoles();
    void capacityDropsTheOldest();
    void clearEmptiesAndResetsFigures();
    void agentsCountOnlineAndTakeMetrics();
    void alertsClearKeepsTheRaisedDetails();
    void alertSilenceEndsOnItsOwn();
    void alertConfirmationsOfUnlistedOrClearedAlerts();
    void activityNewestFirst();
    void chatReceiptsNeverGoBackwards();
    void chatReceiptsInTheSameBatchAsTheirMessage();
    void routerHandsEachChannelToItsModelsOnly();
    void agentMetricsInTheSameBatchAsTheAgent();
    void logsTakeEntriesAndBatches();
    void foreignEnvelopesAreIgnored();
    void emptyOrMalformedPayloadsDoNotCrash();
};

void TestFeedModels::incidentsTrackStatusAndOpenCounts()
{
    IncidentsModel m(nullptr);
    QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
    m.record(incident("created", "inc-1", "critical", "new", 1000));
    m.record(incident("created", "inc-2", "low", "new", 2000));
    m.record(incident("acknowledged", "inc-1", "critical", "investigating", 3000));
    QCOMPARE(m.rowCount(), 0); // nothing before the frame
    QSignalSpy figures(&m, &IncidentsModel::figuresChanged);
    m.flush();
    QCOMPARE(m.rowCount(), 2);
    // Newest first: inc-2 was created after inc-1.
    QCOMPARE(cell(m, 0, IncidentsModel::IdRole).toString(), "inc-2");
    QCOMPARE(cell(m, 1, IncidentsModel::StatusRole).toString(), "investigating");
    QCOMPARE(cell(m, 1, IncidentsModel::CreatedAtRole).toLongLong(), 1000);
    QCOMPARE(cell(m, 1, IncidentsModel::UpdatedAtRole).toLongLong(), 3000);
    QCOMPARE(cell(m, 1, IncidentsModel::TitleRole).toString(), "Title of inc-1");
    QCOMPARE(m.openCount(), 2);
    QCOMPARE(m.criticalCount(), 1);
    QCOMPARE(m.lowCount(), 1);
    QCOMPARE(m.highCount(), 0);
    QCOMPARE(figures.count(), 1);

    m.record(incident("escalated", "inc-2", "medium", "investigating", 4000));
    m.flush();
    QCOMPARE(m.lowCount(), 0);
    QCOMPARE(m.mediumCount(), 1);
    QCOMPARE(m.roleNames().value(IncidentsModel::AssignedToRole), QByteArray("assignedTo"));
}

void TestFeedModels::incidentsResolvedLeaveTheOpenCount()
{
    IncidentsModel m(nullptr);
    QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
    m.record(incident("created", "inc-1", "high", "new"));
    m.flush();
    QCOMPARE(m.openCount(), 1);
    // The resolve event carries the last status the server knew; the model says resolved.
    m.record(incident("resolved", "inc-1", "high", "mitigating"));
    m.flush();
    QCOMPARE(m.rowCount(), 1);
    QCOMPARE(cell(m, 0, IncidentsModel::StatusRole).toString(), "resolved");
    QCOMPARE(m.openCount(), 0);
    QCOMPARE(m.highCount(), 0);
}

void TestFeedModels::aBurstIsOneInsertPerFrame()
{
    LogModel m(nullptr);
    QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy inserted(&m, &QAbstractItemModel::rowsInserted);
    for (int i = 0; i < 500; ++i)
        m.record(env("log.entry", "logs", {{"level", "info"}, {"message", QString::number(i)}}));
    // The frame timer publishes the whole burst at once.
    QTRY_COMPARE_WITH_TIMEOUT(m.rowCount(), 500, kWaitMs);
    QCOMPARE(inserted.count(), 1);
    QCOMPARE(cell(m, 0, LogModel::MessageRole).toString(), "499");
    QCOMPARE(cell(m, 499, LogModel::MessageRole).toString(), "0");
}

void TestFeedModels::updatesSignalOnlyChangedRoles()
{
    AgentsModel m(nullptr);
    QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
    m.record(env("agent.status", "agents",
                 {{"agentId", "a1"},
                  {"name", "api-1"},
                  {"status", "online"},
                  {"cpu", 10.0},
                  {"memory", 20.0},
                  {"lastSeen", 5000}}));
    m.flush();
    QSignalSpy changed(&m, &QAbstractItemModel::dataChanged);
    QSignalSpy inserted(&m, &QAbstractItemModel::rowsInserted);
    m.record(env("agent.status", "agents",
                 {{"agentId", "a1"},
                  {"name", "api-1"},
                  {"status", "busy"},
                  {"cpu", 10.0},
                  {"memory", 20.0},
                  {"lastSeen", 6000}}));
    m.flush();
    QCOMPARE(inserted.count(), 0);
    QCOMPARE(changed.count(), 1);
    const auto roles = changed.at(0).at(2).value<QList<int>>();
    QVERIFY(roles.contains(AgentsModel::StatusRole));
    QVERIFY(roles.contains(AgentsModel::LastSeenRole));
    QVERIFY(!roles.contains(AgentsModel::NameRole));
    QVERIFY(!roles.contains(AgentsModel::CpuRole));

    // The same values again change nothing and signal nothing.
    changed.clear();
    m.record(env("agent.status", "agents",
                 {{"agentId", "a1"},
                  {"name", "api-1"},
                  {"status", "busy"},
                  {"cpu", 10.0},
                  {"memory", 20.0},
                  {"lastSeen", 6000}}));
    m.flush();
    QCOMPARE(changed.count(), 0);
}

void TestFeedModels::capacityDropsTheOldest()
{
    ActivityModel m(nullptr, 5);
    QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
    for (int i = 0; i < 3; ++i)
        m.record(env("activity.event", "activity", {{"summary", QString::number(i)}}));
    m.flush();
    for (int i = 3; i < 12; ++i)
        m.record(env("activity.event", "activity", {{"summary", QString::number(i)}}));
    m.flush();
    QCOMPARE(m.rowCount(), 5);
    QCOMPARE(m.count(), 5);
    QCOMPARE(cell(m, 0, ActivityModel::SummaryRole).toString(), "11");
    QCOMPARE(cell(m, 4, ActivityModel::SummaryRole).toString(), "7");
}

void TestFeedModels::clearEmptiesAndResetsFigures()
{
    IncidentsModel m(nullptr);
    QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
    m.record(incident("created", "inc-1", "critical", "new"));
    m.flush();
    m.record(incident("created", "inc-2", "critical", "new")); // pending, dropped by clear()
    m.clear();
    m.flush();
    QCOMPARE(m.rowCount(), 0);
    QCOMPARE(m.openCount(), 0);
    QCOMPARE(m.criticalCount(), 0);
}

void TestFeedModels::agentsCountOnlineAndTakeMetrics()
{
    AgentsModel m(nullptr);
    QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
    const QStringList statuses = {"online", "busy", "away", "offline"};
    for (int i = 0; i < statuses.size(); ++i)
        m.record(env("agent.status", "agents",
                     {{"agentId", QStringLiteral("a%1").arg(i)},
                      {"name", QStringLiteral("n%1").arg(i)},
                      {"status", statuses.at(i)}}));
    m.flush();
    QCOMPARE(m.totalCount(), 4);
    QCOMPARE(m.onlineCount(), 3); // everything but offline is reachable
    m.record(env("metric.update", "metrics",
                 {{"source", "a0"}, {"metrics", QJsonObject{{"cpu", 55.5}, {"memory", 40.0}}}}));
    // Cluster-wide figures and unknown agents create no rows.
    m.record(env("metric.update", "metrics",
                 {{"source", "cluster"}, {"metrics", QJsonObject{{"cpu", 1.0}}}}));
    m.record(env("metric.update", "metrics",
                 {{"source", "ghost"}, {"metrics", QJsonObject{{"cpu", 1.0}}}}));
    m.flush();
    QCOMPARE(m.totalCount(), 4);
    QCOMPARE(m.rows().find("a0")->cpu.value_or(-1), 55.5);
    QCOMPARE(m.rows().find("a0")->memory.value_or(-1), 40.0);
    QCOMPARE(m.rows().find("a0")->name, "n0");
    QVERIFY(!m.rows().find("a1")->cpu); // never reported
    QVERIFY(!m.rows().find("cluster"));
}

void TestFeedModels::alertsClearKeepsTheRaisedDetails()
{
    AlertsModel m(nullptr);
    QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
    m.record(env(
        "alert.raised", "alerts",
        {{"alertId", "al-1"}, {"severity", "error"}, {"title", "disk full"}, {"source", "db"}}));
    m.record(
        env("alert.raised", "alerts",
            {{"alertId", "al-2"}, {"severity", "warning"}, {"title", "slow"}, {"source", "api"}}));
    m.flush();
    QCOMPARE(m.activeCount(), 2);
    m.record(env("alert.cleared", "alerts",
                 {{"alertId", "al-1"}, {"severity", "info"}, {"title", "Condition cleared"}}));
    m.flush();
    QCOMPARE(m.activeCount(), 1);
    const Alert *row = m.rows().find("al-1");
    QVERIFY(row);
    QCOMPARE(row->active, false);
    QCOMPARE(row->severity, "error");
    QCOMPARE(row->title, "disk full");
    QCOMPARE(row->source, "db");
}

void TestFeedModels::alertSilenceEndsOnItsOwn()
{
    // The relay sends nothing when a silence ends: the model's clock ends it, and the row says
    // so (acknowledged if it was, else active again).
    AlertsModel m(nullptr);
    QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
    qint64 now = 1000000;
    m.setClock([&now] { return now; });
    auto silenced = [](const QString &id, qint64 until, bool acknowledged) {
        QJsonObject p{{"alertId", id}, {"status", "silenced"}, {"silencedUntil", double(until)}};
        if (acknowledged)
            p.insert("acknowledgedBy", "ana");
        return env("alert.silenced", "alerts", p);
    };
    for (const char *id : {"al-1", "al-2", "al-3"})
        m.record(env("alert.raised", "alerts", {{"alertId", id}, {"severity", "error"}}));
    m.record(silenced("al-1", now + 40, true));
    m.record(silenced("al-2", now + 80, false));
    m.record(silenced("al-3", now - 1, false)); // replayed after it ended: active at once
    m.flush();
    auto status = [&](const QString &id) {
        return AlertsModel::Status(int(m.rows().find(id)->status));
    };
    QCOMPARE(status("al-1"), AlertsModel::Status::Silenced);
    QCOMPARE(status("al-2"), AlertsModel::Status::Silenced);
    QCOMPARE(status("al-3"), AlertsModel::Status::Active);
    QCOMPARE(m.activeCount(), 3); // silenced alerts are still active

    QSignalSpy changed(&m, &QAbstractItemModel::dataChanged);
    now += 50; // the timer (real, up to 40 ms) fires: al-1's silence is over, al-2's is not
    QTRY_COMPARE_WITH_TIMEOUT(status("al-1"), AlertsModel::Status::Acknowledged, kWaitMs);
    QCOMPARE(status("al-2"), AlertsModel::Status::Silenced);
    QCOMPARE(changed.size(), 1);
    QCOMPARE(changed.at(0).at(2).value<QList<int>>(), QList<int>{AlertsModel::StatusRole});
    now += 50;
    QTRY_COMPARE_WITH_TIMEOUT(status("al-2"), AlertsModel::Status::Active, kWaitMs);
    QCOMPARE(m.rows().find("al-2")->silencedUntil, 1000080); // when it ended, still known
}

void TestFeedModels::alertConfirmationsOfUnlistedOrClearedAlerts()
{
    AlertsModel m(nullptr);
    QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
    // A confirmation carries the whole alert: one raised before the history began gets a row.
    m.record(env("alert.acknowledged", "alerts",
                 {{"alertId", "al-9"},
                  {"severity", "critical"},
                  {"title", "disk full"},
                  {"source", "db"},
                  {"status", "acknowledged"},
                  {"acknowledgedBy", "ana"},
                  {"requestId", "req-9"}},
                 7000));
    m.flush();
    QCOMPARE(m.rowCount(), 1);
    const Alert *row = m.rows().find("al-9");
    QCOMPARE(row->title, QStringLiteral("disk full"));
    QCOMPARE(row->status, Alert::Status::Acknowledged);
    QCOMPARE(row->raisedAt, 7000);
    QVERIFY(row->active);
    QCOMPARE(m.activeCount(), 1);

    // A late confirmation never brings a cleared alert back.
    m.record(env("alert.cleared", "alerts", {{"alertId", "al-9"}}));
    m.record(env("alert.silenced", "alerts",
                 {{"alertId", "al-9"}, {"silencedUntil", 4102444800000.0}, {"requestId", "r"}}));
    m.flush();
    QCOMPARE(m.rows().find("al-9")->status, Alert::Status::Cleared);
    QVERIFY(!m.rows().find("al-9")->active);
    QCOMPARE(m.activeCount(), 0);

    // Raised again: a new alert, nobody has acknowledged this one.
    m.record(env("alert.raised", "alerts", {{"alertId", "al-9"}, {"severity", "error"}}));
    m.flush();
    QCOMPARE(m.rows().find("al-9")->status, Alert::Status::Active);
    QVERIFY(m.rows().find("al-9")->acknowledgedBy.isEmpty());
}

void TestFeedModels::activityNewestFirst()
{
    ActivityModel m(nullptr);
    QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
    m.record(env("activity.event", "activity",
                 {{"actor", "alice"},
                  {"action", "acknowledged"},
                  {"target", "inc-1"},
                  {"summary", "first"}}));
    m.flush();
    m.record(env("activity.event", "activity", {{"summary", "second"}}));
    m.flush();
    QCOMPARE(cell(m, 0, ActivityModel::SummaryRole).toString(), "second");
    QCOMPARE(cell(m, 1, ActivityModel::ActorRole).toString(), "alice");
    QCOMPARE(cell(m, 1, ActivityModel::TargetRole).toString(), "inc-1");
}

void TestFeedModels::chatReceiptsNeverGoBackwards()
{
    ChatModel m(nullptr);
    QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
    m.record(env("chat.message", "chat",
                 {{"id", "m1"},
                  {"conversationId", "c1"},
                  {"senderId", "bob"},
                  {"content", "hi"},
                  {"timestamp", 1234}}));
    m.flush();
    QCOMPARE(cell(m, 0, ChatModel::DeliveryRole).toString(), "sent");
    QCOMPARE(cell(m, 0, ChatModel::TimestampRole).toLongLong(), 1234);
    m.record(env("chat.read", "chat", {{"messageIds", QJsonArray{"m1"}}}));
    m.flush();
    QCOMPARE(cell(m, 0, ChatModel::DeliveryRole).toString(), "read");
    m.record(env("chat.delivered", "chat", {{"messageIds", QJsonArray{"m1", "unknown"}}}));
    m.flush();
    QCOMPARE(cell(m, 0, ChatModel::DeliveryRole).toString(), "read");
    QCOMPARE(m.rowCount(), 1);
}

void TestFeedModels::chatReceiptsInTheSameBatchAsTheirMessage()
{
    // A history replay delivers messages and their receipts in one burst: one frame. The
    // receipts must apply to rows that are still queued, in order, never going backwards.
    ChatModel m(nullptr);
    QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
    for (const char *id : {"m1", "m2", "m3"})
        m.record(
            env("chat.message", "chat",
                {{"id", id}, {"conversationId", "c1"}, {"senderId", "bob"}, {"content", "hi"}}));
    m.record(env("chat.delivered", "chat", {{"messageIds", QJsonArray{"m1", "m2"}}}));
    m.record(env("chat.read", "chat", {{"messageIds", QJsonArray{"m1"}}}));
    m.record(env("chat.delivered", "chat", {{"messageIds", QJsonArray{"m1"}}})); // late
    using Delivery = ChatMessage::Delivery;
    QCOMPARE(m.rows().current("m1")->delivery, Delivery::Read); // seen before the frame
    m.flush();
    QCOMPARE(m.rowCount(), 3);
    QCOMPARE(m.rows().find("m1")->delivery, Delivery::Read);
    QCOMPARE(m.rows().find("m2")->delivery, Delivery::Delivered);
    QCOMPARE(m.rows().find("m3")->delivery, Delivery::Sent);
    QCOMPARE(cell(m, rowOf(m, "m2"), ChatModel::DeliveryRole).toString(), "delivered");
    // A receipt for a message that is neither shown nor queued creates no row.
    m.record(env("chat.read", "chat", {{"messageIds", QJsonArray{"gone"}}}));
    m.flush();
    QCOMPARE(m.rowCount(), 3);
}

void TestFeedModels::agentMetricsInTheSameBatchAsTheAgent()
{
    AgentsModel m(nullptr);
    QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
    m.record(env("agent.status", "agents", {{"agentId", "a1"}, {"status", "online"}}));
    m.record(env("metric.update", "metrics",
                 {{"source", "a1"}, {"metrics", QJsonObject{{"cpu", 12.5}, {"memory", 30.0}}}}));
    m.flush();
    QCOMPARE(m.rowCount(), 1);
    QCOMPARE(m.rows().find("a1")->cpu.value_or(-1), 12.5);
    QCOMPARE(m.rows().find("a1")->memory.value_or(-1), 30.0);
    QCOMPARE(m.rows().find("a1")->status, "online");
    // In separate frames too.
    m.record(env("metric.update", "metrics",
                 {{"source", "a1"}, {"metrics", QJsonObject{{"cpu", 50.0}}}}));
    m.flush();
    QCOMPARE(m.rows().find("a1")->cpu.value_or(-1), 50.0);
    QCOMPARE(m.rows().find("a1")->memory.value_or(-1), 30.0);
}

void TestFeedModels::routerHandsEachChannelToItsModelsOnly()
{
    // A model that counts what it is handed, consuming one channel.
    struct Counting : vigil::LiveListModel
    {
        Counting(QString channel)
            : LiveListModel(nullptr, 10) // no rows of its own
            , channel(std::move(channel))
        {}
        void record(const Envelope &) override { ++handed; }
        QStringList channels() const override { return {channel}; }
        QString channel;
        int handed = 0;
    };
    Counting incidents("incidents");
    Counting logs("logs");
    AgentsModel agents(nullptr);
    vigil::FeedRouter router({&incidents, &logs, &agents});
    QCOMPARE(router.modelsFor("metrics"), QList<vigil::LiveListModel *>{&agents});
    for (int i = 0; i < 100; ++i)
        router.route(env("log.entry", "logs", {{"message", "x"}}));
    router.route(incident("created", "inc-1", "low", "new", 1));
    router.route(env("anything", "unknown-channel", {}));
    QCOMPARE(logs.handed, 100);
    QCOMPARE(incidents.handed, 1); // the log flood cost the incidents model nothing
    router.route(env("agent.status", "agents", {{"agentId", "a1"}, {"status", "online"}}));
    agents.flush();
    QCOMPARE(agents.rowCount(), 1);
}

void TestFeedModels::logsTakeEntriesAndBatches()
{
    LogModel m(nullptr, 100);
    QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QJsonArray batch;
    for (int i = 0; i < 30; ++i)
        batch.append(QJsonObject{{"level", "warn"},
                                 {"message", QString::number(i)},
                                 {"source", "api"},
                                 {"taskId", "t"}});
    m.record(env("log.batch", "logs", {{"entries", batch}}));
    m.record(env("log.entry", "logs", {{"level", "error"}, {"message", "single"}}));
    m.flush();
    QCOMPARE(m.rowCount(), 31);
    QCOMPARE(cell(m, 0, LogModel::MessageRole).toString(), "single");
    QCOMPARE(cell(m, 1, LogModel::MessageRole).toString(), "29");
    QCOMPARE(cell(m, 1, LogModel::SourceRole).toString(), "api");
}

void TestFeedModels::foreignEnvelopesAreIgnored()
{
    IncidentsModel incidents(nullptr);
    ChatModel chat(nullptr);
    LogModel logs(nullptr);
    ActivityModel activity(nullptr);
    const Envelope other = env("metric.update", "metrics", {{"source", "cluster"}});
    for (LiveListModel *m :
         std::initializer_list<LiveListModel *>{&incidents, &chat, &logs, &activity}) {
        m->record(other);
        m->flush();
        QCOMPARE(m->rowCount(), 0);
    }
}

void TestFeedModels::emptyOrMalformedPayloadsDoNotCrash()
{
    IncidentsModel incidents(nullptr);
    AgentsModel agents(nullptr);
    AlertsModel alerts(nullptr);
    ChatModel chat(nullptr);
    LogModel logs(nullptr);
    Envelope e;
    e.channel = "incidents";
    for (const char *type : {"incident.created", "agent.status", "alert.raised", "alert.cleared",
                             "chat.message", "chat.read", "log.batch", "log.entry"}) {
        e.type = QString::fromLatin1(type);
        e.payload = QJsonValue(42); // not an object
        for (LiveListModel *m :
             std::initializer_list<LiveListModel *>{&incidents, &agents, &alerts, &chat}) {
            m->record(e);
            m->flush();
            QCOMPARE(m->rowCount(), 0); // no id: nothing to key a row by
        }
    }
    // Log lines need no id; an empty one is still a line (the server sent it).
    e.channel = "logs";
    e.type = "log.entry";
    e.payload = QJsonObject{};
    logs.record(e);
    logs.flush();
    QCOMPARE(logs.rowCount(), 1);
}

QTEST_GUILESS_MAIN(TestFeedModels)
#include "tst_feedmodels.moc"
