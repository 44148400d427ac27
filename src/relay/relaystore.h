#pragma once

#include "protocol/envelope.h"
#include "storage/sqlitefile.h"

#include <QElapsedTimer>
#include <QHash>
#include <QList>
#include <QStringList>

#include <deque>

namespace vigil {

/// \brief The relay's history and per-channel seq counters in SQLite (`--data-dir`), so a
/// restart keeps seq monotonic and history replayable.
///
/// The store also keeps the history epoch, the name of this history: a new one whenever a
/// start finds no history (a new, replaced or emptied store), or finds that the last run could
/// not save all it fanned out, one made once for a store from before epochs, and otherwise the
/// stored one, so a restart that keeps the history keeps it.
///
/// Appends are buffered and written in one transaction per flush (the relay flushes a few
/// times a second and on shutdown). A run that ended without a clean shutdown may have lost
/// its last buffered appends; the next start then moves every counter ahead by kCrashGap. So
/// that this gap always covers what a run may have handed out, the relay never stamps a seq
/// more than kCrashGap beyond what is saved (issueLimit()): when saving fails (a full disk),
/// the backlog stops there and new messages are refused until saving works again.
///
/// A failed save is loud (degraded(), problem(), a warning) and leaves a mark that outlives a
/// full disk: the `relay.sqlite.complete` file next to the store, present while every message
/// is saved or within the crash window, is deleted (which needs no space). A start that misses
/// it knows the last run lost history and starts a new epoch.
class RelayStore
{
public:
    static constexpr qint64 kCrashGap = 1000;
    /// The largest seq: JSON numbers are exact up to 2^53 - 1 in every client.
    static constexpr qint64 kMaxSeq = (qint64(1) << 53) - 1;

    RelayStore();
    /// Opens (or creates, 0600) the store. A read-only store is refused with an error that says
    /// so and is left as it is; a damaged one is moved aside, what it held is told in
    /// recoveryNotice(), and the history starts again under a new epoch with the counters
    /// moved past what could still be read of it.
    bool open(const QString &path, QString *error);
    [[nodiscard]] bool isOpen() const { return m_file.isOpen(); }
    /// What happened at open() or load() that the operator must know (damage, repairs, a
    /// previous run that lost history); empty when nothing did.
    [[nodiscard]] QString recoveryNotice() const { return m_notices.join(QLatin1Char(' ')); }

    /// A new history epoch: 16 hex digits from the system's random source.
    [[nodiscard]] static QString newEpoch();

    /// Heads and the newest `historySize` messages of each channel, and the epoch (a new one is
    /// stored first when there is no history, no epoch, or a lost one). Validates what it
    /// reads: counters that are not whole numbers in 0..kMaxSeq - kCrashGap are repaired from
    /// the history under a new epoch; messages that cannot be read are counted (unreadable())
    /// and reported. Marks the store as in use (unclean) until close().
    bool load(int historySize, QHash<QString, qint64> *heads,
              QHash<QString, std::deque<Envelope>> *history);
    /// Buffers `envelope` for the next flush; `serialized` is it as sent, when the caller has
    /// it already (a flood of log lines is then not serialized twice).
    void append(const Envelope &envelope, const QByteArray &serialized = {});
    /// History of `channel` before `seq` may go from disk at the next flush (the relay keeps
    /// no more in memory: its byte cap).
    void trimBefore(const QString &channel, qint64 seq);
    /// Writes buffered appends, trims each channel to its newest `historySize`, stores the
    /// heads. On failure everything stays buffered for the next attempt.
    bool flush(int historySize);
    /// Flushes and, when everything is saved, records a clean shutdown.
    void close(int historySize);
    /// Something waits to be written: messages, trims, or the counters a start decided on.
    [[nodiscard]] bool hasWork() const
    {
        return !m_pending.isEmpty() || !m_trims.isEmpty() || m_stateDirty;
    }
    [[nodiscard]] int pending() const { return int(m_pending.size()); }
    /// The epoch of the stored history; empty until load() succeeds.
    [[nodiscard]] QString epoch() const { return m_epoch; }

    /// The highest seq that may be handed out on `channel` now (see the class comment).
    [[nodiscard]] qint64 issueLimit(const QString &channel) const;
    /// Where a channel without history starts (0, moved ahead by crashes).
    [[nodiscard]] qint64 floor() const { return m_floor; }
    /// Saving failed and has not worked since.
    [[nodiscard]] bool degraded() const { return !m_problem.isEmpty(); }
    /// Why saving fails, for people; empty when it works.
    [[nodiscard]] QString problem() const { return m_problem; }
    /// Stored messages load() could not read.
    [[nodiscard]] int unreadable() const { return m_unreadable; }

private:
    bool loadEpoch(bool hasHistory, bool forceNew);
    bool readState(const QString &key, QString *value) const;
    void salvage(const QString &path);
    void failed(const QString &why);
    [[nodiscard]] QString markerPath() const;

    SqliteFile m_file;
    QString m_path;
    struct Pending
    {
        QString channel;
        qint64 seq = 0;
        QByteArray serialized;
    };
    QList<Pending> m_pending;
    QHash<QString, qint64> m_trims; ///< channel -> oldest seq kept
    QString m_epoch;
    QHash<QString, qint64> m_saved;      ///< heads as stored
    QHash<QString, qint64> m_stateHeads; ///< heads load() decided on, until stored
    bool m_stateDirty = false;           ///< heads, floor, epoch, "unclean" still to store
    qint64 m_floor = 0;
    qint64 m_savedFloor = 0;
    bool m_gapStored = false; ///< the store says "unclean": a crash gap will be added
    bool m_markerUsed = false;
    bool m_markerGone = false;
    QString m_problem;
    int m_failures = 0;
    QElapsedTimer m_sinceFailureLog;
    int m_unreadable = 0;
    QStringList m_notices;
    // What could still be read of a damaged store before it was moved aside.
    QHash<QString, qint64> m_salvagedHeads;
    qint64 m_salvagedMessages = -1;
};

} // namespace vigil
