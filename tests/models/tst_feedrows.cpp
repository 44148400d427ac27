// The rows of the feed models: every role reads the field it names, and an update merges into
// its row field by field, whether the row is already shown or waits in the same batch.
#include "models/feedenvelopes.h"
#include "models/feedmodels.h"
#include "ui/tone.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

#include <memory>

using namespace vigil;
using namespace vigil::test;

namespace {

// A silence that has not ended while the test runs (1 January 2100).
constexpr qint64 kFarFuture = 4102444800000;

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

// What QML reads: the value of the role named `name` in `row`.
QVariant named(const LiveListModel &m, int row, const QByteArray &name)
{
    const int role = m.roleNames().key(name, -1);
    return role < 0 ? QVariant(QStringLiteral("(no role %1)").arg(QString::fromLatin1(name)))
                    : cell(m, row, role);
}

// One role as a test expects it: its id, the name QML binds to and the value of one row.
struct RoleExpectation
{
    int role;
    QByteArray name;
    QVariant value;
};

// A feed model with one row whose every field has its own value, and what each role must say.
struct RoleCase
{
    std::unique_ptr<LiveListModel> model;
    QList<Envelope> feed;
    QList<RoleExpectation> roles;
};

RoleCase roleCase(const QString &name)
{
    RoleCase c;
    if (name == u"incidents") {
        c.model = std::make_unique<IncidentsModel>(nullptr);
        c.feed = {env("incident.created", "incidents",
                      {{"incidentId", "inc-1"},
                       {"data", QJsonObject{{"title", "Disk full"},
                                            {"severity", "high"},
                                            {"status", "new"},
                                            {"assignedTo", "alice"},
                                            {"description", "db-1 at 100%"}}}},
                      1000),
                  env("incident.acknowledged", "incidents",
                      {{"incidentId", "inc-1"}, {"data", QJsonObject{{"status", "investigating"}}}},
                      2000)};
        using M = IncidentsModel;
        c.roles = {{M::IdRole, "incidentId", QString("inc-1")},
                   {M::TitleRole, "title", QString("Disk full")},
                   {M::SeverityRole, "severity", QString("high")},
                   {M::StatusRole, "status", QString("investigating")},
                   {M::AssignedToRole, "assignedTo", QString("alice")},
                   {M::CreatedAtRole, "createdAt", qint64(1000)},
                   {M::UpdatedAtRole, "updatedAt", qint64(2000)},
                   {M::DescriptionRole, "description", QString("db-1 at 100%")},
                   {M::GapsAfterRole, "gapsAfter", 0}};
    } else if (name == u"agents") {
        c.model = std::make_unique<AgentsModel>(nullptr);
        c.feed = {env("agent.status", "agents",
                      {{"agentId", "a1"},
                       {"name", "api-1"},
                       {"status", "busy"},
                       {"cpu", 12.5},
                       {"memory", 40.0},
                       {"lastSeen", 5000}})};
        using M = AgentsModel;
        c.roles = {{M::IdRole, "agentId", QString("a1")},
                   {M::NameRole, "name", QString("api-1")},
                   {M::StatusRole, "status", QString("busy")},
                   {M::CpuRole, "cpu", 12.5},
                   {M::MemoryRole, "memory", 40.0},
                   {M::LastSeenRole, "lastSeen", qint64(5000)}};
    } else if (name == u"alerts") {
        c.model = std::make_unique<AlertsModel>(nullptr);
        // Raised, acknowledged and silenced by operators: every field has a value of its own.
        c.feed = {env("alert.raised", "alerts",
                      {{"alertId", "al-1"},
                       {"severity", "error"},
                       {"title", "disk full"},
                       {"source", "db"}},
                      3000),
                  env("alert.silenced", "alerts",
                      {{"alertId", "al-1"},
                       {"status", "silenced"},
                       {"acknowledgedBy", "ana"},
                       {"silencedUntil", double(kFarFuture)},
                       {"requestId", "req-1"}},
                      4000)};
        using M = AlertsModel;
        c.roles = {{M::IdRole, "alertId", QString("al-1")},
                   {M::SeverityRole, "severity", QString("error")},
                   {M::TitleRole, "title", QString("disk full")},
                   {M::SourceRole, "source", QString("db")},
                   {M::ActiveRole, "active", true},
                   {M::RaisedAtRole, "raisedAt", qint64(3000)},
                   {M::StatusRole, "status", QVariant::fromValue(M::Status::Silenced)},
                   {M::AcknowledgedByRole, "acknowledgedBy", QString("ana")},
                   {M::SilencedUntilRole, "silencedUntil", kFarFuture},
                   {M::RequestIdRole, "requestId", QString("req-1")}};
    } else if (name == u"activity") {
        c.model = std::make_unique<ActivityModel>(nullptr);
        Envelope e = env("activity.event", "activity",
                         {{"actor", "alice"},
                          {"action", "acknowledged"},
                          {"target", "inc-1"},
                          {"summary", "alice acknowledged inc-1"}},
                         4000);
        e.id = "ev-1";
        c.feed = {e};
        using M = ActivityModel;
        c.roles = {{M::IdRole, "eventId", QString("ev-1")},
                   {M::ActorRole, "actor", QString("alice")},
                   {M::ActionRole, "action", QString("acknowledged")},
                   {M::TargetRole, "target", QString("inc-1")},
                   {M::SummaryRole, "summary", QString("alice acknowledged inc-1")},
                   {M::TimestampRole, "timestamp", qint64(4000)}};
    } else if (name == u"chat") {
        c.model = std::make_unique<ChatModel>(nullptr);
        c.feed = {env("chat.message", "chat",
                      {{"id", "m1"},
                       {"conversationId", "c1"},
                       {"senderId", "bob"},
                       {"content", "hello"},
                       {"timestamp", 1234}}),
                  receipt("chat.delivered", {"m1"})};
        using M = ChatModel;
        c.roles = {{M::IdRole, "messageId", QString("m1")},
                   {M::ConversationRole, "conversationId", QString("c1")},
                   {M::SenderRole, "senderId", QString("bob")},
                   {M::ContentRole, "content", QString("hello")},
                   {M::TimestampRole, "timestamp", qint64(1234)},
                   {M::DeliveryRole, "delivery", QString("delivered")},
                   {M::DeliveryTextRole, "deliveryText", QString("Delivered")},
                   {M::DeliveryToneRole, "deliveryTone", QVariant::fromValue(Tone::Idle)},
                   {M::PendingRole, "pending", false},
                   {M::FailedRole, "failed", false},
                   {M::OwnRole, "own", false},
                   {M::UnreadRole, "unread", true},
                   {M::ReasonRole, "reason", QString()}};
    } else if (name == u"logs") {
        c.model = std::make_unique<LogModel>(nullptr);
        c.feed = {
            env("log.entry", "logs",
                {{"level", "warn"}, {"message", "slow query"}, {"source", "db"}, {"taskId", "t-7"}},
                6000)};
        using M = LogModel;
        c.roles = {{M::IdRole, "entryId", QString("1")},
                   {M::LevelRole, "level", QString("warn")},
                   {M::MessageRole, "message", QString("slow query")},
                   {M::SourceRole, "source", QString("db")},
                   {M::TaskRole, "taskId", QString("t-7")},
                   {M::TimestampRole, "timestamp", qint64(6000)}};
    }
    return c;
}

// A row, an update of it, and the row once both are in (role name -> value). `changed` is
// what the update of a row already shown must signal: the roles whose value it changes.
struct MergeCase
{
    std::unique_ptr<LiveListModel> model;
    QList<Envelope> row;
    QList<Envelope> update;
    QString key;
    QVariantMap after;
    QList<QByteArray> changed;
};

MergeCase mergeCase(const QString &name)
{
    MergeCase c;
    if (name.startsWith(u"incident")) {
        c.model = std::make_unique<IncidentsModel>(nullptr);
        c.key = "inc-1";
        c.row = {incident("created", "inc-1", "critical", "new", 1000)};
        c.after = {
            {"incidentId", "inc-1"},     {"title", "Title of inc-1"}, {"severity", "critical"},
            {"status", "new"},           {"assignedTo", ""},          {"createdAt", qint64(1000)},
            {"updatedAt", qint64(2000)}, {"description", ""},         {"gapsAfter", 0}};
        c.changed = {"updatedAt"};
        if (name == u"incident acknowledged") { // carries the status only
            c.update = {
                env("incident.acknowledged", "incidents",
                    {{"incidentId", "inc-1"}, {"data", QJsonObject{{"status", "investigating"}}}},
                    2000)};
            c.after["status"] = "investigating";
            c.changed.append("status");
        } else if (name == u"incident assigned") { // carries the assignee only
            c.update = {env("incident.assigned", "incidents",
                            {{"incidentId", "inc-1"}, {"data", QJsonObject{{"assignedTo", "bob"}}}},
                            2000)};
            c.after["assignedTo"] = "bob";
            c.changed.append("assignedTo");
        } else if (name == u"incident resolved") { // no data at all
            c.update = {env("incident.resolved", "incidents", {{"incidentId", "inc-1"}}, 2000)};
            c.after["status"] = "resolved";
            c.changed.append("status");
        }
    } else if (name.startsWith(u"agent")) {
        c.model = std::make_unique<AgentsModel>(nullptr);
        c.key = "a1";
        c.row = {env("agent.status", "agents",
                     {{"agentId", "a1"},
                      {"name", "api-1"},
                      {"status", "online"},
                      {"cpu", 10.0},
                      {"memory", 20.0},
                      {"lastSeen", 5000}})};
        c.after = {{"agentId", "a1"}, {"name", "api-1"}, {"status", "online"},
                   {"cpu", 10.0},     {"memory", 20.0},  {"lastSeen", qint64(6000)}};
        c.changed = {"lastSeen"};
        if (name == u"agent status") { // no name, no figures
            c.update = {env("agent.status", "agents",
                            {{"agentId", "a1"}, {"status", "busy"}, {"lastSeen", 6000}})};
            c.after["status"] = "busy";
            c.changed.append("status");
        } else if (name == u"agent metrics") { // cpu only
            c.update = {env("metric.update", "metrics",
                            {{"source", "a1"}, {"metrics", QJsonObject{{"cpu", 55.5}}}}, 6000)};
            c.after["cpu"] = 55.5;
            c.changed.append("cpu");
        }
    } else if (name.startsWith(u"alert")) {
        using Status = AlertsModel::Status;
        c.model = std::make_unique<AlertsModel>(nullptr);
        c.key = "al-1";
        c.row = {env(
            "alert.raised", "alerts",
            {{"alertId", "al-1"}, {"severity", "error"}, {"title", "disk full"}, {"source", "db"}},
            3000)};
        c.after = {{"alertId", "al-1"},
                   {"severity", "error"},
                   {"title", "disk full"},
                   {"source", "db"},
                   {"active", true},
                   {"raisedAt", qint64(3000)},
                   {"status", QVariant::fromValue(Status::Active)},
                   {"acknowledgedBy", ""},
                   {"silencedUntil", qint64(0)},
                   {"requestId", ""}};
        // The relay's confirmations carry the whole alert, its new state and the action's id.
        const QJsonObject whole{{"alertId", "al-1"},
                                {"severity", "error"},
                                {"title", "disk full"},
                                {"source", "db"},
                                {"actor", "ana"}};
        QJsonObject acknowledged = whole;
        acknowledged.insert("status", "acknowledged");
        acknowledged.insert("acknowledgedBy", "ana");
        acknowledged.insert("requestId", "req-1");
        QJsonObject silenced = whole;
        silenced.insert("status", "silenced");
        silenced.insert("silencedBy", "ana");
        silenced.insert("minutes", 15);
        silenced.insert("silencedUntil", double(kFarFuture));
        silenced.insert("requestId", "req-2");
        if (name == u"alert cleared") {
            // The clear says "info" and "Condition cleared": only the state is taken.
            c.update = {env(
                "alert.cleared", "alerts",
                {{"alertId", "al-1"}, {"severity", "info"}, {"title", "Condition cleared"}}, 4000)};
            c.after["active"] = false;
            c.after["status"] = QVariant::fromValue(Status::Cleared);
            c.changed = {"active", "status"};
        } else if (name == u"alert acknowledged") {
            c.update = {env("alert.acknowledged", "alerts", acknowledged, 4000)};
            c.after["status"] = QVariant::fromValue(Status::Acknowledged);
            c.after["acknowledgedBy"] = "ana";
            c.after["requestId"] = "req-1";
            c.changed = {"status", "acknowledgedBy", "requestId"};
        } else if (name == u"alert silenced") {
            c.update = {env("alert.silenced", "alerts", silenced, 4000)};
            c.after["status"] = QVariant::fromValue(Status::Silenced);
            c.after["silencedUntil"] = kFarFuture;
            c.after["requestId"] = "req-2";
            c.changed = {"status", "silencedUntil", "requestId"};
        } else if (name == u"alert acknowledged, then silenced") {
            silenced.insert("acknowledgedBy", "ana"); // the relay's state keeps it
            c.update = {env("alert.acknowledged", "alerts", acknowledged, 4000),
                        env("alert.silenced", "alerts", silenced, 5000)};
            c.after["status"] = QVariant::fromValue(Status::Silenced);
            c.after["acknowledgedBy"] = "ana";
            c.after["silencedUntil"] = kFarFuture;
            c.after["requestId"] = "req-2";
            c.changed = {"status", "acknowledgedBy", "silencedUntil", "requestId"};
        }
    } else if (name.startsWith(u"chat")) {
        c.model = std::make_unique<ChatModel>(nullptr);
        c.key = "m1";
        c.row = {env("chat.message", "chat",
                     {{"id", "m1"},
                      {"conversationId", "c1"},
                      {"senderId", "bob"},
                      {"content", "hi"},
                      {"timestamp", 1234}})};
        c.after = {{"messageId", "m1"},
                   {"conversationId", "c1"},
                   {"senderId", "bob"},
                   {"content", "hi"},
                   {"timestamp", qint64(1234)},
                   {"pending", false},
                   {"failed", false},
                   {"own", false},
                   {"unread", true},
                   {"reason", ""}};
        // Read turns the tone green; delivered keeps it as sent.
        c.changed = {"delivery", "deliveryText", "deliveryTone"};
        c.after["delivery"] = "read";
        c.after["deliveryText"] = "Read";
        c.after["deliveryTone"] = QVariant::fromValue(Tone::Ok);
        if (name == u"chat delivered") {
            c.update = {receipt("chat.delivered", {"m1"})};
            c.after["delivery"] = "delivered";
            c.after["deliveryText"] = "Delivered";
            c.after["deliveryTone"] = QVariant::fromValue(Tone::Idle);
            c.changed = {"delivery", "deliveryText"};
        } else if (name == u"chat read") {
            c.update = {receipt("chat.read", {"m2", "m1"})};
        } else if (name == u"chat read, then a late delivered") {
            c.update = {receipt("chat.read", {"m1"}), receipt("chat.delivered", {"m1"})};
        } else if (name == u"chat read, then the message replayed") {
            c.update = {receipt("chat.read", {"m1"}), c.row.constFirst()};
        }
    }
    return c;
}

} // namespace

