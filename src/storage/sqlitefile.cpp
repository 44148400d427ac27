#include "sqlitefile.h"

#include "protocol/logging.h"

#include <QDateTime>
#include <QFile>
#include <QFileInfo>
#include <QSqlError>
#include <QSqlQuery>
#include <QUuid>
#include <QVariant>

namespace vigil {

SqliteFile::SqliteFile(const QString &prefix)
    : m_connectionName(prefix + QLatin1Char('-') +
                       QUuid::createUuid().toString(QUuid::WithoutBraces))
{}

SqliteFile::~SqliteFile()
{
    close();
}

QString SqliteFile::describe(const QSqlError &error)
{
    QString text = error.databaseText();
    if (text.isEmpty())
        text = error.text();
    return text;
}

QString SqliteFile::failure(const QSqlError &error) const
{
    // SQLITE_BUSY (5) and SQLITE_LOCKED (6), also as extended codes such as 517.
    bool ok = false;
    const int code = error.nativeErrorCode().toInt(&ok) & 0xff;
    if (ok && (code == 5 || code == 6))
        m_busy = true;
    return describe(error);
}

bool SqliteFile::isOpen() const
{
    return QSqlDatabase::contains(m_connectionName) && database().isOpen();
}

QSqlDatabase SqliteFile::database() const
{
    return QSqlDatabase::database(m_connectionName, false);
}

void SqliteFile::close()
{
    if (!QSqlDatabase::contains(m_connectionName))
        return;
    {
        QSqlDatabase db = database();
        db.close();
    }
    QSqlDatabase::removeDatabase(m_connectionName);
}

bool SqliteFile::exec(const QString &sql, QString *error) const
{
    QSqlQuery q(database());
    if (!q.exec(sql)) {
        if (error)
            *error = failure(q.lastError());
        qCWarning(lcQueue).noquote()
            << "query failed on" << m_path << ":" << describe(q.lastError());
        return false;
    }
    return true;
}

bool SqliteFile::open(const QString &path, const QList<QStringList> &migrations, QString *error,
                      const QString &countLost)
{
    close();
    m_path = path;
    m_recoveryNotice.clear();
    m_tooNew = false;
    m_busy = false;

    QString why;
    if (openFile(&why) && healthy(&why) && migrate(migrations, &why))
        return true;
    if (m_tooNew) {
        // Healthy, just not ours to change: never move a newer Vigil's data aside.
        close();
        *error = QStringLiteral("cannot open %1: %2").arg(path, why);
        return false;
    }
    if (m_busy) {
        // Another process holds it (a second instance on the same data, a backup, a shell)
        // for longer than the busy timeout: that is no damage, and it is left as it is.
        close();
        *error =
            QStringLiteral("cannot open %1: another process holds it locked (%2)").arg(path, why);
        return false;
    }

    // Tell a file we cannot touch (permissions, missing folder) from one that is damaged.
    const QFileInfo info(path);
    const bool damaged = info.exists() && info.isReadable() && info.size() > 0;
    if (!damaged) {
        close();
        *error = QStringLiteral("cannot open %1: %2").arg(path, why);
        return false;
    }

    int lost = -1;
    if (!countLost.isEmpty()) {
        QSqlQuery q(database());
        if (q.exec(countLost) && q.next())
            lost = q.value(0).toInt();
    }
    close();

    const QString stamp =
        QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyyMMdd-hhmmss"));
    const QString aside = path + QStringLiteral(".corrupt-") + stamp;
    if (!QFile::rename(path, aside)) {
        *error = QStringLiteral("%1 is damaged (%2) and cannot be moved aside").arg(path, why);
        return false;
    }
    QFile::remove(path + QStringLiteral("-wal"));
    QFile::remove(path + QStringLiteral("-shm"));

    m_recoveryNotice =
        QStringLiteral("%1 was damaged (%2). It was moved to %3 and a new, empty one was "
                       "created; %4.")
            .arg(QFileInfo(path).fileName(), why, aside,
                 countLost.isEmpty() ? QStringLiteral("nothing in it was needed")
                 : lost < 0 ? QStringLiteral("the number of lost entries could not be read")
                            : QStringLiteral("%1 entries were lost").arg(lost));
    qCWarning(lcQueue).noquote() << m_recoveryNotice;

    if (openFile(&why) && healthy(&why) && migrate(migrations, &why))
        return true;
    close();
    *error = QStringLiteral("cannot create a new %1: %2").arg(path, why);
    return false;
}

bool SqliteFile::openFile(QString *error)
{
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_connectionName);
    if (!db.isValid()) {
        *error = QStringLiteral("the Qt SQLite driver (QSQLITE) is not installed");
        return false;
    }
    db.setDatabaseName(m_path);
    db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=5000"));
    if (!db.open()) {
        *error = failure(db.lastError());
        return false;
    }
    return true;
}

bool SqliteFile::healthy(QString *why)
{
    {
        QSqlQuery q(database());
        if (!q.exec(QStringLiteral("PRAGMA quick_check"))) {
            *why = failure(q.lastError());
            return false;
        }
        if (!q.next() || q.value(0).toString() != u"ok") {
            *why = QStringLiteral("integrity check failed: %1").arg(q.value(0).toString());
            return false;
        }
    } // the check's statement must be finished before the journal mode can change
    // WAL: readers never block the writer, and a commit is one append to the log.
    // synchronous=FULL: a committed row survives power loss, not only a crash.
    QSqlQuery wal(database());
    if (!wal.exec(QStringLiteral("PRAGMA journal_mode=WAL")) || !wal.next() ||
        wal.value(0).toString() != u"wal") {
        *why = QStringLiteral("cannot switch to WAL mode: %1").arg(failure(wal.lastError()));
        return false;
    }
    wal.finish();
    return exec(QStringLiteral("PRAGMA synchronous=FULL"), why);
}

bool SqliteFile::migrate(const QList<QStringList> &migrations, QString *error)
{
    QSqlDatabase db = database();
    int version = 0;
    {
        QSqlQuery q(db);
        if (!q.exec(QStringLiteral("PRAGMA user_version")) || !q.next()) {
            *error = failure(q.lastError());
            return false;
        }
        version = q.value(0).toInt();
    }
    const int target = int(migrations.size());
    if (version < 0) {
        // Vigil never writes a negative schema version: the header is damaged or the file is
        // someone else's. It is moved aside like any other damaged file.
        *error = QStringLiteral("its schema version (%1) is not one Vigil writes").arg(version);
        return false;
    }
    if (version > target) {
        m_tooNew = true;
        *error = QStringLiteral("it was written by a newer Vigil (schema %1, this one knows %2)")
                     .arg(version)
                     .arg(target);
        return false;
    }
    for (int v = version; v < target; ++v) {
        if (!db.transaction()) {
            *error = failure(db.lastError());
            return false;
        }
        bool ok = true;
        for (const QString &sql : migrations.at(v))
            ok = ok && exec(sql, error);
        ok = ok && exec(QStringLiteral("PRAGMA user_version = %1").arg(v + 1), error);
        if (!ok || !db.commit()) {
            if (ok)
                *error = failure(db.lastError());
            db.rollback();
            return false;
        }
    }
    return true;
}

} // namespace vigil
