#include "models/notificationsmodel.h"
#include "storage/notificationstatestore.h"

#include <QAbstractItemModelTester>
#include <QDir>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using vigil::Envelope;
using vigil::NotificationsModel;
using vigil::NotificationStateStore;

namespace {
Envelope notification(const QString &id, const QString &severity)
{
    return Envelope::create(
        "notification", "notifications",
        QJsonObject{{"id", id}, {"title", "T " + id}, {"message", "m"}, {"severity", severity}});
}

// What a server's feed replays after a (re)connect: the same three notifications.
void replay(NotificationsModel &model)
{
    for (const char *id : {"a", "b", "c"})
        model.record(notification(QString::fromLatin1(id), "info"));
    model.flush();
}

QStringList ids(const NotificationsModel &model)
{
    QStringList out;
    for (int row = 0; row < model.rowCount(); ++row)
        out.append(model.data(model.index(row), NotificationsModel::IdRole).toString());
    return out;
}

bool isRead(const NotificationsModel &model, const QString &id)
{
    const vigil::Notification *row = model.rows().find(id);
    return row && row->read;
}

std::unique_ptr<NotificationStateStore> openStore(const QString &path)
{
    auto store = std::make_unique<NotificationStateStore>();
    QString error;
    if (!store->open(path, &error))
        qWarning("%s", qPrintable(error));
    return store;
}
} // namespace

class TestNotificationsModel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void newestFirstInOneBatch();
    void readStateAndDismiss();
    void criticalAlertsAndRepeats();
    void capacityDropsTheOldest();
    void rolesReadTheFieldsTheyName();
    void markReadKeepsTheOtherFields_data();
    void markReadKeepsTheOtherFields();
    void markAllReadTakesWhatArrivedThisFrame();
    void repeatInTheSameBatchIsOneItem();
    void marksSurviveANewModel();
    void anotherServerHasItsOwnMarks();
    void switchingBackRestoresTheMarks();
    void readCriticalItemIsNotRaisedAgain();
    void brokenStoreFileIsReportedAndHarmless_data();
    void brokenStoreFileIsReportedAndHarmless();
};

void TestNotificationsModel::newestFirstInOneBatch()
{
    NotificationsModel model(nullptr);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    model.record(notification("a", "info"));
    model.record(notification("b", "high"));
    model.record(Envelope::create("log.entry", "logs", QJsonObject{})); // not a notification
    QCOMPARE(model.rowCount(), 0);
    model.flush();
    QCOMPARE(inserted.size(), 1);
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.data(model.index(0), NotificationsModel::IdRole).toString(),
             QStringLiteral("b"));
    QCOMPARE(model.data(model.index(1), NotificationsModel::TitleRole).toString(),
             QStringLiteral("T a"));
    QCOMPARE(model.unreadCount(), 2);
    QCOMPARE(model.roleNames().value(NotificationsModel::ReadRole), QByteArray("read"));
}

void TestNotificationsModel::readStateAndDismiss()
{
    NotificationsModel model(nullptr);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    for (const char *id : {"a", "b", "c"})
        model.record(notification(QString::fromLatin1(id), "info"));
    model.flush();
    QSignalSpy unread(&model, &NotificationsModel::unreadCountChanged);
    model.markRead("b");
    QCOMPARE(model.unreadCount(), 2);
    QCOMPARE(model.data(model.index(1), NotificationsModel::ReadRole).toBool(), true);
    model.markRead("b"); // twice changes nothing
    QCOMPARE(model.unreadCount(), 2);
    model.dismiss("c");
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.unreadCount(), 1);
    model.markAllRead();
    QCOMPARE(model.unreadCount(), 0);
    QCOMPARE(unread.size(), 3);
    // A replay of a notification already read leaves it read (and adds no row).
    model.record(notification("a", "info"));
    model.flush();
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.unreadCount(), 0);
}