class TestFeedRows : public QObject
{
    Q_OBJECT
private slots:
    void rolesReadTheFieldsTheyName_data();
    void rolesReadTheFieldsTheyName();
    void updatesMergeInTheSameBatchOrTheNext_data();
    void updatesMergeInTheSameBatchOrTheNext();
    void updatesOfUnlistedItemsCreateNoRows();
    void chatDeliveryNeverGoesBackwards_data();
    void chatDeliveryNeverGoesBackwards();
};

void TestFeedRows::rolesReadTheFieldsTheyName_data()
{
    QTest::addColumn<QString>("model");
    for (const char *name : {"incidents", "agents", "alerts", "activity", "chat", "logs"})
        QTest::newRow(name) << QString::fromLatin1(name);
}

void TestFeedRows::rolesReadTheFieldsTheyName()
{
    // Every role QML can bind to has the name the pages use, and reads its own field: one row
    // whose fields all differ tells a role reading a neighbour's field.
    QFETCH(QString, model);
    RoleCase c = roleCase(model);
    QVERIFY(c.model);
    LiveListModel &m = *c.model;
    QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
    for (const Envelope &e : std::as_const(c.feed))
        m.record(e);
    m.flush();
    QCOMPARE(m.rowCount(), 1);
    const QHash<int, QByteArray> names = m.roleNames();
    QCOMPARE(int(names.size()), int(c.roles.size()));
    for (const RoleExpectation &expected : std::as_const(c.roles)) {
        QCOMPARE(names.value(expected.role), expected.name);
        QCOMPARE(cell(m, 0, expected.role), expected.value);
        QCOMPARE(m.value(0, expected.role), expected.value);
    }
    QCOMPARE(cell(m, 0, Qt::DisplayRole), c.roles.constFirst().value); // the key
    QVERIFY(!cell(m, 0, Qt::UserRole + 100).isValid());
}

