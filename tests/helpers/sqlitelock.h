#pragma once

// Another process's hold on an SQLite file (a second instance on the same data, a backup, an
// sqlite3 shell with a transaction open), for the tests of what Vigil does meanwhile.
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QString>
#include <QUuid>

namespace vigil::test {

/// An exclusive lock that keeps every other connection out, readers too, until release().
/// `write` is any statement that writes to the file (it takes the lock).
class SqliteLock
{
public:
    SqliteLock(const QString &path, const QString &write)
        : m_name(QUuid::createUuid().toString())
    {
        QSqlDatabase db = QSqlDatabase::addDatabase("QSQLITE", m_name);
        db.setDatabaseName(path);
        QSqlQuery q(db);
        m_held = db.open() && q.exec("PRAGMA locking_mode=EXCLUSIVE") &&
                 q.exec("BEGIN EXCLUSIVE") && q.exec(write);
    }
    ~SqliteLock() { release(); }
    SqliteLock(const SqliteLock &) = delete;
    SqliteLock &operator=(const SqliteLock &) = delete;
    [[nodiscard]] bool held() const { return m_held; }
    void release()
    {
        if (!QSqlDatabase::contains(m_name))
            return;
        {
            QSqlDatabase db = QSqlDatabase::database(m_name, false);
            db.rollback();
            db.close();
        }
        QSqlDatabase::removeDatabase(m_name);
        m_held = false;
    }

private:
    QString m_name;
    bool m_held = false;
};

} // namespace vigil::test
