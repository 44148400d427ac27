// The chat's models: the operator's own message as a real row from the moment it is written
// (pending, then sent, delivered and read, never backwards, never a second row), one
// conversation in time order (ChatMessagesModel), the conversations with their unread counts
// (ConversationsModel), and what a message costs against the server's size limit. The chat's
// search: the conversations that mention a text (ConversationsFilter), and inside one the
// messages found, marked, with a current match stepped through from the newest (wrapping).
#include "models/chatmessagesmodel.h"
#include "models/conversationsmodel.h"
#include "models/feedenvelopes.h"
#include "models/feedmodels.h"
#include "models/messagebudget.h"
#include "ui/tone.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace vigil;
using namespace vigil::test;
using Delivery = ChatMessage::Delivery;

namespace {

constexpr auto kOperator = "me";

Envelope chat(const QString &id, const QString &conversation, const QString &sender, qint64 at,
              const QString &content = QStringLiteral("hi"))
{
    return env("chat.message", "chat",
               {{"id", id},
                {"conversationId", conversation},
                {"senderId", sender},
                {"content", content},
                {"timestamp", at}});
}

Envelope receiptBy(const QString &type, const QString &conversation, const QStringList &ids,
                   const QString &by)
{
    return env(type, "chat",
               {{"conversationId", conversation},
                {"messageIds", QJsonArray::fromStringList(ids)},
                {"by", by}});
}

// The operator's message as the outbox has it.
ChatMessage own(const QString &id, const QString &conversation, qint64 at,
                const QString &content = QStringLiteral("on it"))
{
    ChatMessage m;
    m.id = id;
    m.conversationId = conversation;
    m.senderId = QString::fromLatin1(kOperator);
    m.content = content;
    m.timestamp = at;
    return m;
}

// Its fan-out: the same message, from the server.
Envelope fanOut(const ChatMessage &m)
{
    return chat(m.id, m.conversationId, m.senderId, m.timestamp, m.content);
}

// The message ids of `model`, top to bottom.
QStringList ids(const QAbstractItemModel &model)
{
    QStringList out;
    for (int row = 0; row < model.rowCount(); ++row)
        out.append(model.index(row, 0).data(ChatModel::IdRole).toString());
    return out;
}

QVariant value(const QAbstractItemModel &model, const QString &id, int role)
{
    for (int row = 0; row < model.rowCount(); ++row) {
        const QModelIndex index = model.index(row, 0);
        if (index.data(ChatModel::IdRole).toString() == id)
            return index.data(role);
    }
    return QStringLiteral("(no row %1)").arg(id);
}

QString delivery(const ChatModel &m, const QString &id)
{
    return value(m, id, ChatModel::DeliveryRole).toString();
}

} // namespace

class TestChatModels : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void ownMessageIsPendingThenConfirmedByItsFanOut_data();
    void ownMessageIsPendingThenConfirmedByItsFanOut();
    void ownDeliveryNeverGoesBackwards_data();
    void ownDeliveryNeverGoesBackwards();
    void failedMessageIsRetriedOrDropped();
    void conversationInTimeOrderOldestFirst();
    void pendingRowSitsBelowThenMovesIntoPlace();
    void unreadUntilTheOperatorSeesIt();
    void conversationsNewestActivityFirstWithUnreadCounts();
    void searchFindsConversationsByNamePeopleAndMessages_data();
    void searchFindsConversationsByNamePeopleAndMessages();
    void searchFollowsNewMessages();
    void searchMarksMatchesAndStepsFromTheNewest();
    void searchKeepsItsPlaceAsMessagesArrive();
    void budgetCountsBytesAsSent_data();
    void budgetCountsBytesAsSent();
    void budgetDecidesWhatCanBeSent();
};

void TestChatModels::ownMessageIsPendingThenConfirmedByItsFanOut_data()
{
    QTest::addColumn<bool>("flushBetween");
    QTest::newRow("fan-out in a later frame") << true;
    QTest::newRow("fan-out in the same frame") << false;
}

