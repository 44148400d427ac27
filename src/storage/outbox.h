#pragma once

#include "protocol/envelope.h"

#include <QList>
#include <QString>

#include <array>
#include <functional>
#include <memory>
#include <optional>

namespace vigil {

class OutboxWorker;

/// \brief One message waiting in the outbox.
struct OutboxEntry
{
    Envelope envelope;
    QString profile;
    qint64 enqueuedAtMs = 0;
    qint64 expiresAtMs = 0; ///< 0: no TTL
    int attempts = 0;       ///< times written to a connection
    int failures = 0;       ///< times the server refused it or never acknowledged it
    qint64 nextAttemptAtMs = 0;
    QString lastError;
};

/// \brief A message that will not be delivered without an operator's decision.
struct DeadLetter
{
    Envelope envelope;
    QString profile;
    QString reason; ///< "expired", or the last delivery error
    int failures = 0;
    qint64 enqueuedAtMs = 0;
    qint64 deadAtMs = 0;
};

/// \brief A message dropped to make room, kept on record so nothing disappears silently.
struct Eviction
{
    QString id;
    QString profile;
    Priority priority = Priority::Normal;
    QString channel;
    QString type;
    qint64 evictedAtMs = 0;
};

/// \brief Queue depth, age and lifetime counters for one server profile.
struct OutboxStats
{
    int depth = 0;
    std::array<int, 4> byPriority{}; ///< indexed by Priority
    qint64 oldestEnqueuedAtMs = 0;   ///< 0 when empty
    qint64 bytes = 0;
    int deadLetters = 0;
    // Lifetime counters, kept in the file.
    qint64 enqueued = 0;
    qint64 sent = 0;    ///< writes to a connection, re-sends included
    qint64 acked = 0;   ///< confirmed by the server (or written, for a basic server)
    qint64 retried = 0; ///< writes after the first
    qint64 evicted = 0;
    qint64 expired = 0;
    qint64 deadLettered = 0;
};

/// \brief Size limits of the outbox, per server profile (except the file cap).
struct OutboxLimits
{
    int maxCount = 1000;
    qint64 maxBytes = 16 * 1024 * 1024;
    /// Cap on the whole file in bytes (0: only the disk limits it). Past it, enqueue fails
    /// exactly as on a full disk.
    qint64 maxFileBytes = 0;
};

/// \brief The durable outbox: every outbound operator action waits here, in SQLite, until the
/// server has it.
///
/// enqueue() returns the id only after the row is committed (WAL, synchronous=FULL), so a
/// returned id survives a crash, kill -9 or power loss. Concurrent enqueues from several
/// threads are committed together in one transaction (group commit): each caller still waits
/// for the commit that holds its row.
///
/// Every method is thread-safe: one worker thread (OutboxWorker) owns the database connection
/// and runs the calls in order; OutboxAdmission decides what an enqueue may evict. Methods block
/// until their work is done; an enqueue costs about one fsync.
///
/// Rows are kept per server profile and drained by priority (critical, high, normal, low),
/// FIFO within a priority. When a profile's queue is full, the oldest message of the lowest
/// priority that is not more important than the new one is evicted and recorded. Critical
/// messages are never evicted.
class Outbox
{
public:
    explicit Outbox(OutboxLimits limits = {});
    ~Outbox();
    Outbox(const Outbox &) = delete;
    Outbox &operator=(const Outbox &) = delete;

    /// Opens or creates the queue file. A damaged file is moved aside (recoveryNotice() says
    /// what happened and how many messages were lost) and a fresh queue is created. Returns
    /// false with a sentence for the user when the file cannot be used at all.
    bool open(const QString &path, QString *error);
    void close();
    [[nodiscard]] bool isOpen() const;
    [[nodiscard]] QString path() const;
    [[nodiscard]] QString recoveryNotice() const;
    [[nodiscard]] const OutboxLimits &limits() const { return m_limits; }

    /// Stores `envelope` for `profile`; returns its id once committed, or nullopt and a sentence
    /// in `error` (full of critical messages, disk full, read-only, ...). `ttlMs` > 0: the
    /// message expires into the dead-letter list if not delivered in time.
    std::optional<QString> enqueue(const QString &profile, const Envelope &envelope, QString *error,
                                   qint64 ttlMs = 0);

    /// Up to `limit` entries of `profile` in drain order. With `readyAtMs` > 0, only entries
    /// whose retry time has come (next_attempt_at <= readyAtMs).
    ///
    /// A row that cannot be read back (a damaged envelope, or one whose id is not its row's) can
    /// never be sent, and left in place it would be met first on every read: it is moved to the
    /// dead letters with the reason ("unreadable: ...") as it is met, and the read goes on past
    /// it, so `limit` counts readable entries only. `buried` (optional) receives those moved.
    QList<OutboxEntry> pending(const QString &profile, int limit = 1000, qint64 readyAtMs = 0,
                               QList<DeadLetter> *buried = nullptr) const;
    /// The message was written to a connection.
    bool markSent(const QString &id);
    /// Several messages written, recorded in one transaction; returns how many were found.
    int markSent(const QStringList &ids);
    /// The server has it (ack, or written to a basic server): it leaves the queue.
    bool markDelivered(const QString &id);
    /// Several delivered messages in one transaction; returns how many left the queue.
    int markDelivered(const QStringList &ids);
    /// markSent() and markDelivered() without waiting for the disk: queued on the worker and
    /// done in order before any later call, so the next pending() already sees them. For the
    /// UI thread, which must not wait for an fsync on every batch.
    void markSentLater(const QStringList &ids);
    void markDeliveredLater(const QStringList &ids);
    /// The server refused it or never acknowledged it. After `maxFailures` failures it moves
    /// to the dead-letter list (returns true then); otherwise it waits until
    /// `nextAttemptAt(failures so far)` (wall-clock ms).
    bool recordFailure(const QString &id, const QString &reason,
                       const std::function<qint64(int)> &nextAttemptAt, int maxFailures);
    /// Moves messages whose TTL has passed to the dead-letter list; returns how many.
    int expire(qint64 nowMs);
    /// Removes a message without delivering it. Returns true when a row was removed.
    bool remove(const QString &id);

    [[nodiscard]] QList<DeadLetter> deadLetters(const QString &profile) const;
    /// Puts dead letters back in the queue (all of the profile's when `id` is empty).
    int retryDeadLetters(const QString &profile, const QString &id = {});
    /// Deletes dead letters for good (all of the profile's when `id` is empty).
    int purgeDeadLetters(const QString &profile, const QString &id = {});
    /// The most recent evictions, newest first.
    [[nodiscard]] QList<Eviction> evictions(const QString &profile, int limit = 100) const;

    [[nodiscard]] OutboxStats stats(const QString &profile) const;
    [[nodiscard]] bool contains(const QString &id) const;
    /// Transactions that committed enqueues so far (fewer than enqueues under concurrency:
    /// that is the group commit at work).
    [[nodiscard]] quint64 enqueueCommits() const;

private:
    /// Runs `fn` on the worker and returns what it returns; `closed` when the outbox is not open.
    template<typename R, typename F> R onWorker(R closed, F &&fn) const;
    static int markSentOnWorker(OutboxWorker &worker, const QStringList &ids);
    static int markDeliveredOnWorker(OutboxWorker &worker, const QStringList &ids);
    OutboxLimits m_limits;
    std::unique_ptr<OutboxWorker> m_worker;
};

} // namespace vigil
