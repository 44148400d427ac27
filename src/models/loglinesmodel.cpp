#include "loglinesmodel.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonObject>
#include <QUrl>
#include <QVariantMap>

#include <algorithm>

namespace vigil {

namespace {

constexpr int kFlushIntervalMs = 16; // about one frame

LogEntryIn entryFrom(const QJsonObject &p, qint64 timestamp)
{
    LogEntryIn e;
    e.level = p.value(QLatin1StringView("level")).toString();
    e.message = p.value(QLatin1StringView("message")).toString();
    e.source = p.value(QLatin1StringView("source")).toString();
    e.taskId = p.value(QLatin1StringView("taskId")).toString();
    e.timestamp = timestamp;
    return e;
}

LogPassPlan planFor(bool listMode, bool showOnlyMatches, bool hasSearch, bool separateMatches)
{
    LogPassPlan plan;
    plan.rows = listMode;
    plan.rowsNeedSearch = showOnlyMatches && hasSearch;
    plan.matches = separateMatches;
    return plan;
}

// Drops the leading ordinals below `first` from a sorted vector.
void cutBelow(std::vector<qint64> &ordinals, qint64 first)
{
    const auto cut = std::lower_bound(ordinals.begin(), ordinals.end(), first);
    ordinals.erase(ordinals.begin(), cut);
}

void cutBelow(std::deque<qint64> &ordinals, qint64 first)
{
    const auto cut = std::lower_bound(ordinals.begin(), ordinals.end(), first);
    ordinals.erase(ordinals.begin(), cut);
}

} // namespace

LogLinesModel::LogLinesModel(QObject *parent, qsizetype capacity)
    : QAbstractListModel(parent)
    , m_store(capacity)
{
    m_flushTimer.setSingleShot(true);
    m_flushTimer.setInterval(kFlushIntervalMs);
    connect(&m_flushTimer, &QTimer::timeout, this, &LogLinesModel::flush);
    m_pool.setMaxThreadCount(1);
    m_exportPool.setMaxThreadCount(1);
}

LogLinesModel::~LogLinesModel()
{
    // Every pass and export checks these and stops; nothing they post outlives this object.
    ++m_queryGeneration;
    ++m_viewGeneration;
    m_exportCancelled = true;
    m_pool.waitForDone();
    m_exportPool.waitForDone();
}

// --- rows ------------------------------------------------------------------------------------

int LogLinesModel::count() const
{
    return int(m_view.listMode() ? qint64(m_rows.size()) : m_shownEnd - m_shownFirst);
}

int LogLinesModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : count();
}

qint64 LogLinesModel::rowOrdinal(int row) const
{
    return m_view.listMode() ? m_rows[size_t(row)] : m_shownFirst + row;
}

int LogLinesModel::rowOfOrdinal(qint64 ordinal) const
{
    if (m_view.listMode())
        return int(std::lower_bound(m_rows.begin(), m_rows.end(), ordinal) - m_rows.begin());
    return int(std::clamp(ordinal - m_shownFirst, qint64(0), qint64(count())));
}

qint64 LogLinesModel::ordinalAt(int row) const
{
    return row >= 0 && row < count() ? rowOrdinal(row) : -1;
}

int LogLinesModel::rowForOrdinal(qint64 ordinal) const
{
    const int row = rowOfOrdinal(ordinal);
    return row < count() ? row : -1;
}

QHash<int, QByteArray> LogLinesModel::roleNames() const
{
    return {
        {TimeRole, "time"},
        {TimestampRole, "timestamp"},
        {LevelRole, "level"},
        {LevelRankRole, "levelRank"},
        {SourceRole, "source"},
        {TaskRole, "taskId"},
        {MessageRole, "message"},
        {OrdinalRole, "ordinal"},
        {MatchedRangesRole, "matchedRanges"},
        {IsMatchRole, "isMatch"},
        {EntryIdRole, "entryId"},
        {SeqRole, "seq"},
    };
}

