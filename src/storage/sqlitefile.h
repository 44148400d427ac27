#pragma once

#include <QSqlDatabase>
#include <QString>
#include <QStringList>

namespace vigil {

/// \brief One SQLite file of Vigil's: opened on its own named connection, checked, in WAL
/// mode, with its schema brought up to date by numbered migrations.
///
/// A file that is not a healthy SQLite database is moved aside as `<name>.corrupt-<timestamp>`
/// and replaced by a fresh one; recoveryNotice() then tells the user what happened. A file
/// from a newer Vigil (higher `user_version`) is refused and left untouched.
class SqliteFile
{
public:
    /// `prefix` names the connection (a unique suffix is added).
    explicit SqliteFile(const QString &prefix);
    ~SqliteFile();
    SqliteFile(const SqliteFile &) = delete;
    SqliteFile &operator=(const SqliteFile &) = delete;

    /// `migrations[i]` holds the statements that take the schema from version i to i + 1; each
    /// runs in one transaction. `countLost` (optional) counts what a damaged file held.
    bool open(const QString &path, const QList<QStringList> &migrations, QString *error,
              const QString &countLost = {});
    void close();
    [[nodiscard]] bool isOpen() const;
    [[nodiscard]] QSqlDatabase database() const;
    [[nodiscard]] QString path() const { return m_path; }
    [[nodiscard]] QString recoveryNotice() const { return m_recoveryNotice; }
    /// Runs one statement; on failure logs it and fills `error` (when given).
    bool exec(const QString &sql, QString *error = nullptr) const;

    /// The most useful text of a Qt SQL error.
    [[nodiscard]] static QString describe(const class QSqlError &error);

private:
    bool openFile(QString *error);
    bool healthy(QString *error);
    bool migrate(const QList<QStringList> &migrations, QString *error);
    /// describe(), remembering whether the error says another connection holds a lock.
    QString failure(const class QSqlError &error) const;

    QString m_connectionName;
    QString m_path;
    QString m_recoveryNotice;
    bool m_tooNew = false;
    mutable bool m_busy = false; ///< a step of open() failed on another process's lock
};

} // namespace vigil
