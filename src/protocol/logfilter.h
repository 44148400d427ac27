#pragma once

#include <QJsonObject>
#include <QJsonValue>
#include <QString>
#include <QStringList>
#include <QStringView>

#include <optional>

namespace vigil {

/// Log levels from least to most severe, as named on the wire.
[[nodiscard]] const QStringList &logLevels();

/// The rank of a level name in logLevels() (debug 0 .. error 3), or -1 for a name not known.
/// "warning" and "fatal"/"critical" are read as warn and error: some backends spell them so.
[[nodiscard]] int logLevelRank(QStringView level);

/// \brief What a subscriber wants from the `logs` channel: a minimum level, a set of sources and
/// one task id. Empty parts match everything; an empty filter lets every entry through.
///
/// The same value is applied by vigil-relay before fan-out and replay (server-side filtering,
/// capability `logFilter`) and by the log viewer locally, so both agree on what matches.
struct LogFilter
{
    int minLevel = 0;    ///< rank from logLevelRank(); entries below it are dropped
    QStringList sources; ///< exact source names; empty means every source
    QString taskId;      ///< exact task id; empty means every task

    [[nodiscard]] bool isEmpty() const
    {
        return minLevel <= 0 && sources.isEmpty() && taskId.isEmpty();
    }
    /// Does a `log.entry` payload (`level`, `source`, `taskId`) pass? An entry whose level is
    /// not known passes a level test: hiding what cannot be ranked would hide surprises.
    [[nodiscard]] bool matches(const QJsonObject &entry) const;
    [[nodiscard]] bool matches(QStringView level, QStringView source, QStringView taskId) const;

    /// `{"minLevel":"warn","sources":[...],"taskId":...}`; parts that are empty are left out.
    [[nodiscard]] QJsonObject toJson() const;
    /// Reads the wire form. Absent fields mean "everything"; a wrong type, an unknown level, more
    /// than kMaxSources sources or over-long names are refused with a sentence in \a error.
    [[nodiscard]] static std::optional<LogFilter> fromJson(const QJsonValue &value,
                                                           QString *error = nullptr);

    friend bool operator==(const LogFilter &a, const LogFilter &b)
    {
        return a.minLevel == b.minLevel && a.sources == b.sources && a.taskId == b.taskId;
    }
    friend bool operator!=(const LogFilter &a, const LogFilter &b) { return !(a == b); }

    static constexpr int kMaxSources = 64;
};

} // namespace vigil
