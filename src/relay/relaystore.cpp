#include "relaystore.h"

#include "protocol/logging.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRandomGenerator>
#include <QSet>
#include <QSqlError>
#include <QSqlQuery>
#include <QUuid>
#include <QVariant>

namespace vigil {

namespace {

constexpr qint64 kMaxStoredSeq = RelayStore::kMaxSeq - RelayStore::kCrashGap;
constexpr qint64 kFailureLogIntervalMs = 10000;
constexpr QFile::Permissions kOwnerOnly = QFile::ReadOwner | QFile::WriteOwner;

bool validSeq(qint64 seq)
{
    return seq >= 0 && seq <= kMaxStoredSeq;
}

QString summary(const QHash<QString, qint64> &perChannel)
{
    QStringList parts;
    for (auto it = perChannel.begin(); it != perChannel.end(); ++it)
        parts << QStringLiteral("%1 %2").arg(it.key()).arg(it.value());
    parts.sort();
    if (parts.size() > 10)
        parts = parts.mid(0, 10) << QStringLiteral("...");
    return parts.join(QStringLiteral(", "));
}

} // namespace

RelayStore::RelayStore()
    : m_file(QStringLiteral("vigil-relay"))
{
    m_sinceFailureLog.invalidate();
}

QString RelayStore::markerPath() const
{
    return m_path + QStringLiteral(".complete");
}

bool RelayStore::open(const QString &path, QString *error)
{
    static const QList<QStringList> migrations = {
        {QStringLiteral("CREATE TABLE history (channel TEXT NOT NULL, seq INTEGER NOT NULL,"
                        " envelope BLOB NOT NULL, PRIMARY KEY(channel, seq))"),
         QStringLiteral("CREATE TABLE heads (channel TEXT PRIMARY KEY, seq INTEGER NOT NULL)"),
         QStringLiteral("CREATE TABLE state (key TEXT PRIMARY KEY, value TEXT NOT NULL)")},
    };
    m_path = path;
    m_notices.clear();
    m_salvagedHeads.clear();
    m_salvagedMessages = -1;

    const QFileInfo info(path);
    if (info.exists()) {
        // A store the relay may read but not write is the operator's to fix (a permission, a
        // read-only mount), never a damaged file to replace.
        const QFileInfo dir(info.absolutePath());
        if (!info.isWritable() || !dir.isWritable()) {
            *error = QStringLiteral("the relay history %1 is read-only (%2): vigil-relay writes "
                                    "to it and, for its -wal and -shm files, to its directory. "
                                    "Make both writable for the relay's user, or give another "
                                    "--data-dir; the file was left as it is")
                         .arg(path, !info.isWritable() ? QStringLiteral("the file")
                                                       : QStringLiteral("its directory"));
            return false;
        }
        if (info.permissions() & ~(kOwnerOnly | QFile::ReadUser | QFile::WriteUser)) {
            // History is what clients sent: only the relay's user reads it.
            QFile::setPermissions(path, kOwnerOnly);
            qCInfo(lcRelay).noquote() << "made" << path << "readable by its owner only (0600)";
        }
        if (info.size() > 0)
            salvage(path);
    } else {
        // Created 0600 before SQLite opens it, so it is never readable by others.
        QFile create(path);
        if (create.open(QIODevice::WriteOnly | QIODevice::NewOnly, kOwnerOnly))
            create.close();
    }

    QString why;
    if (!m_file.open(path, migrations, &why, QStringLiteral("SELECT count(*) FROM history"))) {
        *error = QStringLiteral("the relay history: ") + why;
        return false;
    }
    // A replaced damaged file, and the -wal and -shm files, were made by SQLite.
    for (const QString &file :
         {path, path + QStringLiteral("-wal"), path + QStringLiteral("-shm")}) {
        if (QFile::exists(file))
            QFile::setPermissions(file, kOwnerOnly);
    }
    if (!m_file.recoveryNotice().isEmpty()) {
        // The damaged file went aside; say what it held, as far as it could be read.
        QString held;
        if (m_salvagedMessages >= 0 || !m_salvagedHeads.isEmpty()) {
            held = QStringLiteral(" What could still be read of it: %1 stored messages; seq "
                                  "counters %2.")
                       .arg(m_salvagedMessages >= 0 ? QString::number(m_salvagedMessages)
                                                    : QStringLiteral("an unknown number of"),
                            m_salvagedHeads.isEmpty() ? QStringLiteral("unreadable")
                                                      : summary(m_salvagedHeads));
        } else {
            held = QStringLiteral(" Nothing of it could be read.");
        }
        m_notices << m_file.recoveryNotice() + held +
                         QStringLiteral(" Its history is lost: the relay starts a new history "
                                        "epoch, so clients replay from the start of what it "
                                        "holds and tell their users, and the counters continue "
                                        "after the old ones.");
        qCWarning(lcRelay).noquote() << m_notices.last();
    }
    return true;
}

void RelayStore::salvage(const QString &path)
{
    const QString name =
        QStringLiteral("vigil-relay-probe-") + QUuid::createUuid().toString(QUuid::WithoutBraces);
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        db.setDatabaseName(path);
        if (db.open()) {
            QSqlQuery q(db);
            const bool healthy = q.exec(QStringLiteral("PRAGMA quick_check")) && q.next() &&
                                 q.value(0).toString() == u"ok";
            q.finish();
            if (!healthy) {
                // Whatever still reads: the counters, so no seq is handed out twice, and a
                // count of what is lost.
                if (q.exec(QStringLiteral("SELECT channel, seq FROM heads WHERE typeof(seq) ="
                                          " 'integer'"))) {
                    while (q.next()) {
                        const qint64 seq = q.value(1).toLongLong();
                        const QString channel = q.value(0).toString();
                        if (isValidChannelName(channel) && validSeq(seq))
                            m_salvagedHeads.insert(channel, seq);
                    }
                }
                q.finish();
                if (q.exec(QStringLiteral("SELECT channel, max(seq), count(*) FROM history"
                                          " WHERE typeof(seq) = 'integer' GROUP BY channel"))) {
                    m_salvagedMessages = 0;
                    while (q.next()) {
                        const QString channel = q.value(0).toString();
                        const qint64 seq = q.value(1).toLongLong();
                        if (isValidChannelName(channel) && validSeq(seq))
                            m_salvagedHeads[channel] = std::max(m_salvagedHeads[channel], seq);
                        m_salvagedMessages += q.value(2).toLongLong();
                    }
                }
                q.finish();
            }
        }
        db.close();
    }
    QSqlDatabase::removeDatabase(name);
}

