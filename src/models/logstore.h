#pragma once

#include <QByteArrayView>
#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

class QStringEncoder;

#include <array>
#include <deque>
#include <memory>

namespace vigil {

/// One log line as it arrives, before the store packs it.
struct LogEntryIn
{
    QString level; ///< debug, info, warn, error, or whatever the backend sends
    QString source;
    QString taskId;
    QString message;
    qint64 timestamp = 0; ///< ms since the Unix epoch
    QString id;           ///< the envelope id when known, else empty
    qint64 seq = -1;      ///< the channel position when known, else -1
};

/// \brief The fixed part of one stored line (40 bytes). Text lives in a LogTextChunk.
struct LogRecord
{
    qint64 timestamp;
    qint64 seq;          ///< -1: not known
    quint32 chunk;       ///< serial number of the text chunk (wraps; compared relative)
    quint32 offset;      ///< of the id's bytes in the chunk; the message follows them
    quint32 length;      ///< of the message, UTF-8 bytes
    quint32 source;      ///< index in the source table
    quint32 task;        ///< index in the task table
    quint16 idLength;    ///< UTF-8 bytes of the id (0: none)
    quint8 level;        ///< index in the level table
    quint8 reserved = 0; ///< keeps the record at 40 bytes
};
static_assert(sizeof(LogRecord) == 40, "a log line's record is meant to stay small");

/// Records are kept in blocks of this many lines; a block goes once all of its lines have.
inline constexpr int kLogBlockShift = 14;
inline constexpr qint64 kLogBlockLines = qint64(1) << kLogBlockShift;

struct LogRecordBlock
{
    std::array<LogRecord, kLogBlockLines> lines;
};

/// UTF-8 text of many lines, appended one after another. Its bytes are written once, before
/// the line that owns them becomes visible, and never moved: readers on other threads may
/// read what earlier lines wrote while the owner appends later lines behind them.
struct LogTextChunk
{
    explicit LogTextChunk(qsizetype size);
    std::unique_ptr<char[]> bytes;
    qsizetype capacity = 0;
    qsizetype used = 0;      ///< written only by the store's thread
    qint64 lastOrdinal = -1; ///< the newest line with text here (store's thread only)
};

/// \brief Read access to a range of stored log lines by ordinal: the store itself, and
/// snapshots of it that other threads may read while the store goes on appending.
///
/// A snapshot (LogStore::snapshot()) is a copy of this part of the store: shared pointers to
/// the record blocks and text chunks, and implicitly shared copies of the string tables. It
/// costs a few hundred pointer copies whatever the number of lines, and stays valid (and
/// unchanged) however the store wraps, shrinks or is cleared after it was taken: a block or
/// chunk the store releases lives on until the last snapshot holding it goes.
class LogLines
{
public:
    /// The oldest line held, and one past the newest: lines are [firstOrdinal, endOrdinal).
    [[nodiscard]] qint64 firstOrdinal() const { return m_first; }
    [[nodiscard]] qint64 endOrdinal() const { return m_end; }
    [[nodiscard]] qsizetype size() const { return qsizetype(m_end - m_first); }
    [[nodiscard]] bool contains(qint64 ordinal) const
    {
        return ordinal >= m_first && ordinal < m_end;
    }

    /// The record of a held line (the caller checks contains()).
    [[nodiscard]] const LogRecord &record(qint64 ordinal) const
    {
        const auto &block = m_blocks[size_t((ordinal >> kLogBlockShift) - m_firstBlock)];
        return block->lines[size_t(ordinal & (kLogBlockLines - 1))];
    }
    [[nodiscard]] QByteArrayView messageUtf8(const LogRecord &r) const
    {
        return {textOf(r) + r.idLength, qsizetype(r.length)};
    }
    [[nodiscard]] QByteArrayView idUtf8(const LogRecord &r) const
    {
        return {textOf(r), qsizetype(r.idLength)};
    }
    /// The level's rank (logLevelRank(): debug 0 .. error 3), -1 for a level not known.
    [[nodiscard]] int levelRank(const LogRecord &r) const { return m_levelRanks[r.level]; }
    [[nodiscard]] const QString &levelName(const LogRecord &r) const
    {
        return m_levels.at(r.level);
    }
    [[nodiscard]] const QString &sourceName(const LogRecord &r) const
    {
        return m_sources.at(r.source);
    }
    [[nodiscard]] const QString &taskName(const LogRecord &r) const { return m_tasks.at(r.task); }

    // Per ordinal, for views (empty or -1 for a line not held).
    [[nodiscard]] QString message(qint64 ordinal) const;
    [[nodiscard]] QString id(qint64 ordinal) const;
    [[nodiscard]] QString level(qint64 ordinal) const;
    [[nodiscard]] QString source(qint64 ordinal) const;
    [[nodiscard]] QString taskId(qint64 ordinal) const;
    [[nodiscard]] qint64 timestamp(qint64 ordinal) const;
    [[nodiscard]] qint64 seq(qint64 ordinal) const;
    /// The whole line as it came in.
    [[nodiscard]] LogEntryIn entry(qint64 ordinal) const;

    /// An empty range (a snapshot of nothing).
    LogLines();

protected:
    [[nodiscard]] const char *textOf(const LogRecord &r) const
    {
        return m_chunks[size_t(quint32(r.chunk - m_firstChunk))]->bytes.get() + r.offset;
    }