void TestNotificationsModel::criticalAlertsAndRepeats()
{
    NotificationsModel model(nullptr);
    QSignalSpy critical(&model, &NotificationsModel::criticalArrived);
    model.record(Envelope::create("alert.raised", "alerts",
                                  QJsonObject{{"alertId", "al-1"},
                                              {"severity", "critical"},
                                              {"title", "Disk full"},
                                              {"source", "db"}}));
    model.record(Envelope::create(
        "alert.raised", "alerts",
        QJsonObject{{"alertId", "al-2"}, {"severity", "warning"}, {"title", "x"}}));
    model.record(notification("n-1", "critical"));
    model.flush();
    model.record(notification("n-1", "critical")); // replayed after a reconnect
    model.flush();
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(critical.size(), 2);
    QCOMPARE(critical.first().at(0).toString(), QStringLiteral("Disk full"));
}

void TestNotificationsModel::capacityDropsTheOldest()
{
    NotificationsModel model(nullptr, 3);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    for (int i = 0; i < 5; ++i)
        model.record(notification(QString::number(i), "info"));
    model.flush();
    QCOMPARE(model.rowCount(), 3);
    QCOMPARE(model.data(model.index(0), NotificationsModel::IdRole).toString(),
             QStringLiteral("4"));
    QCOMPARE(model.data(model.index(2), NotificationsModel::IdRole).toString(),
             QStringLiteral("2"));
    QCOMPARE(model.unreadCount(), 3);
}

void TestNotificationsModel::rolesReadTheFieldsTheyName()
{
    // Every role has the name the page binds to and reads its own field.
    NotificationsModel model(nullptr);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    Envelope e = Envelope::create(
        "notification", "notifications",
        QJsonObject{{"id", "n-1"}, {"title", "Deploy"}, {"message", "done"}, {"severity", "low"}});
    e.timestamp = 4242;
    model.record(e);
    model.flush();
    const struct
    {
        int role;
        QByteArray name;
        QVariant value;
    } expected[] = {{NotificationsModel::IdRole, "notificationId", QString("n-1")},
                    {NotificationsModel::TitleRole, "title", QString("Deploy")},
                    {NotificationsModel::MessageRole, "message", QString("done")},
                    {NotificationsModel::SeverityRole, "severity", QString("low")},
                    {NotificationsModel::TimestampRole, "timestamp", qint64(4242)},
                    {NotificationsModel::ReadRole, "read", false}};
    const QHash<int, QByteArray> names = model.roleNames();
    QCOMPARE(int(names.size()), int(std::size(expected)));
    for (const auto &role : expected) {
        QCOMPARE(names.value(role.role), role.name);
        QCOMPARE(model.data(model.index(0), role.role), role.value);
    }
}

void TestNotificationsModel::markReadKeepsTheOtherFields_data()
{
    QTest::addColumn<bool>("flushBetween");
    QTest::newRow("item shown") << true;
    QTest::newRow("item arriving in the same frame") << false;
}

void TestNotificationsModel::markReadKeepsTheOtherFields()
{
    QFETCH(bool, flushBetween);
    NotificationsModel model(nullptr);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.record(notification("a", "high"));
    if (flushBetween)
        model.flush();
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    model.markRead("a");
    QCOMPARE(model.rowCount(), 1); // published at once either way
    QVERIFY(isRead(model, "a"));
    QCOMPARE(model.unreadCount(), 0);
    const vigil::Notification *row = model.rows().find("a");
    QCOMPARE(row->title, QStringLiteral("T a"));
    QCOMPARE(row->message, QStringLiteral("m"));
    QCOMPARE(row->severity, QStringLiteral("high"));
    QVERIFY(row->timestamp > 0);
    if (flushBetween) {
        QCOMPARE(changed.size(), 1);
        QCOMPARE(changed.at(0).at(2).value<QList<int>>(), QList<int>{NotificationsModel::ReadRole});
    } else {
        QCOMPARE(changed.size(), 0); // the row went in read
    }
    model.markRead("nope"); // unknown: nothing
    model.flush();
    QCOMPARE(model.rowCount(), 1);
}

