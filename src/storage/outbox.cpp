#include "outbox.h"

#include "protocol/logging.h"

#include <QDateTime>
#include <QFile>
#include <QFileInfo>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QUuid>
#include <QVariant>

namespace vigil {

namespace {

constexpr int kSchemaVersion = 1;

QString describe(const QSqlError &error)
{
    QString text = error.databaseText();
    if (text.isEmpty())
        text = error.text();
    return text;
}

} // namespace

Outbox::Outbox()
    : m_connectionName(QStringLiteral("vigil-outbox-") +
                       QUuid::createUuid().toString(QUuid::WithoutBraces))
{}

Outbox::~Outbox()
{
    close();
}

bool Outbox::isOpen() const
{
    return QSqlDatabase::contains(m_connectionName) &&
           QSqlDatabase::database(m_connectionName, false).isOpen();
}

void Outbox::close()
{
    if (!QSqlDatabase::contains(m_connectionName))
        return;
    {
        QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
        db.close();
    }
    QSqlDatabase::removeDatabase(m_connectionName);
}

bool Outbox::exec(const QString &sql, QString *error)
{
    QSqlQuery q(QSqlDatabase::database(m_connectionName, false));
    if (!q.exec(sql)) {
        if (error)
            *error = describe(q.lastError());
        qCWarning(lcQueue).noquote() << "outbox query failed:" << describe(q.lastError());
        return false;
    }
    return true;
}

bool Outbox::open(const QString &path, QString *error)
{
    close();
    m_path = path;
    m_recoveryNotice.clear();

    QString why;
    m_tooNew = false;
    if (openFile(&why) && healthy(&why) && migrate(&why))
        return true;
    if (m_tooNew) {
        // Healthy, just not ours to change: never move a newer Vigil's queue aside.
        close();
        *error = QStringLiteral("cannot open the outbox at %1: %2").arg(path, why);
        return false;
    }

    // Tell a file we cannot touch (permissions, missing folder) from one that is damaged.
    const QFileInfo info(path);
    const bool damaged = info.exists() && info.isReadable() && info.size() > 0;
    if (!damaged) {
        close();
        *error = QStringLiteral("cannot open the outbox at %1: %2").arg(path, why);
        return false;
    }

    // Count what we are about to lose, if the file still lets us.
    int lost = -1;
    {
        QSqlQuery q(QSqlDatabase::database(m_connectionName, false));
        if (q.exec(QStringLiteral("SELECT count(*) FROM messages")) && q.next())
            lost = q.value(0).toInt();
    }
    close();

    const QString stamp =
        QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyyMMdd-hhmmss"));
    const QString aside = path + QStringLiteral(".corrupt-") + stamp;
    if (!QFile::rename(path, aside)) {
        *error = QStringLiteral("the outbox at %1 is damaged (%2) and cannot be moved aside")
                     .arg(path, why);
        return false;
    }
    QFile::remove(path + QStringLiteral("-wal"));
    QFile::remove(path + QStringLiteral("-shm"));

    m_recoveryNotice =
        QStringLiteral("The outbox file was damaged (%1). It was moved to %2 and a new, empty "
                       "outbox was created; %3.")
            .arg(why, aside,
                 lost < 0 ? QStringLiteral("the number of lost messages could not be read")
                          : QStringLiteral("%1 queued message(s) were lost").arg(lost));
    qCWarning(lcQueue).noquote() << m_recoveryNotice;

    if (openFile(&why) && healthy(&why) && migrate(&why))
        return true;
    close();
    *error = QStringLiteral("cannot create a new outbox at %1: %2").arg(path, why);
    return false;
}

bool Outbox::openFile(QString *error)
{
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_connectionName);
    if (!db.isValid()) {
        *error = QStringLiteral("the Qt SQLite driver (QSQLITE) is not installed");
        return false;
    }
    db.setDatabaseName(m_path);
    db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=5000"));
    if (!db.open()) {
        *error = describe(db.lastError());
        return false;
    }
    return true;
}

bool Outbox::healthy(QString *why)
{
    QSqlQuery q(QSqlDatabase::database(m_connectionName, false));
    if (!q.exec(QStringLiteral("PRAGMA quick_check"))) {
        *why = describe(q.lastError());
        return false;
    }
    if (!q.next() || q.value(0).toString() != u"ok") {
        *why = QStringLiteral("integrity check failed: %1").arg(q.value(0).toString());
        return false;
    }
    q.finish(); // an open statement would keep a read transaction and block the WAL switch
    // WAL: readers never block the writer, and a commit is one append to the log.
    // synchronous=FULL: a committed enqueue survives power loss, not only a crash.
    QSqlQuery wal(QSqlDatabase::database(m_connectionName, false));
    if (!wal.exec(QStringLiteral("PRAGMA journal_mode=WAL")) || !wal.next() ||
        wal.value(0).toString() != u"wal") {
        *why = QStringLiteral("cannot switch to WAL mode: %1").arg(describe(wal.lastError()));
        return false;
    }
    return exec(QStringLiteral("PRAGMA synchronous=FULL"), why);
}

