#pragma once

#include "logstore.h"
#include "protocol/logfilter.h"

#include <QList>
#include <QRegularExpression>
#include <QString>

#include <functional>
#include <utility>
#include <vector>

namespace vigil {

/// \brief The text the log viewer searches the messages for.
struct LogSearch
{
    QString text;               ///< empty: no search
    bool regex = false;         ///< a QRegularExpression pattern instead of plain text
    bool caseSensitive = false; ///< plain and regex alike

    [[nodiscard]] bool isEmpty() const { return text.isEmpty(); }
    friend bool operator==(const LogSearch &a, const LogSearch &b)
    {
        return a.text == b.text && a.regex == b.regex && a.caseSensitive == b.caseSensitive;
    }
    friend bool operator!=(const LogSearch &a, const LogSearch &b) { return !(a == b); }
};

/// \brief A LogFilter and a LogSearch made ready to test stored lines fast.
///
/// The filter is tested on a line's record alone: resolve() turns its source names and task id
/// into the store's table indices once, so the test is integer compares. The search is tested
/// on the UTF-8 bytes where it can be: plain text with an ASCII needle folds ASCII case on the
/// bytes (a multi-byte UTF-8 sequence never contains an ASCII byte), a case-sensitive needle is
/// an exact byte search; only a non-ASCII case-insensitive needle and regular expressions decode
/// the message. Highlight ranges (ranges()) are found on the decoded message with Qt's own
/// Unicode case folding; the byte test agrees with it except for the few non-ASCII characters
/// that fold to ASCII letters (the Kelvin sign, the long s).
///
/// Indices from resolve() are valid for the lines held when it was called and for any snapshot
/// taken then: a table entry is recycled only once no line held refers to it. Resolve again
/// before testing lines appended later (a new source gets a new index).
///
/// A copy is independent, except that copies share the compiled expression: a thread other
/// than the one that made it calls detachForThread() on its own copy first.
class LogMatcher
{
public:
    /// Matches every line; no search.
    LogMatcher() = default;
    /// An invalid regular expression leaves the search out and says why in `error`.
    LogMatcher(const LogFilter &filter, const LogSearch &search, QString *error = nullptr);

    void resolve(const LogStore &store);
    void detachForThread();

    [[nodiscard]] const LogFilter &filter() const { return m_filter; }
    /// The search applied: empty when none was asked for or its pattern is invalid.
    [[nodiscard]] const LogSearch &search() const { return m_search; }
    [[nodiscard]] bool hasFilter() const { return !m_filter.isEmpty(); }
    [[nodiscard]] bool hasSearch() const { return m_kind != Kind::None; }

    [[nodiscard]] bool passesFilter(const LogLines &lines, const LogRecord &r) const
    {
        if (m_filter.minLevel > 0) {
            const int rank = lines.levelRank(r);
            if (rank >= 0 && rank < m_filter.minLevel)
                return false;
        }
        if (m_sourceFilter) {
            bool found = false;
            for (quint32 s : m_sources)
                found = found || s == r.source;
            if (!found)
                return false;
        }
        return !m_taskFilter || r.task == m_task;
    }
    /// Does a message (UTF-8) match the search? True when there is no search. `scratch` is
    /// the caller's buffer for decoding, reused from line to line.
    [[nodiscard]] bool matchesSearch(QByteArrayView message, QString &scratch) const;
    /// Where the search matches in `message`: (start, length) pairs in UTF-16 units, at most
    /// kMaxRanges of them; empty ranges (a pattern matching nothing) are left out.
    [[nodiscard]] QList<std::pair<int, int>> ranges(const QString &message) const;

    static constexpr int kMaxRanges = 64;

private:
    enum class Kind { None, AsciiFolded, Bytes, Unicode, Regex };

    LogFilter m_filter;
    LogSearch m_search;
    Kind m_kind = Kind::None;
    QByteArray m_needle; ///< lower-case ASCII (AsciiFolded) or exact UTF-8 (Bytes)
    QRegularExpression m_regex;
    // Resolved by resolve().
    bool m_sourceFilter = false;
    std::vector<quint32> m_sources;
    bool m_taskFilter = false;
    quint32 m_task = LogStore::kNoIndex;
};

/// What one pass over lines [from, to) found, in ordinal order.
struct LogPassResult
{
    qint64 from = 0;
    qint64 to = 0;
    std::vector<qint64> rows;    ///< lines passing the filter (and the search, if asked)
    std::vector<qint64> matches; ///< lines passing the filter and the search
    bool cancelled = false;
};

/// What a pass computes.
struct LogPassPlan
{
    bool rows = false;           ///< fill LogPassResult::rows
    bool rowsNeedSearch = false; ///< rows must match the search too ("show only matches")
    bool matches = false;        ///< fill LogPassResult::matches
};

/// Tests lines [from, to) of `lines` (clamped to what they hold). `cancelled` is asked every
/// few thousand lines; when it says so the pass stops and the result says it was cancelled.
/// Runs on any thread: it reads only `lines` and its own `matcher`.
[[nodiscard]] LogPassResult runLogPass(const LogLines &lines, const LogMatcher &matcher,
                                       qint64 from, qint64 to, LogPassPlan plan,
                                       const std::function<bool()> &cancelled = {});

} // namespace vigil