void TestChatModels::ownMessageIsPendingThenConfirmedByItsFanOut()
{
    QFETCH(bool, flushBetween);
    ChatModel m(nullptr);
    m.setOperatorName(kOperator);
    QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
    m.record(chat("m0", "c1", "ana", 1000));
    m.flush();

    const ChatMessage mine = own("msg-1", "c1", 2000);
    m.recordOwn(mine, Delivery::Pending);
    if (flushBetween) {
        m.flush();
        QCOMPARE(m.rowCount(), 2);
        QCOMPARE(delivery(m, "msg-1"), QStringLiteral("pending"));
        QCOMPARE(value(m, "msg-1", ChatModel::PendingRole).toBool(), true);
        QCOMPARE(value(m, "msg-1", ChatModel::OwnRole).toBool(), true);
        QCOMPARE(value(m, "msg-1", ChatModel::UnreadRole).toBool(), false);
        QCOMPARE(value(m, "msg-1", ChatModel::DeliveryToneRole),
                 QVariant::fromValue(Tone::Warning));
        QCOMPARE(value(m, "msg-1", ChatModel::DeliveryTextRole).toString(),
                 m.deliveryText(Delivery::Pending));
    }
    QSignalSpy inserted(&m, &QAbstractItemModel::rowsInserted);
    m.record(fanOut(mine));
    m.flush();
    // The same row, now sent: the fan-out never adds a second one.
    QCOMPARE(m.rowCount(), 2);
    QCOMPARE(inserted.size(), flushBetween ? 0 : 1);
    QCOMPARE(ids(m).count("msg-1"), 1);
    QCOMPARE(delivery(m, "msg-1"), QStringLiteral("sent"));
    QCOMPARE(value(m, "msg-1", ChatModel::PendingRole).toBool(), false);
    QCOMPARE(value(m, "msg-1", ChatModel::OwnRole).toBool(), true);
    QCOMPARE(value(m, "msg-1", ChatModel::ContentRole).toString(), QStringLiteral("on it"));

    // The outbox's acknowledgement arriving after the fan-out changes nothing.
    m.recordOwn(mine, Delivery::Sent);
    m.flush();
    QCOMPARE(m.rowCount(), 2);
    QCOMPARE(delivery(m, "msg-1"), QStringLiteral("sent"));
}

void TestChatModels::ownDeliveryNeverGoesBackwards_data()
{
    // Steps: "p" the outbox says pending, "a" the outbox says accepted (sent), "m" the fan-out
    // (again: a replay), "d" delivered, "r" read, "|" a flush (a frame).
    QTest::addColumn<QString>("steps");
    QTest::addColumn<QString>("final");
    QTest::newRow("one step a frame") << "p | a | m | d | r"
                                      << "read";
    QTest::newRow("receipts in the fan-out's frame") << "p | a | m d r"
                                                     << "read";
    QTest::newRow("everything in one frame") << "p a m d r"
                                             << "read";
    QTest::newRow("fan-out and receipts before the ack") << "p | m d | a | r"
                                                         << "read";
    QTest::newRow("a replay after read") << "p | a m d r | m d | m"
                                         << "read";
    QTest::newRow("restored as pending after read") << "p a m d r | p"
                                                    << "read";
    QTest::newRow("late delivered after read") << "p | m r | d"
                                               << "read";
    QTest::newRow("delivered, then replayed") << "p | m | d | m"
                                              << "delivered";
    QTest::newRow("acknowledged only") << "p | a"
                                       << "sent";
    QTest::newRow("still in the outbox") << "p | p"
                                         << "pending";
}

