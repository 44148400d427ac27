#include "outbox.h"

#include "outboxtables.h"
#include "outboxworker.h"
#include "protocol/logging.h"
#include "sqlitefile.h"

#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

#include <limits>

namespace vigil {

namespace {

// Prepares `statement`, which ends in WHERE, for the dead letters of `profile`, or only the one
// `id` of them when it is not empty.
void prepareForDeadLetters(QSqlQuery &q, const QString &statement, const QString &profile,
                           const QString &id)
{
    q.prepare(statement + (id.isEmpty() ? QStringLiteral(" profile = ?")
                                        : QStringLiteral(" profile = ? AND id = ?")));
    q.addBindValue(profile);
    if (!id.isEmpty())
        q.addBindValue(id);
}

// Runs `statement`, which takes one message id and returns a row for a queued one, for each of
// `ids`; `onRow` sees each row. Returns how many ids were found.
int forEachId(const QSqlDatabase &db, const QString &statement, const QStringList &ids,
              const std::function<void(const QSqlQuery &)> &onRow)
{
    QSqlQuery q(db);
    q.prepare(statement);
    int found = 0;
    for (const QString &id : ids) {
        q.addBindValue(id);
        if (q.exec() && q.next()) {
            ++found;
            onRow(q);
        }
        q.finish();
    }
    return found;
}

// Adds each profile's count to its lifetime counter `name`.
void bumpEach(const QSqlDatabase &db, const QHash<QString, int> &perProfile, const QString &name)
{
    for (auto it = perProfile.begin(); it != perProfile.end(); ++it)
        OutboxTables::bump(db, it.key(), name, it.value());
}

} // namespace

template<typename R, typename F> R Outbox::onWorker(R closed, F &&fn) const
{
    return m_worker ? m_worker->call(std::forward<F>(fn)) : closed;
}

Outbox::Outbox(OutboxLimits limits)
    : m_limits(limits)
{}

Outbox::~Outbox()
{
    close();
}

bool Outbox::open(const QString &path, QString *error)
{
    close();
    m_worker = std::make_unique<OutboxWorker>(m_limits);
    return m_worker->call([&] { return m_worker->open(path, error); });
}

void Outbox::close()
{
    m_worker.reset();
}

bool Outbox::isOpen() const
{
    return onWorker(false, [this] { return m_worker->file().isOpen(); });
}

QString Outbox::path() const
{
    return onWorker(QString(), [this] { return m_worker->file().path(); });
}

QString Outbox::recoveryNotice() const
{
    return onWorker(QString(), [this] { return m_worker->file().recoveryNotice(); });
}

std::optional<QString> Outbox::enqueue(const QString &profile, const Envelope &envelope,
                                       QString *error, qint64 ttlMs)
{
    if (!m_worker) {
        *error = QStringLiteral("the outbox is not open");
        return std::nullopt;
    }
    EnqueueRequest request;
    request.profile = profile;
    request.envelope = envelope;
    request.ttlMs = ttlMs;
    m_worker->enqueue(&request);
    if (!request.id)
        *error = request.error;
    return request.id;
}

QList<OutboxEntry> Outbox::pending(const QString &profile, int limit, qint64 readyAtMs,
                                   QList<DeadLetter> *buried) const
{
    if (buried)
        buried->clear();
    return onWorker(QList<OutboxEntry>(), [&] {
        QList<OutboxEntry> out;
        QList<DeadLetter> unreadable;
        QList<qint64> unreadableRows;
        QSqlQuery q(m_worker->database());
        // No LIMIT: rows that cannot be read must not use up the caller's limit (SQLite steps
        // lazily, so stopping early costs nothing).
        q.setForwardOnly(true);
        q.prepare(QStringLiteral(
            "SELECT envelope, enqueued_at, attempts, failures, next_attempt_at, expires_at,"
            " last_error, rowid, coalesce(id, 'unreadable-row-' || rowid), failures"
            " FROM messages WHERE profile = ? AND next_attempt_at <= ?"
            " ORDER BY priority, enqueued_at, rowid"));
        q.addBindValue(profile);
        q.addBindValue(readyAtMs > 0 ? readyAtMs : std::numeric_limits<qint64>::max());
        if (!q.exec()) {
            qCWarning(lcQueue).noquote()
                << "reading the outbox failed:" << SqliteFile::describe(q.lastError());
            return out;
        }
        while (out.size() < limit && q.next()) {
            const QString rowId = q.value(8).toString();
            const ParseResult parsed = parseEnvelope(q.value(0).toByteArray(), 0);
            QString why;
            if (!parsed.ok())
                why = QStringLiteral("unreadable: ") + parsed.error.message;
            else if (parsed.envelope.id != rowId)
                why = QStringLiteral("unreadable: the stored message does not carry its row's id");
            if (!why.isEmpty()) {
                DeadLetter dead;
                dead.envelope.id = rowId;
                dead.profile = profile;
                dead.reason = why;
                dead.failures = q.value(9).toInt();
                dead.enqueuedAtMs = q.value(1).toLongLong();
                unreadable.append(dead);
                unreadableRows.append(q.value(7).toLongLong());
                continue;
            }
            OutboxEntry entry;
            entry.envelope = parsed.envelope;
            entry.profile = profile;
            entry.enqueuedAtMs = q.value(1).toLongLong();
            entry.attempts = q.value(2).toInt();
            entry.failures = q.value(3).toInt();
            entry.nextAttemptAtMs = q.value(4).toLongLong();
            entry.expiresAtMs = q.value(5).toLongLong();
            entry.lastError = q.value(6).toString();
            out.append(entry);
        }
        q.finish();
        if (!unreadable.isEmpty()) {
            const int moved = OutboxTables::buryUnreadable(m_worker->database(), profile,
                                                           unreadableRows, unreadable);
            qCWarning(lcQueue).noquote()
                << "moved" << moved << "unreadable outbox row(s) of" << profile
                << "to the dead letters (first:" << unreadable.first().reason << ")";
            if (buried)
                *buried = unreadable.mid(0, moved);
        }
        return out;
    });
}

bool Outbox::markSent(const QString &id)
{
    return markSent(QStringList{id}) == 1;
}

int Outbox::markSent(const QStringList &ids)
{
    if (!m_worker || ids.isEmpty())
        return 0;
    return m_worker->call([&] { return markSentOnWorker(*m_worker, ids); });
}

int Outbox::markSentOnWorker(OutboxWorker &worker, const QStringList &ids)
{
    QSqlDatabase db = worker.database();
    db.transaction();
    QHash<QString, int> sent;
    QHash<QString, int> retried;
    const int found = forEachId(db,
                                QStringLiteral("UPDATE messages SET attempts = attempts + 1"
                                               " WHERE id = ? RETURNING profile, attempts"),
                                ids, [&](const QSqlQuery &row) {
                                    const QString profile = row.value(0).toString();
                                    ++sent[profile];
                                    if (row.value(1).toInt() > 1)
                                        ++retried[profile];
                                });
    bumpEach(db, sent, QStringLiteral("sent"));
    bumpEach(db, retried, QStringLiteral("retried"));
    if (!db.commit()) {
        db.rollback();
        return 0;
    }
    return found;
}

void Outbox::markSentLater(const QStringList &ids)
{
    if (!m_worker || ids.isEmpty())
        return;
    // The worker runs calls in order and outlives them (its destructor drains the queue).
    OutboxWorker *worker = m_worker.get();
    worker->post([worker, ids] { markSentOnWorker(*worker, ids); });
}

void Outbox::markDeliveredLater(const QStringList &ids)
{
    if (!m_worker || ids.isEmpty())
        return;
    OutboxWorker *worker = m_worker.get();
    worker->post([worker, ids] { markDeliveredOnWorker(*worker, ids); });
}

bool Outbox::markDelivered(const QString &id)
{
    return markDelivered(QStringList{id}) == 1;
}

int Outbox::markDelivered(const QStringList &ids)
{
    if (!m_worker || ids.isEmpty())
        return 0;
    return m_worker->call([&] { return markDeliveredOnWorker(*m_worker, ids); });
}

int Outbox::markDeliveredOnWorker(OutboxWorker &worker, const QStringList &ids)
{
    QSqlDatabase db = worker.database();
    db.transaction();
    QHash<QString, int> perProfile;
    const int removed =
        forEachId(db, QStringLiteral("DELETE FROM messages WHERE id = ? RETURNING profile"), ids,
                  [&](const QSqlQuery &row) { ++perProfile[row.value(0).toString()]; });
    bumpEach(db, perProfile, QStringLiteral("acked"));
    if (!db.commit()) {
        qCWarning(lcQueue).noquote()
            << "recording deliveries failed:" << SqliteFile::describe(db.lastError());
        db.rollback();
        return 0;
    }
    return removed;
}

bool Outbox::recordFailure(const QString &id, const QString &reason,
                           const std::function<qint64(int)> &nextAttemptAt, int maxFailures)
{
    return onWorker(false, [&] {
        const QString profile = OutboxTables::profileOf(m_worker->database(), id);
        if (profile.isEmpty())
            return false;
        QSqlDatabase db = m_worker->database();
        db.transaction();
        QSqlQuery q(db);
        q.prepare(QStringLiteral("UPDATE messages SET failures = failures + 1, last_error = ?"
                                 " WHERE id = ? RETURNING failures"));
        q.addBindValue(reason);
        q.addBindValue(id);
        if (!q.exec() || !q.next()) {
            db.rollback();
            return false;
        }
        const int failures = q.value(0).toInt();
        q.finish();
        QSqlQuery next(db);
        next.prepare(QStringLiteral("UPDATE messages SET next_attempt_at = ? WHERE id = ?"));
        next.addBindValue(nextAttemptAt ? nextAttemptAt(failures) : qint64(0));
        next.addBindValue(id);
        next.exec();
        bool buried = false;
        if (failures >= maxFailures) {
            buried = OutboxTables::bury(db, id, reason) &&
                     OutboxTables::bump(db, profile, QStringLiteral("deadLettered"));
            qCWarning(lcQueue).noquote()
                << "message" << id << "dead-lettered after" << failures << "failures:" << reason;
        }
        db.commit();
        return buried;
    });
}

int Outbox::expire(qint64 now)
{
    return onWorker(0, [&] {
        QSqlDatabase db = m_worker->database();
        QSqlQuery q(db);
        q.prepare(QStringLiteral("SELECT id, profile FROM messages WHERE expires_at > 0 AND "
                                 "expires_at <= ?"));
        q.addBindValue(now);
        if (!q.exec())
            return 0;
        QList<QPair<QString, QString>> due;
        while (q.next())
            due.append({q.value(0).toString(), q.value(1).toString()});
        q.finish();
        if (due.isEmpty())
            return 0;
        db.transaction();
        for (const auto &[id, profile] : std::as_const(due)) {
            OutboxTables::bury(db, id, QStringLiteral("expired"));
            OutboxTables::bump(db, profile, QStringLiteral("expired"));
        }
        db.commit();
        qCInfo(lcQueue) << due.size() << "message(s) expired into the dead-letter list";
        return int(due.size());
    });
}

bool Outbox::remove(const QString &id)
{
    return onWorker(false, [&] {
        QSqlQuery q(m_worker->database());
        q.prepare(QStringLiteral("DELETE FROM messages WHERE id = ?"));
        q.addBindValue(id);
        return q.exec() && q.numRowsAffected() > 0;
    });
}

QList<DeadLetter> Outbox::deadLetters(const QString &profile) const
{
    return onWorker(QList<DeadLetter>(), [&] {
        QList<DeadLetter> out;
        QSqlQuery q(m_worker->database());
        q.prepare(QStringLiteral("SELECT envelope, reason, failures, enqueued_at, dead_at, id FROM"
                                 " dead_letters WHERE profile = ? ORDER BY dead_at, rowid"));
        q.addBindValue(profile);
        if (!q.exec())
            return out;
        while (q.next()) {
            DeadLetter d;
            d.envelope = parseEnvelope(q.value(0).toByteArray(), 0).envelope;
            d.envelope.id = q.value(5).toString(); // the row names it, even when unreadable
            d.profile = profile;
            d.reason = q.value(1).toString();
            d.failures = q.value(2).toInt();
            d.enqueuedAtMs = q.value(3).toLongLong();
            d.deadAtMs = q.value(4).toLongLong();
            out.append(d);
        }
        return out;
    });
}

int Outbox::retryDeadLetters(const QString &profile, const QString &id)
{
    return onWorker(0, [&] {
        QSqlDatabase db = m_worker->database();
        db.transaction();
        QSqlQuery q(db);
        prepareForDeadLetters(q,
                              QStringLiteral("INSERT OR IGNORE INTO messages(id, profile, priority,"
                                             " enqueued_at, bytes, envelope) SELECT id, profile,"
                                             " priority, enqueued_at, bytes, envelope FROM"
                                             " dead_letters WHERE"),
                              profile, id);
        if (!q.exec()) {
            db.rollback();
            return 0;
        }
        const int moved = q.numRowsAffected();
        QSqlQuery del(db);
        prepareForDeadLetters(del, QStringLiteral("DELETE FROM dead_letters WHERE"), profile, id);
        del.exec();
        db.commit();
        return moved;
    });
}

int Outbox::purgeDeadLetters(const QString &profile, const QString &id)
{
    return onWorker(0, [&] {
        QSqlQuery q(m_worker->database());
        prepareForDeadLetters(q, QStringLiteral("DELETE FROM dead_letters WHERE"), profile, id);
        return q.exec() ? q.numRowsAffected() : 0;
    });
}

QList<Eviction> Outbox::evictions(const QString &profile, int limit) const
{
    return onWorker(QList<Eviction>(), [&] {
        QList<Eviction> out;
        QSqlQuery q(m_worker->database());
        q.prepare(QStringLiteral("SELECT id, priority, channel, type, evicted_at FROM evictions"
                                 " WHERE profile = ? ORDER BY rowid DESC LIMIT ?"));
        q.addBindValue(profile);
        q.addBindValue(limit);
        if (!q.exec())
            return out;
        while (q.next()) {
            out.append({q.value(0).toString(), profile, Priority(q.value(1).toInt()),
                        q.value(2).toString(), q.value(3).toString(), q.value(4).toLongLong()});
        }
        return out;
    });
}

bool Outbox::contains(const QString &id) const
{
    return onWorker(false,
                    [&] { return !OutboxTables::profileOf(m_worker->database(), id).isEmpty(); });
}

quint64 Outbox::enqueueCommits() const
{
    return m_worker ? m_worker->commits() : 0;
}

OutboxStats Outbox::stats(const QString &profile) const
{
    return onWorker(OutboxStats(), [&] {
        OutboxStats s;
        QSqlDatabase db = m_worker->database();
        QSqlQuery q(db);
        q.prepare(QStringLiteral("SELECT priority, count(*), min(enqueued_at), sum(bytes)"
                                 " FROM messages WHERE profile = ? GROUP BY priority"));
        q.addBindValue(profile);
        if (q.exec()) {
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
        }
        QSqlQuery dead(db);
        dead.prepare(QStringLiteral("SELECT count(*) FROM dead_letters WHERE profile = ?"));
        dead.addBindValue(profile);
        if (dead.exec() && dead.next())
            s.deadLetters = dead.value(0).toInt();
        QSqlQuery counters(db);
        counters.prepare(QStringLiteral("SELECT name, value FROM counters WHERE profile = ?"));
        counters.addBindValue(profile);
        if (counters.exec()) {
            const QHash<QString, qint64 OutboxStats::*> fields = {
                {QStringLiteral("enqueued"), &OutboxStats::enqueued},
                {QStringLiteral("sent"), &OutboxStats::sent},
                {QStringLiteral("acked"), &OutboxStats::acked},
                {QStringLiteral("retried"), &OutboxStats::retried},
                {QStringLiteral("evicted"), &OutboxStats::evicted},
                {QStringLiteral("expired"), &OutboxStats::expired},
                {QStringLiteral("deadLettered"), &OutboxStats::deadLettered}};
            while (counters.next()) {
                const auto field = fields.value(counters.value(0).toString());
                if (field)
                    s.*field = counters.value(1).toLongLong();
            }
        }
        return s;
    });
}

} // namespace vigil
