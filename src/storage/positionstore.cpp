#include "positionstore.h"

#include "protocol/logging.h"

#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

namespace vigil {

PositionStore::PositionStore()
    : m_file(QStringLiteral("vigil-positions"))
{}

bool PositionStore::open(const QString &path, QString *error)
{
    static const QList<QStringList> migrations = {
        {QStringLiteral("CREATE TABLE positions (profile TEXT NOT NULL, channel TEXT NOT NULL,"
                        " seq INTEGER NOT NULL, PRIMARY KEY(profile, channel))")},
        // Version 2: the server history each position belongs to (protocol `epoch`).
        {QStringLiteral("ALTER TABLE positions ADD COLUMN epoch TEXT NOT NULL DEFAULT ''")},
    };
    QString why;
    if (m_file.open(path, migrations, &why))
        return true;
    *error = QStringLiteral("the channel positions: ") + why;
    return false;
}

QHash<QString, SavedPosition> PositionStore::load(const QString &profile) const
{
    QHash<QString, SavedPosition> out;
    QSqlQuery q(m_file.database());
    q.prepare(QStringLiteral("SELECT channel, seq, epoch FROM positions WHERE profile = ?"));
    q.addBindValue(profile);
    if (!q.exec()) {
        qCWarning(lcQueue).noquote()
            << "reading positions failed:" << SqliteFile::describe(q.lastError());
        return out;
    }
    while (q.next())
        out.insert(q.value(0).toString(), {q.value(1).toLongLong(), q.value(2).toString()});
    return out;
}

bool PositionStore::save(const QString &profile, const QHash<QString, SavedPosition> &positions)
{
    if (positions.isEmpty())
        return true;
    QSqlDatabase db = m_file.database();
    if (!db.transaction())
        return false;
    QSqlQuery q(db);
    q.prepare(QStringLiteral(
        "INSERT INTO positions(profile, channel, seq, epoch) VALUES(?, ?, ?, ?)"
        " ON CONFLICT(profile, channel) DO UPDATE SET seq = excluded.seq, epoch = excluded.epoch"
        " WHERE excluded.seq > positions.seq OR excluded.epoch <> positions.epoch"));
    for (auto it = positions.begin(); it != positions.end(); ++it) {
        q.addBindValue(profile);
        q.addBindValue(it.key());
        q.addBindValue(it->seq);
        q.addBindValue(it->epoch.isNull() ? QStringLiteral("") : it->epoch); // NOT NULL
        if (!q.exec()) {
            qCWarning(lcQueue).noquote()
                << "saving positions failed:" << SqliteFile::describe(q.lastError());
            db.rollback();
            return false;
        }
    }
    return db.commit();
}

} // namespace vigil
