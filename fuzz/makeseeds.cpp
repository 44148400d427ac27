// Writes the SQLite seeds of the outbox and positions fuzz targets:
//
//   build-asan/bin/fuzz_makeseeds fuzz/corpus
//
// An outbox and a positions file as Vigil writes them (rows in every table, a dead letter, an
// eviction, two profiles), the same at the schema's first version (the migration path), and an
// outbox with a row that cannot be read back. Pages of 512 bytes keep each file a few KB, so
// the fuzzer's mutations land in what matters: headers, schema, rows.
#include "storage/outbox.h"
#include "storage/positionstore.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QJsonObject>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>

#include <cstdio>
#include <cstdlib>

using namespace vigil;

namespace {

[[noreturn]] void die(const QString &why)
{
    std::fprintf(stderr, "fuzz_makeseeds: %s\n", qPrintable(why));
    std::exit(1);
}

// Runs `statements` on the file at `path` with a plain connection (small pages, no WAL).
void execOn(const QString &path, const QStringList &statements)
{
    const QString name = QStringLiteral("seed-") + path;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        db.setDatabaseName(path);
        if (!db.open())
            die(db.lastError().text());
        QSqlQuery q(db);
        for (const QString &statement : statements) {
            if (!q.exec(statement))
                die(statement + QStringLiteral(": ") + q.lastError().text());
        }
        db.close();
    }
    QSqlDatabase::removeDatabase(name);
}

// A new file with 512-byte pages and no schema yet (user_version 0).
void emptyFile(const QString &path)
{
    QFile::remove(path);
    execOn(path, {QStringLiteral("PRAGMA page_size=512"), QStringLiteral("CREATE TABLE x(a)"),
                  QStringLiteral("DROP TABLE x")});
}

Envelope message(const QString &type, const QString &channel, Priority priority)
{
    return Envelope::create(type, channel,
                            QJsonObject{{QStringLiteral("incident"), QStringLiteral("INC-7")},
                                        {QStringLiteral("note"), QStringLiteral("on it")}},
                            priority);
}

void makeOutbox(const QString &path)
{
    emptyFile(path);
    OutboxLimits limits;
    limits.maxCount = 3; // the fourth normal message evicts one: an eviction on record
    Outbox outbox(limits);
    QString error;
    if (!outbox.open(path, &error))
        die(error);
    const auto enqueue = [&](const QString &profile, const Envelope &e, qint64 ttlMs = 0) {
        const auto id = outbox.enqueue(profile, e, &error, ttlMs);
        if (!id)
            die(error);
        return *id;
    };
    const QString critical =
        enqueue(QStringLiteral("fuzz"), message(QStringLiteral("incident.ack"),
                                                QStringLiteral("incidents"), Priority::Critical));
    enqueue(QStringLiteral("fuzz"),
            message(QStringLiteral("chat.message"), QStringLiteral("chat"), Priority::Normal),
            60000);
    for (int i = 0; i < 3; ++i)
        enqueue(QStringLiteral("fuzz"),
                message(QStringLiteral("alert.silence"), QStringLiteral("alerts"), Priority::Low));
    const QString doomed =
        enqueue(QStringLiteral("other"), message(QStringLiteral("incident.assign"),
                                                 QStringLiteral("incidents"), Priority::High));
    outbox.markSent(critical);
    outbox.recordFailure(
        doomed, QStringLiteral("forbidden_channel"), [](int) { return qint64(0); }, 1);
    outbox.close();
}

void makePositions(const QString &path)
{
    emptyFile(path);
    PositionStore store;
    QString error;
    if (!store.open(path, &error))
        die(error);
    store.save(QStringLiteral("fuzz"), {{QStringLiteral("incidents"), {42, QStringLiteral("e1")}},
                                        {QStringLiteral("chat"), {7, QStringLiteral("e1")}},
                                        {QStringLiteral("logs"), {1000, QString()}}});
    store.save(QStringLiteral("other"), {{QStringLiteral("alerts"), {3, QStringLiteral("e2")}}});
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    if (argc != 2)
        die(QStringLiteral("usage: fuzz_makeseeds CORPUS_DIR (fuzz/corpus)"));
    const QDir corpus(QString::fromLocal8Bit(argv[1]));
    if (!corpus.mkpath(QStringLiteral("outbox")) || !corpus.mkpath(QStringLiteral("positions")))
        die(QStringLiteral("cannot create the corpus folders"));
    const QString outbox = corpus.filePath(QStringLiteral("outbox/"));
    const QString positions = corpus.filePath(QStringLiteral("positions/"));

    makeOutbox(outbox + QStringLiteral("current.sqlite"));

    // A row that cannot be read back, at the head of the queue.
    makeOutbox(outbox + QStringLiteral("unreadable-row.sqlite"));
    execOn(outbox + QStringLiteral("unreadable-row.sqlite"),
           {QStringLiteral("INSERT INTO messages(id, profile, priority, enqueued_at, bytes, "
                           "envelope) VALUES('bad-1', 'fuzz', 0, 0, 9, x'00ff7b226964223a')")});

    // The first schema version, before TTLs and dead letters: opening migrates it.
    emptyFile(outbox + QStringLiteral("version1.sqlite"));
    execOn(outbox + QStringLiteral("version1.sqlite"),
           {QStringLiteral("CREATE TABLE messages (id TEXT PRIMARY KEY, profile TEXT NOT NULL,"
                           " priority INTEGER NOT NULL, enqueued_at INTEGER NOT NULL,"
                           " attempts INTEGER NOT NULL DEFAULT 0, bytes INTEGER NOT NULL,"
                           " envelope BLOB NOT NULL)"),
            QStringLiteral("CREATE INDEX messages_drain ON messages(profile, priority, "
                           "enqueued_at)"),
            QStringLiteral("INSERT INTO messages VALUES('m-1', 'fuzz', 1, 1700000000000, 0, 62,"
                           " '{\"id\":\"m-1\",\"type\":\"chat.message\",\"channel\":\"chat\","
                           "\"timestamp\":1}')"),
            QStringLiteral("PRAGMA user_version=1")});

    makePositions(positions + QStringLiteral("current.sqlite"));
    emptyFile(positions + QStringLiteral("version1.sqlite"));
    execOn(positions + QStringLiteral("version1.sqlite"),
           {QStringLiteral("CREATE TABLE positions (profile TEXT NOT NULL, channel TEXT NOT "
                           "NULL, seq INTEGER NOT NULL, PRIMARY KEY(profile, channel))"),
            QStringLiteral("INSERT INTO positions VALUES('fuzz', 'incidents', 12)"),
            QStringLiteral("PRAGMA user_version=1")});

    // Nothing else may be left beside the seeds (a WAL that was not checkpointed).
    for (const QString &dir : {outbox, positions}) {
        for (const QString &file :
             QDir(dir).entryList({QStringLiteral("*-wal"), QStringLiteral("*-shm")}))
            die(QStringLiteral("left behind: ") + dir + file);
    }
    std::printf("fuzz_makeseeds: wrote the seeds in %s\n", argv[1]);
    return 0;
}