QString RelayStore::newEpoch()
{
    return QStringLiteral("%1").arg(QRandomGenerator::system()->generate64(), 16, 16,
                                    QLatin1Char('0'));
}

bool RelayStore::readState(const QString &key, QString *value) const
{
    QSqlQuery q(m_file.database());
    q.prepare(QStringLiteral("SELECT value FROM state WHERE key = ?"));
    q.addBindValue(key);
    if (!q.exec() || !q.next())
        return false;
    *value = q.value(0).toString();
    return true;
}

bool RelayStore::loadEpoch(bool hasHistory, bool forceNew)
{
    QString stored;
    readState(QStringLiteral("epoch"), &stored);
    if (!stored.isEmpty() && hasHistory && !forceNew) {
        m_epoch = stored;
        return false;
    }
    // The history starts empty (a new store, a replaced damaged one, emptied tables: no seq
    // from before may be taken for one of this history), lost messages, or was written before
    // epochs existed and is kept under a name from now on. Stored before any seq is handed out.
    m_epoch = newEpoch();
    if (forceNew)
        qCWarning(lcRelay).noquote() << "the history continues under a new epoch" << m_epoch;
    else if (hasHistory)
        qCInfo(lcRelay).noquote() << "the stored history had no epoch; it is now" << m_epoch;
    else
        qCInfo(lcRelay).noquote() << "the history starts empty: new epoch" << m_epoch;
    return true;
}