void TestChatModels::ownDeliveryNeverGoesBackwards()
{
    QFETCH(QString, steps);
    QFETCH(QString, final);
    const QStringList order = {"pending", "sent", "delivered", "read"};
    ChatModel m(nullptr);
    m.setOperatorName(kOperator);
    QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
    const ChatMessage mine = own("msg-1", "c1", 2000);
    // Every state the views were shown, in order.
    QStringList shown;
    auto note = [&] {
        const QString now = delivery(m, "msg-1");
        if (shown.isEmpty() || shown.constLast() != now)
            shown.append(now);
    };
    connect(&m, &QAbstractItemModel::dataChanged, this, note);
    connect(&m, &QAbstractItemModel::rowsInserted, this, note);
    for (const QString &step : steps.split(' ')) {
        if (step == u"|")
            m.flush();
        else if (step == u"p")
            m.recordOwn(mine, Delivery::Pending);
        else if (step == u"a")
            m.recordOwn(mine, Delivery::Sent);
        else if (step == u"m")
            m.record(fanOut(mine));
        else
            m.record(
                receiptBy(step == u"r" ? "chat.read" : "chat.delivered", "c1", {"msg-1"}, "bruno"));
        // What the queue holds never goes back either.
        const std::optional<ChatMessage> queued = m.rows().current("msg-1");
        QVERIFY(queued);
        QVERIFY(queued->own);
    }
    m.flush();
    QCOMPARE(m.rowCount(), 1);
    QCOMPARE(delivery(m, "msg-1"), final);
    QVERIFY2(!shown.isEmpty(), "the row was never shown");
    if (steps.startsWith("p |"))
        QCOMPARE(shown.constFirst(), QStringLiteral("pending")); // a row at once
    for (qsizetype i = 1; i < shown.size(); ++i)
        QVERIFY2(order.indexOf(shown.at(i)) > order.indexOf(shown.at(i - 1)),
                 qPrintable(shown.join(" -> ")));
}

void TestChatModels::failedMessageIsRetriedOrDropped()
{
    ChatModel m(nullptr);
    m.setOperatorName(kOperator);
    QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
    const ChatMessage mine = own("msg-1", "c1", 2000);
    m.recordOwn(mine, Delivery::Pending);
    m.flush();
    m.recordOwn(mine, Delivery::Failed, "forbidden_channel: may not write chat");
    m.flush();
    QCOMPARE(delivery(m, "msg-1"), QStringLiteral("failed"));
    QCOMPARE(value(m, "msg-1", ChatModel::FailedRole).toBool(), true);
    QCOMPARE(value(m, "msg-1", ChatModel::PendingRole).toBool(), true); // not on the server
    QCOMPARE(value(m, "msg-1", ChatModel::DeliveryToneRole), QVariant::fromValue(Tone::Danger));
    QVERIFY(value(m, "msg-1", ChatModel::ReasonRole).toString().contains("forbidden"));

    // Retry: pending again, the reason gone; then the server has it.
    m.recordOwn(mine, Delivery::Pending);
    m.flush();
    QCOMPARE(delivery(m, "msg-1"), QStringLiteral("pending"));
    QCOMPARE(value(m, "msg-1", ChatModel::ReasonRole).toString(), QString());
    m.record(fanOut(mine));
    m.flush();
    QCOMPARE(delivery(m, "msg-1"), QStringLiteral("sent"));
    // A failure reported late (a stale action) does not undo what the server has.
    m.recordOwn(mine, Delivery::Failed, "late");
    m.dropOwn("msg-1"); // nor does giving it up: the others have it
    m.flush();
    QCOMPARE(delivery(m, "msg-1"), QStringLiteral("sent"));
    QCOMPARE(m.rowCount(), 1);

    // Giving up a message only the outbox has removes its row.
    m.recordOwn(own("msg-2", "c1", 3000), Delivery::Failed, "refused");
    m.flush();
    QCOMPARE(m.rowCount(), 2);
    m.dropOwn("msg-2");
    m.flush();
    QCOMPARE(ids(m), QStringList{"msg-1"});
    // Queued and given up within one frame: never shown.
    m.recordOwn(own("msg-3", "c1", 4000), Delivery::Pending);
    m.dropOwn("msg-3");
    m.flush();
    QCOMPARE(ids(m), QStringList{"msg-1"});
}

