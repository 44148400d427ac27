#pragma once

#include <cstdint>
#include <vector>

namespace vigil::scalebench {

/// Resident memory of a process (VmRSS of /proc/PID/status), KiB; -1 when it cannot be read.
int64_t rssKiB(int pid);
/// CPU time a process has used, user and system, in seconds; -1 when it cannot be read.
double cpuSeconds(int pid);
/// Memory the kernel holds for TCP sockets of the whole machine (/proc/net/sockstat, "TCP:
/// ... mem"), KiB: socket buffers are not in any process's RSS. -1 when it cannot be read.
int64_t tcpBufferKiB();

/// The machine's load average over the last minute (/proc/loadavg); -1 when it cannot be read.
/// Other work on the machine shares its cores with the relays and the bench.
double loadAverage();

/// The q-quantile (0..1) of `values`, in their unit; 0 for none. Sorts `values`.
double quantile(std::vector<uint32_t> &values, double q);

} // namespace vigil::scalebench
