// The read and dismissed marks of the notifications centre, per server, in SQLite.
#include "storage/notificationstatestore.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using vigil::NotificationStateStore;
using Mark = NotificationStateStore::Mark;

class TestNotificationState : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void marksSurviveReopen();
    void dismissalOutranksRead();
    void serversAreSeparate();
    void onlyTheNewestMarksAreKept();
    void damagedFileIsReplaced_data();
    void damagedFileIsReplaced();
    void unusableFileIsAnErrorNotACrash();
};

void TestNotificationState::marksSurviveReopen()
{
    QTemporaryDir dir;
    const QString path = dir.filePath("notifications.sqlite");
    {
        NotificationStateStore store;
        QString error;
        QVERIFY2(store.open(path, &error), qPrintable(error));
        QVERIFY(store.record("ops ws://a/ws", {"n-1", "n-2"}, Mark::Read, 1000));
        QVERIFY(store.record("ops ws://a/ws", {"n-3"}, Mark::Dismissed, 2000));
    }
    NotificationStateStore store;
    QString error;
    QVERIFY2(store.open(path, &error), qPrintable(error));
    QVERIFY(store.recoveryNotice().isEmpty());
    const auto marks = store.load("ops ws://a/ws");
    QCOMPARE(marks.read, (QSet<QString>{"n-1", "n-2"}));
    QCOMPARE(marks.dismissed, (QSet<QString>{"n-3"}));
}

void TestNotificationState::dismissalOutranksRead()
{
    QTemporaryDir dir;
    NotificationStateStore store;
    QString error;
    QVERIFY(store.open(dir.filePath("n.sqlite"), &error));
    QVERIFY(store.record("s", {"x"}, Mark::Dismissed, 1));
    QVERIFY(store.record("s", {"x", "y"}, Mark::Read, 2)); // a later "read" does not revive it
    QVERIFY(store.record("s", {"y"}, Mark::Dismissed, 3));
    const auto marks = store.load("s");
    QCOMPARE(marks.dismissed, (QSet<QString>{"x", "y"}));
    QVERIFY(marks.read.isEmpty());
}

void TestNotificationState::serversAreSeparate()
{
    QTemporaryDir dir;
    NotificationStateStore store;
    QString error;
    QVERIFY(store.open(dir.filePath("n.sqlite"), &error));
    QVERIFY(store.record("a", {"n-1"}, Mark::Read, 1));
    QVERIFY(store.record("b", {"n-1"}, Mark::Dismissed, 1));
    QCOMPARE(store.load("a").read, (QSet<QString>{"n-1"}));
    QVERIFY(store.load("a").dismissed.isEmpty());
    QCOMPARE(store.load("b").dismissed, (QSet<QString>{"n-1"}));
    const auto none = store.load("c");
    QVERIFY(none.read.isEmpty() && none.dismissed.isEmpty());
}

void TestNotificationState::onlyTheNewestMarksAreKept()
{
    QTemporaryDir dir;
    NotificationStateStore store(3);
    QString error;
    QVERIFY(store.open(dir.filePath("n.sqlite"), &error));
    QVERIFY(store.record("other", {"o-1", "o-2"}, Mark::Read, 1));
    for (int i = 1; i <= 5; ++i)
        QVERIFY(store.record("s", {QString::number(i)}, Mark::Read, 100 + i));
    QCOMPARE(store.load("s").read, (QSet<QString>{"3", "4", "5"}));
    // Marking an old id again makes it new: it outlives the ones marked before it.
    QVERIFY(store.record("s", {"3"}, Mark::Dismissed, 200));
    QVERIFY(store.record("s", {"6"}, Mark::Read, 201));
    const auto marks = store.load("s");
    QCOMPARE(marks.read, (QSet<QString>{"5", "6"}));
    QCOMPARE(marks.dismissed, (QSet<QString>{"3"}));
    // The bound is per server: another server's marks are untouched.
    QCOMPARE(store.load("other").read, (QSet<QString>{"o-1", "o-2"}));
}

void TestNotificationState::damagedFileIsReplaced_data()
{
    QTest::addColumn<QByteArray>("content");
    QTest::newRow("text") << QByteArray(
        "this is not a database, just text that happens to be here");
    QByteArray header("SQLite format 3");
    header.append('\0');
    header.append(QByteArray(4080, '\x5a')); // a valid header over garbage pages
    QTest::newRow("sqlite header, garbage pages") << header;
}

void TestNotificationState::damagedFileIsReplaced()
{
    QFETCH(QByteArray, content);
    QTemporaryDir dir;
    const QString path = dir.filePath("notifications.sqlite");
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(content);
    f.close();
    NotificationStateStore store;
    QString error;
    QVERIFY2(store.open(path, &error), qPrintable(error));
    QVERIFY(!store.recoveryNotice().isEmpty());
    QVERIFY(store.recoveryNotice().contains("notifications.sqlite"));
    QCOMPARE(QDir(dir.path()).entryList({"notifications.sqlite.corrupt-*"}).size(), 1);
    QVERIFY(store.record("s", {"n-1"}, Mark::Read, 1));
    QCOMPARE(store.load("s").read, (QSet<QString>{"n-1"}));
}

void TestNotificationState::unusableFileIsAnErrorNotACrash()
{
    QTemporaryDir dir;
    NotificationStateStore store;
    QString error;
    QVERIFY(!store.open(dir.filePath("missing-folder/notifications.sqlite"), &error));
    QVERIFY2(error.contains("notifications"), qPrintable(error));
    QVERIFY(!store.isOpen());
    QVERIFY(!store.record("s", {"n-1"}, Mark::Read, 1));
    QVERIFY(store.load("s").read.isEmpty());
}

QTEST_GUILESS_MAIN(TestNotificationState)
#include "tst_notificationstate.moc"