bool RelayStore::load(int historySize, QHash<QString, qint64> *heads,
                      QHash<QString, std::deque<Envelope>> *history)
{
    QSqlDatabase db = m_file.database();
    QString value;
    const bool clean = !readState(QStringLiteral("clean"), &value) || value == u"1";
    const bool markerUsed = readState(QStringLiteral("marker"), &value) && value == u"1";
    bool forceNewEpoch = false;

    m_floor = 0;
    if (readState(QStringLiteral("floor"), &value)) {
        bool ok = false;
        const qint64 floor = value.toLongLong(&ok);
        if (ok && validSeq(floor)) {
            m_floor = floor;
        } else {
            m_notices << QStringLiteral("The stored start of new channels (\"%1\") is not a whole "
                                        "number from 0 to %2; it starts at 0 again.")
                             .arg(value.left(32))
                             .arg(kMaxStoredSeq);
            forceNewEpoch = true;
        }
    }

    // Counters an edited or broken store may hold: text, fractions, negative numbers, values
    // past 2^53 (not exact in JSON) or so close to it that a crash gap would pass it.
    QStringList badHeads;
    QSqlQuery q(db);
    if (!q.exec(QStringLiteral("SELECT channel, seq, typeof(seq) FROM heads"))) {
        qCWarning(lcRelay).noquote()
            << "cannot read the seq counters:" << SqliteFile::describe(q.lastError());
        return false;
    }
    while (q.next()) {
        const QString channel = q.value(0).toString();
        const bool integer = q.value(2).toString() == u"integer";
        const qint64 seq = integer ? q.value(1).toLongLong() : -1;
        if (!isValidChannelName(channel) || !integer || !validSeq(seq)) {
            badHeads << QStringLiteral("%1=%2").arg(channel.left(64),
                                                    q.value(1).toString().left(32));
            continue;
        }
        heads->insert(channel, seq);
    }
    q.finish();

    QSqlQuery rows(db);
    rows.prepare(QStringLiteral(
        "SELECT channel, seq, typeof(seq), envelope FROM (SELECT channel, seq, envelope,"
        " row_number() OVER (PARTITION BY channel ORDER BY seq DESC) AS n FROM history)"
        " WHERE n <= ? ORDER BY channel, seq"));
    rows.addBindValue(historySize);
    if (!rows.exec()) {
        qCWarning(lcRelay).noquote()
            << "cannot read history:" << SqliteFile::describe(rows.lastError());
        return false;
    }
    QHash<QString, qint64> unreadable;
    while (rows.next()) {
        const QString channel = rows.value(0).toString();
        const bool integer = rows.value(2).toString() == u"integer";
        const qint64 seq = integer ? rows.value(1).toLongLong() : -1;
        const ParseResult parsed = parseEnvelope(rows.value(3).toByteArray(), 0);
        if (!isValidChannelName(channel) || !integer || seq <= 0 || !validSeq(seq) ||
            !parsed.ok() || parsed.envelope.seq != seq || parsed.envelope.channel != channel) {
            ++unreadable[isValidChannelName(channel) ? channel : QStringLiteral("(invalid)")];
            continue;
        }
        (*history)[channel].push_back(parsed.envelope);
        qint64 &head = (*heads)[channel];
        head = std::max(head, seq);
    }
    rows.finish();

    if (!badHeads.isEmpty()) {
        badHeads.sort();
        m_notices << QStringLiteral("Stored seq counters were not whole numbers from 0 to %1 (%2): "
                                    "they were repaired from the stored history, which "
                                    "continues under a new epoch.")
                         .arg(kMaxStoredSeq)
                         .arg(badHeads.mid(0, 10).join(QStringLiteral(", ")));
        forceNewEpoch = true;
    }
    m_unreadable = 0;
    for (qint64 n : std::as_const(unreadable))
        m_unreadable += int(n);
    if (m_unreadable > 0) {
        m_notices << QStringLiteral("%1 stored messages could not be read (%2) and are not "
                                    "replayed; they stay in relay.sqlite until they age out.")
                         .arg(m_unreadable)
                         .arg(summary(unreadable));
    }
    // What a damaged store it replaced still told about its counters.
    for (auto it = m_salvagedHeads.begin(); it != m_salvagedHeads.end(); ++it)
        (*heads)[it.key()] = std::max(heads->value(it.key()), it.value() + kCrashGap);
    const bool hasHistory = !heads->isEmpty();
    if (markerUsed && hasHistory && m_salvagedHeads.isEmpty() && !QFile::exists(markerPath())) {
        m_notices << QStringLiteral("The last run could not save all the messages it fanned "
                                    "out (see its log): its history is incomplete and "
                                    "continues under a new epoch.");
        forceNewEpoch = true;
    }
    loadEpoch(hasHistory, forceNewEpoch);
    if (!clean) {
        qCWarning(lcRelay) << "the last run did not shut down cleanly: seq counters move ahead by"
                           << kCrashGap << "so none is reused";
        for (auto it = heads->begin(); it != heads->end(); ++it)
            it.value() += kCrashGap;
        m_floor += kCrashGap;
    }
    for (const QString &notice : std::as_const(m_notices))
        qCWarning(lcRelay).noquote() << notice;

    // What is on disk now, as the next start would read it: the limit of what may be handed
    // out until the new counters (and "not shut down cleanly") are stored.
    m_saved.clear();
    for (auto it = heads->begin(); it != heads->end(); ++it)
        m_saved.insert(it.key(), clean ? it.value() : it.value() - kCrashGap);
    m_savedFloor = clean ? m_floor : m_floor - kCrashGap;
    m_gapStored = !clean;
    m_stateHeads = *heads;
    m_stateDirty = true;

    // The mark of a complete history; its state row says the store uses one.
    QFile marker(markerPath());
    m_markerUsed = marker.open(QIODevice::WriteOnly, kOwnerOnly);
    m_markerGone = !m_markerUsed;
    marker.close();
    flush(historySize);
    return true;
}

