#include "helpers/outboxdamage.h"
#include "helpers/outboxfixture.h"
#include "helpers/sqlitelock.h"
#include "storage/outbox.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QRandomGenerator>
#include <QSet>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <sys/mount.h>
#include <thread>
#include <unistd.h>

using vigil::Envelope;
using vigil::Outbox;
using vigil::OutboxLimits;
using vigil::Priority;
using vigil::test::TempOutbox;

namespace {

Envelope message(Priority p = Priority::Normal, const QJsonValue &payload = QJsonObject())
{
    return Envelope::create("chat.message", "chat", payload, p);
}

QString quickCheck(const QString &path)
{
    QString result;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase("QSQLITE", "check");
        db.setDatabaseName(path);
        if (db.open()) {
            QSqlQuery q(db);
            if (q.exec("PRAGMA quick_check") && q.next())
                result = q.value(0).toString();
        }
    }
    QSqlDatabase::removeDatabase("check");
    return result;
}

} // namespace

class TestOutbox : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void enqueueSurvivesReopen();
    void drainOrderIsPriorityThenFifo();
    void profilesAreSeparate();
    void sendAndDeliverUpdateCounters();
    void duplicateIdIsRefused();
    void laterMarksAreOrderedAndSurviveClose();
    void groupCommitBatchesConcurrentEnqueues();
    void fullQueueEvictsLowestOldestAndRecordsIt();
    void criticalIsNeverEvicted();
    void oversizeMessageIsRefused();
    void ttlExpiresIntoDeadLetters();
    void failuresBackOffThenDeadLetter();
    void deadLettersCanBeRetriedAndPurged();
    void fullDiskIsAClearErrorAndNothingIsLost();
    void tinyFilesystem();
    void garbageFileIsMovedAsideAndReplaced();
    void corruptedDatabaseIsMovedAsideWithLossCount();
    void unwritableLocationIsAClearError();
    void usesWalAndSchemaVersion();
    void migratesVersionOneFiles();
    void newerSchemaIsRefused();
    void fileLockedByAnotherProcessIsRefusedNotReplaced();
    void negativeSchemaVersionIsMovedAside();
    void survivesKillNineAtAnyInstant();
    void unreadableRowsMoveToDeadLettersAndDoNotBlock();
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
        const auto got =
            outbox.enqueue("p", message(Priority::Normal, QJsonObject{{"c", 1}}), &error);
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
    TempOutbox outbox;
    QVERIFY2(outbox.isOpen(), qPrintable(outbox.openError()));
    QString error;
    const QList<Priority> order = {Priority::Low,    Priority::Normal, Priority::Critical,
                                   Priority::Normal, Priority::High,   Priority::Critical};
    QStringList ids;
    for (Priority p : order)
        ids.append(*outbox.enqueue("p", message(p), &error));
    QStringList drained;
    for (const auto &entry : outbox.pending("p"))
        drained.append(entry.envelope.id);
    QCOMPARE(drained, (QStringList{ids[2], ids[5], ids[4], ids[1], ids[3], ids[0]}));
    const auto stats = outbox.stats("p");
    QCOMPARE(stats.depth, 6);
    QCOMPARE(stats.byPriority[size_t(Priority::Critical)], 2);
    QCOMPARE(stats.byPriority[size_t(Priority::Low)], 1);
    QCOMPARE(stats.enqueued, 6);
    QVERIFY(stats.oldestEnqueuedAtMs > 0);
}

void TestOutbox::profilesAreSeparate()
{
    TempOutbox outbox;
    QVERIFY2(outbox.isOpen(), qPrintable(outbox.openError()));
    QString error;
    QVERIFY(outbox.enqueue("ws://a/ws", message(), &error));
    QVERIFY(outbox.enqueue("ws://b/ws", message(), &error));
    QVERIFY(outbox.enqueue("ws://b/ws", message(), &error));
    QCOMPARE(outbox.pending("ws://a/ws").size(), 1);
    QCOMPARE(outbox.pending("ws://b/ws").size(), 2);
    QCOMPARE(outbox.stats("ws://c/ws").depth, 0);
}

