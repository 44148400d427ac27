#pragma once

#include "protocol/envelope.h"
#include "sqlitefile.h"

#include <QList>
#include <QString>

#include <array>
#include <optional>

namespace vigil {

/// \brief One message waiting in the outbox.
struct OutboxEntry
{
    Envelope envelope;
    QString profile;
    qint64 enqueuedAtMs = 0;
    int attempts = 0;
};

/// \brief Queue depth and age for one server profile.
struct OutboxStats
{
    int depth = 0;
    std::array<int, 4> byPriority{}; ///< indexed by Priority
    qint64 oldestEnqueuedAtMs = 0;   ///< 0 when empty
    qint64 bytes = 0;
};

/// \brief The durable outbox: every outbound operator action waits here, in SQLite, until the
/// server has it.
///
/// enqueue() returns only after the row is committed (WAL, synchronous=FULL), so a returned id
/// survives a crash or kill -9. Rows are kept per server profile and drained by priority, FIFO
/// within a priority. Each instance uses its own named database connection and must be used
/// from the thread that opened it.
class Outbox
{
public:
    Outbox();

    /// Opens or creates the queue file. A file that is not a healthy SQLite database is moved
    /// aside as `<name>.corrupt-<timestamp>` and a fresh queue is created; recoveryNotice() then
    /// says so. Returns false with a sentence in `error` when the file cannot be used at all.
    bool open(const QString &path, QString *error);
    void close() { m_file.close(); }
    [[nodiscard]] bool isOpen() const { return m_file.isOpen(); }
    [[nodiscard]] QString path() const { return m_file.path(); }
    /// Non-empty after open() had to replace a damaged file: what happened, for the user.
    [[nodiscard]] QString recoveryNotice() const { return m_file.recoveryNotice(); }

    /// Stores `envelope` for `profile`; returns its id once committed, or nullopt and `error`.
    std::optional<QString> enqueue(const QString &profile, const Envelope &envelope,
                                   QString *error);
    /// Up to `limit` entries of `profile` in drain order (priority, then age).
    [[nodiscard]] QList<OutboxEntry> pending(const QString &profile, int limit = 1000) const;
    /// Removes a delivered message. Returns true when a row was removed.
    bool remove(const QString &id);
    /// Counts one more delivery attempt for `id`.
    bool recordAttempt(const QString &id);
    [[nodiscard]] OutboxStats stats(const QString &profile) const;
    [[nodiscard]] bool contains(const QString &id) const;

private:
    SqliteFile m_file;
};

} // namespace vigil
