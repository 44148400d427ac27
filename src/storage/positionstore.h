#pragma once

#include "sqlitefile.h"

#include <QHash>
#include <QString>

namespace vigil {

/// \brief A saved position: the last seq seen and the server history (epoch) it belongs to.
struct SavedPosition
{
    qint64 seq = -1;
    QString epoch; ///< empty: saved without an epoch (a server without one, or an older Vigil)
};

/// \brief The last `seq` seen per channel and server profile, kept in SQLite so a restarted
/// app resubscribes with `since` and the server replays exactly what it missed.
class PositionStore
{
public:
    PositionStore();

    bool open(const QString &path, QString *error);
    [[nodiscard]] bool isOpen() const { return m_file.isOpen(); }
    [[nodiscard]] QString recoveryNotice() const { return m_file.recoveryNotice(); }
    [[nodiscard]] QString path() const { return m_file.path(); }

    /// channel -> last position for `profile`.
    [[nodiscard]] QHash<QString, SavedPosition> load(const QString &profile) const;
    /// Stores several positions in one transaction. Within one epoch positions only move
    /// forward; a position in another epoch replaces the old one (the server's history is new).
    bool save(const QString &profile, const QHash<QString, SavedPosition> &positions);

private:
    SqliteFile m_file;
};

} // namespace vigil
