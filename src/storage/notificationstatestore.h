#pragma once

#include "sqlitefile.h"

#include <QSet>
#include <QString>
#include <QStringList>

namespace vigil {

/// \brief Which notifications the operator marked read or dismissed, per server, kept in
/// SQLite so that switching profiles (or restarting) does not bring them back unread.
///
/// Each mark carries the time it was made; only the newest `limit` marks of a server are kept,
/// so the file stays small however long the console runs. A dismissal outranks a read mark.
/// Every write is one short transaction without an fsync (see open()), so the UI thread can
/// call it on an operator's click.
class NotificationStateStore
{
public:
    enum class Mark { Read = 1, Dismissed = 2 };

    /// What one server's marks say: ids read, and ids dismissed (never in both).
    struct Marks
    {
        QSet<QString> read;
        QSet<QString> dismissed;
    };

    explicit NotificationStateStore(int limitPerServer = 5000);

    bool open(const QString &path, QString *error);
    [[nodiscard]] bool isOpen() const { return m_file.isOpen(); }
    [[nodiscard]] QString path() const { return m_file.path(); }
    [[nodiscard]] QString recoveryNotice() const { return m_file.recoveryNotice(); }
    [[nodiscard]] int limitPerServer() const { return m_limit; }

    /// The marks recorded for `server` (empty when the store is not open).
    [[nodiscard]] Marks load(const QString &server) const;
    /// Records `ids` as `mark` at `atMs` (ms since the epoch) in one transaction, then drops
    /// the server's marks beyond the newest limitPerServer().
    bool record(const QString &server, const QStringList &ids, Mark mark, qint64 atMs);

private:
    SqliteFile m_file;
    int m_limit;
};

} // namespace vigil