void TestChatModels::conversationInTimeOrderOldestFirst()
{
    ChatModel m(nullptr);
    m.setOperatorName(kOperator);
    ChatMessagesModel view;
    QAbstractItemModelTester tester(&view, QAbstractItemModelTester::FailureReportingMode::QtTest);
    view.setSourceModel(&m);
    view.setConversationId("c1");
    // A replay and live messages out of time order, another conversation between them, and two
    // messages of the same millisecond (arrival decides).
    m.record(chat("b", "c1", "ana", 2000));
    m.record(chat("x", "c2", "ana", 1500));
    m.record(chat("a", "c1", "bruno", 1000));
    m.flush();
    QCOMPARE(ids(view), (QStringList{"a", "b"}));
    QCOMPARE(view.count(), 2);
    m.record(chat("d", "c1", "ana", 4000));
    m.record(chat("c1st", "c1", "ana", 3000));
    m.record(chat("c2nd", "c1", "bruno", 3000));
    m.flush();
    QCOMPARE(ids(view), (QStringList{"a", "b", "c1st", "c2nd", "d"}));
    // A receipt or a replay changes no order.
    m.record(receiptBy("chat.read", "c1", {"a", "d"}, "bruno"));
    m.record(chat("b", "c1", "ana", 2000));
    m.flush();
    QCOMPARE(ids(view), (QStringList{"a", "b", "c1st", "c2nd", "d"}));

    QSignalSpy switched(&view, &ChatMessagesModel::countChanged);
    view.setConversationId("c2");
    QCOMPARE(ids(view), QStringList{"x"});
    QVERIFY(!switched.isEmpty());
    view.setConversationId(QString());
    QCOMPARE(view.rowCount(), 0);
    view.setConversationId("c1");
    QCOMPARE(view.rowCount(), 5);
    // A new session empties the model, and the view with it.
    m.clear();
    QCOMPARE(view.rowCount(), 0);
}

void TestChatModels::pendingRowSitsBelowThenMovesIntoPlace()
{
    ChatModel m(nullptr);
    m.setOperatorName(kOperator);
    ChatMessagesModel view;
    QAbstractItemModelTester tester(&view, QAbstractItemModelTester::FailureReportingMode::QtTest);
    view.setSourceModel(&m);
    view.setConversationId("c1");
    m.record(chat("a", "c1", "ana", 1000));
    m.flush();

    // Written offline at 1500: at the bottom at once, even below what arrives later with a
    // later time, in the order written.
    const ChatMessage mine = own("msg-1", "c1", 1500);
    m.recordOwn(mine, Delivery::Pending);
    m.flush();
    QCOMPARE(ids(view), (QStringList{"a", "msg-1"}));
    m.record(chat("b", "c1", "bruno", 2000));
    m.recordOwn(own("msg-2", "c1", 1600), Delivery::Failed, "refused");
    m.flush();
    QCOMPARE(ids(view), (QStringList{"a", "b", "msg-1", "msg-2"}));
    QCOMPARE(value(view, "msg-1", ChatModel::PendingRole).toBool(), true);

    // The server has it: it moves to its place by time.
    m.record(fanOut(mine));
    m.flush();
    QCOMPARE(ids(view), (QStringList{"a", "msg-1", "b", "msg-2"}));
    QCOMPARE(value(view, "msg-1", ChatModel::DeliveryRole).toString(), QStringLiteral("sent"));
    QCOMPARE(m.rowCount(), 4);
}

void TestChatModels::unreadUntilTheOperatorSeesIt()
{
    ChatModel m(nullptr);
    m.setOperatorName(kOperator);
    QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
    m.record(chat("a", "c1", "ana", 1000));
    m.record(chat("b", "c1", "bruno", 2000));
    m.record(chat("mine", "c1", kOperator, 3000)); // from another console of the operator
    m.flush();
    QCOMPARE(value(m, "a", ChatModel::UnreadRole).toBool(), true);
    QCOMPARE(value(m, "mine", ChatModel::UnreadRole).toBool(), false);
    QCOMPARE(value(m, "mine", ChatModel::OwnRole).toBool(), true);

    // Someone else reading it changes nothing for the operator...
    m.record(receiptBy("chat.read", "c1", {"a"}, "bruno"));
    m.flush();
    QCOMPARE(value(m, "a", ChatModel::UnreadRole).toBool(), true);
    QCOMPARE(delivery(m, "a"), QStringLiteral("read"));
    // ...the operator's own receipt (another console, or a replay) does, and says nothing
    // about the others' delivery.
    m.record(receiptBy("chat.read", "c1", {"b"}, kOperator));
    m.flush();
    QCOMPARE(value(m, "b", ChatModel::UnreadRole).toBool(), false);
    QCOMPARE(delivery(m, "b"), QStringLiteral("sent"));
    m.markSeen({"a"});
    m.flush();
    QCOMPARE(value(m, "a", ChatModel::UnreadRole).toBool(), false);

    // Seen before it is listed (a receipt restored from the outbox comes before the replay).
    m.markSeen({"later"});
    m.record(chat("later", "c1", "ana", 4000));
    m.flush();
    QCOMPARE(value(m, "later", ChatModel::UnreadRole).toBool(), false);
    // A new session forgets it: its receipts tell it again.
    m.clear();
    m.forgetSeen();
    m.record(chat("later", "c1", "ana", 4000));
    m.flush();
    QCOMPARE(value(m, "later", ChatModel::UnreadRole).toBool(), true);
}

