#include "outboxtables.h"

#include "outbox.h"
#include "protocol/logging.h"
#include "sqlitefile.h"

#include <QDateTime>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

namespace vigil {

const QList<QStringList> &OutboxTables::migrations()
{
    static const QList<QStringList> list = {
        // 0 -> 1: the queue
        {QStringLiteral("CREATE TABLE messages ("
                        " id TEXT PRIMARY KEY,"
                        " profile TEXT NOT NULL,"
                        " priority INTEGER NOT NULL,"
                        " enqueued_at INTEGER NOT NULL,"
                        " attempts INTEGER NOT NULL DEFAULT 0,"
                        " bytes INTEGER NOT NULL,"
                        " envelope BLOB NOT NULL)"),
         QStringLiteral("CREATE INDEX messages_drain ON messages(profile, priority, enqueued_at)")},
        // 1 -> 2: TTL, retry timing, dead letters, evictions on record, lifetime counters
        {QStringLiteral("ALTER TABLE messages ADD COLUMN expires_at INTEGER NOT NULL DEFAULT 0"),
         QStringLiteral("ALTER TABLE messages ADD COLUMN failures INTEGER NOT NULL DEFAULT 0"),
         QStringLiteral(
             "ALTER TABLE messages ADD COLUMN next_attempt_at INTEGER NOT NULL DEFAULT 0"),
         QStringLiteral("ALTER TABLE messages ADD COLUMN last_error TEXT"),
         QStringLiteral("CREATE TABLE dead_letters ("
                        " id TEXT PRIMARY KEY,"
                        " profile TEXT NOT NULL,"
                        " priority INTEGER NOT NULL,"
                        " enqueued_at INTEGER NOT NULL,"
                        " dead_at INTEGER NOT NULL,"
                        " failures INTEGER NOT NULL,"
                        " reason TEXT NOT NULL,"
                        " bytes INTEGER NOT NULL,"
                        " envelope BLOB NOT NULL)"),
         QStringLiteral("CREATE TABLE evictions ("
                        " id TEXT NOT NULL,"
                        " profile TEXT NOT NULL,"
                        " priority INTEGER NOT NULL,"
                        " channel TEXT NOT NULL,"
                        " type TEXT NOT NULL,"
                        " evicted_at INTEGER NOT NULL)"),
         QStringLiteral("CREATE TABLE counters (profile TEXT NOT NULL, name TEXT NOT NULL,"
                        " value INTEGER NOT NULL, PRIMARY KEY(profile, name))")},
    };
    return list;
}

QString OutboxTables::countMessages()
{
    return QStringLiteral("SELECT count(*) FROM messages");
}

bool OutboxTables::bump(const QSqlDatabase &db, const QString &profile, const QString &name,
                        qint64 by)
{
    QSqlQuery q(db);
    q.prepare(QStringLiteral("INSERT INTO counters(profile, name, value) VALUES(?, ?, ?)"
                             " ON CONFLICT(profile, name) DO UPDATE SET value = value + "
                             "excluded.value"));
    q.addBindValue(profile);
    q.addBindValue(name);
    q.addBindValue(by);
    return q.exec();
}

QString OutboxTables::profileOf(const QSqlDatabase &db, const QString &id, int *attempts)
{
    QSqlQuery q(db);
    q.prepare(QStringLiteral("SELECT profile, attempts FROM messages WHERE id = ?"));
    q.addBindValue(id);
    if (!q.exec() || !q.next())
        return {};
    if (attempts)
        *attempts = q.value(1).toInt();
    return q.value(0).toString();
}

bool OutboxTables::bury(const QSqlDatabase &db, const QString &id, const QString &reason)
{
    QSqlQuery q(db);
    q.prepare(QStringLiteral(
        "INSERT OR REPLACE INTO dead_letters(id, profile, priority, enqueued_at, dead_at,"
        " failures, reason, bytes, envelope) SELECT id, profile, priority, enqueued_at, ?,"
        " failures, ?, bytes, envelope FROM messages WHERE id = ?"));
    q.addBindValue(QDateTime::currentMSecsSinceEpoch());
    q.addBindValue(reason);
    q.addBindValue(id);
    if (!q.exec())
        return false;
    QSqlQuery del(db);
    del.prepare(QStringLiteral("DELETE FROM messages WHERE id = ?"));
    del.addBindValue(id);
    return del.exec();
}

int OutboxTables::buryUnreadable(QSqlDatabase db, const QString &profile, const QList<qint64> &rows,
                                 QList<DeadLetter> &dead)
{
    if (!db.transaction())
        return 0;
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    QSqlQuery move(db);
    move.prepare(QStringLiteral(
        "INSERT OR REPLACE INTO dead_letters(id, profile, priority, enqueued_at, dead_at,"
        " failures, reason, bytes, envelope) SELECT coalesce(id, 'unreadable-row-' || rowid),"
        " profile, coalesce(priority, 2), coalesce(enqueued_at, 0), ?, coalesce(failures, 0),"
        " ?, coalesce(bytes, 0), coalesce(envelope, x'') FROM messages WHERE rowid = ?"));
    QSqlQuery del(db);
    del.prepare(QStringLiteral("DELETE FROM messages WHERE rowid = ?"));
    bool ok = true;
    for (int i = 0; ok && i < rows.size(); ++i) {
        move.addBindValue(now);
        move.addBindValue(dead[i].reason);
        move.addBindValue(rows[i]);
        del.addBindValue(rows[i]);
        ok = move.exec() && del.exec();
        move.finish();
        dead[i].deadAtMs = now;
    }
    ok = ok && bump(db, profile, QStringLiteral("deadLettered"), rows.size());
    if (!ok) {
        qCWarning(lcQueue).noquote()
            << "moving unreadable outbox rows failed:" << SqliteFile::describe(move.lastError())
            << SqliteFile::describe(del.lastError());
        db.rollback();
        return 0;
    }
    if (!db.commit()) {
        db.rollback();
        return 0;
    }
    return int(rows.size());
}

} // namespace vigil