void TestOutbox::sendAndDeliverUpdateCounters()
{
    TempOutbox outbox;
    QVERIFY2(outbox.isOpen(), qPrintable(outbox.openError()));
    QString error;
    const QString id = *outbox.enqueue("p", message(), &error);
    QVERIFY(outbox.contains(id));
    QVERIFY(outbox.markSent(id));
    QVERIFY(outbox.markSent(id)); // a re-send after a reconnect
    QCOMPARE(outbox.pending("p").first().attempts, 2);
    QVERIFY(outbox.markDelivered(id));
    QVERIFY(!outbox.markDelivered(id)); // a second ack finds nothing
    QVERIFY(!outbox.contains(id));
    const auto stats = outbox.stats("p");
    QCOMPARE(stats.sent, 2);
    QCOMPARE(stats.retried, 1);
    QCOMPARE(stats.acked, 1);
    QCOMPARE(stats.depth, 0);
}

void TestOutbox::laterMarksAreOrderedAndSurviveClose()
{
    QTemporaryDir dir;
    const QString path = dir.filePath("o.sqlite");
    QStringList ids;
    {
        Outbox outbox;
        QString error;
        QVERIFY(outbox.open(path, &error));
        for (int i = 0; i < 5; ++i)
            ids.append(*outbox.enqueue("p", message(), &error));
        outbox.markSentLater(ids);
        outbox.markDeliveredLater(ids.mid(0, 3));
        // The next call already sees them: calls run in order on the worker.
        QCOMPARE(outbox.pending("p").size(), 2);
        outbox.markDeliveredLater(ids.mid(3));
    } // closed right after: queued work is finished first, not dropped
    Outbox outbox;
    QString error;
    QVERIFY(outbox.open(path, &error));
    QCOMPARE(outbox.stats("p").depth, 0);
    QCOMPARE(outbox.stats("p").acked, 5);
    QCOMPARE(outbox.stats("p").sent, 5);
}

void TestOutbox::duplicateIdIsRefused()
{
    TempOutbox outbox;
    QVERIFY2(outbox.isOpen(), qPrintable(outbox.openError()));
    QString error;
    const Envelope e = message();
    QVERIFY(outbox.enqueue("p", e, &error));
    QVERIFY(!outbox.enqueue("p", e, &error));
    QVERIFY2(error.contains("could not store"), qPrintable(error));
    QCOMPARE(outbox.stats("p").depth, 1);
}

void TestOutbox::groupCommitBatchesConcurrentEnqueues()
{
    OutboxLimits limits;
    limits.maxCount = 100000;
    TempOutbox outbox(limits);
    QVERIFY2(outbox.isOpen(), qPrintable(outbox.openError()));
    QString error;
    constexpr int kThreads = 8;
    constexpr int kEach = 100;
    std::vector<QStringList> ids(kThreads);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < kEach; ++i) {
                QString why;
                if (const auto id = outbox.enqueue("p", message(), &why))
                    ids[size_t(t)].append(*id);
            }
        });
    }
    for (auto &t : threads)
        t.join();
    QSet<QString> all;
    for (const auto &list : ids) {
        QCOMPARE(list.size(), kEach);
        for (const QString &id : list)
            all.insert(id);
    }
    QCOMPARE(all.size(), kThreads * kEach);
    QCOMPARE(outbox.stats("p").depth, kThreads * kEach);
    // Eight writers at once share commits: fewer transactions than messages.
    QVERIFY2(outbox.enqueueCommits() < quint64(kThreads * kEach),
             qPrintable(QString::number(outbox.enqueueCommits())));
}

