#pragma once

#include <QtGlobal>

#include <optional>

namespace vigil::chaos {

/// \brief What /proc says about one process at one moment.
struct ProcSample
{
    qint64 rssKb = 0;  ///< VmRSS: resident now
    qint64 peakKb = 0; ///< VmHWM: the largest resident size so far
    qint64 cpuMs = 0;  ///< user and system time of all its threads so far
    int threads = 0;   ///< threads now
};

/// Reads /proc/PID/status and /proc/PID/stat; nothing once the process is gone (or reaped).
std::optional<ProcSample> sampleProcess(qint64 pid);

} // namespace vigil::chaos
