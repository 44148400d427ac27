#pragma once

#include <QString>

namespace vigil::chaos {

/// \brief Fills one client's data directory on request: a small tmpfs mounted there, filled
/// with a file until it has no space left, where this machine lets us mount one (root in a
/// namespace that allows it); otherwise a file size limit (RLIMIT_FSIZE) on the client's
/// process, which makes every write that would grow a file past its current size fail with
/// EFBIG (the client ignores SIGXFSZ), as on a full disk.
class DiskFault
{
public:
    enum class Mode { None, Tmpfs, FileSize };

    DiskFault() = default;
    ~DiskFault();
    DiskFault(const DiskFault &) = delete;
    DiskFault &operator=(const DiskFault &) = delete;

    /// Chooses the mode for `dir` (created if needed): tmpfs if it can be mounted there,
    /// else the file size limit, unless `allowTmpfs` is false.
    Mode prepare(const QString &dir, bool allowTmpfs);
    [[nodiscard]] Mode mode() const { return m_mode; }
    [[nodiscard]] static QString modeName(Mode mode);
    [[nodiscard]] bool active() const { return m_active; }

    /// The disk is full from now on for the client `pid` (and its restarts, see apply()).
    void begin(qint64 pid);
    /// A (re)started client process while the disk is full gets the limit too.
    void apply(qint64 pid);
    /// Space again.
    void end(qint64 pid);
    /// Unmounts the tmpfs, if any.
    void release();
    /// From a signal handler: unmounts the tmpfs of the DiskFault that mounted one, if any
    /// (async-signal-safe).
    static void releaseFromSignal();

private:
    [[nodiscard]] QString fillerPath() const;

    QString m_dir;
    Mode m_mode = Mode::None;
    bool m_mounted = false;
    bool m_active = false;
};

} // namespace vigil::chaos