    qint64 m_first = 0;
    qint64 m_end = 0;
    qint64 m_firstBlock = 0; ///< block number (ordinal >> kLogBlockShift) of m_blocks.front()
    std::deque<std::shared_ptr<LogRecordBlock>> m_blocks;
    quint32 m_firstChunk = 0; ///< serial number of m_chunks.front()
    std::deque<std::shared_ptr<LogTextChunk>> m_chunks;
    QList<QString> m_levels; ///< by level index; never more than 256, never recycled
    std::array<qint8, 256> m_levelRanks{};
    QList<QString> m_sources; ///< by source index; a free slot is an empty string
    QList<QString> m_tasks;   ///< by task index; a free slot is an empty string
};

using LogSnapshot = LogLines;

/// \brief The log viewer's lines: a bounded ring of up to capacity() lines, packed.
///
/// Messages (and envelope ids) are UTF-8 in large text chunks (kChunkBytes each); each line is
/// one 40-byte LogRecord in a block of kLogBlockLines records. Nothing per line is a QString or
/// a QVariant: a line costs its record plus its UTF-8 text, against about five QStrings (heap
/// blocks of UTF-16 each) in a struct of QStrings.
///
/// Every line gets an ordinal, the store's own line number: it only grows (clear() included),
/// so a view refers to a line by it across wraps and a line that left the ring is simply no
/// longer contained(). Appending beyond the capacity drops the oldest lines; whole record
/// blocks and text chunks are released once none of their lines is held.
///
/// Levels, sources and task ids are interned: a record holds indices into three string tables.
/// Sources and task ids are counted per line held, and an entry whose last line leaves the ring
/// is recycled (its slot reused by the next new name). A table therefore never holds more than
/// the most distinct names held at once (at most capacity() entries, in practice far fewer:
/// a task writes many lines), however long the application runs. Levels are at most 256
/// names for good; a 257th distinct level name is stored as "?".
///
/// Not thread-safe: one thread (the UI thread) appends and reads; other threads read
/// snapshot()s.
class LogStore : public LogLines
{
public:
    static constexpr qsizetype kDefaultCapacity = 1'000'000;
    static constexpr qsizetype kMinCapacity = 10'000;
    static constexpr qsizetype kMaxCapacity = 5'000'000;
    static constexpr qsizetype kChunkBytes = qsizetype(1) << 20;
    /// A table index for a name not interned.
    static constexpr quint32 kNoIndex = 0xffffffffu;

    explicit LogStore(qsizetype capacity = kDefaultCapacity);

    /// Appends one batch (oldest first); the oldest lines go beyond the capacity.
    void append(const QList<LogEntryIn> &entries);
    [[nodiscard]] qsizetype capacity() const { return m_capacity; }
    /// Clamped to [kMinCapacity, kMaxCapacity]; shrinking drops the oldest lines at once.
    void setCapacity(qsizetype capacity);
    /// Drops every line; ordinals go on from where they were.
    void clear();

    /// Bytes held: record blocks, text chunks and the string tables (an estimate for those).
    [[nodiscard]] qsizetype memoryBytes() const;
    /// A copy of the read side that another thread may read (see LogLines).
    [[nodiscard]] LogSnapshot snapshot() const { return *this; }

    /// Indices of a name in the tables, kNoIndex when no line held has it.
    [[nodiscard]] quint32 sourceIndex(const QString &source) const;
    [[nodiscard]] quint32 taskIndex(const QString &taskId) const;
    /// Distinct sources and task ids of the lines held.
    [[nodiscard]] qsizetype sourceCount() const { return m_sourceRefs.liveCount(); }
    [[nodiscard]] qsizetype taskCount() const { return m_taskRefs.liveCount(); }
    /// The sources of the lines held, sorted (the viewer's filter choices).
    [[nodiscard]] QStringList sources() const;
    /// Grows each time the set of sources held changes.
    [[nodiscard]] quint64 sourcesVersion() const { return m_sourceRefs.version(); }

private:
    /// The counting and recycling half of one string table (the strings are in LogLines).
    class Interner
    {
    public:
        quint32 acquire(QList<QString> &strings, const QString &name);
        void release(QList<QString> &strings, quint32 index);
        [[nodiscard]] quint32 find(const QString &name) const;
        [[nodiscard]] qsizetype liveCount() const { return m_index.size(); }
        [[nodiscard]] quint64 version() const { return m_version; }
        [[nodiscard]] qsizetype memoryBytes(const QList<QString> &strings) const;
        void clear(QList<QString> &strings);

    private:
        QHash<QString, quint32> m_index;
        QList<quint32> m_refs;
        QList<quint32> m_free;
        quint64 m_version = 0;
        quint32 m_last = 0; ///< the index acquired last
    };

    void store(const LogEntryIn &entry, QStringEncoder &encoder);
    quint8 levelIndex(const QString &level);
    /// Room for `bytes` in the current chunk (a new one if needed); returns where to write.
    char *reserveText(qsizetype bytes);
    void dropOldest(qint64 count);
    void releaseUnused();

    qsizetype m_capacity;
    QHash<QString, quint8> m_levelIndex;
    qsizetype m_lastLevel = 0; ///< the level index given last
    Interner m_sourceRefs;
    Interner m_taskRefs;
    quint32 m_nextChunk = 0;
    std::shared_ptr<LogRecordBlock> m_spareBlock;
    std::shared_ptr<LogTextChunk> m_spareChunk;
};

} // namespace vigil
