#pragma once

#include "protocol/envelope.h"
#include "storage/sqlitefile.h"

#include <QHash>
#include <QList>

#include <deque>

namespace vigil {

/// \brief The relay's history and per-channel seq counters in SQLite (`--data-dir`), so a
/// restart keeps seq monotonic and history replayable.
///
/// The store also keeps the history epoch, the name of this history: a new one whenever a
/// start finds no history (a new, replaced or emptied store), one made once for a store from
/// before epochs, and otherwise the stored one, so a restart that keeps the history keeps it.
///
/// Appends are buffered and written in one transaction per flush (the relay flushes a few
/// times a second and on shutdown). A run that ended without a clean shutdown may have lost
/// its last buffered appends; the next start then moves every counter ahead by kCrashGap so
/// no seq a client may have seen is ever issued twice.
class RelayStore
{
public:
    static constexpr qint64 kCrashGap = 1000;

    RelayStore();
    bool open(const QString &path, QString *error);
    [[nodiscard]] bool isOpen() const { return m_file.isOpen(); }
    [[nodiscard]] QString recoveryNotice() const { return m_file.recoveryNotice(); }

    /// A new history epoch: 16 hex digits from the system's random source.
    [[nodiscard]] static QString newEpoch();

    /// Heads and the newest `historySize` messages of each channel, and the epoch (a new one is
    /// stored first when there is no history or no epoch). Marks the store as in use (unclean)
    /// until close().
    bool load(int historySize, QHash<QString, qint64> *heads,
              QHash<QString, std::deque<Envelope>> *history);
    void append(const Envelope &envelope);
    /// Writes buffered appends, trims each channel to `historySize`, stores the heads.
    bool flush(int historySize);
    /// Flushes and records a clean shutdown.
    void close(int historySize);
    [[nodiscard]] int pending() const { return int(m_pending.size()); }
    /// The epoch of the stored history; empty until load() succeeds.
    [[nodiscard]] QString epoch() const { return m_epoch; }

private:
    bool loadEpoch(bool hasHistory);

    SqliteFile m_file;
    QList<Envelope> m_pending;
    QString m_epoch;
};

} // namespace vigil
