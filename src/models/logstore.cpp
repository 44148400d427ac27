#include "logstore.h"

#include "protocol/logfilter.h"

#include <QStringEncoder>

#include <algorithm>
#include <cstring>

namespace vigil {

namespace {
// Longer ids than this are not kept (an envelope id is at most kMaxNameLength characters).
constexpr qsizetype kMaxIdChars = 1024;
// Text up to this size is encoded straight into a chunk; longer text is measured first.
constexpr qsizetype kDirectEncodeChars = LogStore::kChunkBytes / 16;
const QString kOtherLevel = QStringLiteral("?");
} // namespace

LogTextChunk::LogTextChunk(qsizetype size)
    : bytes(new char[size_t(size)])
    , capacity(size)
{}

// ---------------------------------------------------------------------------------------------

LogLines::LogLines()
    : m_sources{QString()}
    , m_tasks{QString()}
{
    m_levelRanks.fill(-1);
}

QString LogLines::message(qint64 ordinal) const
{
    if (!contains(ordinal))
        return {};
    const QByteArrayView text = messageUtf8(record(ordinal));
    return QString::fromUtf8(text.data(), text.size());
}

QString LogLines::id(qint64 ordinal) const
{
    if (!contains(ordinal))
        return {};
    const QByteArrayView text = idUtf8(record(ordinal));
    return QString::fromUtf8(text.data(), text.size());
}

QString LogLines::level(qint64 ordinal) const
{
    return contains(ordinal) ? levelName(record(ordinal)) : QString();
}

QString LogLines::source(qint64 ordinal) const
{
    return contains(ordinal) ? sourceName(record(ordinal)) : QString();
}

QString LogLines::taskId(qint64 ordinal) const
{
    return contains(ordinal) ? taskName(record(ordinal)) : QString();
}

qint64 LogLines::timestamp(qint64 ordinal) const
{
    return contains(ordinal) ? record(ordinal).timestamp : -1;
}

qint64 LogLines::seq(qint64 ordinal) const
{
    return contains(ordinal) ? record(ordinal).seq : -1;
}

LogEntryIn LogLines::entry(qint64 ordinal) const
{
    if (!contains(ordinal))
        return {};
    const LogRecord &r = record(ordinal);
    LogEntryIn e;
    e.level = levelName(r);
    e.source = sourceName(r);
    e.taskId = taskName(r);
    e.message = message(ordinal);
    e.timestamp = r.timestamp;
    e.id = id(ordinal);
    e.seq = r.seq;
    return e;
}

// ---------------------------------------------------------------------------------------------

quint32 LogStore::Interner::acquire(QList<QString> &strings, const QString &name)
{
    if (name.isEmpty())
        return 0; // index 0 is the empty name, held by no count
    // Neighbouring lines mostly share their source and task: try the last name before hashing.
    // A recycled or freed slot holds another name (or none) and simply does not compare equal.
    if (m_last != 0 && strings.at(m_last) == name) {
        ++m_refs[m_last];
        return m_last;
    }
    const auto it = m_index.constFind(name);
    if (it != m_index.cend()) {
        ++m_refs[*it];
        m_last = *it;
        return *it;
    }
    quint32 index;
    if (!m_free.isEmpty()) {
        index = m_free.takeLast();
        strings[index] = name;
        m_refs[index] = 1;
    } else {
        index = quint32(strings.size());
        strings.append(name);
        m_refs.append(1);
    }
    m_index.insert(name, index);
    ++m_version;
    m_last = index;
    return index;
}

void LogStore::Interner::release(QList<QString> &strings, quint32 index)
{
    if (index == 0 || --m_refs[index] > 0)
        return;
    m_index.remove(strings.at(index));
    strings[index] = QString();
    m_free.append(index);
    ++m_version;
}

quint32 LogStore::Interner::find(const QString &name) const
{
    if (name.isEmpty())
        return 0;
    return m_index.value(name, kNoIndex);
}

qsizetype LogStore::Interner::memoryBytes(const QList<QString> &strings) const
{
    // The list of names and the counts, plus per live name its UTF-16 heap block and a hash
    // node (key, value, span slot): an estimate, not an allocator's figure.
    qsizetype bytes = strings.capacity() * qsizetype(sizeof(QString)) +
                      m_refs.capacity() * qsizetype(sizeof(quint32)) +
                      m_free.capacity() * qsizetype(sizeof(quint32));
    for (auto it = m_index.cbegin(); it != m_index.cend(); ++it)
        bytes += 16 + it.key().size() * 2 + qsizetype(sizeof(QString)) + 8 + 8;
    return bytes;
}

void LogStore::Interner::clear(QList<QString> &strings)
{
    strings = {QString()};
    m_index.clear();
    m_refs = {0};
    m_free.clear();
    m_last = 0;
    ++m_version;
}

// ---------------------------------------------------------------------------------------------

LogStore::LogStore(qsizetype capacity)
    : m_capacity(std::clamp(capacity, kMinCapacity, kMaxCapacity))
{
    m_sourceRefs.clear(m_sources);
    m_taskRefs.clear(m_tasks);
}

void LogStore::append(const QList<LogEntryIn> &entries)
{
    // Lines that would be dropped by this same batch are never stored.
    const qsizetype from = std::max<qsizetype>(0, entries.size() - m_capacity);
    const qint64 excess = size() + (entries.size() - from) - m_capacity;
    if (excess > 0)
        dropOldest(excess); // first, so that names whose lines go can be recycled at once
    QStringEncoder encoder(QStringEncoder::Utf8, QStringEncoder::Flag::Stateless);
    for (qsizetype i = from; i < entries.size(); ++i)
        store(entries.at(i), encoder);
    releaseUnused();
}

void LogStore::store(const LogEntryIn &entry, QStringEncoder &encoder)
{
    const qint64 ordinal = m_end;
    const qint64 blockNumber = ordinal >> kLogBlockShift;
    if (m_blocks.empty())
        m_firstBlock = blockNumber;
    while (m_firstBlock + qint64(m_blocks.size()) <= blockNumber) {
        m_blocks.push_back(m_spareBlock ? std::move(m_spareBlock)
                                        : std::make_shared<LogRecordBlock>());
    }
    LogRecord &r = m_blocks.back()->lines[size_t(ordinal & (kLogBlockLines - 1))];

    const QString &id = entry.id.size() <= kMaxIdChars ? entry.id : QString();
    char *at = nullptr;
    qsizetype idBytes = 0;
    qsizetype messageBytes = 0;
    const qsizetype chars = id.size() + entry.message.size();
    if (chars <= kDirectEncodeChars) {
        // Straight into the chunk: no temporary UTF-8 copy per line.
        at = reserveText(chars * 3);
        char *end = encoder.appendToBuffer(at, id);
        idBytes = end - at;
        char *messageEnd = encoder.appendToBuffer(end, entry.message);
        messageBytes = messageEnd - end;
    } else {
        const QByteArray idText = id.toUtf8();
        const QByteArray messageText = entry.message.toUtf8();
        at = reserveText(idText.size() + messageText.size());
        std::memcpy(at, idText.constData(), size_t(idText.size()));
        std::memcpy(at + idText.size(), messageText.constData(), size_t(messageText.size()));
        idBytes = idText.size();
        messageBytes = messageText.size();
    }
    LogTextChunk &chunk = *m_chunks.back();
    r.chunk = m_nextChunk - 1;
    r.offset = quint32(at - chunk.bytes.get());
    chunk.used += idBytes + messageBytes;
    chunk.lastOrdinal = ordinal;

    r.timestamp = entry.timestamp;
    r.seq = entry.seq;
    r.length = quint32(messageBytes);
    r.idLength = quint16(idBytes);
    r.level = levelIndex(entry.level);
    r.source = m_sourceRefs.acquire(m_sources, entry.source);
    r.task = m_taskRefs.acquire(m_tasks, entry.taskId);
    r.reserved = 0;
    ++m_end; // the line is complete before it is counted
}

quint8 LogStore::levelIndex(const QString &level)
{
    if (m_lastLevel < m_levels.size() && m_levels.at(m_lastLevel) == level)
        return quint8(m_lastLevel);
    const auto it = m_levelIndex.constFind(level);
    if (it != m_levelIndex.cend()) {
        m_lastLevel = *it;
        return *it;
    }
    const bool full = m_levels.size() >= 255;
    const QString &name = full ? kOtherLevel : level;
    if (full && m_levels.size() == 256)
        return 255;
    const auto index = quint8(m_levels.size());
    m_levels.append(name);
    m_levelRanks[index] = qint8(logLevelRank(name));
    if (!full)
        m_levelIndex.insert(level, index);
    return index;
}

char *LogStore::reserveText(qsizetype bytes)
{
    if (m_chunks.empty() || m_chunks.back()->capacity - m_chunks.back()->used < bytes) {
        if (m_spareChunk && bytes <= kChunkBytes) {
            m_spareChunk->used = 0;
            m_spareChunk->lastOrdinal = -1;
            m_chunks.push_back(std::move(m_spareChunk));
        } else {
            m_chunks.push_back(std::make_shared<LogTextChunk>(std::max(kChunkBytes, bytes)));
        }
        ++m_nextChunk;
        m_firstChunk = m_nextChunk - quint32(m_chunks.size());
    }
    LogTextChunk &chunk = *m_chunks.back();
    return chunk.bytes.get() + chunk.used;
}

void LogStore::dropOldest(qint64 count)
{
    count = std::min<qint64>(count, size());
    for (qint64 o = m_first; o < m_first + count; ++o) {
        const LogRecord &r = record(o);
        m_sourceRefs.release(m_sources, r.source);
        m_taskRefs.release(m_tasks, r.task);
    }
    m_first += count;
}

void LogStore::releaseUnused()
{
    // One released block and one chunk are kept for reuse, unless a snapshot still reads them:
    // a ring that wraps then allocates (and faults in) no new memory.
    while (!m_blocks.empty() && (m_firstBlock + 1) * kLogBlockLines <= m_first) {
        if (m_blocks.front().use_count() == 1)
            m_spareBlock = std::move(m_blocks.front());
        m_blocks.pop_front();
        ++m_firstBlock;
    }
    while (!m_chunks.empty() && m_chunks.front()->lastOrdinal < m_first) {
        if (m_chunks.front().use_count() == 1 && m_chunks.front()->capacity == kChunkBytes)
            m_spareChunk = std::move(m_chunks.front());
        m_chunks.pop_front();
        m_firstChunk = m_nextChunk - quint32(m_chunks.size());
    }
}

void LogStore::setCapacity(qsizetype capacity)
{
    m_capacity = std::clamp(capacity, kMinCapacity, kMaxCapacity);
    if (size() > m_capacity) {
        dropOldest(size() - m_capacity);
        releaseUnused();
    }
}

void LogStore::clear()
{
    m_first = m_end;
    m_blocks.clear();
    m_chunks.clear();
    m_spareBlock.reset();
    m_spareChunk.reset();
    m_firstChunk = m_nextChunk;
    m_sourceRefs.clear(m_sources);
    m_taskRefs.clear(m_tasks);
}

qsizetype LogStore::memoryBytes() const
{
    qsizetype bytes = qsizetype(m_blocks.size() * sizeof(LogRecordBlock));
    for (const auto &chunk : m_chunks)
        bytes += chunk->capacity;
    if (m_spareBlock)
        bytes += qsizetype(sizeof(LogRecordBlock));
    if (m_spareChunk)
        bytes += m_spareChunk->capacity;
    bytes += m_sourceRefs.memoryBytes(m_sources) + m_taskRefs.memoryBytes(m_tasks);
    bytes += m_levels.capacity() * qsizetype(sizeof(QString));
    return bytes;
}

quint32 LogStore::sourceIndex(const QString &source) const
{
    return m_sourceRefs.find(source);
}

quint32 LogStore::taskIndex(const QString &taskId) const
{
    return m_taskRefs.find(taskId);
}

QStringList LogStore::sources() const
{
    QStringList out;
    out.reserve(sourceCount());
    for (const QString &s : m_sources) {
        if (!s.isEmpty())
            out.append(s);
    }
    std::sort(out.begin(), out.end());
    return out;
}

} // namespace vigil
