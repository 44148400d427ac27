// The operator's side of the chat: a message written goes through Actions into the outbox and is
// a pending row at once, survives a restart as pending, becomes sent, delivered and read against
// a real relay whose demo colleague answers; a refused one fails with the server's reason and
// can be retried or given up; `chat.read` reports only what the operator has not reported yet;
// the server's welcome names the operator and the size limit.
#include "connection/connectionmanager.h"
#include "connection/connectionview.h"
#include "delivery/actiontracker.h"
#include "delivery/outboxdrainer.h"
#include "helpers/connectionfixture.h"
#include "helpers/outboxfixture.h"
#include "helpers/testsupport.h"
#include "models/chatmessagesmodel.h"
#include "models/feedmodels.h"
#include "relay/relay.h"
#include "storage/outbox.h"
#include "ui/actions.h"
#include "ui/chatsession.h"
#include "ui/operatoridentity.h"

#include <QAbstractItemModelTester>
#include <QFile>
#include <QJsonArray>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace vigil;
using vigil::test::configFor;
using vigil::test::kWaitMs;
using vigil::test::TempOutbox;

namespace {

Envelope chat(const QString &id, const QString &conversation, const QString &sender, qint64 at)
{
    return Envelope::create("chat.message", "chat",
                            QJsonObject{{"id", id},
                                        {"conversationId", conversation},
                                        {"senderId", sender},
                                        {"content", "status?"},
                                        {"timestamp", at}});
}

/// The chat side of the console over one outbox: what AppContext builds.
struct Console
{
    explicit Console(Outbox *outbox, const QString &profile = QStringLiteral("p"))
        : tracker(outbox, profile)
    {
        actions.setTracker(&tracker);
        session.setTracker(&tracker);
        session.setIdentity(&identity);
    }
    /// Follows `manager` as a new session does (the tracker first, as AppContext does), through
    /// a view of it as the window reads it.
    void attach(ConnectionManager *manager, OutboxDrainer *drainer)
    {
        view = manager ? std::make_unique<ConnectionView>(manager) : nullptr;
        tracker.attach(view.get(), drainer);
        identity.attach(view.get());
        session.attach(view.get());
        if (view) {
            QObject::connect(view.get(), &ConnectionView::envelopesReceived, &chat,
                             [this](const QList<Envelope> &batch) {
                                 for (const Envelope &envelope : batch)
                                     chat.record(envelope);
                             });
        }
    }
    [[nodiscard]] std::optional<ChatMessage> row(const QString &id) const
    {
        const ChatMessage *shown = chat.rows().find(id);
        return shown ? std::optional(*shown) : std::nullopt;
    }

    ActionTracker tracker;
    Actions actions{nullptr};
    ChatModel chat{nullptr};
    OperatorIdentity identity{nullptr, nullptr}; // no setting: the server's name, or the account's
    ChatSession session{nullptr, &chat, &actions};
    std::unique_ptr<ConnectionView> view;
};

// A relay tokens file in `dir` holding `json`, readable by this user only (as the relay wants).
QString tokensFile(const QTemporaryDir &dir, const QByteArray &json)
{
    QFile file(dir.filePath("tokens.json"));
    if (!file.open(QIODevice::WriteOnly) || file.write(json) != json.size())
        return {};
    file.close();
    file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    return file.fileName();
}

// The envelopes waiting in `outbox` of type `type`.
QList<Envelope> queued(const Outbox &outbox, const QString &type)
{
    QList<Envelope> out;
    for (const OutboxEntry &entry : outbox.pending("p")) {
        if (entry.envelope.type == type)
            out.append(entry.envelope);
    }
    return out;
}

} // namespace

class TestChatSession : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { qRegisterMetaType<Envelope>(); }
    void sendQueuesAPendingRowAtOnce();
    void nothingToSendIsRefused();
    void queuedMessageIsPendingAgainAfterARestart();
    void readReportsOnlyWhatWasNotReported();
    void openConversationIsReadAsMessagesArrive();
    void pendingSentDeliveredReadAgainstTheDemo();
    void welcomeNamesTheOperatorAndTheLimit();
    void refusedMessageFailsThenIsRetriedOrGivenUp();
};