QVariant LogLinesModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const qint64 ordinal = rowOrdinal(index.row());
    if (!m_store.contains(ordinal))
        return {}; // dropped by the ring while the views are being told
    const LogRecord &r = m_store.record(ordinal);
    switch (role) {
    case Qt::DisplayRole:
    case MessageRole:
        return m_store.message(ordinal);
    case TimeRole:
        return QDateTime::fromMSecsSinceEpoch(r.timestamp).time().toString(u"hh:mm:ss.zzz");
    case TimestampRole:
        return r.timestamp;
    case LevelRole:
        return m_store.levelName(r);
    case LevelRankRole:
        return m_store.levelRank(r);
    case SourceRole:
        return m_store.sourceName(r);
    case TaskRole:
        return m_store.taskName(r);
    case OrdinalRole:
        return ordinal;
    case MatchedRangesRole: {
        QVariantList ranges;
        for (const auto &[start, length] : m_view.matcher.ranges(m_store.message(ordinal)))
            ranges.append(
                QVariantMap{{QStringLiteral("start"), start}, {QStringLiteral("length"), length}});
        return ranges;
    }
    case IsMatchRole:
        if (!m_view.matcher.hasSearch())
            return false;
        return !m_view.separateMatches() ||
               std::binary_search(m_matches.begin(), m_matches.end(), ordinal);
    case EntryIdRole:
        return m_store.id(ordinal);
    case SeqRole:
        return r.seq;
    default:
        return {};
    }
}

// --- feeding ---------------------------------------------------------------------------------

void LogLinesModel::ingest(const QList<Envelope> &frame)
{
    const qsizetype before = m_queue.size();
    for (const Envelope &e : frame) {
        if (e.channel != u"logs")
            continue;
        const QJsonObject p = e.payload.toObject();
        const qint64 at = e.timestamp > 0 ? e.timestamp : QDateTime::currentMSecsSinceEpoch();
        if (e.type == u"log.entry") {
            LogEntryIn entry = entryFrom(p, at);
            entry.id = e.id;
            entry.seq = e.seq;
            m_queue.append(std::move(entry));
        } else if (e.type == u"log.batch") {
            // A publisher's batch is one channel message: its entries share its seq. A relay's
            // batch (normally unpacked by the connection) gives each entry its own id and seq.
            const QJsonArray entries = p.value(QLatin1StringView("entries")).toArray();
            for (const QJsonValue &value : entries) {
                const QJsonObject o = value.toObject();
                const QJsonValue time = o.value(QLatin1StringView("timestamp"));
                const QJsonValue seq = o.value(QLatin1StringView("seq"));
                LogEntryIn entry =
                    entryFrom(o, jsonInteger(time, 0) > 0 ? jsonInteger(time, 0) : at);
                entry.id = o.value(QLatin1StringView("id")).toString();
                entry.seq = jsonInteger(seq, e.seq);
                m_queue.append(std::move(entry));
            }
        }
    }
    if (m_queue.size() > before && !m_flushTimer.isActive())
        m_flushTimer.start();
}

void LogLinesModel::append(const QList<LogEntryIn> &entries)
{
    if (entries.isEmpty())
        return;
    m_queue.append(entries);
    if (!m_flushTimer.isActive())
        m_flushTimer.start();
}

void LogLinesModel::flush()
{
    m_flushTimer.stop();
    if (m_queue.isEmpty())
        return;
    // More than the ring holds would only be dropped again.
    if (m_queue.size() > m_store.capacity())
        m_queue.remove(0, m_queue.size() - m_store.capacity());
    m_store.append(std::exchange(m_queue, {}));
    syncWithStore();
    catchUp();
    notifyFigures();
    Q_EMIT statsChanged();
}

void LogLinesModel::syncWithStore()
{
    const qint64 first = m_store.firstOrdinal();
    if (m_view.listMode()) {
        const auto cut = std::lower_bound(m_rows.begin(), m_rows.end(), first) - m_rows.begin();
        if (cut > 0) {
            beginRemoveRows({}, 0, int(cut - 1));
            m_rows.erase(m_rows.begin(), m_rows.begin() + cut);
            endRemoveRows();
        }
    } else {
        if (first > m_shownFirst) {
            const qint64 cut = std::min(first, m_shownEnd) - m_shownFirst;
            if (cut > 0) {
                beginRemoveRows({}, 0, int(cut - 1));
                m_shownFirst += cut;
                endRemoveRows();
            }
            if (m_shownFirst < first)
                m_shownFirst = m_shownEnd = first; // the whole view went
        }
        const qint64 end = m_store.endOrdinal();
        if (end > m_shownEnd) {
            const int at = count();
            beginInsertRows({}, at, at + int(end - m_shownEnd) - 1);
            m_shownEnd = end;
            endInsertRows();
        }
    }
    cutBelow(m_matches, first);
    m_coveredEnd = std::max(m_coveredEnd, first);
}

