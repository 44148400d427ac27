#pragma once

#include "cppownedsingleton.h"
#include "logexport.h"
#include "logquery.h"
#include "logstore.h"
#include "protocol/envelope.h"

#include <QAbstractListModel>
#include <QThreadPool>
#include <QTimer>
#include <QtQml/qqmlregistration.h>

#include <atomic>
#include <deque>
#include <limits>
#include <memory>

namespace vigil {

/// \brief The log viewer's lines (`logs` channel): up to a million or more in a LogStore, shown
/// oldest first, filtered by level, source and task and searched, without stalling the UI.
///
/// Roles: `time` (local hh:mm:ss.zzz), `timestamp` (ms), `level`, `levelRank` (0 debug .. 3
/// error, -1 unknown), `source`, `taskId`, `message`, `ordinal` (the store's line number,
/// stable across wraps), `matchedRanges` (where the search matches in `message`: a list of
/// {start, length} in UTF-16 units), `isMatch` (the line counts as a search match),
/// `entryId` and `seq` (the envelope's, when known).
///
/// Feeding: ingest() takes one frame's envelopes (`log.entry`, a publisher's `log.batch`, a
/// relay's batch not yet unpacked) and queues their lines; flush() (on a ~16 ms timer) appends
/// the queue to the store in one batch. Per batch the views get at most one beginRemoveRows at
/// the top (lines the ring dropped, or that a smaller capacity dropped) and one
/// beginInsertRows at the bottom.
///
/// Filtering and searching (the design):
/// - What is shown is a *view*: a LogMatcher (filter + search) and the lines it selected. With
///   no filter and no "show only matches" search every stored line is a row ("all" mode: rows
///   are the ordinals [first, end), nothing is stored per row). Otherwise the rows are a list
///   of ordinals ("list" mode). With a search, the matching ordinals are a second sorted list
///   (or, showing only matches, the rows themselves), which matchCount, nextMatch(),
///   previousMatch() and the `isMatch` role read.
/// - A new query never scans on the UI thread. It takes a LogStore::snapshot() (shared,
///   immutable blocks: no lock, no copy of lines) and runs runLogPass() on this model's own
///   one-thread pool with its own copy of the matcher. The pass checks a generation counter
///   every 4096 lines: a newer query bumps it, so the older pass stops early and its result,
///   if it still arrives, is dropped. The UI thread publishes the result in one model reset
///   (or, when only the search changed while all lines stay rows, in one dataChanged on the
///   match roles, so the list keeps its place); lines that left the ring meanwhile are cut
///   first. `busy` is true from the query to that moment; until then the previous view stays
///   on screen and keeps following new lines.
/// - Lines appended later are tested on the UI thread when at most kIncrementalLimit wait
///   (one frame's batch), else by a catch-up pass on the worker over the lines not yet
///   covered, published as one beginInsertRows. Either way m_coveredEnd marks how far the
///   view's selection has been computed.
/// - An invalid regular expression sets `searchError` and searches nothing (the filter still
///   applies); plain search is case-insensitive unless asked otherwise.
///
/// Export runs on a second one-thread pool over a snapshot and the shown ordinals; it ends
/// with exportFinished(). The destructor cancels and waits for both pools.
///
/// Constructed by the application with a parent (no default, see feedmodels.h) and handed to
/// QML with setInstance().
class LogLinesModel : public QAbstractListModel, public CppOwnedSingleton<LogLinesModel>
{
    Q_OBJECT
    QML_ELEMENT
    QML_SINGLETON
    /// Rows shown (after the filter, and the search when showing only matches).
    Q_PROPERTY(int count READ count NOTIFY countChanged)
    /// Lines held by the store, whatever the filter.
    Q_PROPERTY(int storedCount READ storedCount NOTIFY statsChanged)
    Q_PROPERTY(int capacity READ capacity NOTIFY capacityChanged)
    Q_PROPERTY(int minimumCapacity READ minimumCapacity CONSTANT)
    Q_PROPERTY(int maximumCapacity READ maximumCapacity CONSTANT)
    /// Bytes the store holds (for the status line).
    Q_PROPERTY(double memoryBytes READ memoryBytes NOTIFY statsChanged)
    /// The sources of the lines held, sorted: the source filter's choices.
    Q_PROPERTY(QStringList knownSources READ knownSources NOTIFY knownSourcesChanged)
    /// The filter: minimum level rank (0 = everything), sources (empty = all), task id.
    Q_PROPERTY(int minLevel READ minLevel NOTIFY filterChanged)
    Q_PROPERTY(QStringList sources READ sources NOTIFY filterChanged)
    Q_PROPERTY(QString taskFilter READ taskFilter NOTIFY filterChanged)
    Q_PROPERTY(QString searchText READ searchText NOTIFY searchChanged)
    Q_PROPERTY(bool searchRegex READ searchRegex NOTIFY searchChanged)
    Q_PROPERTY(bool searchCaseSensitive READ searchCaseSensitive NOTIFY searchChanged)
    /// False: the search highlights (every filtered line shown); true: only matches are rows.
    Q_PROPERTY(bool showOnlyMatches READ showOnlyMatches NOTIFY searchChanged)
    /// Why the regular expression cannot be used; empty when the search is fine.
    Q_PROPERTY(QString searchError READ searchError NOTIFY searchErrorChanged)
    /// Lines matching the search among those shown (0 without a search).
    Q_PROPERTY(int matchCount READ matchCount NOTIFY matchesChanged)
    /// A filter or search pass is running; the rows shown are the previous query's.
    Q_PROPERTY(bool busy READ isBusy NOTIFY busyChanged)
    Q_PROPERTY(bool exporting READ isExporting NOTIFY exportingChanged)
    /// Rows newer than the last markSeen() (0 before the first).
    Q_PROPERTY(int newSinceMark READ newSinceMark NOTIFY newSinceMarkChanged)
public:
    enum Role {
        TimeRole = Qt::UserRole + 1, ///< local time of day, hh:mm:ss.zzz
        TimestampRole,               ///< ms since the epoch
        LevelRole,                   ///< as sent (debug, info, warn, error...)
        LevelRankRole,               ///< 0..3, -1 for a level not known
        SourceRole,
        TaskRole, ///< QML name `taskId`
        MessageRole,
        OrdinalRole,       ///< the store's line number
        MatchedRangesRole, ///< [{start, length}] of the search in `message`
        IsMatchRole,       ///< the line is one of the search's matches
        EntryIdRole,       ///< the envelope id when known
        SeqRole            ///< the channel seq when known, else -1
    };
    Q_ENUM(Role)

