#include "notificationstatestore.h"

#include "protocol/logging.h"

#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

#include <algorithm>

namespace vigil {

NotificationStateStore::NotificationStateStore(int limitPerServer)
    : m_file(QStringLiteral("vigil-notifications"))
    , m_limit(std::max(1, limitPerServer))
{}

bool NotificationStateStore::open(const QString &path, QString *error)
{
    static const QList<QStringList> migrations = {
        {QStringLiteral("CREATE TABLE marks (server TEXT NOT NULL, id TEXT NOT NULL,"
                        " mark INTEGER NOT NULL, at INTEGER NOT NULL, PRIMARY KEY(server, id))"),
         QStringLiteral("CREATE INDEX marks_by_age ON marks(server, at)")},
    };
    QString why;
    if (!m_file.open(path, migrations, &why)) {
        *error = QStringLiteral("the notifications' read state: ") + why;
        return false;
    }
    // Losing the last click to a power cut is harmless here; an fsync per click on the UI
    // thread is not. WAL with synchronous=NORMAL still never corrupts the file.
    m_file.exec(QStringLiteral("PRAGMA synchronous=NORMAL"));
    return true;
}

NotificationStateStore::Marks NotificationStateStore::load(const QString &server) const
{
    Marks out;
    if (!isOpen())
        return out;
    QSqlQuery q(m_file.database());
    q.prepare(QStringLiteral("SELECT id, mark FROM marks WHERE server = ?"));
    q.addBindValue(server);
    if (!q.exec()) {
        qCWarning(lcQueue).noquote()
            << "reading notification marks failed:" << SqliteFile::describe(q.lastError());
        return out;
    }
    while (q.next()) {
        const QString id = q.value(0).toString();
        if (q.value(1).toInt() == int(Mark::Dismissed))
            out.dismissed.insert(id);
        else
            out.read.insert(id);
    }
    return out;
}

bool NotificationStateStore::record(const QString &server, const QStringList &ids, Mark mark,
                                    qint64 atMs)
{
    if (ids.isEmpty())
        return true;
    if (!isOpen())
        return false;
    QSqlDatabase db = m_file.database();
    if (!db.transaction()) {
        qCWarning(lcQueue).noquote()
            << "saving notification marks failed:" << SqliteFile::describe(db.lastError());
        return false;
    }
    auto fail = [&db](const QSqlQuery &q) {
        qCWarning(lcQueue).noquote()
            << "saving notification marks failed:" << SqliteFile::describe(q.lastError());
        db.rollback();
        return false;
    };
    {
        QSqlQuery q(db);
        // A dismissal is never downgraded to "read" by a later mark.
        q.prepare(QStringLiteral("INSERT INTO marks(server, id, mark, at) VALUES(?, ?, ?, ?)"
                                 " ON CONFLICT(server, id) DO UPDATE SET"
                                 " mark = max(mark, excluded.mark), at = max(at, excluded.at)"));
        for (const QString &id : ids) {
            q.addBindValue(server);
            q.addBindValue(id);
            q.addBindValue(int(mark));
            q.addBindValue(atMs);
            if (!q.exec())
                return fail(q);
        }
        QSqlQuery trim(db);
        trim.prepare(QStringLiteral("DELETE FROM marks WHERE rowid IN (SELECT rowid FROM marks"
                                    " WHERE server = ? ORDER BY at DESC, rowid DESC"
                                    " LIMIT -1 OFFSET ?)"));
        trim.addBindValue(server);
        trim.addBindValue(m_limit);
        if (!trim.exec())
            return fail(trim);
    }
    if (!db.commit()) {
        qCWarning(lcQueue).noquote()
            << "saving notification marks failed:" << SqliteFile::describe(db.lastError());
        db.rollback();
        return false;
    }
    return true;
}

} // namespace vigil