void TestNotificationsModel::markAllReadTakesWhatArrivedThisFrame()
{
    NotificationsModel model(nullptr);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.record(notification("a", "info"));
    model.flush();
    model.record(notification("b", "info")); // not shown yet
    model.markAllRead();
    QCOMPARE(model.rowCount(), 2);
    QVERIFY(isRead(model, "a"));
    QVERIFY(isRead(model, "b"));
    QCOMPARE(model.unreadCount(), 0);
}

void TestNotificationsModel::repeatInTheSameBatchIsOneItem()
{
    NotificationsModel model(nullptr);
    QSignalSpy critical(&model, &NotificationsModel::criticalArrived);
    model.record(notification("n-1", "critical"));
    model.record(notification("n-1", "critical")); // a replay within the same frame
    model.flush();
    QCOMPARE(model.rowCount(), 1);
    QCOMPARE(critical.size(), 1);
}

void TestNotificationsModel::marksSurviveANewModel()
{
    QTemporaryDir dir;
    const QString path = dir.filePath("notifications.sqlite");
    {
        auto store = openStore(path);
        QVERIFY(store->isOpen());
        NotificationsModel model(nullptr);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setStateStore(store.get(), "ops ws://a/ws");
        replay(model);
        model.markRead("a");
        model.dismiss("b");
        QCOMPARE(model.unreadCount(), 1);
    }
    // A restarted app: a new store on the same file, a new model, the same server.
    auto store = openStore(path);
    NotificationsModel model(nullptr);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setStateStore(store.get(), "ops ws://a/ws");
    QCOMPARE(model.serverKey(), QStringLiteral("ops ws://a/ws"));
    replay(model);
    QCOMPARE(ids(model), (QStringList{"c", "a"})); // b stays dismissed
    QVERIFY(isRead(model, "a"));
    QVERIFY(!isRead(model, "c"));
    QCOMPARE(model.unreadCount(), 1);
    // A live repeat of a dismissed one does not bring it back either.
    model.record(notification("b", "info"));
    model.flush();
    QCOMPARE(model.rowCount(), 2);

    model.markAllRead();
    QCOMPARE(model.unreadCount(), 0);
    NotificationsModel again(nullptr);
    again.setStateStore(store.get(), "ops ws://a/ws");
    replay(again);
    QCOMPARE(again.unreadCount(), 0);
}

void TestNotificationsModel::anotherServerHasItsOwnMarks()
{
    QTemporaryDir dir;
    auto store = openStore(dir.filePath("notifications.sqlite"));
    NotificationsModel model(nullptr);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setStateStore(store.get(), "ops ws://a/ws");
    replay(model);
    model.markAllRead();
    model.dismiss("c");
    QCOMPARE(model.unreadCount(), 0);

    // Server B happens to use the same ids: none of A's marks apply to it.
    NotificationsModel other(nullptr);
    other.setStateStore(store.get(), "lab ws://b/ws");
    replay(other);
    QCOMPARE(ids(other), (QStringList{"c", "b", "a"}));
    QCOMPARE(other.unreadCount(), 3);
    other.dismiss("a");

    // ...and B's marks do not leak back to A.
    NotificationsModel onA(nullptr);
    onA.setStateStore(store.get(), "ops ws://a/ws");
    replay(onA);
    QCOMPARE(ids(onA), (QStringList{"b", "a"}));
    QCOMPARE(onA.unreadCount(), 0);
}