void RelayStore::append(const Envelope &envelope, const QByteArray &serialized)
{
    m_pending.append(
        {envelope.channel, envelope.seq, serialized.isEmpty() ? envelope.serialize() : serialized});
}

void RelayStore::trimBefore(const QString &channel, qint64 seq)
{
    qint64 &keep = m_trims[channel];
    keep = std::max(keep, seq);
}

qint64 RelayStore::issueLimit(const QString &channel) const
{
    const qint64 saved = m_saved.value(channel, m_savedFloor);
    return std::min(kMaxSeq, saved + (m_gapStored ? kCrashGap : 0));
}

void RelayStore::failed(const QString &why)
{
    const bool first = m_problem.isEmpty();
    m_problem = QStringLiteral("cannot save the history to %1: %2").arg(m_path, why);
    ++m_failures;
    if (m_markerUsed && !m_markerGone) {
        // Deleting needs no space, unlike any write: the next start learns that this run
        // lost history even if the disk stays full until then.
        m_markerGone = QFile::remove(markerPath());
    }
    if (first || !m_sinceFailureLog.isValid() ||
        m_sinceFailureLog.elapsed() >= kFailureLogIntervalMs) {
        m_sinceFailureLog.start();
        qCCritical(lcRelay).noquote()
            << m_problem << QStringLiteral("(%1 attempts).").arg(m_failures) << m_pending.size()
            << "messages wait to be saved; once" << kCrashGap
            << "of a channel wait, new messages on it are refused. /api/health says "
               "\"degraded\" until saving works again.";
    }
}

