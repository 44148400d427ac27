#pragma once

#include "sqlitefile.h"

#include <QHash>
#include <QString>

namespace vigil {

/// \brief The last `seq` seen per channel and server profile, kept in SQLite so a restarted
/// app resubscribes with `since` and the server replays exactly what it missed.
class PositionStore
{
public:
    PositionStore();

    bool open(const QString &path, QString *error);
    [[nodiscard]] bool isOpen() const { return m_file.isOpen(); }
    [[nodiscard]] QString recoveryNotice() const { return m_file.recoveryNotice(); }

    /// channel -> last seq for `profile`.
    [[nodiscard]] QHash<QString, qint64> load(const QString &profile) const;
    /// Stores several positions in one transaction (positions only ever move forward).
    bool save(const QString &profile, const QHash<QString, qint64> &positions);

private:
    SqliteFile m_file;
};

} // namespace vigil
