#pragma once

#include "outbox.h"

#include <QHash>
#include <QString>

#include <future>
#include <optional>

namespace vigil {

class SqliteFile;

/// One caller's enqueue, handed to the worker thread and committed with whatever else waits.
struct EnqueueRequest
{
    QString profile;
    Envelope envelope;
    qint64 ttlMs = 0;
    std::optional<QString> id; ///< set once stored
    QString error;             ///< why not, when not
    std::promise<void> done;   ///< set when the transaction holding it has ended
};

/// \brief Lets one message into its profile's queue within the limits: refuses one too large,
/// and makes room by evicting the oldest of the lowest priority not above the new message's
/// (never a critical one), each eviction on record.
///
/// Runs on the outbox's worker thread inside the group commit's transaction; admit() is all or
/// nothing for its message (a savepoint), so one refused message does not sink the others.
class OutboxAdmission
{
public:
    OutboxAdmission(const OutboxLimits &limits, SqliteFile &file);

    /// Forgets what the queues were known to hold: other calls may have changed them since
    /// the last batch.
    void startBatch() { m_usage.clear(); }
    /// Stores `request`'s message (giving it an id when it has none) and sets `request->id`;
    /// or leaves the file as it was and sets `request->error`. False when refused.
    bool admit(EnqueueRequest *request);

private:
    // What a profile's queue holds. Read once per batch, then kept up to date by the batch
    // itself, so an enqueue does not count the whole queue again.
    struct Usage
    {
        int count = 0;
        qint64 bytes = 0;
        int critical = 0;
    };

    bool insert(EnqueueRequest *request);
    bool usageOf(const QString &profile, Usage *usage, QString *error);
    bool makeRoom(EnqueueRequest *request, qint64 bytes);
    struct Victim
    {
        QString id;
        int priority = 0;
        Envelope envelope; ///< as far as it can be read: for the record
        qint64 bytes = 0;
    };
    /// Removes `victim` from `profile`'s queue and records the eviction.
    bool evict(const QString &profile, const Victim &victim, Usage *usage, QString *error);

    const OutboxLimits &m_limits;
    SqliteFile &m_file;
    QHash<QString, Usage> m_usage;
};

} // namespace vigil