void LogLinesModel::catchUp()
{
    if (!m_view.needsEvaluation()) {
        m_coveredEnd = m_store.endOrdinal();
        return;
    }
    const qint64 from = std::max(m_coveredEnd, m_store.firstOrdinal());
    const qint64 to = m_store.endOrdinal();
    if (from >= to || m_extending)
        return;
    const LogPassPlan plan = planFor(m_view.listMode(), m_view.showOnlyMatches,
                                     m_view.matcher.hasSearch(), m_view.separateMatches());
    m_view.matcher.resolve(m_store);
    if (to - from <= kIncrementalLimit) {
        publishExtension(runLogPass(m_store, m_view.matcher, from, to, plan));
        return;
    }
    m_extending = true;
    const quint64 generation = m_viewGeneration;
    const LogSnapshot snapshot = m_store.snapshot();
    const LogMatcher matcher = m_view.matcher;
    m_pool.start([this, generation, snapshot, matcher, from, to, plan]() mutable {
        LogMatcher mine = std::move(matcher);
        mine.detachForThread();
        auto result = std::make_shared<LogPassResult>(
            runLogPass(snapshot, mine, from, to, plan, [this, generation] {
                return m_viewGeneration.load(std::memory_order_relaxed) != generation;
            }));
        QMetaObject::invokeMethod(
            this,
            [this, generation, result] {
                m_extending = false;
                if (generation == m_viewGeneration && !result->cancelled)
                    publishExtension(std::move(*result));
                catchUp();
                notifyFigures();
            },
            Qt::QueuedConnection);
    });
}

void LogLinesModel::publishExtension(LogPassResult result)
{
    const qint64 first = m_store.firstOrdinal();
    cutBelow(result.rows, first);
    cutBelow(result.matches, first);
    if (m_view.listMode() && !result.rows.empty()) {
        const int at = count();
        beginInsertRows({}, at, at + int(result.rows.size()) - 1);
        m_rows.insert(m_rows.end(), result.rows.begin(), result.rows.end());
        endInsertRows();
    }
    m_matches.insert(m_matches.end(), result.matches.begin(), result.matches.end());
    m_coveredEnd = std::max(m_coveredEnd, result.to);
    notifyFigures();
}

// --- the query -------------------------------------------------------------------------------

void LogLinesModel::setFilter(const LogFilter &filter)
{
    if (filter == m_filter)
        return;
    m_filter = filter;
    Q_EMIT filterChanged();
    applyQuery();
}

void LogLinesModel::setMinLevel(int rank)
{
    LogFilter f = m_filter;
    f.minLevel = std::clamp(rank, 0, int(logLevels().size()) - 1);
    setFilter(f);
}

void LogLinesModel::setSources(const QStringList &sources)
{
    LogFilter f = m_filter;
    f.sources.clear();
    for (const QString &s : sources) {
        if (!s.isEmpty() && !f.sources.contains(s))
            f.sources.append(s);
    }
    setFilter(f);
}

void LogLinesModel::setTaskFilter(const QString &taskId)
{
    LogFilter f = m_filter;
    f.taskId = taskId.trimmed();
    setFilter(f);
}

void LogLinesModel::clearFilter()
{
    setFilter(LogFilter{});
}

void LogLinesModel::setSearch(const LogSearch &search)
{
    if (search == m_search)
        return;
    m_search = search;
    Q_EMIT searchChanged();
    applyQuery();
}

void LogLinesModel::setSearch(const QString &text, bool regex, bool caseSensitive)
{
    setSearch(LogSearch{text, regex, caseSensitive});
}

void LogLinesModel::setShowOnlyMatches(bool only)
{
    if (only == m_showOnlyMatches)
        return;
    m_showOnlyMatches = only;
    Q_EMIT searchChanged();
    applyQuery();
}

