#include "procstat.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>
#include <string>

#include <unistd.h>

namespace vigil::scalebench {

int64_t rssKiB(int pid)
{
    std::ifstream status("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(status, line)) {
        if (line.rfind("VmRSS:", 0) == 0)
            return std::stoll(line.substr(6));
    }
    return -1;
}

double cpuSeconds(int pid)
{
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
    // The command name may hold spaces and parentheses: count fields after its last ')'.
    const size_t close = text.rfind(')');
    if (close == std::string::npos)
        return -1;
    std::istringstream fields(text.substr(close + 2));
    std::string field;
    long long utime = -1;
    long long stime = -1;
    // Field 3 (state) comes first here; utime and stime are fields 14 and 15.
    for (int index = 3; index <= 15 && fields >> field; ++index) {
        if (index == 14)
            utime = std::stoll(field);
        else if (index == 15)
            stime = std::stoll(field);
    }
    if (utime < 0 || stime < 0)
        return -1;
    return double(utime + stime) / double(::sysconf(_SC_CLK_TCK));
}

int64_t tcpBufferKiB()
{
    std::ifstream sockstat("/proc/net/sockstat");
    std::string line;
    while (std::getline(sockstat, line)) {
        if (line.rfind("TCP:", 0) != 0)
            continue;
        const size_t at = line.find(" mem ");
        if (at == std::string::npos)
            return -1;
        return std::stoll(line.substr(at + 5)) * (::sysconf(_SC_PAGESIZE) / 1024);
    }
    return -1;
}

double loadAverage()
{
    std::ifstream loadavg("/proc/loadavg");
    double value = -1;
    loadavg >> value;
    return loadavg ? value : -1;
}

double quantile(std::vector<uint32_t> &values, double q)
{
    if (values.empty())
        return 0;
    std::sort(values.begin(), values.end());
    const auto rank = size_t(std::ceil(q * double(values.size())));
    return double(values[std::min(values.size() - 1, rank > 0 ? rank - 1 : 0)]);
}

} // namespace vigil::scalebench