void TestChatModels::conversationsNewestActivityFirstWithUnreadCounts()
{
    ChatModel m(nullptr);
    m.setOperatorName(kOperator);
    ConversationsModel conversations(nullptr, &m);
    QAbstractItemModelTester tester(&conversations,
                                    QAbstractItemModelTester::FailureReportingMode::QtTest);
    auto order = [&] {
        QStringList out;
        for (int row = 0; row < conversations.rowCount(); ++row)
            out.append(conversations.conversationAt(row));
        return out;
    };
    auto unread = [&](const QString &id) {
        return conversations.index(conversations.indexOf(id))
            .data(ConversationsModel::UnreadCountRole)
            .toInt();
    };
    QSignalSpy total(&conversations, &ConversationsModel::unreadTotalChanged);
    m.record(chat("a1", "c1", "ana", 1000));
    m.record(chat("b1", "c2", "bruno", 3000));
    m.record(chat("b2", "c2", "chen", 2000)); // late, older: not the latest of c2
    m.record(chat("c1", "c3", kOperator, 2500));
    m.flush();
    QCOMPARE(order(), (QStringList{"c2", "c3", "c1"}));
    QCOMPARE(unread("c1"), 1);
    QCOMPARE(unread("c2"), 2);
    QCOMPARE(unread("c3"), 0); // the operator's own
    QCOMPARE(conversations.unreadTotal(), 3);
    QCOMPARE(total.size(), 1);
    const QModelIndex c2 = conversations.index(0);
    QCOMPARE(c2.data(ConversationsModel::LastMessageRole).toString(), QStringLiteral("hi"));
    QCOMPARE(c2.data(ConversationsModel::LastSenderRole).toString(), QStringLiteral("bruno"));
    QCOMPARE(c2.data(ConversationsModel::LastActivityRole).toLongLong(), 3000);
    QCOMPARE(c2.data(ConversationsModel::ParticipantsRole).toString(),
             QStringLiteral("bruno, chen"));
    QCOMPARE(c2.data(ConversationsModel::MessageCountRole).toInt(), 2);
    QCOMPARE(conversations.roleNames().value(ConversationsModel::UnreadCountRole),
             QByteArray("unreadCount"));

    // New activity in the oldest conversation moves it to the top: a move, not a reset.
    QSignalSpy moved(&conversations, &QAbstractItemModel::rowsMoved);
    QSignalSpy reset(&conversations, &QAbstractItemModel::modelReset);
    m.record(chat("a2", "c1", "ana", 5000, "update"));
    m.flush();
    QCOMPARE(order(), (QStringList{"c1", "c2", "c3"}));
    QCOMPARE(moved.size(), 1);
    QCOMPARE(reset.size(), 0);
    QCOMPARE(unread("c1"), 2);
    QCOMPARE(conversations.index(0).data(ConversationsModel::LastMessageRole).toString(),
             QStringLiteral("update"));

    // The operator reads c2: its count drops, the order stays.
    QSignalSpy changed(&conversations, &QAbstractItemModel::dataChanged);
    m.markSeen({"b1", "b2"});
    m.flush();
    QCOMPARE(unread("c2"), 0);
    QCOMPARE(conversations.unreadTotal(), 2);
    QCOMPARE(order(), (QStringList{"c1", "c2", "c3"}));
    QCOMPARE(changed.size(), 1);
    QCOMPARE(changed.at(0).at(2).value<QList<int>>(),
             QList<int>{ConversationsModel::UnreadCountRole});

    // An own pending message is activity too.
    m.recordOwn(own("msg-1", "c3", 6000), Delivery::Pending);
    m.flush();
    QCOMPARE(order(), (QStringList{"c3", "c1", "c2"}));
    QCOMPARE(conversations.index(0).data(ConversationsModel::LastOwnRole).toBool(), true);

    // A new session: no conversations.
    m.clear();
    QCOMPARE(conversations.rowCount(), 0);
    QCOMPARE(conversations.unreadTotal(), 0);
    QCOMPARE(conversations.conversationAt(0), QString());
    QCOMPARE(conversations.indexOf("c1"), -1);
}