void TestChatSession::sendQueuesAPendingRowAtOnce()
{
    TempOutbox outbox;
    QVERIFY2(outbox.isOpen(), qPrintable(outbox.openError()));
    Console c(&outbox);
    QVERIFY(!c.session.operatorName().isEmpty()); // before any server said: the account's

    const qint64 before = QDateTime::currentMSecsSinceEpoch();
    const QString id = c.session.send("conv-1", "  disk is full on db-1\nlooking  \n");
    QVERIFY2(!id.isEmpty(), qPrintable(c.session.lastError()));
    // Kept safe first, as a chat.message action with everything a receiver needs.
    const QList<Envelope> messages = queued(outbox, "chat.message");
    QCOMPARE(messages.size(), 1);
    const QJsonObject p = messages.at(0).payload.toObject();
    QCOMPARE(p.value("id").toString(), id);
    QCOMPARE(p.value("conversationId").toString(), QStringLiteral("conv-1"));
    QCOMPARE(p.value("senderId").toString(), c.session.operatorName());
    QCOMPARE(p.value("content").toString(), QStringLiteral("disk is full on db-1\nlooking"));
    QVERIFY(p.value("timestamp").toInteger() >= before);
    QCOMPARE(messages.at(0).channel, QStringLiteral("chat"));

    // A row of its conversation within the frame, marked pending and own.
    ChatMessagesModel view;
    QAbstractItemModelTester tester(&view, QAbstractItemModelTester::FailureReportingMode::QtTest);
    view.setSourceModel(&c.chat);
    view.setConversationId("conv-1");
    QTRY_COMPARE_WITH_TIMEOUT(view.rowCount(), 1, kWaitMs);
    QCOMPARE(view.index(0, 0).data(ChatModel::IdRole).toString(), id);
    QCOMPARE(c.row(id)->delivery, ChatMessage::Delivery::Pending);
    QVERIFY(c.row(id)->own);
    QCOMPARE(c.actions.stateFor(id).value("state").value<Actions::ActionState>(),
             Actions::ActionState::Queued);
}

void TestChatSession::nothingToSendIsRefused()
{
    TempOutbox outbox;
    QVERIFY2(outbox.isOpen(), qPrintable(outbox.openError()));
    Console c(&outbox);
    QCOMPARE(c.session.send("conv-1", " \n\t"), QString());
    QVERIFY(!c.session.lastError().isEmpty());
    QCOMPARE(c.session.send(QString(), "hello"), QString());
    QVERIFY(!c.session.lastError().isEmpty());
    QCOMPARE(c.session.send("conv-1", QString(c.session.maxContentBytes() + 1, 'x')), QString());
    QVERIFY(c.session.lastError().contains(QString::number(c.session.maxContentBytes())));
    QCOMPARE(outbox.stats("p").depth, 0);
    QVERIFY(!c.session.send("conv-1", QString(c.session.maxContentBytes(), 'x')).isEmpty());
    QCOMPARE(c.session.lastError(), QString());
}

void TestChatSession::queuedMessageIsPendingAgainAfterARestart()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath("outbox.sqlite");
    QString error;
    QString id;
    {
        Outbox outbox;
        QVERIFY2(outbox.open(path, &error), qPrintable(error));
        Console c(&outbox);
        id = c.session.send("conv-2", "written offline");
        QVERIFY(!id.isEmpty());
    } // quit while offline

    Outbox outbox;
    QVERIFY2(outbox.open(path, &error), qPrintable(error));
    Console c(&outbox);
    c.tracker.restore(); // what AppContext does for the session's profile
    c.attach(nullptr, nullptr);
    c.chat.flush();
    QCOMPARE(c.chat.rowCount(), 1);
    QVERIFY(c.row(id));
    QCOMPARE(c.row(id)->delivery, ChatMessage::Delivery::Pending);
    QCOMPARE(c.row(id)->content, QStringLiteral("written offline"));
    QCOMPARE(c.row(id)->conversationId, QStringLiteral("conv-2"));
    QVERIFY(c.row(id)->own);
}

