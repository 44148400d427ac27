#pragma once

#include "protocol/envelope.h"
#include "protocol/logfilter.h"

#include <QByteArray>
#include <QString>

namespace vigil {

/// The message types a log filter looks at; every other type on a channel passes it.
inline const QString kLogEntryType = QStringLiteral("log.entry");
inline const QString kLogBatchType = QStringLiteral("log.batch");

/// What a subscriber's log filter leaves of a published message.
enum class LogFilterOutcome {
    Pass,   ///< send it as it is
    Drop,   ///< send nothing: the subscriber sees a hole in the seqs
    Reduced ///< a publisher's `log.batch` of which only some entries match: send the copy
};

/// Applies `filter` to `message`: a `log.entry` passes or is dropped as a whole; a publisher's
/// `log.batch` (one channel message, one seq) keeps the entries that match, and is dropped
/// when none does. Every other type passes. With `Reduced`, `*reduced` is the message with the
/// remaining entries (same id, seq and timestamp).
[[nodiscard]] LogFilterOutcome filterLogMessage(const LogFilter &filter, const Envelope &message,
                                                Envelope *reduced);
/// True unless filterLogMessage() would drop the message.
[[nodiscard]] bool passesLogFilter(const LogFilter &filter, const Envelope &message);

/// One entry of a relay `log.batch` frame: the `log.entry` payload with the envelope's `id`,
/// `seq` and `timestamp` added, as compact JSON. Empty when the payload is not an object (such
/// an entry is sent on its own, as a `log.entry`).
[[nodiscard]] QByteArray logBatchEntry(const Envelope &entry);

/// \brief The `log.entry` messages gathered for one subscriber that opted into relay batches,
/// until they go out as one `log.batch` frame.
///
/// The frame is not a channel message: it has an id of its own but no seq, nothing keeps it,
/// and each entry carries its own id and seq, so de-duplication, positions and replay work
/// per entry as if it had come alone.
class LogBatch
{
public:
    /// A batch goes out this long after its first entry at the latest...
    static constexpr int kFlushMs = 50;
    /// ...or as soon as it holds this many entries.
    static constexpr int kMaxEntries = 500;

    [[nodiscard]] bool isEmpty() const { return m_count == 0; }
    [[nodiscard]] int count() const { return m_count; }
    [[nodiscard]] bool isFull() const { return m_count >= kMaxEntries; }
    /// Whether the frame, with `entry` added, stays within `maxFrameBytes`.
    [[nodiscard]] bool fits(const QByteArray &entry, qsizetype maxFrameBytes) const;
    void add(const QByteArray &entry);
    /// The `log.batch` frame of `channel` holding what was gathered (a new `batch-<uuid>` id,
    /// the time now); the batch is empty afterwards.
    [[nodiscard]] QByteArray take(const QString &channel);

private:
    QByteArray m_entries; ///< the entries, comma-separated
    int m_count = 0;
};

} // namespace vigil
