#pragma once

#include <QList>
#include <QSqlDatabase>
#include <QString>
#include <QStringList>

namespace vigil {

struct DeadLetter;

/// \brief The outbox file's tables (messages, dead_letters, evictions, counters): their
/// schema, and the row moves that several outbox operations share.
///
/// Every function runs on the outbox's worker thread, inside the caller's transaction unless it
/// says otherwise.
class OutboxTables
{
public:
    /// `migrations()[i]` takes the schema from version i to i + 1 (SqliteFile::open()).
    [[nodiscard]] static const QList<QStringList> &migrations();
    /// Counts the messages of a file, to tell how many a damaged one held.
    [[nodiscard]] static QString countMessages();

    /// Adds `by` to the lifetime counter `name` ("enqueued", "sent"...) of `profile`.
    static bool bump(const QSqlDatabase &db, const QString &profile, const QString &name,
                     qint64 by = 1);
    /// The profile of queued message `id` (and its attempts so far); empty when not queued.
    [[nodiscard]] static QString profileOf(const QSqlDatabase &db, const QString &id,
                                           int *attempts = nullptr);
    /// Moves queued message `id` to the dead letters with `reason`.
    static bool bury(const QSqlDatabase &db, const QString &id, const QString &reason);
    /// Moves rows that cannot be read (by rowid: even the id may be damaged) to the dead
    /// letters, in a transaction of its own; `dead` carries the reason of each and gets its
    /// dead_at. Returns how many moved (all or none).
    static int buryUnreadable(QSqlDatabase db, const QString &profile, const QList<qint64> &rows,
                              QList<DeadLetter> &dead);
};

} // namespace vigil
