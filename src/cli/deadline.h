#pragma once

#include <QString>

#include <condition_variable>
#include <mutex>
#include <thread>

namespace vigil::cli {

/// \brief The backstop behind --timeout-ms: if the command is still running `graceMs` after its
/// deadline (its own timer could not run: the event loop was stuck, or tearing down hung), a
/// watchdog thread prints one JSON error line on stderr and ends the process with exit code 3.
///
/// Commands finish on their own timer first; this only makes the promise unconditional.
class HardDeadline
{
public:
    /// `deadlineMs` <= 0: no deadline (nothing is started).
    HardDeadline(int deadlineMs, int graceMs, QString what);
    ~HardDeadline();
    HardDeadline(const HardDeadline &) = delete;
    HardDeadline &operator=(const HardDeadline &) = delete;

    /// The margin the tests and the documentation allow after --timeout-ms.
    static constexpr int kDefaultGraceMs = 2000;

private:
    std::mutex m_mutex;
    std::condition_variable m_wake;
    bool m_cancelled = false;
    std::thread m_thread;
};

} // namespace vigil::cli