void TestOutbox::fullQueueEvictsLowestOldestAndRecordsIt()
{
    OutboxLimits limits;
    limits.maxCount = 3;
    TempOutbox outbox(limits);
    QVERIFY2(outbox.isOpen(), qPrintable(outbox.openError()));
    QString error;
    const QString a = *outbox.enqueue("p", message(Priority::Normal), &error);
    const QString b = *outbox.enqueue("p", message(Priority::Low), &error);
    const QString c = *outbox.enqueue("p", message(Priority::High), &error);
    // Full: a normal message evicts the low one.
    const QString d = *outbox.enqueue("p", message(Priority::Normal), &error);
    QVERIFY(!outbox.contains(b));
    // Full again: the next normal evicts the oldest normal (a), never the high one.
    const QString e = *outbox.enqueue("p", message(Priority::Normal), &error);
    QVERIFY(!outbox.contains(a));
    QVERIFY(outbox.contains(c) && outbox.contains(d) && outbox.contains(e));
    // A low message cannot push out more important ones: refused, with a reason.
    QVERIFY(!outbox.enqueue("p", message(Priority::Low), &error));
    QVERIFY2(error.contains("full of messages more important than this low one"),
             qPrintable(error));

    const auto evictions = outbox.evictions("p");
    QCOMPARE(evictions.size(), 2);
    QCOMPARE(evictions.at(0).id, a); // newest first
    QCOMPARE(evictions.at(1).id, b);
    QCOMPARE(evictions.at(1).priority, Priority::Low);
    QCOMPARE(evictions.at(1).type, QStringLiteral("chat.message"));
    QCOMPARE(outbox.stats("p").evicted, 2);
    QCOMPARE(outbox.stats("p").depth, 3);
}

void TestOutbox::criticalIsNeverEvicted()
{
    OutboxLimits limits;
    limits.maxCount = 2;
    TempOutbox outbox(limits);
    QVERIFY2(outbox.isOpen(), qPrintable(outbox.openError()));
    QString error;
    QVERIFY(outbox.enqueue("p", message(Priority::Critical), &error));
    QVERIFY(outbox.enqueue("p", message(Priority::Critical), &error));
    QVERIFY(!outbox.enqueue("p", message(Priority::Critical), &error));
    QVERIFY2(error.contains("holds 2 critical messages, which are never dropped"),
             qPrintable(error));
    QVERIFY(!outbox.enqueue("p", message(Priority::Normal), &error));
    QCOMPARE(outbox.stats("p").byPriority[0], 2);
    QCOMPARE(outbox.stats("p").evicted, 0);
}

void TestOutbox::oversizeMessageIsRefused()
{
    OutboxLimits limits;
    limits.maxBytes = 1000;
    TempOutbox outbox(limits);
    QVERIFY2(outbox.isOpen(), qPrintable(outbox.openError()));
    QString error;
    QVERIFY(!outbox.enqueue("p", message(Priority::Normal, QString(2000, 'x')), &error));
    QVERIFY2(error.contains("more than the outbox holds (1000 bytes)"), qPrintable(error));
    // Byte limit evicts like the count limit does.
    QVERIFY(outbox.enqueue("p", message(Priority::Low, QString(300, 'a')), &error));
    QVERIFY(outbox.enqueue("p", message(Priority::Low, QString(300, 'b')), &error));
    QVERIFY(outbox.enqueue("p", message(Priority::Low, QString(300, 'c')), &error));
    QCOMPARE(outbox.stats("p").depth, 2);
    QCOMPARE(outbox.stats("p").evicted, 1);
}

void TestOutbox::ttlExpiresIntoDeadLetters()
{
    TempOutbox outbox;
    QVERIFY2(outbox.isOpen(), qPrintable(outbox.openError()));
    QString error;
    const QString shortLived = *outbox.enqueue("p", message(), &error, 1000);
    const QString lasting = *outbox.enqueue("p", message(), &error);
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    QCOMPARE(outbox.expire(now), 0); // not yet
    QCOMPARE(outbox.expire(now + 5000), 1);
    QVERIFY(!outbox.contains(shortLived));
    QVERIFY(outbox.contains(lasting));
    const auto dead = outbox.deadLetters("p");
    QCOMPARE(dead.size(), 1);
    QCOMPARE(dead.first().envelope.id, shortLived);
    QCOMPARE(dead.first().reason, QStringLiteral("expired"));
    QCOMPARE(outbox.stats("p").expired, 1);
    QCOMPARE(outbox.stats("p").deadLetters, 1);
}

