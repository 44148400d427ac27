#include "outbox.h"

#include "protocol/logging.h"
#include "sqlitefile.h"

#include <QDateTime>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <limits>
#include <mutex>
#include <thread>

namespace vigil {

namespace {

constexpr int kEvictionLogSize = 1000;

const QList<QStringList> &migrations()
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

qint64 nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

struct EnqueueRequest
{
    QString profile;
    Envelope envelope;
    qint64 ttlMs = 0;
    std::optional<QString> id;
    QString error;
    std::promise<void> done;
};

} // namespace

/// Owns the SQLite connection on its own thread and runs every call there, in order.
/// Pending enqueues are taken together and committed in one transaction.
class Outbox::Worker
{
public:
    explicit Worker(const OutboxLimits &limits)
        : m_limits(limits)
        , m_file(QStringLiteral("vigil-outbox"))
    {
        m_thread = std::thread([this] { loop(); });
    }

    ~Worker()
    {
        call([this] { m_file.close(); });
        {
            std::lock_guard lock(m_mutex);
            m_stop = true;
        }
        m_wake.notify_one();
        m_thread.join();
    }

    template<typename F> auto call(F &&fn) -> decltype(fn())
    {
        using R = decltype(fn());
        std::packaged_task<R()> task(std::forward<F>(fn));
        auto result = task.get_future();
        {
            std::lock_guard lock(m_mutex);
            m_calls.emplace_back([&task] { task(); });
        }
        m_wake.notify_one();
        return result.get(); // `task` outlives the call: we wait for it right here
    }

    void post(std::function<void()> fn)
    {
        {
            std::lock_guard lock(m_mutex);
            m_calls.emplace_back(std::move(fn));
        }
        m_wake.notify_one();
    }

    void enqueue(EnqueueRequest *request)
    {
        auto done = request->done.get_future();
        {
            std::lock_guard lock(m_mutex);
            m_enqueues.push_back(request);
        }
        m_wake.notify_one();
        done.wait();
    }

    bool open(const QString &path, QString *error)
    {
        QString why;
        if (!m_file.open(path, migrations(), &why,
                         QStringLiteral("SELECT count(*) FROM messages"))) {
            *error = QStringLiteral("the outbox: ") + why;
            return false;
        }
        if (m_limits.maxFileBytes > 0) {
            QSqlQuery q(m_file.database());
            if (q.exec(QStringLiteral("PRAGMA page_size")) && q.next()) {
                const qint64 pageSize = std::max<qint64>(512, q.value(0).toLongLong());
                m_file.exec(QStringLiteral("PRAGMA max_page_count = %1")
                                .arg(std::max<qint64>(8, m_limits.maxFileBytes / pageSize)));
            }
        }
        return true;
    }

    SqliteFile &file() { return m_file; }
    quint64 commits() const { return m_commits; }

    // --- everything below runs on the worker thread ---

    void insertBatch(const std::vector<EnqueueRequest *> &batch)
    {
        QSqlDatabase db = m_file.database();
        if (!m_file.isOpen() || !db.transaction()) {
            const QString why = m_file.isOpen() ? SqliteFile::describe(db.lastError())
                                                : QStringLiteral("the outbox is not open");
            for (EnqueueRequest *r : batch) {
                r->error = why;
                r->done.set_value();
            }
            return;
        }
        m_usage.clear(); // other calls may have changed the queue since the last batch
        for (EnqueueRequest *r : batch) {
            // A savepoint per message: one refused message does not sink the others.
            const auto before = m_usage;
            m_file.exec(QStringLiteral("SAVEPOINT one"));
            if (insertOne(r)) {
                m_file.exec(QStringLiteral("RELEASE one"));
            } else {
                m_file.exec(QStringLiteral("ROLLBACK TO one"));
                m_file.exec(QStringLiteral("RELEASE one"));
                m_usage = before;
                r->id.reset();
            }
        }
        if (db.commit()) {
            ++m_commits;
        } else {
            const QString why = QStringLiteral("could not store the message in the outbox (%1): %2")
                                    .arg(m_file.path(), SqliteFile::describe(db.lastError()));
            db.rollback();
            for (EnqueueRequest *r : batch) {
                if (r->id) {
                    r->id.reset();
                    r->error = why;
                }
            }
        }
        for (EnqueueRequest *r : batch) {
            if (!r->id)
                qCWarning(lcQueue).noquote() << "enqueue refused:" << r->error;
            r->done.set_value();
        }
    }