void TestFeedRows::updatesMergeInTheSameBatchOrTheNext_data()
{
    QTest::addColumn<QString>("update");
    QTest::addColumn<bool>("flushBetween");
    for (const char *name :
         {"incident acknowledged", "incident assigned", "incident resolved", "agent status",
          "agent metrics", "alert cleared", "alert acknowledged", "alert silenced",
          "alert acknowledged, then silenced", "chat delivered", "chat read",
          "chat read, then a late delivered", "chat read, then the message replayed"}) {
        QTest::addRow("%s, same batch", name) << QString::fromLatin1(name) << false;
        QTest::addRow("%s, next batch", name) << QString::fromLatin1(name) << true;
    }
}

void TestFeedRows::updatesMergeInTheSameBatchOrTheNext()
{
    // A partial update keeps the fields it does not carry, whether its row is already shown
    // or still waits in the same batch (a replay, a burst).
    QFETCH(QString, update);
    QFETCH(bool, flushBetween);
    MergeCase c = mergeCase(update);
    QVERIFY(c.model);
    LiveListModel &m = *c.model;
    QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
    for (const Envelope &e : std::as_const(c.row))
        m.record(e);
    if (flushBetween)
        m.flush();
    QSignalSpy inserted(&m, &QAbstractItemModel::rowsInserted);
    QSignalSpy changed(&m, &QAbstractItemModel::dataChanged);
    for (const Envelope &e : std::as_const(c.update))
        m.record(e);
    m.flush();

    QCOMPARE(m.rowCount(), 1);
    const int row = rowOf(m, c.key);
    QCOMPARE(row, 0);
    QCOMPARE(int(c.after.size()), int(m.roleNames().size())); // the case names every role
    for (auto it = c.after.cbegin(); it != c.after.cend(); ++it)
        QCOMPARE(named(m, row, it.key().toLatin1()), it.value());

    if (flushBetween) {
        // One dataChanged, naming exactly the roles whose value changed.
        QCOMPARE(inserted.size(), 0);
        QCOMPARE(changed.size(), 1);
        QList<QByteArray> roles;
        for (int role : changed.at(0).at(2).value<QList<int>>())
            roles.append(m.roleNames().value(role));
        std::sort(roles.begin(), roles.end());
        std::sort(c.changed.begin(), c.changed.end());
        QCOMPARE(roles, c.changed);
    } else {
        // The update went into the new row before anyone saw it: one insert, no change.
        QCOMPARE(inserted.size(), 1);
        QCOMPARE(changed.size(), 0);
    }
}