void TestChatSession::readReportsOnlyWhatWasNotReported()
{
    TempOutbox outbox;
    QVERIFY2(outbox.isOpen(), qPrintable(outbox.openError()));
    Console c(&outbox);
    const QString me = c.session.operatorName();
    c.chat.record(chat("a", "c1", "ana", 1000));
    c.chat.record(chat("b", "c1", "bruno", 2000));
    c.chat.record(chat("x", "c2", "ana", 2500));
    c.chat.record(chat("mine", "c1", me, 3000));
    c.chat.flush();

    const QString action = c.session.markRead("c1");
    QVERIFY2(!action.isEmpty(), qPrintable(c.session.lastError()));
    QList<Envelope> reads = queued(outbox, "chat.read");
    QCOMPARE(reads.size(), 1);
    QCOMPARE(reads.at(0).id, action);
    const QJsonObject p = reads.at(0).payload.toObject();
    QCOMPARE(p.value("conversationId").toString(), QStringLiteral("c1"));
    QCOMPARE(p.value("by").toString(), me);
    QStringList ids;
    for (const QJsonValue &v : p.value("messageIds").toArray())
        ids.append(v.toString());
    ids.sort();
    QCOMPARE(ids, (QStringList{"a", "b"})); // not the operator's own, not c2's
    c.chat.flush();
    QVERIFY(!c.row("a")->unread());
    QVERIFY(c.row("x")->unread());

    // Nothing new: nothing sent again.
    QCOMPARE(c.session.markRead("c1"), QString());
    QCOMPARE(queued(outbox, "chat.read").size(), 1);
    // Read elsewhere by the operator (a replayed receipt): not reported again either.
    c.chat.record(chat("c", "c1", "chen", 4000));
    c.chat.record(chat("d", "c1", "chen", 5000));
    c.chat.record(Envelope::create(
        "chat.read", "chat",
        QJsonObject{{"conversationId", "c1"}, {"messageIds", QJsonArray{"c"}}, {"by", me}}));
    c.chat.flush();
    QVERIFY(!c.session.markRead("c1").isEmpty());
    reads = queued(outbox, "chat.read");
    QCOMPARE(reads.size(), 2);
    QCOMPARE(reads.at(1).payload.toObject().value("messageIds").toArray(), QJsonArray{"d"});
    // A message not shown yet (waiting for the next frame) is not seen yet.
    c.chat.record(chat("e", "c1", "chen", 6000));
    QCOMPARE(c.session.markRead("c1"), QString());
}

void TestChatSession::openConversationIsReadAsMessagesArrive()
{
    TempOutbox outbox;
    QVERIFY2(outbox.isOpen(), qPrintable(outbox.openError()));
    Console c(&outbox);
    c.chat.record(chat("a", "c1", "ana", 1000));
    c.chat.record(chat("x", "c2", "ana", 1000));
    c.chat.flush();
    QSignalSpy opened(&c.session, &ChatSession::openConversationChanged);
    c.session.setOpenConversation("c1");
    QCOMPARE(opened.size(), 1);
    QCOMPARE(queued(outbox, "chat.read").size(), 1);
    // A message arriving while it is open is seen once shown.
    c.chat.record(chat("b", "c1", "bruno", 2000));
    c.chat.record(chat("y", "c2", "bruno", 2000));
    QTRY_COMPARE_WITH_TIMEOUT(queued(outbox, "chat.read").size(), 2, kWaitMs);
    QCOMPARE(queued(outbox, "chat.read").at(1).payload.toObject().value("messageIds").toArray(),
             QJsonArray{"b"});
    QTRY_VERIFY_WITH_TIMEOUT(c.row("b") && !c.row("b")->unread(), kWaitMs);
    // Closed (the chat is not on screen): nothing more is read.
    c.session.setOpenConversation(QString());
    c.chat.record(chat("c", "c1", "chen", 3000));
    c.chat.flush();
    QVERIFY(c.row("c")->unread());
    QVERIFY(c.row("y")->unread());
    QCOMPARE(queued(outbox, "chat.read").size(), 2);
}

void TestChatSession::pendingSentDeliveredReadAgainstTheDemo()
{
    TempOutbox outbox;
    QVERIFY2(outbox.isOpen(), qPrintable(outbox.openError()));
    RelayConfig config;
    config.demo = true;
    vigil::Relay relay(config);
    QString error;
    QVERIFY2(relay.start(&error), qPrintable(error));
    ConnectionManager manager(configFor({relay.url()}, {"chat"}));
    OutboxDrainer drainer(&manager, &outbox, "p");
    Console c(&outbox);
    c.attach(&manager, &drainer);

    // Written before the connection is up: pending, shown at once.
    const QString id = c.session.send("conv-1", "taking the checkout incident");
    QVERIFY2(!id.isEmpty(), qPrintable(c.session.lastError()));
    QStringList shown;
    auto note = [&] {
        const std::optional<ChatMessage> row = c.row(id);
        const QString now = row ? ChatMessage::deliveryName(row->delivery) : QString();
        if (!now.isEmpty() && (shown.isEmpty() || shown.constLast() != now))
            shown.append(now);
    };
    connect(&c.chat, &LiveListModel::flushed, this, note);
    c.chat.flush();
    QCOMPARE(shown, QStringList{"pending"});

    manager.open();
    QTRY_COMPARE_WITH_TIMEOUT(c.session.operatorName(), QStringLiteral("anonymous"), kWaitMs);
    // The colleague receives it, then reads it.
    QTRY_VERIFY_WITH_TIMEOUT(shown.constLast() == u"read", kWaitMs);
    QCOMPARE(shown, (QStringList{"pending", "sent", "delivered", "read"}));
    int rows = 0;
    for (const ChatMessage &m : c.chat.rows().all())
        rows += m.id == id ? 1 : 0;
    QCOMPARE(rows, 1);
    QVERIFY(c.row(id)->own);
}