namespace {

// c1: ana and bruno about db-1; c2: chen, lunch; ops-db: the operator alone, about backups.
void recordSearchable(ChatModel &m)
{
    m.record(chat("a", "c1", "ana", 1000, "disk full on db-1"));
    m.record(chat("b", "c1", "bruno", 2000, "restarting DB-1 now"));
    m.record(chat("c", "c1", "ana", 3000, "thanks"));
    m.record(chat("l", "c2", "chen", 4000, "lunch?"));
    m.record(chat("o", "ops-db", kOperator, 500, "backups are green"));
    m.flush();
}

// The conversation ids `filter` lists, top to bottom.
QStringList listed(const ConversationsFilter &filter)
{
    QStringList out;
    for (int row = 0; row < filter.rowCount(); ++row)
        out.append(filter.conversationAt(row));
    return out;
}

} // namespace

void TestChatModels::searchFindsConversationsByNamePeopleAndMessages_data()
{
    QTest::addColumn<QString>("search");
    QTest::addColumn<QStringList>("found");
    QTest::newRow("nothing: every conversation") << "" << QStringList{"c2", "c1", "ops-db"};
    QTest::newRow("blank: every conversation") << "  " << QStringList{"c2", "c1", "ops-db"};
    QTest::newRow("its name") << "ops" << QStringList{"ops-db"};
    QTest::newRow("a person in it") << "CHEN" << QStringList{"c2"};
    QTest::newRow("its last message") << "thanks" << QStringList{"c1"};
    QTest::newRow("an older message, any case") << "db-1" << QStringList{"c1"};
    QTest::newRow("name and message") << "db" << QStringList{"c1", "ops-db"};
    QTest::newRow("nowhere") << "zebra" << QStringList{};
}

void TestChatModels::searchFindsConversationsByNamePeopleAndMessages()
{
    QFETCH(QString, search);
    QFETCH(QStringList, found);
    ChatModel m(nullptr);
    m.setOperatorName(kOperator);
    ConversationsModel conversations(nullptr, &m);
    ConversationsFilter filter;
    QAbstractItemModelTester tester(&filter,
                                    QAbstractItemModelTester::FailureReportingMode::QtTest);
    filter.setSourceModel(&conversations);
    recordSearchable(m);
    QSignalSpy count(&filter, &ConversationsFilter::countChanged);
    filter.setSearch(search);
    QCOMPARE(listed(filter), found);
    QCOMPARE(filter.count(), found.size());
    QCOMPARE(count.isEmpty(), search.trimmed().isEmpty());
    for (int row = 0; row < found.size(); ++row)
        QCOMPARE(filter.indexOf(found.at(row)), row);
    QCOMPARE(filter.indexOf("elsewhere"), -1);
    QCOMPARE(filter.conversationAt(found.size()), QString());
}

void TestChatModels::searchFollowsNewMessages()
{
    ChatModel m(nullptr);
    m.setOperatorName(kOperator);
    ConversationsModel conversations(nullptr, &m);
    ConversationsFilter filter;
    QAbstractItemModelTester tester(&filter,
                                    QAbstractItemModelTester::FailureReportingMode::QtTest);
    filter.setSourceModel(&conversations);
    recordSearchable(m);
    filter.setSearch("pager");
    QCOMPARE(listed(filter), QStringList{});
    // A message mentioning it: its conversation is found, in its place by activity.
    m.record(chat("p", "c2", "chen", 6000, "who has the pager?"));
    m.record(chat("q", "new-conv", "dana", 5000, "pager test"));
    m.flush();
    QCOMPARE(listed(filter), (QStringList{"c2", "new-conv"}));
    // Later activity elsewhere keeps it found and moves it.
    m.record(chat("r", "new-conv", "dana", 7000, "done"));
    m.flush();
    QCOMPARE(listed(filter), (QStringList{"new-conv", "c2"}));
    // A new session: nothing left to find.
    m.clear();
    QCOMPARE(filter.count(), 0);
    filter.setSearch(QString());
    QCOMPARE(filter.count(), 0);
}

