#include "outbox.h"

#include "protocol/logging.h"

#include <QDateTime>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

namespace vigil {

namespace {

const QList<QStringList> &migrations()
{
    static const QList<QStringList> list = {
        // 0 -> 1
        {QStringLiteral("CREATE TABLE messages ("
                        " id TEXT PRIMARY KEY,"
                        " profile TEXT NOT NULL,"
                        " priority INTEGER NOT NULL,"
                        " enqueued_at INTEGER NOT NULL,"
                        " attempts INTEGER NOT NULL DEFAULT 0,"
                        " bytes INTEGER NOT NULL,"
                        " envelope BLOB NOT NULL)"),
         QStringLiteral("CREATE INDEX messages_drain ON messages(profile, priority, enqueued_at)")},
    };
    return list;
}

} // namespace

Outbox::Outbox()
    : m_file(QStringLiteral("vigil-outbox"))
{}

bool Outbox::open(const QString &path, QString *error)
{
    QString why;
    if (m_file.open(path, migrations(), &why, QStringLiteral("SELECT count(*) FROM messages")))
        return true;
    *error = QStringLiteral("the outbox: ") + why;
    return false;
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

    QSqlQuery q(m_file.database());
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
                     .arg(path(), SqliteFile::describe(q.lastError()));
        qCWarning(lcQueue).noquote() << *error;
        return std::nullopt;
    }
    qCDebug(lcQueue) << "enqueued" << e.id << "priority" << priorityName(e.priority);
    return e.id;
}

QList<OutboxEntry> Outbox::pending(const QString &profile, int limit) const
{
    QList<OutboxEntry> out;
    QSqlQuery q(m_file.database());
    q.prepare(QStringLiteral("SELECT envelope, enqueued_at, attempts FROM messages"
                             " WHERE profile = ? ORDER BY priority, enqueued_at, rowid LIMIT ?"));
    q.addBindValue(profile);
    q.addBindValue(limit);
    if (!q.exec()) {
        qCWarning(lcQueue).noquote()
            << "reading the outbox failed:" << SqliteFile::describe(q.lastError());
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
    QSqlQuery q(m_file.database());
    q.prepare(QStringLiteral("DELETE FROM messages WHERE id = ?"));
    q.addBindValue(id);
    if (!q.exec()) {
        qCWarning(lcQueue).noquote()
            << "removing" << id << "failed:" << SqliteFile::describe(q.lastError());
        return false;
    }
    return q.numRowsAffected() > 0;
}

bool Outbox::recordAttempt(const QString &id)
{
    QSqlQuery q(m_file.database());
    q.prepare(QStringLiteral("UPDATE messages SET attempts = attempts + 1 WHERE id = ?"));
    q.addBindValue(id);
    return q.exec();
}

bool Outbox::contains(const QString &id) const
{
    QSqlQuery q(m_file.database());
    q.prepare(QStringLiteral("SELECT 1 FROM messages WHERE id = ?"));
    q.addBindValue(id);
    return q.exec() && q.next();
}

OutboxStats Outbox::stats(const QString &profile) const
{
    OutboxStats s;
    QSqlQuery q(m_file.database());
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