void TestOutbox::failuresBackOffThenDeadLetter()
{
    TempOutbox outbox;
    QVERIFY2(outbox.isOpen(), qPrintable(outbox.openError()));
    QString error;
    const QString id = *outbox.enqueue("p", message(), &error);
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    QList<int> seen;
    auto next = [&](int failures) {
        seen.append(failures);
        return now + 60000;
    };
    QVERIFY(!outbox.recordFailure(id, "no acknowledgement", next, 2));
    // Waiting for its retry time: not ready now, ready later.
    QCOMPARE(outbox.pending("p", 10, now).size(), 0);
    QCOMPARE(outbox.pending("p", 10, now + 60000).size(), 1);
    QCOMPARE(outbox.pending("p").first().lastError, QStringLiteral("no acknowledgement"));
    QVERIFY(outbox.recordFailure(id, "forbidden_channel: no", next, 2));
    QCOMPARE(seen, (QList<int>{1, 2}));
    QVERIFY(!outbox.contains(id));
    const auto dead = outbox.deadLetters("p");
    QCOMPARE(dead.size(), 1);
    QCOMPARE(dead.first().failures, 2);
    QCOMPARE(dead.first().reason, QStringLiteral("forbidden_channel: no"));
    QCOMPARE(outbox.stats("p").deadLettered, 1);
}

void TestOutbox::deadLettersCanBeRetriedAndPurged()
{
    TempOutbox outbox;
    QVERIFY2(outbox.isOpen(), qPrintable(outbox.openError()));
    QString error;
    QStringList ids;
    for (int i = 0; i < 3; ++i) {
        ids.append(*outbox.enqueue("p", message(), &error));
        QVERIFY(outbox.recordFailure(ids.last(), "refused", {}, 1));
    }
    QCOMPARE(outbox.deadLetters("p").size(), 3);
    QCOMPARE(outbox.retryDeadLetters("p", ids[0]), 1);
    QVERIFY(outbox.contains(ids[0]));
    QCOMPARE(outbox.pending("p").first().failures, 0); // a fresh start
    QCOMPARE(outbox.purgeDeadLetters("p", ids[1]), 1);
    QCOMPARE(outbox.purgeDeadLetters("p", "no-such-id"), 0);
    QCOMPARE(outbox.retryDeadLetters("p"), 1); // all that is left: ids[2]
    QVERIFY(outbox.contains(ids[2]));
    QCOMPARE(outbox.deadLetters("p").size(), 0);
}

void TestOutbox::fullDiskIsAClearErrorAndNothingIsLost()
{
    OutboxLimits limits;
    limits.maxFileBytes = 64 * 1024; // the file may not grow past this: a "full disk"
    limits.maxCount = 100000;
    TempOutbox outbox(limits);
    QVERIFY2(outbox.isOpen(), qPrintable(outbox.openError()));
    QString error;
    QStringList stored;
    for (int i = 0; i < 1000; ++i) {
        const auto id = outbox.enqueue("p", message(Priority::Normal, QString(2000, 'x')), &error);
        if (!id)
            break;
        stored.append(*id);
    }
    QVERIFY2(stored.size() > 5 && stored.size() < 1000, qPrintable(QString::number(stored.size())));
    QVERIFY2(error.contains("database or disk is full"), qPrintable(error));
    QVERIFY2(error.startsWith("could not store the message in the outbox"), qPrintable(error));
    // Everything that was accepted is still there, and the outbox keeps working.
    for (const QString &id : std::as_const(stored))
        QVERIFY(outbox.contains(id));
    QVERIFY(outbox.markDelivered(stored.first()));
    QVERIFY(outbox.markDelivered(stored.last()));
    QVERIFY2(outbox.enqueue("p", message(), &error), qPrintable(error));
}