    bool bump(const QString &profile, const QString &name, qint64 by = 1)
    {
        QSqlQuery q(m_file.database());
        q.prepare(QStringLiteral("INSERT INTO counters(profile, name, value) VALUES(?, ?, ?)"
                                 " ON CONFLICT(profile, name) DO UPDATE SET value = value + "
                                 "excluded.value"));
        q.addBindValue(profile);
        q.addBindValue(name);
        q.addBindValue(by);
        return q.exec();
    }

    QString profileOf(const QString &id, int *attempts = nullptr)
    {
        QSqlQuery q(m_file.database());
        q.prepare(QStringLiteral("SELECT profile, attempts FROM messages WHERE id = ?"));
        q.addBindValue(id);
        if (!q.exec() || !q.next())
            return {};
        if (attempts)
            *attempts = q.value(1).toInt();
        return q.value(0).toString();
    }

    // Moves rows that cannot be read (by rowid: even the id may be damaged) to dead_letters, in
    // one transaction; `dead` carries the reason of each and gets its dead_at. Returns how many
    // moved (all or none).
    int buryUnreadable(const QString &profile, const QList<qint64> &rows, QList<DeadLetter> &dead)
    {
        QSqlDatabase db = m_file.database();
        if (!db.transaction())
            return 0;
        const qint64 now = nowMs();
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
        ok = ok && bump(profile, QStringLiteral("deadLettered"), rows.size());
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

    // Moves one row from messages to dead_letters inside the caller's transaction.
    bool bury(const QString &id, const QString &reason)
    {
        QSqlQuery q(m_file.database());
        q.prepare(QStringLiteral(
            "INSERT OR REPLACE INTO dead_letters(id, profile, priority, enqueued_at, dead_at,"
            " failures, reason, bytes, envelope) SELECT id, profile, priority, enqueued_at, ?,"
            " failures, ?, bytes, envelope FROM messages WHERE id = ?"));
        q.addBindValue(nowMs());
        q.addBindValue(reason);
        q.addBindValue(id);
        if (!q.exec())
            return false;
        QSqlQuery del(m_file.database());
        del.prepare(QStringLiteral("DELETE FROM messages WHERE id = ?"));
        del.addBindValue(id);
        return del.exec();
    }

private:
    void loop()
    {
        for (;;) {
            std::unique_lock lock(m_mutex);
            m_wake.wait(lock, [this] { return m_stop || !m_calls.empty() || !m_enqueues.empty(); });
            if (m_stop && m_calls.empty() && m_enqueues.empty())
                return;
            std::vector<EnqueueRequest *> batch = std::move(m_enqueues);
            m_enqueues.clear();
            std::deque<std::function<void()>> calls = std::move(m_calls);
            m_calls.clear();
            lock.unlock();
            if (!batch.empty())
                insertBatch(batch);
            for (auto &c : calls)
                c();
        }
    }

    bool insertOne(EnqueueRequest *r)
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

        const qint64 now = nowMs();
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
        if (!q.exec() || !bump(r->profile, QStringLiteral("enqueued"))) {
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

    // What a profile's queue holds. Read once per batch, then kept up to date by the batch
    // itself, so an enqueue does not count the whole queue again.
    struct Usage
    {
        int count = 0;
        qint64 bytes = 0;
        int critical = 0;
    };

    bool usageOf(const QString &profile, Usage *usage, QString *error)
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
    bool makeRoom(EnqueueRequest *r, qint64 bytes)
    {
        QSqlDatabase db = m_file.database();
        Usage usage;
        if (!usageOf(r->profile, &usage, &r->error))
            return false;
        for (;;) {
            if (usage.count + 1 <= m_limits.maxCount && usage.bytes + bytes <= m_limits.maxBytes) {
                m_usage.insert(r->profile, usage);
                return true;
            }
            QSqlQuery victim(db);
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
            const QString id = victim.value(0).toString();
            const int priority = victim.value(1).toInt();
            const auto parsed = parseEnvelope(victim.value(2).toByteArray(), 0);
            const qint64 victimBytes = victim.value(3).toLongLong();
            victim.finish();

            QSqlQuery log(db);
            log.prepare(QStringLiteral("INSERT INTO evictions(id, profile, priority, channel,"
                                       " type, evicted_at) VALUES(?, ?, ?, ?, ?, ?)"));
            log.addBindValue(id);
            log.addBindValue(r->profile);
            log.addBindValue(priority);
            log.addBindValue(parsed.envelope.channel);
            log.addBindValue(parsed.envelope.type);
            log.addBindValue(nowMs());
            QSqlQuery del(db);
            del.prepare(QStringLiteral("DELETE FROM messages WHERE id = ?"));
            del.addBindValue(id);
            if (!log.exec() || !del.exec() || !bump(r->profile, QStringLiteral("evicted"))) {
                r->error = SqliteFile::describe(del.lastError());
                return false;
            }
            usage.count -= 1;
            usage.bytes -= victimBytes;
            m_file.exec(QStringLiteral("DELETE FROM evictions WHERE rowid <="
                                       " (SELECT max(rowid) FROM evictions) - %1")
                            .arg(kEvictionLogSize));
            qCWarning(lcQueue).noquote()
                << "outbox full: evicted" << id << "(" << priorityName(Priority(priority))
                << parsed.envelope.type << ") to make room";
        }
    }

    QHash<QString, Usage> m_usage;
    OutboxLimits m_limits;
    SqliteFile m_file;
    std::thread m_thread;
    std::mutex m_mutex;
    std::condition_variable m_wake;
    std::deque<std::function<void()>> m_calls;
    std::vector<EnqueueRequest *> m_enqueues;
    bool m_stop = false;
    std::atomic<quint64> m_commits{0};
};

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
    m_worker = std::make_unique<Worker>(m_limits);
    return m_worker->call([&] { return m_worker->open(path, error); });
}

void Outbox::close()
{
    m_worker.reset();
}

bool Outbox::isOpen() const
{
    return m_worker && m_worker->call([this] { return m_worker->file().isOpen(); });
}

QString Outbox::path() const
{
    return m_worker ? m_worker->call([this] { return m_worker->file().path(); }) : QString();
}

QString Outbox::recoveryNotice() const
{
    return m_worker ? m_worker->call([this] { return m_worker->file().recoveryNotice(); })
                    : QString();
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
    if (!m_worker)
        return {};
    return m_worker->call([&] {
        QList<OutboxEntry> out;
        QList<DeadLetter> unreadable;
        QList<qint64> unreadableRows;
        QSqlQuery q(m_worker->file().database());
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
            const int moved = m_worker->buryUnreadable(profile, unreadableRows, unreadable);
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

int Outbox::markSentOnWorker(Worker &worker, const QStringList &ids)
{
    {
        QSqlDatabase db = worker.file().database();
        db.transaction();
        int found = 0;
        QHash<QString, int> sent;
        QHash<QString, int> retried;
        QSqlQuery q(db);
        q.prepare(QStringLiteral("UPDATE messages SET attempts = attempts + 1 WHERE id = ?"
                                 " RETURNING profile, attempts"));
        for (const QString &id : ids) {
            q.addBindValue(id);
            if (q.exec() && q.next()) {
                ++found;
                const QString profile = q.value(0).toString();
                ++sent[profile];
                if (q.value(1).toInt() > 1)
                    ++retried[profile];
            }
            q.finish();
        }
        for (auto it = sent.begin(); it != sent.end(); ++it)
            worker.bump(it.key(), QStringLiteral("sent"), it.value());
        for (auto it = retried.begin(); it != retried.end(); ++it)
            worker.bump(it.key(), QStringLiteral("retried"), it.value());
        if (!db.commit()) {
            db.rollback();
            return 0;
        }
        return found;
    }
}

void Outbox::markSentLater(const QStringList &ids)
{
    if (!m_worker || ids.isEmpty())
        return;
    // The worker runs calls in order and outlives them (its destructor drains the queue).
    Worker *worker = m_worker.get();
    worker->post([worker, ids] { markSentOnWorker(*worker, ids); });
}

void Outbox::markDeliveredLater(const QStringList &ids)
{
    if (!m_worker || ids.isEmpty())
        return;
    Worker *worker = m_worker.get();
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

int Outbox::markDeliveredOnWorker(Worker &worker, const QStringList &ids)
{
    {
        QSqlDatabase db = worker.file().database();
        db.transaction();
        int removed = 0;
        QHash<QString, int> perProfile;
        QSqlQuery q(db);
        q.prepare(QStringLiteral("DELETE FROM messages WHERE id = ? RETURNING profile"));
        for (const QString &id : ids) {
            q.addBindValue(id);
            if (q.exec() && q.next()) {
                ++perProfile[q.value(0).toString()];
                ++removed;
            }
            q.finish();
        }
        for (auto it = perProfile.begin(); it != perProfile.end(); ++it)
            worker.bump(it.key(), QStringLiteral("acked"), it.value());
        if (!db.commit()) {
            qCWarning(lcQueue).noquote()
                << "recording deliveries failed:" << SqliteFile::describe(db.lastError());
            db.rollback();
            return 0;
        }
        return removed;
    }
}

bool Outbox::recordFailure(const QString &id, const QString &reason,
                           const std::function<qint64(int)> &nextAttemptAt, int maxFailures)
{
    if (!m_worker)
        return false;
    return m_worker->call([&] {
        const QString profile = m_worker->profileOf(id);
        if (profile.isEmpty())
            return false;
        QSqlDatabase db = m_worker->file().database();
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
            buried = m_worker->bury(id, reason) &&
                     m_worker->bump(profile, QStringLiteral("deadLettered"));
            qCWarning(lcQueue).noquote()
                << "message" << id << "dead-lettered after" << failures << "failures:" << reason;
        }
        db.commit();
        return buried;
    });
}

int Outbox::expire(qint64 now)
{
    if (!m_worker)
        return 0;
    return m_worker->call([&] {
        QSqlDatabase db = m_worker->file().database();
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
            m_worker->bury(id, QStringLiteral("expired"));
            m_worker->bump(profile, QStringLiteral("expired"));
        }
        db.commit();
        qCInfo(lcQueue) << due.size() << "message(s) expired into the dead-letter list";
        return int(due.size());
    });
}

bool Outbox::remove(const QString &id)
{
    if (!m_worker)
        return false;
    return m_worker->call([&] {
        QSqlQuery q(m_worker->file().database());
        q.prepare(QStringLiteral("DELETE FROM messages WHERE id = ?"));
        q.addBindValue(id);
        return q.exec() && q.numRowsAffected() > 0;
    });
}

QList<DeadLetter> Outbox::deadLetters(const QString &profile) const
{
    if (!m_worker)
        return {};
    return m_worker->call([&] {
        QList<DeadLetter> out;
        QSqlQuery q(m_worker->file().database());
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
    if (!m_worker)
        return 0;
    return m_worker->call([&] {
        QSqlDatabase db = m_worker->file().database();
        const QString where =
            id.isEmpty() ? QStringLiteral("profile = ?") : QStringLiteral("profile = ? AND id = ?");
        db.transaction();
        QSqlQuery q(db);
        q.prepare(QStringLiteral("INSERT OR IGNORE INTO messages(id, profile, priority,"
                                 " enqueued_at, bytes, envelope) SELECT id, profile, priority,"
                                 " enqueued_at, bytes, envelope FROM dead_letters WHERE ") +
                  where);
        q.addBindValue(profile);
        if (!id.isEmpty())
            q.addBindValue(id);
        if (!q.exec()) {
            db.rollback();
            return 0;
        }
        const int moved = q.numRowsAffected();
        QSqlQuery del(db);
        del.prepare(QStringLiteral("DELETE FROM dead_letters WHERE ") + where);
        del.addBindValue(profile);
        if (!id.isEmpty())
            del.addBindValue(id);
        del.exec();
        db.commit();
        return moved;
    });
}

int Outbox::purgeDeadLetters(const QString &profile, const QString &id)
{
    if (!m_worker)
        return 0;
    return m_worker->call([&] {
        QSqlQuery q(m_worker->file().database());
        q.prepare(id.isEmpty()
                      ? QStringLiteral("DELETE FROM dead_letters WHERE profile = ?")
                      : QStringLiteral("DELETE FROM dead_letters WHERE profile = ? AND id = ?"));
        q.addBindValue(profile);
        if (!id.isEmpty())
            q.addBindValue(id);
        return q.exec() ? q.numRowsAffected() : 0;
    });
}

QList<Eviction> Outbox::evictions(const QString &profile, int limit) const
{
    if (!m_worker)
        return {};
    return m_worker->call([&] {
        QList<Eviction> out;
        QSqlQuery q(m_worker->file().database());
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
    if (!m_worker)
        return false;
    return m_worker->call([&] { return !m_worker->profileOf(id).isEmpty(); });
}

quint64 Outbox::enqueueCommits() const
{
    return m_worker ? m_worker->commits() : 0;
}

OutboxStats Outbox::stats(const QString &profile) const
{
    if (!m_worker)
        return {};
    return m_worker->call([&] {
        OutboxStats s;
        QSqlDatabase db = m_worker->file().database();
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
