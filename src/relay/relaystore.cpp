#include "relaystore.h"

#include "protocol/logging.h"

#include <QRandomGenerator>
#include <QSet>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

namespace vigil {

RelayStore::RelayStore()
    : m_file(QStringLiteral("vigil-relay"))
{}

bool RelayStore::open(const QString &path, QString *error)
{
    static const QList<QStringList> migrations = {
        {QStringLiteral("CREATE TABLE history (channel TEXT NOT NULL, seq INTEGER NOT NULL,"
                        " envelope BLOB NOT NULL, PRIMARY KEY(channel, seq))"),
         QStringLiteral("CREATE TABLE heads (channel TEXT PRIMARY KEY, seq INTEGER NOT NULL)"),
         QStringLiteral("CREATE TABLE state (key TEXT PRIMARY KEY, value TEXT NOT NULL)")},
    };
    QString why;
    if (m_file.open(path, migrations, &why))
        return true;
    *error = QStringLiteral("the relay history: ") + why;
    return false;
}

QString RelayStore::newEpoch()
{
    return QStringLiteral("%1").arg(QRandomGenerator::system()->generate64(), 16, 16,
                                    QLatin1Char('0'));
}

bool RelayStore::loadEpoch(bool hasHistory)
{
    m_epoch.clear();
    QSqlQuery q(m_file.database());
    if (!q.exec(QStringLiteral("SELECT value FROM state WHERE key = 'epoch'"))) {
        qCWarning(lcRelay).noquote()
            << "cannot read the history epoch:" << SqliteFile::describe(q.lastError());
        return false;
    }
    if (q.next())
        m_epoch = q.value(0).toString();
    q.finish();
    if (!m_epoch.isEmpty() && hasHistory)
        return true;

    // The history starts empty (a new store, a replaced damaged one, emptied tables: no seq
    // from before may be taken for one of this history), or it was written before epochs
    // existed and is kept under a name from now on. Stored before any client is told.
    const QString epoch = newEpoch();
    QSqlQuery store(m_file.database());
    store.prepare(QStringLiteral("INSERT OR REPLACE INTO state(key, value) VALUES('epoch', ?)"));
    store.addBindValue(epoch);
    if (!store.exec()) {
        qCWarning(lcRelay).noquote()
            << "cannot store the history epoch:" << SqliteFile::describe(store.lastError());
        return false;
    }
    m_epoch = epoch;
    if (hasHistory)
        qCInfo(lcRelay).noquote() << "the stored history had no epoch; it is now" << m_epoch;
    else
        qCInfo(lcRelay).noquote() << "the history starts empty: new epoch" << m_epoch;
    return true;
}

bool RelayStore::load(int historySize, QHash<QString, qint64> *heads,
                      QHash<QString, std::deque<Envelope>> *history)
{
    QSqlDatabase db = m_file.database();
    QSqlQuery q(db);
    bool clean = true;
    if (q.exec(QStringLiteral("SELECT value FROM state WHERE key = 'clean'")) && q.next())
        clean = q.value(0).toString() == u"1";
    q.finish();
    if (q.exec(QStringLiteral("SELECT channel, seq FROM heads"))) {
        while (q.next())
            heads->insert(q.value(0).toString(), q.value(1).toLongLong());
    }
    q.finish();
    QSqlQuery rows(db);
    rows.prepare(QStringLiteral("SELECT channel, seq, envelope FROM history h WHERE seq >"
                                " (SELECT max(seq) FROM history WHERE channel = h.channel) - ?"
                                " ORDER BY channel, seq"));
    rows.addBindValue(historySize);
    if (!rows.exec()) {
        qCWarning(lcRelay).noquote()
            << "cannot read history:" << SqliteFile::describe(rows.lastError());
        return false;
    }
    while (rows.next()) {
        const QString channel = rows.value(0).toString();
        const ParseResult parsed = parseEnvelope(rows.value(2).toByteArray(), 0);
        if (!parsed.ok())
            continue;
        (*history)[channel].push_back(parsed.envelope);
        qint64 &head = (*heads)[channel];
        head = std::max(head, rows.value(1).toLongLong());
    }
    rows.finish();
    if (!loadEpoch(!heads->isEmpty()))
        return false;
    if (!clean) {
        qCWarning(lcRelay) << "the last run did not shut down cleanly: seq counters move ahead by"
                           << kCrashGap << "so none is reused";
        for (auto it = heads->begin(); it != heads->end(); ++it)
            it.value() += kCrashGap;
    }
    // Heads moved by a crash gap must be on disk before any new seq is handed out.
    QSqlQuery store(db);
    store.prepare(QStringLiteral("INSERT OR REPLACE INTO heads(channel, seq) VALUES(?, ?)"));
    for (auto it = heads->begin(); it != heads->end(); ++it) {
        store.addBindValue(it.key());
        store.addBindValue(it.value());
        store.exec();
    }
    Q_UNUSED(historySize)
    return m_file.exec(
        QStringLiteral("INSERT OR REPLACE INTO state(key, value) VALUES('clean', '0')"));
}

void RelayStore::append(const Envelope &envelope)
{
    m_pending.append(envelope);
}

bool RelayStore::flush(int historySize)
{
    if (!m_file.isOpen())
        return false;
    QSqlDatabase db = m_file.database();
    if (!db.transaction())
        return false;
    QHash<QString, qint64> heads;
    QSqlQuery insert(db);
    insert.prepare(
        QStringLiteral("INSERT OR REPLACE INTO history(channel, seq, envelope) VALUES(?, ?, ?)"));
    for (const Envelope &e : std::as_const(m_pending)) {
        insert.addBindValue(e.channel);
        insert.addBindValue(e.seq);
        insert.addBindValue(e.serialize());
        if (!insert.exec()) {
            qCWarning(lcRelay).noquote()
                << "cannot store history:" << SqliteFile::describe(insert.lastError());
            db.rollback();
            return false;
        }
        heads[e.channel] = std::max(heads.value(e.channel), e.seq);
    }
    QSqlQuery head(db);
    head.prepare(QStringLiteral("INSERT INTO heads(channel, seq) VALUES(?, ?) ON CONFLICT(channel)"
                                " DO UPDATE SET seq = max(seq, excluded.seq)"));
    QSqlQuery trim(db);
    trim.prepare(QStringLiteral("DELETE FROM history WHERE channel = ? AND seq <= ?"));
    for (auto it = heads.begin(); it != heads.end(); ++it) {
        head.addBindValue(it.key());
        head.addBindValue(it.value());
        head.exec();
        trim.addBindValue(it.key());
        trim.addBindValue(it.value() - historySize);
        trim.exec();
    }
    if (!db.commit()) {
        db.rollback();
        return false;
    }
    m_pending.clear();
    return true;
}

void RelayStore::close(int historySize)
{
    if (!m_file.isOpen())
        return;
    flush(historySize);
    m_file.exec(QStringLiteral("INSERT OR REPLACE INTO state(key, value) VALUES('clean', '1')"));
    m_file.close();
}

} // namespace vigil
