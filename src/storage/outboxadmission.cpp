#include "outboxadmission.h"

#include "outboxtables.h"
#include "protocol/logging.h"
#include "sqlitefile.h"

#include <QDateTime>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

namespace vigil {

namespace {

constexpr int kEvictionLogSize = 1000;

} // namespace

OutboxAdmission::OutboxAdmission(const OutboxLimits &limits, SqliteFile &file)
    : m_limits(limits)
    , m_file(file)
{}

bool OutboxAdmission::admit(EnqueueRequest *request)
{
    const auto before = m_usage;
    m_file.exec(QStringLiteral("SAVEPOINT one"));
    if (insert(request)) {
        m_file.exec(QStringLiteral("RELEASE one"));
        return true;
    }
    m_file.exec(QStringLiteral("ROLLBACK TO one"));
    m_file.exec(QStringLiteral("RELEASE one"));
    m_usage = before;
    request->id.reset();
    return false;
}

bool OutboxAdmission::insert(EnqueueRequest *r)
{
    Envelope &e = r->envelope;
    if (e.id.isEmpty())
        e.id = Envelope::newId();
    const QByteArray body = e.serialize();
    if (body.size() > m_limits.maxBytes) {
        r->error = QStringLiteral("the message is %1 bytes, more than the outbox holds "
                                  "(%2 bytes)")
                       .arg(body.size())
                       .arg(m_limits.maxBytes);
        return false;
    }
    if (!makeRoom(r, body.size()))
        return false;

    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    QSqlQuery q(m_file.database());
    q.prepare(QStringLiteral("INSERT INTO messages(id, profile, priority, enqueued_at, bytes,"
                             " envelope, expires_at) VALUES(?, ?, ?, ?, ?, ?, ?)"));
    q.addBindValue(e.id);
    q.addBindValue(r->profile);
    q.addBindValue(int(e.priority));
    q.addBindValue(now);
    q.addBindValue(body.size());
    q.addBindValue(body);
    q.addBindValue(r->ttlMs > 0 ? now + r->ttlMs : qint64(0));
    if (!q.exec() ||
        !OutboxTables::bump(m_file.database(), r->profile, QStringLiteral("enqueued"))) {
        r->error = QStringLiteral("could not store the message in the outbox (%1): %2")
                       .arg(m_file.path(), SqliteFile::describe(q.lastError()));
        return false;
    }
    r->id = e.id;
    Usage &usage = m_usage[r->profile];
    usage.count += 1;
    usage.bytes += body.size();
    if (e.priority == Priority::Critical)
        usage.critical += 1;
    return true;
}

bool OutboxAdmission::usageOf(const QString &profile, Usage *usage, QString *error)
{
    auto it = m_usage.find(profile);
    if (it != m_usage.end()) {
        *usage = *it;
        return true;
    }
    QSqlQuery size(m_file.database());
    size.prepare(QStringLiteral("SELECT count(*), coalesce(sum(bytes), 0),"
                                " coalesce(sum(priority = 0), 0)"
                                " FROM messages WHERE profile = ?"));
    size.addBindValue(profile);
    if (!size.exec() || !size.next()) {
        *error = SqliteFile::describe(size.lastError());
        return false;
    }
    *usage = {size.value(0).toInt(), size.value(1).toLongLong(), size.value(2).toInt()};
    m_usage.insert(profile, *usage);
    return true;
}

// Evicts the oldest messages of the lowest priority that is not above the new message's,
// until the new one fits. Critical messages are never evicted.
bool OutboxAdmission::makeRoom(EnqueueRequest *r, qint64 bytes)
{
    Usage usage;
    if (!usageOf(r->profile, &usage, &r->error))
        return false;
    for (;;) {
        if (usage.count + 1 <= m_limits.maxCount && usage.bytes + bytes <= m_limits.maxBytes) {
            m_usage.insert(r->profile, usage);
            return true;
        }
        QSqlQuery victim(m_file.database());
        victim.prepare(QStringLiteral(
            "SELECT id, priority, envelope, bytes FROM messages WHERE profile = ? AND"
            " priority > 0 AND priority >= ? ORDER BY priority DESC, enqueued_at, rowid"
            " LIMIT 1"));
        victim.addBindValue(r->profile);
        victim.addBindValue(int(r->envelope.priority));
        if (!victim.exec() || !victim.next()) {
            r->error = usage.critical == usage.count
                           ? QStringLiteral("the outbox is full: it holds %1 critical "
                                            "messages, which are never dropped. This "
                                            "message was not queued.")
                                 .arg(usage.count)
                           : QStringLiteral("the outbox is full of messages more important "
                                            "than this %1 one; it was not queued.")
                                 .arg(priorityName(r->envelope.priority));
            return false;
        }
        const Victim chosen{victim.value(0).toString(), victim.value(1).toInt(),
                            parseEnvelope(victim.value(2).toByteArray(), 0).envelope,
                            victim.value(3).toLongLong()};
        victim.finish();
        if (!evict(r->profile, chosen, &usage, &r->error))
            return false;
    }
}

bool OutboxAdmission::evict(const QString &profile, const Victim &victim, Usage *usage,
                            QString *error)
{
    const QSqlDatabase db = m_file.database();

    QSqlQuery log(db);
    log.prepare(QStringLiteral("INSERT INTO evictions(id, profile, priority, channel,"
                               " type, evicted_at) VALUES(?, ?, ?, ?, ?, ?)"));
    log.addBindValue(victim.id);
    log.addBindValue(profile);
    log.addBindValue(victim.priority);
    log.addBindValue(victim.envelope.channel);
    log.addBindValue(victim.envelope.type);
    log.addBindValue(QDateTime::currentMSecsSinceEpoch());
    QSqlQuery del(db);
    del.prepare(QStringLiteral("DELETE FROM messages WHERE id = ?"));
    del.addBindValue(victim.id);
    if (!log.exec() || !del.exec() || !OutboxTables::bump(db, profile, QStringLiteral("evicted"))) {
        *error = SqliteFile::describe(del.lastError());
        return false;
    }
    usage->count -= 1;
    usage->bytes -= victim.bytes;
    m_file.exec(QStringLiteral("DELETE FROM evictions WHERE rowid <="
                               " (SELECT max(rowid) FROM evictions) - %1")
                    .arg(kEvictionLogSize));
    qCWarning(lcQueue).noquote() << "outbox full: evicted" << victim.id << "("
                                 << priorityName(Priority(victim.priority)) << victim.envelope.type
                                 << ") to make room";
    return true;
}

} // namespace vigil