    enum class ExportFormat { PlainText, JsonLines };
    Q_ENUM(ExportFormat)

    /// New lines at most this many are tested on the UI thread; more go to the worker.
    static constexpr qint64 kIncrementalLimit = 4096;

    explicit LogLinesModel(QObject *parent, qsizetype capacity = LogStore::kDefaultCapacity);
    ~LogLinesModel() override;

    [[nodiscard]] int rowCount(const QModelIndex &parent = {}) const override;
    [[nodiscard]] QVariant data(const QModelIndex &index, int role) const override;
    [[nodiscard]] QHash<int, QByteArray> roleNames() const override;

    // Feeding
    /// One frame's envelopes: the lines of `log.entry` and `log.batch` on `logs` are queued.
    void ingest(const QList<Envelope> &frame);
    void record(const Envelope &envelope) { ingest({envelope}); }
    /// Queues lines as they are (tests, benchmarks, a local source).
    void append(const QList<LogEntryIn> &entries);
    /// Appends what is queued now (the timer does it about once a frame).
    void flush();
    [[nodiscard]] const LogStore &store() const { return m_store; }

    // The query (C++ side; QML uses the invokables below)
    void setFilter(const LogFilter &filter);
    [[nodiscard]] const LogFilter &filter() const { return m_filter; }
    void setSearch(const LogSearch &search);
    [[nodiscard]] const LogSearch &search() const { return m_search; }

    [[nodiscard]] int count() const;
    [[nodiscard]] int storedCount() const { return int(m_store.size()); }
    [[nodiscard]] int capacity() const { return int(m_store.capacity()); }
    [[nodiscard]] int minimumCapacity() const { return int(LogStore::kMinCapacity); }
    [[nodiscard]] int maximumCapacity() const { return int(LogStore::kMaxCapacity); }
    [[nodiscard]] double memoryBytes() const { return double(m_store.memoryBytes()); }
    [[nodiscard]] QStringList knownSources() const { return m_knownSources; }
    [[nodiscard]] int minLevel() const { return m_filter.minLevel; }
    [[nodiscard]] QStringList sources() const { return m_filter.sources; }
    [[nodiscard]] QString taskFilter() const { return m_filter.taskId; }
    [[nodiscard]] QString searchText() const { return m_search.text; }
    [[nodiscard]] bool searchRegex() const { return m_search.regex; }
    [[nodiscard]] bool searchCaseSensitive() const { return m_search.caseSensitive; }
    [[nodiscard]] bool showOnlyMatches() const { return m_showOnlyMatches; }
    [[nodiscard]] QString searchError() const { return m_searchError; }
    [[nodiscard]] int matchCount() const;
    [[nodiscard]] bool isBusy() const { return m_busy; }
    [[nodiscard]] bool isExporting() const { return m_exporting; }
    [[nodiscard]] int newSinceMark() const;