void TestChatSession::welcomeNamesTheOperatorAndTheLimit()
{
    TempOutbox outbox;
    QVERIFY2(outbox.isOpen(), qPrintable(outbox.openError()));
    QTemporaryDir dir;
    RelayConfig config;
    config.tokensFile =
        tokensFile(dir, R"({"tokens":[{"token":"t-1","user":"dana","read":["*"],"write":["*"]}]})");
    QVERIFY(!config.tokensFile.isEmpty());
    config.maxMessageBytes = 8192;
    vigil::Relay relay(config);
    QString error;
    QVERIFY2(relay.start(&error), qPrintable(error));
    ConnectionConfig client = configFor({relay.url()}, {"chat"});
    client.token = "t-1";
    ConnectionManager manager(client);
    Console c(&outbox);
    QSignalSpy limit(&c.session, &ChatSession::maxContentBytesChanged);
    c.attach(&manager, nullptr);
    manager.open();
    QTRY_COMPARE_WITH_TIMEOUT(c.session.operatorName(), QStringLiteral("dana"), kWaitMs);
    QCOMPARE(c.session.maxContentBytes(), 8192 - ChatSession::kEnvelopeMarginBytes);
    QVERIFY(!limit.isEmpty());
    // Others' messages in that name are the operator's own (another console of theirs).
    c.chat.record(chat("m1", "c1", "dana", 1000));
    c.chat.flush();
    QVERIFY(c.row("m1")->own);
}

void TestChatSession::refusedMessageFailsThenIsRetriedOrGivenUp()
{
    TempOutbox outbox;
    QVERIFY2(outbox.isOpen(), qPrintable(outbox.openError()));
    QTemporaryDir dir;
    RelayConfig config;
    // May read the chat but not write it: every message is refused.
    config.tokensFile = tokensFile(
        dir, R"({"tokens":[{"token":"t-1","user":"eve","read":["*"],"write":["incidents"]}]})");
    QVERIFY(!config.tokensFile.isEmpty());
    vigil::Relay relay(config);
    QString error;
    QVERIFY2(relay.start(&error), qPrintable(error));
    ConnectionConfig client = configFor({relay.url()}, {"chat"});
    client.token = "t-1";
    ConnectionManager manager(client);
    OutboxDrainer drainer(&manager, &outbox, "p");
    Console c(&outbox);
    c.attach(&manager, &drainer);
    manager.open();

    const QString id = c.session.send("conv-1", "can anyone hear me?");
    QVERIFY(!id.isEmpty());
    QTRY_VERIFY_WITH_TIMEOUT(c.row(id) && c.row(id)->delivery == ChatMessage::Delivery::Failed,
                             kWaitMs);
    QVERIFY2(c.row(id)->reason.contains("chat"), qPrintable(c.row(id)->reason));

    // Retry: the same message (same id) is pending again, then fails again: one row.
    QVERIFY(c.session.retry(id));
    c.chat.flush();
    QCOMPARE(c.row(id)->delivery, ChatMessage::Delivery::Pending);
    QTRY_VERIFY_WITH_TIMEOUT(c.row(id)->delivery == ChatMessage::Delivery::Failed, kWaitMs);
    QCOMPARE(c.chat.rowCount(), 1);

    // Given up: the row goes, and nothing of it stays in the outbox.
    QVERIFY(c.session.discard(id));
    c.chat.flush();
    QCOMPARE(c.chat.rowCount(), 0);
    QCOMPARE(outbox.stats("p").depth, 0);
    QVERIFY(!c.session.retry(id));
}

QTEST_GUILESS_MAIN(TestChatSession)
#include "tst_chatsession.moc"