bool RelayStore::flush(int historySize)
{
    if (!m_file.isOpen())
        return false;
    if (m_pending.isEmpty() && m_trims.isEmpty() && !m_stateDirty)
        return true;
    QSqlDatabase db = m_file.database();
    if (!db.transaction()) {
        failed(SqliteFile::describe(db.lastError()));
        return false;
    }
    QString error;
    auto run = [&](QSqlQuery &q) {
        if (q.exec())
            return true;
        error = SqliteFile::describe(q.lastError());
        return false;
    };
    bool ok = true;
    QHash<QString, qint64> heads;
    QSqlQuery insert(db);
    insert.prepare(
        QStringLiteral("INSERT OR REPLACE INTO history(channel, seq, envelope) VALUES(?, ?, ?)"));
    for (const Pending &e : std::as_const(m_pending)) {
        heads[e.channel] = std::max(heads.value(e.channel), e.seq);
        if (e.seq < m_trims.value(e.channel, 0))
            continue; // already out of the history the relay keeps
        insert.addBindValue(e.channel);
        insert.addBindValue(e.seq);
        insert.addBindValue(e.serialized);
        if (!(ok = run(insert)))
            break;
    }
    QSqlQuery head(db);
    head.prepare(QStringLiteral("INSERT INTO heads(channel, seq) VALUES(?, ?) ON CONFLICT(channel)"
                                " DO UPDATE SET seq = max(seq, excluded.seq)"));
    QHash<QString, qint64> allHeads = heads;
    if (m_stateDirty) {
        for (auto it = m_stateHeads.begin(); it != m_stateHeads.end(); ++it)
            allHeads[it.key()] = std::max(allHeads.value(it.key()), it.value());
    }
    for (auto it = allHeads.begin(); ok && it != allHeads.end(); ++it) {
        head.addBindValue(it.key());
        head.addBindValue(it.value());
        ok = run(head);
    }
    // Trim by count, never by seq arithmetic: the counters jump after a crash, and what was
    // saved before it stays until newer messages push it out.
    QSqlQuery trim(db);
    trim.prepare(QStringLiteral(
        "DELETE FROM history WHERE channel = ? AND seq < (SELECT min(seq) FROM (SELECT seq"
        " FROM history WHERE channel = ? ORDER BY seq DESC LIMIT ?))"));
    for (auto it = heads.begin(); ok && it != heads.end(); ++it) {
        trim.addBindValue(it.key());
        trim.addBindValue(it.key());
        trim.addBindValue(historySize);
        ok = run(trim);
    }
    QSqlQuery cut(db);
    cut.prepare(QStringLiteral("DELETE FROM history WHERE channel = ? AND seq < ?"));
    for (auto it = m_trims.begin(); ok && it != m_trims.end(); ++it) {
        cut.addBindValue(it.key());
        cut.addBindValue(it.value());
        ok = run(cut);
    }
    if (ok && m_stateDirty) {
        QSqlQuery state(db);
        state.prepare(QStringLiteral("INSERT OR REPLACE INTO state(key, value) VALUES"
                                     " ('floor', ?), ('clean', '0'), ('marker', ?), ('epoch', ?)"));
        state.addBindValue(QString::number(m_floor));
        state.addBindValue(m_markerUsed ? QStringLiteral("1") : QStringLiteral("0"));
        state.addBindValue(m_epoch);
        ok = run(state);
    }
    if (ok && !db.commit()) {
        error = SqliteFile::describe(db.lastError());
        ok = false;
    }
    if (!ok) {
        db.rollback();
        failed(error);
        return false;
    }

    for (auto it = allHeads.begin(); it != allHeads.end(); ++it)
        m_saved[it.key()] = std::max(m_saved.value(it.key(), m_savedFloor), it.value());
    if (m_stateDirty) {
        m_savedFloor = m_floor;
        m_gapStored = true;
        m_stateDirty = false;
    }
    const int saved = int(m_pending.size());
    m_pending.clear();
    m_trims.clear();
    if (!m_problem.isEmpty()) {
        qCWarning(lcRelay).noquote()
            << "saving the history works again:" << saved << "waiting messages saved after"
            << m_failures << "failed attempts";
        m_problem.clear();
        m_failures = 0;
    }
    if (m_markerGone && m_markerUsed) {
        // Everything fanned out is saved again: the history is complete.
        QFile marker(markerPath());
        m_markerGone = !marker.open(QIODevice::WriteOnly, kOwnerOnly);
    }
    return true;
}

void RelayStore::close(int historySize)
{
    if (!m_file.isOpen())
        return;
    if (flush(historySize) && !hasWork()) {
        m_file.exec(
            QStringLiteral("INSERT OR REPLACE INTO state(key, value) VALUES('clean', '1')"));
    } else {
        qCCritical(lcRelay).noquote()
            << QStringLiteral("stopping with %1 messages not saved (%2): relay.sqlite stays "
                              "marked as not shut down cleanly, so the next start moves the "
                              "counters past them and starts a new history epoch")
                   .arg(m_pending.size())
                   .arg(m_problem);
    }
    m_file.close();
}

} // namespace vigil