void TestChatModels::searchMarksMatchesAndStepsFromTheNewest()
{
    ChatModel m(nullptr);
    m.setOperatorName(kOperator);
    ChatMessagesModel view;
    QAbstractItemModelTester tester(&view, QAbstractItemModelTester::FailureReportingMode::QtTest);
    view.setSourceModel(&m);
    view.setConversationId("c1");
    recordSearchable(m);
    m.record(chat("d", "c1", "bruno", 4000, "db-1 is back"));
    m.flush();
    QCOMPARE(ids(view), (QStringList{"a", "b", "c", "d"}));
    QCOMPARE(view.roleNames().value(ChatMessagesModel::MatchedRole), QByteArray("matched"));
    QCOMPARE(view.roleNames().value(ChatMessagesModel::CurrentMatchRole),
             QByteArray("currentMatch"));
    QCOMPARE(view.roleNames().value(ChatModel::ContentRole), QByteArray("content"));
    // No search: nothing is marked, nothing to step to.
    QCOMPARE(view.matchCount(), 0);
    QCOMPARE(view.currentMatchNumber(), 0);
    QCOMPARE(view.currentMatchRow(), -1);
    view.findNext();
    QCOMPARE(view.currentMatchRow(), -1);

    // Found: every message stays, the three with "db-1" (any case) are marked, the newest is
    // current.
    QSignalSpy marked(&view, &QAbstractItemModel::dataChanged);
    QSignalSpy matches(&view, &ChatMessagesModel::matchesChanged);
    view.setSearch(" DB-1 ");
    QCOMPARE(view.search(), QStringLiteral("DB-1"));
    QCOMPARE(view.rowCount(), 4);
    QCOMPARE(view.matchCount(), 3);
    QVERIFY(!marked.isEmpty());
    QVERIFY(!matches.isEmpty());
    const auto isMatch = [&](const QString &id) {
        return value(view, id, ChatMessagesModel::MatchedRole).toBool();
    };
    const auto isCurrent = [&](const QString &id) {
        return value(view, id, ChatMessagesModel::CurrentMatchRole).toBool();
    };
    QVERIFY(isMatch("a") && isMatch("b") && isMatch("d"));
    QVERIFY(!isMatch("c"));
    QVERIFY(isCurrent("d"));
    QCOMPARE(view.currentMatchNumber(), 1);
    QCOMPARE(view.currentMatchRow(), 3);

    // Next goes up, to older ones, then wraps to the newest; previous goes back down.
    QStringList visited;
    const auto current = [&] {
        return view.index(view.currentMatchRow(), 0).data(ChatModel::IdRole).toString();
    };
    for (int i = 0; i < 4; ++i) {
        view.findNext();
        visited.append(current());
    }
    QCOMPARE(visited, (QStringList{"b", "a", "d", "b"}));
    QVERIFY(isCurrent("b"));
    QVERIFY(!isCurrent("d"));
    QCOMPARE(view.currentMatchNumber(), 2);
    view.findPrevious();
    QCOMPARE(current(), QStringLiteral("d"));
    view.findPrevious();
    QCOMPARE(current(), QStringLiteral("a"));
    QCOMPARE(view.currentMatchNumber(), 3);

    // A new search starts again at the newest match; another conversation has its own.
    view.setSearch("thanks");
    QCOMPARE(view.matchCount(), 1);
    QCOMPARE(current(), QStringLiteral("c"));
    view.setSearch("db-1");
    QCOMPARE(current(), QStringLiteral("d"));
    view.setConversationId("c2");
    QCOMPARE(view.matchCount(), 0);
    QCOMPARE(view.currentMatchRow(), -1);
    view.setConversationId("c1");
    QCOMPARE(view.matchCount(), 3);
    QCOMPARE(current(), QStringLiteral("d"));

    // Cleared: nothing marked any more.
    view.setSearch(QString());
    QCOMPARE(view.matchCount(), 0);
    QVERIFY(!isMatch("a"));
    QVERIFY(!isCurrent("d"));
}