void TestOutbox::tinyFilesystem()
{
    // A real, tiny filesystem where one is allowed (root with mount rights, as on CI);
    // elsewhere the file cap above produces the same SQLITE_FULL path.
    QTemporaryDir dir;
    const QByteArray mountPoint = QFile::encodeName(dir.path());
    if (::geteuid() != 0 ||
        ::mount("tmpfs", mountPoint.constData(), "tmpfs", 0, "size=160k") != 0) {
        qInfo("no permission to mount a tmpfs here; the file-cap test covers the full-disk path");
        return;
    }
    struct Unmount
    {
        QByteArray point;
        ~Unmount() { ::umount2(point.constData(), MNT_DETACH); }
    } unmount{mountPoint};
    OutboxLimits limits;
    limits.maxCount = 100000;
    Outbox outbox(limits);
    QString error;
    QVERIFY2(outbox.open(dir.filePath("outbox.sqlite"), &error), qPrintable(error));
    QStringList stored;
    for (int i = 0; i < 2000; ++i) {
        const auto id = outbox.enqueue("p", message(Priority::Normal, QString(1500, 'y')), &error);
        if (!id)
            break;
        stored.append(*id);
    }
    QVERIFY2(stored.size() < 2000, "the tiny filesystem never filled up");
    QVERIFY2(error.contains("disk is full") || error.contains("disk I/O error"), qPrintable(error));
    for (const QString &id : std::as_const(stored))
        QVERIFY(outbox.contains(id));
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
    QVERIFY(outbox.enqueue("p", message(), &error));
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
            QVERIFY(outbox.enqueue("p", message(), &error));
    }
    // Damage the pages after the header, so SQLite still opens the file but it is broken.
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
    QVERIFY2(outbox.recoveryNotice().contains("lost"), qPrintable(outbox.recoveryNotice()));
    QCOMPARE(outbox.stats("p").depth, 0);
    QCOMPARE(QDir(dir.path()).entryList({"outbox.sqlite.corrupt-*"}).size(), 1);
}

void TestOutbox::unwritableLocationIsAClearError()
{
    QTemporaryDir dir;
    QString target;
    if (::geteuid() == 0) {
        // root ignores permission bits; a path under a regular file fails for everyone.
        QFile file(dir.filePath("not-a-dir"));
        QVERIFY(file.open(QIODevice::WriteOnly));
        target = dir.filePath("not-a-dir/outbox.sqlite");
    } else {
        QVERIFY(QFile::setPermissions(dir.path(), QFile::ReadOwner | QFile::ExeOwner));
        target = dir.filePath("outbox.sqlite");
    }
    Outbox outbox;
    QString error;
    QVERIFY(!outbox.open(target, &error));
    QVERIFY2(error.startsWith("the outbox: cannot open"), qPrintable(error));
    QVERIFY(!outbox.enqueue("p", message(), &error));
    QVERIFY2(error.contains("not open"), qPrintable(error));
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
        QCOMPARE(q.value(0).toInt(), 2);
    }
    QSqlDatabase::removeDatabase("inspect");
}