    /// The ordinal of a row, -1 when there is none.
    Q_INVOKABLE qint64 ordinalAt(int row) const;
    /// The row showing `ordinal`, or else the first row after it; -1 when none is.
    Q_INVOKABLE int rowForOrdinal(qint64 ordinal) const;

    Q_INVOKABLE void setMinLevel(int rank);
    Q_INVOKABLE void setSources(const QStringList &sources);
    Q_INVOKABLE void setTaskFilter(const QString &taskId);
    Q_INVOKABLE void clearFilter();
    Q_INVOKABLE void setSearch(const QString &text, bool regex, bool caseSensitive);
    Q_INVOKABLE void setShowOnlyMatches(bool only);

    /// The first match below `fromRow` (-1 to start at the top), or -1.
    Q_INVOKABLE int nextMatch(int fromRow) const;
    /// The last match above `fromRow` (count to start at the bottom), or -1.
    Q_INVOKABLE int previousMatch(int fromRow) const;
    /// Which match (0-based) `row` is, or -1 when it is none ("3 of 17").
    Q_INVOKABLE int matchIndex(int row) const;

    Q_INVOKABLE void setCapacity(int lines);
    /// Drops every line (ordinals go on).
    Q_INVOKABLE void clear();
    /// Rows newer than the newest row now shown count as new from here on.
    Q_INVOKABLE void markSeen();

    /// Writes the rows shown (filtered, and matching when showing only matches) to `path`
    /// (a local path or a file: URL), off the UI thread; exportFinished() tells how it went.
    Q_INVOKABLE void exportTo(const QString &path, vigil::LogLinesModel::ExportFormat format);
    /// `rows` as plain text lines (the export's text format), in row order, for the clipboard.
    Q_INVOKABLE QString textOf(const QList<int> &rows) const;

Q_SIGNALS:
    void countChanged();
    void statsChanged();
    void capacityChanged();
    void knownSourcesChanged();
    void filterChanged();
    void searchChanged();
    void searchErrorChanged();
    void matchesChanged();
    void busyChanged();
    void exportingChanged();
    void newSinceMarkChanged();
    void exportFinished(bool ok, const QString &error);

private:
    /// What is shown: the matcher and how it selects rows.
    struct View
    {
        LogMatcher matcher;
        bool showOnlyMatches = false;
        /// Rows are a list of ordinals (a filter, or only matches), not every stored line.
        [[nodiscard]] bool listMode() const
        {
            return matcher.hasFilter() || (showOnlyMatches && matcher.hasSearch());
        }
        /// Matches are kept apart from the rows.
        [[nodiscard]] bool separateMatches() const
        {
            return matcher.hasSearch() && !(showOnlyMatches && listMode());
        }
        [[nodiscard]] bool needsEvaluation() const { return listMode() || matcher.hasSearch(); }
    };
    void applyQuery();
    void publishFull(const View &view, LogPassResult result);
    void publishExtension(LogPassResult result);
    /// Cuts rows and matches of lines the store no longer holds, and shows new lines in "all"
    /// mode.
    void syncWithStore();
    /// Computes the view's selection for lines not covered yet (here or on the worker).
    void catchUp();
    void setBusy(bool busy);
    /// Emits the figures' signals for what changed since they were last told.
    void notifyFigures();
    [[nodiscard]] qint64 rowOrdinal(int row) const;
    [[nodiscard]] int rowOfOrdinal(qint64 ordinal) const; ///< lower bound

    LogStore m_store;
    QList<LogEntryIn> m_queue;
    QTimer m_flushTimer;

    // Asked for
    LogFilter m_filter;
    LogSearch m_search;
    bool m_showOnlyMatches = false;
    QString m_searchError;

    // Shown
    View m_view;
    qint64 m_shownFirst = 0; ///< "all" mode: rows are the ordinals [m_shownFirst, m_shownEnd)
    qint64 m_shownEnd = 0;
    std::deque<qint64> m_rows;    ///< list mode: the rows' ordinals, ascending
    std::deque<qint64> m_matches; ///< separateMatches(): the matches' ordinals, ascending
    qint64 m_coveredEnd = 0;      ///< the view's selection is computed below this ordinal
    qint64 m_mark = std::numeric_limits<qint64>::max();
    QStringList m_knownSources;
    quint64 m_sourcesVersion = 0;
    int m_reportedCount = 0;
    int m_reportedMatches = 0;
    int m_reportedNew = 0;

    // Worker
    QThreadPool m_pool;
    std::atomic<quint64> m_queryGeneration{0}; ///< bumped by each new query
    std::atomic<quint64> m_viewGeneration{0};  ///< bumped when what is shown is replaced
    bool m_busy = false;
    bool m_extending = false; ///< a catch-up pass is on the worker

    QThreadPool m_exportPool;
    bool m_exporting = false;
    std::atomic<bool> m_exportCancelled{false};
};

} // namespace vigil