void TestFeedRows::updatesOfUnlistedItemsCreateNoRows()
{
    // Metrics, clears and receipts merge into a row; with none listed or queued they are
    // dropped, even when their row comes later (out of order) or went earlier in the batch.
    AgentsModel agents(nullptr);
    agents.record(env("metric.update", "metrics",
                      {{"source", "a1"}, {"metrics", QJsonObject{{"cpu", 50.0}}}}));
    agents.record(env("agent.status", "agents", {{"agentId", "a1"}, {"status", "online"}}));
    agents.flush();
    QCOMPARE(agents.rowCount(), 1);
    QVERIFY(!agents.rows().find("a1")->cpu.has_value());       // the metric came first: not applied
    QVERIFY(!cell(agents, 0, AgentsModel::CpuRole).isValid()); // undefined in QML: shown as "-"

    AlertsModel alerts(nullptr);
    alerts.record(env("alert.cleared", "alerts", {{"alertId", "al-9"}, {"title", "cleared"}}));
    alerts.flush();
    QCOMPARE(alerts.rowCount(), 0);

    ChatModel chat(nullptr);
    chat.record(receipt("chat.read", {"m1"}));
    chat.record(message("m1"));
    chat.flush();
    QCOMPARE(chat.rows().find("m1")->delivery, ChatMessage::Delivery::Sent);
}