void TestChatModels::searchKeepsItsPlaceAsMessagesArrive()
{
    ChatModel m(nullptr);
    m.setOperatorName(kOperator);
    ChatMessagesModel view;
    QAbstractItemModelTester tester(&view, QAbstractItemModelTester::FailureReportingMode::QtTest);
    view.setSourceModel(&m);
    view.setConversationId("c1");
    recordSearchable(m);
    view.setSearch("db-1");
    QCOMPARE(view.matchCount(), 2);
    view.findNext(); // at "a", the older one
    QCOMPARE(view.currentMatchNumber(), 2);
    QCOMPARE(view.currentMatchRow(), 0);

    // A new match below: counted, and the search stays where the operator is.
    QSignalSpy matches(&view, &ChatMessagesModel::matchesChanged);
    m.record(chat("e", "c1", "ana", 5000, "db-1 slow again"));
    m.recordOwn(own("msg-1", "c1", 5500, "looking at db-1"), Delivery::Pending);
    m.flush();
    QVERIFY(!matches.isEmpty());
    QCOMPARE(view.matchCount(), 4);
    QCOMPARE(view.index(view.currentMatchRow(), 0).data(ChatModel::IdRole).toString(),
             QStringLiteral("a"));
    QCOMPARE(view.currentMatchNumber(), 4);
    QCOMPARE(value(view, "msg-1", ChatMessagesModel::MatchedRole).toBool(), true);

    // The current one is gone (a new session): the search starts again from the newest.
    m.clear();
    QCOMPARE(view.matchCount(), 0);
    QCOMPARE(view.currentMatchNumber(), 0);
    m.record(chat("f", "c1", "ana", 6000, "db-1 ok"));
    m.flush();
    QCOMPARE(view.matchCount(), 1);
    QCOMPARE(view.currentMatchNumber(), 1);
}

void TestChatModels::budgetCountsBytesAsSent_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<int>("bytes");
    QTest::newRow("empty") << QString() << 0;
    QTest::newRow("ascii") << QStringLiteral("on it") << 5;
    QTest::newRow("two-byte letters") << QStringLiteral("d\u00e9j\u00e0") << 6;
    QTest::newRow("four-byte emoji") << QStringLiteral("ok \U0001F44D") << 7;
    QTest::newRow("quotes and backslashes are escaped") << QStringLiteral("\"a\\b\"") << 8;
    QTest::newRow("a new line is escaped") << QStringLiteral("a\nb") << 4;
}

void TestChatModels::budgetCountsBytesAsSent()
{
    QFETCH(QString, text);
    QFETCH(int, bytes);
    QCOMPARE(MessageBudget::bytesOf(text), bytes);
    // The same as the content's share of a serialized envelope.
    Envelope e = Envelope::create("chat.message", "chat", QJsonObject{{"content", text}});
    Envelope blank = e;
    blank.payload = QJsonObject{{"content", ""}};
    QCOMPARE(int(e.serialize().size() - blank.serialize().size()), bytes);
}

void TestChatModels::budgetDecidesWhatCanBeSent()
{
    MessageBudget budget;
    QSignalSpy changed(&budget, &MessageBudget::changed);
    budget.setLimit(10);
    QCOMPARE(budget.blank(), true);
    QCOMPARE(budget.sendable(), false); // nothing to send
    budget.setText("  \n ");
    QCOMPARE(budget.sendable(), false); // white space only
    budget.setText("0123456789");
    QCOMPARE(budget.used(), 10);
    QCOMPARE(budget.remaining(), 0);
    QCOMPARE(budget.sendable(), true); // exactly the limit
    budget.setText("0123456789\u00e9");
    QCOMPARE(budget.used(), 12);
    QCOMPARE(budget.remaining(), -2);
    QCOMPARE(budget.over(), true);
    QCOMPARE(budget.sendable(), false);
    budget.setLimit(0); // no limit known
    QCOMPARE(budget.over(), false);
    QCOMPARE(budget.sendable(), true);
    QCOMPARE(changed.size(), 5);
}

QTEST_GUILESS_MAIN(TestChatModels)
#include "tst_chatmodels.moc"
