#pragma once

#include <QJsonObject>
#include <QString>

namespace vigil::chaos {

/// \brief An append-only record of JSON lines, what every part of a chaos run leaves for the
/// history check.
///
/// Each line goes to the kernel with one write() as it is made, so a line survives the
/// SIGKILL of its writer: the check reads exactly what happened up to the kill. The headless
/// client writes its journal to stdout (a pipe the orchestrator copies into a file): a file
/// size limit, one of the ways a full disk is simulated, does not apply to pipes.
class Journal
{
public:
    Journal() = default;
    ~Journal();
    Journal(const Journal &) = delete;
    Journal &operator=(const Journal &) = delete;

    /// Opens `path` for appending (created if needed). False with a sentence in `error`.
    bool open(const QString &path, QString *error);
    /// Writes to standard output instead of a file.
    void openStdout();
    [[nodiscard]] bool isOpen() const { return m_fd >= 0; }
    /// Writes `line` with the wall-clock time in ms as "t" (unless it has one).
    void write(QJsonObject line);
    /// Writes a line as it is (it must end with a newline).
    void writeRaw(const QByteArray &bytes);

    /// Milliseconds since the Unix epoch: the one clock every journal of a run uses.
    [[nodiscard]] static qint64 now();

private:
    int m_fd = -1;
    bool m_owned = false;
};

} // namespace vigil::chaos