void LogLinesModel::applyQuery()
{
    flush(); // the pass sees every line received so far
    QString error;
    View next;
    next.matcher = LogMatcher(m_filter, m_search, &error);
    next.showOnlyMatches = m_showOnlyMatches;
    if (error != m_searchError) {
        m_searchError = error;
        Q_EMIT searchErrorChanged();
    }
    const quint64 generation = ++m_queryGeneration; // an older pass stops and is ignored
    if (next.matcher.filter() == m_view.matcher.filter() &&
        next.matcher.search() == m_view.matcher.search() && next.listMode() == m_view.listMode() &&
        next.separateMatches() == m_view.separateMatches()) {
        setBusy(false); // what is shown already answers it
        return;
    }
    if (!next.needsEvaluation()) {
        LogPassResult everything;
        everything.from = everything.to = m_store.endOrdinal();
        publishFull(next, std::move(everything));
        setBusy(false);
        return;
    }

    next.matcher.resolve(m_store);
    const LogPassPlan plan = planFor(next.listMode(), next.showOnlyMatches,
                                     next.matcher.hasSearch(), next.separateMatches());
    const LogSnapshot snapshot = m_store.snapshot();
    setBusy(true);
    m_pool.start([this, generation, snapshot, next, plan] {
        LogMatcher mine = next.matcher;
        mine.detachForThread();
        auto result = std::make_shared<LogPassResult>(
            runLogPass(snapshot, mine, snapshot.firstOrdinal(), snapshot.endOrdinal(), plan,
                       [this, generation] {
                           return m_queryGeneration.load(std::memory_order_relaxed) != generation;
                       }));
        QMetaObject::invokeMethod(
            this,
            [this, generation, next, result] {
                if (generation != m_queryGeneration || result->cancelled)
                    return; // a newer query is on its way
                publishFull(next, std::move(*result));
                setBusy(false);
                catchUp();
                notifyFigures();
            },
            Qt::QueuedConnection);
    });
}

void LogLinesModel::publishFull(const View &view, LogPassResult result)
{
    ++m_viewGeneration; // a catch-up pass of the previous view is now moot
    const qint64 first = m_store.firstOrdinal();
    cutBelow(result.rows, first);
    cutBelow(result.matches, first);
    const bool rowsChange = view.listMode() || m_view.listMode();
    if (rowsChange)
        beginResetModel();
    m_view = view;
    m_rows.assign(result.rows.begin(), result.rows.end());
    m_matches.assign(result.matches.begin(), result.matches.end());
    m_coveredEnd = std::max(result.to, first);
    if (rowsChange) {
        // In "all" mode every line held is a row whatever was computed.
        m_shownFirst = first;
        m_shownEnd = m_store.endOrdinal();
        endResetModel();
    } else if (count() > 0) {
        // Every line stays a row: only the highlights change, and the list keeps its place.
        Q_EMIT dataChanged(index(0), index(count() - 1), {MatchedRangesRole, IsMatchRole});
    }
    notifyFigures();
}

// --- matches ---------------------------------------------------------------------------------

int LogLinesModel::matchCount() const
{
    if (!m_view.matcher.hasSearch())
        return 0;
    return m_view.separateMatches() ? int(m_matches.size()) : count();
}

int LogLinesModel::nextMatch(int fromRow) const
{
    if (!m_view.matcher.hasSearch() || fromRow >= count() - 1)
        return -1;
    if (!m_view.separateMatches())
        return std::max(fromRow + 1, 0);
    const qint64 after = fromRow < 0 ? -1 : rowOrdinal(fromRow);
    const auto it = std::upper_bound(m_matches.begin(), m_matches.end(), after);
    if (it == m_matches.end())
        return -1;
    const int row = rowOfOrdinal(*it);
    return row < count() ? row : -1;
}

int LogLinesModel::previousMatch(int fromRow) const
{
    if (!m_view.matcher.hasSearch() || fromRow <= 0 || count() == 0)
        return -1;
    if (!m_view.separateMatches())
        return std::min(fromRow - 1, count() - 1);
    const qint64 before =
        fromRow >= count() ? std::numeric_limits<qint64>::max() : rowOrdinal(fromRow);
    const auto it = std::lower_bound(m_matches.begin(), m_matches.end(), before);
    if (it == m_matches.begin())
        return -1;
    return rowOfOrdinal(*std::prev(it));
}

int LogLinesModel::matchIndex(int row) const
{
    if (!m_view.matcher.hasSearch() || row < 0 || row >= count())
        return -1;
    if (!m_view.separateMatches())
        return row;
    const qint64 ordinal = rowOrdinal(row);
    const auto it = std::lower_bound(m_matches.begin(), m_matches.end(), ordinal);
    return it != m_matches.end() && *it == ordinal ? int(it - m_matches.begin()) : -1;
}

// --- the rest --------------------------------------------------------------------------------