bool Outbox::migrate(QString *error)
{
    QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
    QSqlQuery q(db);
    if (!q.exec(QStringLiteral("PRAGMA user_version")) || !q.next()) {
        *error = describe(q.lastError());
        return false;
    }
    const int version = q.value(0).toInt();
    if (version > kSchemaVersion) {
        m_tooNew = true;
        *error = QStringLiteral("the outbox was written by a newer Vigil (schema %1, this one "
                                "knows %2)")
                     .arg(version)
                     .arg(kSchemaVersion);
        return false;
    }
    if (version < 1) {
        if (!db.transaction()) {
            *error = describe(db.lastError());
            return false;
        }
        const bool ok = exec(QStringLiteral("CREATE TABLE IF NOT EXISTS messages ("
                                            " id TEXT PRIMARY KEY,"
                                            " profile TEXT NOT NULL,"
                                            " priority INTEGER NOT NULL,"
                                            " enqueued_at INTEGER NOT NULL,"
                                            " attempts INTEGER NOT NULL DEFAULT 0,"
                                            " bytes INTEGER NOT NULL,"
                                            " envelope BLOB NOT NULL)"),
                             error) &&
                        exec(QStringLiteral("CREATE INDEX IF NOT EXISTS messages_drain"
                                            " ON messages(profile, priority, enqueued_at)"),
                             error) &&
                        exec(QStringLiteral("PRAGMA user_version = 1"), error);
        if (!ok || !db.commit()) {
            db.rollback();
            if (error->isEmpty())
                *error = describe(db.lastError());
            return false;
        }
    }
    return true;
}

std::optional<QString> Outbox::enqueue(const QString &profile, const Envelope &envelope,
                                       QString *error)
{
    if (!isOpen()) {
        *error = QStringLiteral("the outbox is not open");
        return std::nullopt;
    }
    Envelope e = envelope;
    if (e.id.isEmpty())
        e.id = Envelope::newId();
    const QByteArray body = e.serialize();

    QSqlQuery q(QSqlDatabase::database(m_connectionName, false));
    q.prepare(QStringLiteral("INSERT INTO messages(id, profile, priority, enqueued_at, bytes, "
                             "envelope) VALUES(?, ?, ?, ?, ?, ?)"));
    q.addBindValue(e.id);
    q.addBindValue(profile);
    q.addBindValue(int(e.priority));
    q.addBindValue(QDateTime::currentMSecsSinceEpoch());
    q.addBindValue(body.size());
    q.addBindValue(body);
    // Autocommit: exec() returns after SQLite has committed (and fsynced) the row.
    if (!q.exec()) {
        *error = QStringLiteral("could not store the message in the outbox (%1): %2")
                     .arg(m_path, describe(q.lastError()));
        qCWarning(lcQueue).noquote() << *error;
        return std::nullopt;
    }
    qCDebug(lcQueue) << "enqueued" << e.id << "priority" << priorityName(e.priority);
    return e.id;
}

QList<OutboxEntry> Outbox::pending(const QString &profile, int limit) const
{
    QList<OutboxEntry> out;
    QSqlQuery q(QSqlDatabase::database(m_connectionName, false));
    q.prepare(QStringLiteral("SELECT envelope, enqueued_at, attempts FROM messages"
                             " WHERE profile = ? ORDER BY priority, enqueued_at, rowid LIMIT ?"));
    q.addBindValue(profile);
    q.addBindValue(limit);
    if (!q.exec()) {
        qCWarning(lcQueue).noquote() << "reading the outbox failed:" << describe(q.lastError());
        return out;
    }
    while (q.next()) {
        const ParseResult parsed = parseEnvelope(q.value(0).toByteArray(), 0);
        if (!parsed.ok()) {
            qCWarning(lcQueue).noquote()
                << "skipping an unreadable outbox row:" << parsed.error.message;
            continue;
        }
        out.append({parsed.envelope, profile, q.value(1).toLongLong(), q.value(2).toInt()});
    }
    return out;
}

bool Outbox::remove(const QString &id)
{
    QSqlQuery q(QSqlDatabase::database(m_connectionName, false));
    q.prepare(QStringLiteral("DELETE FROM messages WHERE id = ?"));
    q.addBindValue(id);
    if (!q.exec()) {
        qCWarning(lcQueue).noquote() << "removing" << id << "failed:" << describe(q.lastError());
        return false;
    }
    return q.numRowsAffected() > 0;
}

bool Outbox::recordAttempt(const QString &id)
{
    QSqlQuery q(QSqlDatabase::database(m_connectionName, false));
    q.prepare(QStringLiteral("UPDATE messages SET attempts = attempts + 1 WHERE id = ?"));
    q.addBindValue(id);
    return q.exec();
}

bool Outbox::contains(const QString &id) const
{
    QSqlQuery q(QSqlDatabase::database(m_connectionName, false));
    q.prepare(QStringLiteral("SELECT 1 FROM messages WHERE id = ?"));
    q.addBindValue(id);
    return q.exec() && q.next();
}

OutboxStats Outbox::stats(const QString &profile) const
{
    OutboxStats s;
    QSqlQuery q(QSqlDatabase::database(m_connectionName, false));
    q.prepare(QStringLiteral("SELECT priority, count(*), min(enqueued_at), sum(bytes)"
                             " FROM messages WHERE profile = ? GROUP BY priority"));
    q.addBindValue(profile);
    if (!q.exec())
        return s;
    while (q.next()) {
        const int p = q.value(0).toInt();
        const int n = q.value(1).toInt();
        if (p >= 0 && p < int(s.byPriority.size()))
            s.byPriority[size_t(p)] = n;
        s.depth += n;
        const qint64 oldest = q.value(2).toLongLong();
        if (s.oldestEnqueuedAtMs == 0 || oldest < s.oldestEnqueuedAtMs)
            s.oldestEnqueuedAtMs = oldest;
        s.bytes += q.value(3).toLongLong();
    }
    return s;
}

} // namespace vigil