void TestNotificationsModel::switchingBackRestoresTheMarks()
{
    QTemporaryDir dir;
    auto store = openStore(dir.filePath("notifications.sqlite"));
    NotificationsModel model(nullptr);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setStateStore(store.get(), "ops ws://a/ws");
    replay(model);
    model.markRead("a");
    model.dismiss("b");
    QCOMPARE(model.unreadCount(), 1);

    QSignalSpy unread(&model, &NotificationsModel::unreadCountChanged);
    model.setStateStore(store.get(), "lab ws://b/ws");
    QCOMPARE(model.rowCount(), 0); // A's rows go; B's feed replays its own
    QCOMPARE(model.unreadCount(), 0);
    QCOMPARE(unread.size(), 1);
    replay(model);
    QCOMPARE(model.unreadCount(), 3);
    model.markRead("c");

    model.setStateStore(store.get(), "ops ws://a/ws");
    QCOMPARE(model.rowCount(), 0);
    replay(model);
    QCOMPARE(ids(model), (QStringList{"c", "a"}));
    QVERIFY(isRead(model, "a"));
    QVERIFY(!isRead(model, "c")); // read on B, not on A
    QCOMPARE(model.unreadCount(), 1);

    // The same server again (new settings, same address) keeps what is shown.
    model.setStateStore(store.get(), "ops ws://a/ws");
    QCOMPARE(model.rowCount(), 2);
}

void TestNotificationsModel::readCriticalItemIsNotRaisedAgain()
{
    QTemporaryDir dir;
    auto store = openStore(dir.filePath("notifications.sqlite"));
    NotificationsModel model(nullptr);
    model.setStateStore(store.get(), "demo");
    QSignalSpy critical(&model, &NotificationsModel::criticalArrived);
    model.record(notification("n-1", "critical"));
    model.flush();
    QCOMPARE(critical.size(), 1);
    model.markRead("n-1");

    NotificationsModel later(nullptr);
    later.setStateStore(store.get(), "demo");
    QSignalSpy again(&later, &NotificationsModel::criticalArrived);
    later.record(notification("n-1", "critical"));
    later.record(notification("n-2", "critical"));
    later.flush();
    QCOMPARE(later.rowCount(), 2);
    QCOMPARE(again.size(), 1); // only the one not read yet
}

void TestNotificationsModel::brokenStoreFileIsReportedAndHarmless_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<bool>("opens"); // a damaged file is replaced; a missing folder is not
    QTest::newRow("garbage") << QStringLiteral("notifications.sqlite") << true;
    QTest::newRow("missing folder") << QStringLiteral("gone/notifications.sqlite") << false;
}

void TestNotificationsModel::brokenStoreFileIsReportedAndHarmless()
{
    QFETCH(QString, file);
    QFETCH(bool, opens);
    QTemporaryDir dir;
    const QString path = dir.filePath(file);
    if (opens) {
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QByteArray(8192, ''));
        f.close();
    }
    NotificationStateStore store;
    QString error;
    QCOMPARE(store.open(path, &error), opens);
    if (opens) {
        QVERIFY2(store.recoveryNotice().contains("damaged"), qPrintable(store.recoveryNotice()));
        QCOMPARE(QDir(dir.path()).entryList({"notifications.sqlite.corrupt-*"}).size(), 1);
    } else {
        QVERIFY2(!error.isEmpty(), "a store that cannot open says why");
    }

    // Either way the centre works; without a file, the marks last for this server in memory.
    NotificationsModel model(nullptr);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setStateStore(&store, "ops ws://a/ws");
    replay(model);
    model.markRead("a");
    model.dismiss("b");
    model.markAllRead();
    QCOMPARE(model.unreadCount(), 0);
    model.clear(); // the same server's session restarts and replays
    replay(model);
    QCOMPARE(ids(model), (QStringList{"c", "a"}));
    QCOMPARE(model.unreadCount(), 0);

    NotificationsModel fresh(nullptr);
    fresh.setStateStore(&store, "ops ws://a/ws");
    replay(fresh);
    QCOMPARE(fresh.rowCount(), opens ? 2 : 3); // remembered only where there is a file
}

QTEST_GUILESS_MAIN(TestNotificationsModel)
#include "tst_notificationsmodel.moc"