void LogLinesModel::setCapacity(int lines)
{
    const qsizetype before = m_store.capacity();
    m_store.setCapacity(lines);
    if (m_store.capacity() == before)
        return;
    syncWithStore();
    Q_EMIT capacityChanged();
    Q_EMIT statsChanged();
    notifyFigures();
}

void LogLinesModel::clear()
{
    m_flushTimer.stop();
    m_queue.clear();
    beginResetModel();
    m_store.clear();
    m_rows.clear();
    m_matches.clear();
    m_shownFirst = m_shownEnd = m_coveredEnd = m_store.endOrdinal();
    m_mark = std::numeric_limits<qint64>::max();
    ++m_viewGeneration; // a catch-up pass would add lines that are gone
    endResetModel();
    Q_EMIT statsChanged();
    notifyFigures();
}

int LogLinesModel::newSinceMark() const
{
    if (m_mark == std::numeric_limits<qint64>::max())
        return 0;
    return count() - rowOfOrdinal(m_mark + 1);
}

void LogLinesModel::markSeen()
{
    m_mark = count() > 0 ? rowOrdinal(count() - 1) : m_store.endOrdinal() - 1;
    notifyFigures();
}

void LogLinesModel::setBusy(bool busy)
{
    if (busy == m_busy)
        return;
    m_busy = busy;
    Q_EMIT busyChanged();
}

void LogLinesModel::notifyFigures()
{
    const int rows = count();
    const int matches = matchCount();
    const int fresh = newSinceMark();
    if (rows != m_reportedCount) {
        m_reportedCount = rows;
        Q_EMIT countChanged();
    }
    if (matches != m_reportedMatches) {
        m_reportedMatches = matches;
        Q_EMIT matchesChanged();
    }
    if (fresh != m_reportedNew) {
        m_reportedNew = fresh;
        Q_EMIT newSinceMarkChanged();
    }
    if (m_store.sourcesVersion() != m_sourcesVersion) {
        m_sourcesVersion = m_store.sourcesVersion();
        QStringList sources = m_store.sources();
        if (sources != m_knownSources) {
            m_knownSources = std::move(sources);
            Q_EMIT knownSourcesChanged();
        }
    }
}

void LogLinesModel::exportTo(const QString &path, LogLinesModel::ExportFormat format)
{
    flush();
    if (m_exporting) {
        QMetaObject::invokeMethod(
            this, [this] { Q_EMIT exportFinished(false, tr("An export is already running.")); },
            Qt::QueuedConnection);
        return;
    }
    const QString file =
        path.startsWith(QLatin1StringView("file:")) ? QUrl(path).toLocalFile() : path;
    const LogSnapshot snapshot = m_store.snapshot();
    // The rows shown now: a range in "all" mode, else a copy of the list.
    const bool list = m_view.listMode();
    const auto rows = std::make_shared<std::vector<qint64>>();
    if (list)
        rows->assign(m_rows.begin(), m_rows.end());
    const qint64 first = m_shownFirst;
    const qsizetype total = list ? qsizetype(rows->size()) : qsizetype(m_shownEnd - m_shownFirst);
    const LogExportFormat how =
        format == ExportFormat::JsonLines ? LogExportFormat::JsonLines : LogExportFormat::PlainText;
    m_exporting = true;
    Q_EMIT exportingChanged();
    m_exportPool.start([this, snapshot, rows, list, first, total, how, file] {
        QString error;
        const bool ok = writeLogLines(
            snapshot, total, [&](qsizetype i) { return list ? (*rows)[size_t(i)] : first + i; },
            how, file, &error, [this] { return m_exportCancelled.load(); });
        QMetaObject::invokeMethod(
            this,
            [this, ok, error] {
                m_exporting = false;
                Q_EMIT exportingChanged();
                Q_EMIT exportFinished(ok, error);
            },
            Qt::QueuedConnection);
    });
}

QString LogLinesModel::textOf(const QList<int> &rows) const
{
    QList<int> sorted = rows;
    std::sort(sorted.begin(), sorted.end());
    sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
    QByteArray text;
    for (int row : std::as_const(sorted)) {
        if (row < 0 || row >= count())
            continue;
        if (!text.isEmpty())
            text.append('\n');
        text.append(formatLogLine(m_store, rowOrdinal(row), LogExportFormat::PlainText));
    }
    return QString::fromUtf8(text);
}

} // namespace vigil
