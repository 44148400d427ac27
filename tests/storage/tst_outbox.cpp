#include "storage/outbox.h"

#include <QDir>
#include <QFile>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include <unistd.h>

using vigil::Envelope;
using vigil::Outbox;
using vigil::Priority;

class TestOutbox : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void enqueueSurvivesReopen();
    void drainOrderIsPriorityThenFifo();
    void profilesAreSeparate();
    void removeAndAttempts();
    void garbageFileIsMovedAsideAndReplaced();
    void corruptedDatabaseIsMovedAsideWithLossCount();
    void unwritableLocationIsAClearError();
    void usesWalAndSchemaVersion();
    void newerSchemaIsRefused();
};

void TestOutbox::enqueueSurvivesReopen()
{
    QTemporaryDir dir;
    const QString path = dir.filePath("outbox.sqlite");
    QString id;
    {
        Outbox outbox;
        QString error;
        QVERIFY2(outbox.open(path, &error), qPrintable(error));
        const auto got = outbox.enqueue(
            "p", Envelope::create("chat.message", "chat", QJsonObject{{"c", 1}}), &error);
        QVERIFY2(got, qPrintable(error));
        id = *got;
    }
    Outbox reopened;
    QString error;
    QVERIFY(reopened.open(path, &error));
    QVERIFY(reopened.recoveryNotice().isEmpty());
    const auto pending = reopened.pending("p");
    QCOMPARE(pending.size(), 1);
    QCOMPARE(pending.first().envelope.id, id);
    QCOMPARE(pending.first().envelope.payload.toObject().value("c").toInt(), 1);
}

void TestOutbox::drainOrderIsPriorityThenFifo()
{
    QTemporaryDir dir;
    Outbox outbox;
    QString error;
    QVERIFY(outbox.open(dir.filePath("o.sqlite"), &error));
    const QList<Priority> order = {Priority::Low,    Priority::Normal, Priority::Critical,
                                   Priority::Normal, Priority::High,   Priority::Critical};
    QStringList ids;
    for (Priority p : order)
        ids.append(*outbox.enqueue("p", Envelope::create("t", "chat", {}, p), &error));
    QStringList drained;
    for (const auto &entry : outbox.pending("p"))
        drained.append(entry.envelope.id);
    QCOMPARE(drained, (QStringList{ids[2], ids[5], ids[4], ids[1], ids[3], ids[0]}));
    const auto stats = outbox.stats("p");
    QCOMPARE(stats.depth, 6);
    QCOMPARE(stats.byPriority[size_t(Priority::Critical)], 2);
    QCOMPARE(stats.byPriority[size_t(Priority::Low)], 1);
    QVERIFY(stats.oldestEnqueuedAtMs > 0);
}

void TestOutbox::profilesAreSeparate()
{
    QTemporaryDir dir;
    Outbox outbox;
    QString error;
    QVERIFY(outbox.open(dir.filePath("o.sqlite"), &error));
    QVERIFY(outbox.enqueue("ws://a/ws", Envelope::create("t", "chat"), &error));
    QVERIFY(outbox.enqueue("ws://b/ws", Envelope::create("t", "chat"), &error));
    QVERIFY(outbox.enqueue("ws://b/ws", Envelope::create("t", "chat"), &error));
    QCOMPARE(outbox.pending("ws://a/ws").size(), 1);
    QCOMPARE(outbox.pending("ws://b/ws").size(), 2);
    QCOMPARE(outbox.stats("ws://c/ws").depth, 0);
}

void TestOutbox::removeAndAttempts()
{
    QTemporaryDir dir;
    Outbox outbox;
    QString error;
    QVERIFY(outbox.open(dir.filePath("o.sqlite"), &error));
    const QString id = *outbox.enqueue("p", Envelope::create("t", "chat"), &error);
    QVERIFY(outbox.contains(id));
    QVERIFY(outbox.recordAttempt(id));
    QVERIFY(outbox.recordAttempt(id));
    QCOMPARE(outbox.pending("p").first().attempts, 2);
    QVERIFY(outbox.remove(id));
    QVERIFY(!outbox.remove(id)); // a second removal finds nothing
    QVERIFY(!outbox.contains(id));
    // A duplicate id is refused, never stored twice.
    Envelope e = Envelope::create("t", "chat");
    QVERIFY(outbox.enqueue("p", e, &error));
    QVERIFY(!outbox.enqueue("p", e, &error));
    QVERIFY(error.contains("could not store"));
    QCOMPARE(outbox.stats("p").depth, 1);
}

