#pragma once

#include "logstore.h"

#include <QByteArray>
#include <QString>

#include <functional>

namespace vigil {

/// How the log viewer writes lines out.
enum class LogExportFormat {
    /// `time level source task message` per line; time in UTC, ISO 8601 with milliseconds;
    /// an empty field is written as "-".
    PlainText,
    /// One JSON object per line: `id` and `seq` when known, `timestamp` (ms), `level`,
    /// `source`, `taskId`, `message`.
    JsonLines
};

/// One line in the given format, without the line break.
[[nodiscard]] QByteArray formatLogLine(const LogLines &lines, qint64 ordinal,
                                       LogExportFormat format);

/// \brief Writes `count` lines (the ordinal of each from `ordinalAt`) of `lines` to `path`.
///
/// The file appears complete or not at all (QSaveFile). False with a sentence in `error` when
/// it cannot be written (a directory, a folder without write access, a full disk). Runs on any
/// thread: it reads only `lines` (a snapshot). When `cancelled` says so it stops, writing
/// nothing.
bool writeLogLines(const LogLines &lines, qsizetype count,
                   const std::function<qint64(qsizetype)> &ordinalAt, LogExportFormat format,
                   const QString &path, QString *error,
                   const std::function<bool()> &cancelled = {});

} // namespace vigil