void TestOutbox::migratesVersionOneFiles()
{
    // A queue written by the first schema (no TTL, no dead letters) keeps its messages.
    QTemporaryDir dir;
    const QString path = dir.filePath("o.sqlite");
    const Envelope old = message(Priority::High);
    {
        QSqlDatabase db = QSqlDatabase::addDatabase("QSQLITE", "v1");
        db.setDatabaseName(path);
        QVERIFY(db.open());
        QSqlQuery q(db);
        QVERIFY(
            q.exec("CREATE TABLE messages (id TEXT PRIMARY KEY, profile TEXT NOT NULL,"
                   " priority INTEGER NOT NULL, enqueued_at INTEGER NOT NULL, attempts"
                   " INTEGER NOT NULL DEFAULT 0, bytes INTEGER NOT NULL, envelope BLOB NOT NULL)"));
        q.prepare("INSERT INTO messages VALUES(?, 'p', 1, 5, 0, 10, ?)");
        q.addBindValue(old.id);
        q.addBindValue(old.serialize());
        QVERIFY(q.exec());
        QVERIFY(q.exec("PRAGMA user_version = 1"));
    }
    QSqlDatabase::removeDatabase("v1");
    Outbox outbox;
    QString error;
    QVERIFY2(outbox.open(path, &error), qPrintable(error));
    QVERIFY(outbox.recoveryNotice().isEmpty());
    QCOMPARE(outbox.pending("p").size(), 1);
    QCOMPARE(outbox.pending("p").first().envelope, old);
    QVERIFY(outbox.recordFailure(old.id, "x", {}, 1)); // the new tables exist
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

void TestOutbox::fileLockedByAnotherProcessIsRefusedNotReplaced()
{
    // Another process (a second vigil-cli on the same data, a backup, an sqlite3 shell) holds
    // the file locked past the 5 s busy timeout: no damage, so it is refused and left alone,
    // and what it holds is there once the lock is gone. (Before, it was moved aside.)
    QTemporaryDir dir;
    const QString path = dir.filePath("o.sqlite");
    QString error;
    {
        Outbox outbox;
        QVERIFY2(outbox.open(path, &error), qPrintable(error));
        QVERIFY2(outbox.enqueue("p", message(), &error), qPrintable(error));
    }
    {
        vigil::test::SqliteLock lock(path, "UPDATE messages SET priority = priority");
        QVERIFY(lock.held());
        Outbox outbox;
        QVERIFY(!outbox.open(path, &error));
        QVERIFY2(error.contains("another process holds it locked"), qPrintable(error));
        QVERIFY(!error.contains("damaged"));
        QCOMPARE(QDir(dir.path()).entryList({"o.sqlite.corrupt-*"}).size(), 0);
    }
    Outbox outbox;
    QVERIFY2(outbox.open(path, &error), qPrintable(error));
    QCOMPARE(outbox.pending("p").size(), 1);
}

void TestOutbox::negativeSchemaVersionIsMovedAside()
{
    // Found by fuzz_outbox: a header with user_version 0xFEFFFFFF made the migration loop
    // start at a negative index of the migration list.
    QTemporaryDir dir;
    const QString path = dir.filePath("o.sqlite");
    {
        QSqlDatabase db = QSqlDatabase::addDatabase("QSQLITE", "negative");
        db.setDatabaseName(path);
        QVERIFY(db.open());
        QSqlQuery q(db);
        QVERIFY(q.exec("CREATE TABLE t(x)"));
        QVERIFY(q.exec("PRAGMA user_version = -16777217"));
    }
    QSqlDatabase::removeDatabase("negative");
    Outbox outbox;
    QString error;
    QVERIFY2(outbox.open(path, &error), qPrintable(error));
    QVERIFY2(outbox.recoveryNotice().contains("schema version (-16777217) is not one Vigil"),
             qPrintable(outbox.recoveryNotice()));
    QCOMPARE(QDir(dir.path()).entryList({"o.sqlite.corrupt-*"}).size(), 1);
    QVERIFY2(outbox.enqueue("p", message(), &error).has_value(), qPrintable(error));
    QCOMPARE(outbox.pending("p").size(), 1);
}

void TestOutbox::survivesKillNineAtAnyInstant()
{
    QTemporaryDir dir;
    const QString path = dir.filePath("outbox.sqlite");
    QRandomGenerator random(20261122); // fixed seed: the same kill points on every run
    QSet<QString> promised;
    constexpr int kRounds = 12;
    for (int round = 0; round < kRounds; ++round) {
        QProcess child;
        child.start(QStringLiteral(VIGIL_OUTBOX_STRESS_BIN), {path, "4"});
        QVERIFY(child.waitForStarted(30000));
        // Kill after a random number of confirmed enqueues: somewhere in the middle of a
        // commit, a print, or the next batch.
        const int killAfter = 1 + int(random.bounded(150));
        QByteArray buffer;
        int confirmed = 0;
        bool ready = false;
        while (confirmed < killAfter) {
            QVERIFY2(child.waitForReadyRead(30000), child.readAllStandardError().constData());
            buffer += child.readAllStandardOutput();
            int newline;
            while ((newline = buffer.indexOf('\n')) >= 0) {
                const QByteArray line = buffer.left(newline);
                buffer.remove(0, newline + 1);
                if (line == "ready") {
                    ready = true;
                    continue;
                }
                promised.insert(QString::fromUtf8(line));
                ++confirmed;
            }
        }
        QVERIFY(ready);
        child.kill(); // SIGKILL
        QVERIFY(child.waitForFinished(30000));
        // Lines already written before the kill are promises too.
        buffer += child.readAllStandardOutput();
        for (const QByteArray &line : buffer.split('\n')) {
            if (!line.isEmpty() && line != "ready" && line.size() == 36)
                promised.insert(QString::fromUtf8(line));
        }

        QCOMPARE(quickCheck(path), QStringLiteral("ok"));
        Outbox outbox(OutboxLimits{1000000, 1LL << 40, 0});
        QString error;
        QVERIFY2(outbox.open(path, &error), qPrintable(error));
        QVERIFY2(outbox.recoveryNotice().isEmpty(), qPrintable(outbox.recoveryNotice()));
        const auto rows = outbox.pending("stress", 10000000);
        QSet<QString> present;
        for (const auto &row : rows)
            present.insert(row.envelope.id);
        QCOMPARE(present.size(), rows.size()); // exactly once
        for (const QString &id : std::as_const(promised))
            QVERIFY2(present.contains(id), qPrintable("lost after SIGKILL: " + id));
    }
    QVERIFY(promised.size() >= kRounds);
}

void TestOutbox::unreadableRowsMoveToDeadLettersAndDoNotBlock()
{
    // 60 rows that cannot be read back sit at the head of the queue, more than a drain batch
    // (50). Reading must go past them: they become dead letters with a reason, once.
    TempOutbox outbox;
    QVERIFY2(outbox.isOpen(), qPrintable(outbox.openError()));
    const QString path = outbox.path();
    QString error;
    QStringList good;
    for (int i = 0; i < 5; ++i)
        good.append(*outbox.enqueue("p", message(), &error));
    QCOMPARE(vigil::test::insertUnreadableRows(path, "p", 60), 60);
    QCOMPARE(outbox.stats("p").depth, 65);

    QList<vigil::DeadLetter> buried;
    const auto first = outbox.pending("p", 50, 0, &buried);
    QStringList ids;
    for (const auto &entry : first)
        ids.append(entry.envelope.id);
    QCOMPARE(ids, good);
    QCOMPARE(buried.size(), 60);
    for (const auto &dead : buried) {
        QVERIFY(dead.envelope.id.startsWith("bad-"));
        QVERIFY2(dead.reason.startsWith("unreadable: "), qPrintable(dead.reason));
    }
    QVERIFY(buried.first().reason != buried.at(1).reason); // says what is wrong with each
    QVERIFY(std::any_of(buried.begin(), buried.end(), [](const vigil::DeadLetter &d) {
        return d.reason.contains("does not carry its row's id");
    }));

    const auto stats = outbox.stats("p");
    QCOMPARE(stats.depth, 5);
    QCOMPARE(stats.deadLetters, 60);
    QCOMPARE(stats.deadLettered, 60);
    const auto dead = outbox.deadLetters("p");
    QCOMPARE(dead.size(), 60);
    for (const auto &d : dead) {
        QVERIFY2(d.envelope.id.startsWith("bad-"), qPrintable(d.envelope.id));
        QVERIFY(d.reason.startsWith("unreadable: "));
    }

    // Once moved, they are gone from the queue: the next read meets only good rows.
    QCOMPARE(outbox.pending("p", 50, 0, &buried).size(), 5);
    QVERIFY(buried.isEmpty());
    QCOMPARE(outbox.markDelivered(good), 5);
    QCOMPARE(outbox.stats("p").depth, 0);
}

QTEST_GUILESS_MAIN(TestOutbox)
#include "tst_outbox.moc"