void TestOutbox::garbageFileIsMovedAsideAndReplaced()
{
    QTemporaryDir dir;
    const QString path = dir.filePath("outbox.sqlite");
    {
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QByteArray(8192, 'Z'));
    }
    Outbox outbox;
    QString error;
    QVERIFY2(outbox.open(path, &error), qPrintable(error));
    QVERIFY(outbox.recoveryNotice().contains("moved to"));
    const QStringList aside = QDir(dir.path()).entryList({"outbox.sqlite.corrupt-*"});
    QCOMPARE(aside.size(), 1);
    QCOMPARE(QFile(dir.filePath(aside.first())).size(), 8192);
    QVERIFY(outbox.enqueue("p", Envelope::create("t", "chat"), &error));
}

void TestOutbox::corruptedDatabaseIsMovedAsideWithLossCount()
{
    QTemporaryDir dir;
    const QString path = dir.filePath("outbox.sqlite");
    {
        Outbox outbox;
        QString error;
        QVERIFY(outbox.open(path, &error));
        for (int i = 0; i < 3; ++i)
            QVERIFY(outbox.enqueue("p", Envelope::create("t", "chat"), &error));
    }
    // Damage the table's pages but keep the header, so SQLite still opens the file.
    {
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadWrite));
        const qint64 size = f.size();
        QVERIFY(size > 4096);
        f.seek(4096);
        f.write(QByteArray(int(size - 4096), '\xA5'));
    }
    Outbox outbox;
    QString error;
    QVERIFY2(outbox.open(path, &error), qPrintable(error));
    QVERIFY2(!outbox.recoveryNotice().isEmpty(), "damage went unnoticed");
    QCOMPARE(outbox.stats("p").depth, 0);
    QCOMPARE(QDir(dir.path()).entryList({"outbox.sqlite.corrupt-*"}).size(), 1);
}

void TestOutbox::unwritableLocationIsAClearError()
{
    if (::geteuid() == 0) {
        // root ignores permission bits; a path under a regular file fails for everyone.
        QTemporaryDir dir;
        QFile file(dir.filePath("not-a-dir"));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.close();
        Outbox outbox;
        QString error;
        QVERIFY(!outbox.open(dir.filePath("not-a-dir/outbox.sqlite"), &error));
        QVERIFY2(error.startsWith("the outbox: cannot open"), qPrintable(error));
        QVERIFY(!outbox.enqueue("p", Envelope::create("t", "chat"), &error));
        QCOMPARE(error, QStringLiteral("the outbox is not open"));
        return;
    }
    QTemporaryDir dir;
    QVERIFY(QFile::setPermissions(dir.path(), QFile::ReadOwner | QFile::ExeOwner));
    Outbox outbox;
    QString error;
    QVERIFY(!outbox.open(dir.filePath("outbox.sqlite"), &error));
    QVERIFY2(error.startsWith("the outbox: cannot open"), qPrintable(error));
    QFile::setPermissions(dir.path(), QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
}

void TestOutbox::usesWalAndSchemaVersion()
{
    QTemporaryDir dir;
    const QString path = dir.filePath("o.sqlite");
    {
        Outbox outbox;
        QString error;
        QVERIFY(outbox.open(path, &error));
    }
    {
        QSqlDatabase db = QSqlDatabase::addDatabase("QSQLITE", "inspect");
        db.setDatabaseName(path);
        QVERIFY(db.open());
        QSqlQuery q(db);
        QVERIFY(q.exec("PRAGMA journal_mode") && q.next());
        QCOMPARE(q.value(0).toString(), QStringLiteral("wal"));
        QVERIFY(q.exec("PRAGMA user_version") && q.next());
        QCOMPARE(q.value(0).toInt(), 1);
    }
    QSqlDatabase::removeDatabase("inspect");
}

void TestOutbox::newerSchemaIsRefused()
{
    QTemporaryDir dir;
    const QString path = dir.filePath("o.sqlite");
    {
        QSqlDatabase db = QSqlDatabase::addDatabase("QSQLITE", "future");
        db.setDatabaseName(path);
        QVERIFY(db.open());
        QSqlQuery q(db);
        QVERIFY(q.exec("PRAGMA user_version = 99"));
    }
    QSqlDatabase::removeDatabase("future");
    Outbox outbox;
    QString error;
    // A file from a newer Vigil is healthy: refused with a reason, left exactly where it is.
    QVERIFY(!outbox.open(path, &error));
    QVERIFY2(error.contains("written by a newer Vigil (schema 99"), qPrintable(error));
    QVERIFY(QFile::exists(path));
    QCOMPARE(QDir(dir.path()).entryList({"o.sqlite.corrupt-*"}).size(), 0);
}

QTEST_GUILESS_MAIN(TestOutbox)
#include "tst_outbox.moc"