void TestFeedRows::chatDeliveryNeverGoesBackwards_data()
{
    // Steps: "m" the message (again), "d" delivered, "r" read, "|" a flush (a frame).
    QTest::addColumn<QString>("steps");
    QTest::addColumn<QString>("final");
    QTest::newRow("history replay in one batch") << "m d r"
                                                 << "read";
    QTest::newRow("history replay, frame by frame") << "m | d | r"
                                                    << "read";
    QTest::newRow("late delivered, same batch") << "m r d"
                                                << "read";
    QTest::newRow("late delivered, next batch") << "m r | d"
                                                << "read";
    QTest::newRow("message replayed after read") << "m d r | m"
                                                 << "read";
    QTest::newRow("replay replayed after reconnect") << "m d r | m d | m"
                                                     << "read";
    QTest::newRow("message replayed after delivered") << "m | d | m d"
                                                      << "delivered";
    QTest::newRow("no receipt yet") << "m | m"
                                    << "sent";
}

void TestFeedRows::chatDeliveryNeverGoesBackwards()
{
    QFETCH(QString, steps);
    QFETCH(QString, final);
    const QStringList order = {"sent", "delivered", "read"};
    ChatModel m(nullptr);
    QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
    int reached = 0;
    auto check = [&] {
        const std::optional<ChatMessage> queued = m.rows().current("m1");
        QVERIFY(queued);
        const int seen = order.indexOf(ChatMessage::deliveryName(queued->delivery));
        QVERIFY2(seen >= reached, qPrintable(order.at(seen)));
        reached = seen;
    };
    for (const QString &step : steps.split(' ')) {
        if (step == u"|") {
            m.flush();
            QCOMPARE(int(order.indexOf(cell(m, 0, ChatModel::DeliveryRole).toString())), reached);
            continue;
        }
        if (step == u"m")
            m.record(message("m1"));
        else
            m.record(receipt(step == u"r" ? "chat.read" : "chat.delivered", {"m1"}));
        check(); // what the queue holds never goes back either
        if (QTest::currentTestFailed())
            return;
    }
    m.flush();
    QCOMPARE(m.rowCount(), 1);
    QCOMPARE(cell(m, 0, ChatModel::DeliveryRole).toString(), final);
}

QTEST_GUILESS_MAIN(TestFeedRows)
#include "tst_feedrows.moc"
