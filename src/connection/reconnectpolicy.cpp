#include "reconnectpolicy.h"

#include <algorithm>
#include <cmath>

namespace vigil {

int ReconnectPolicy::ceilingMs(int attempt) const
{
    const int n = std::max(1, attempt);
    const double raw = baseMs * std::pow(std::max(1.0, factor), n - 1);
    return static_cast<int>(std::min<double>(raw, capMs));
}

int ReconnectPolicy::delayMs(int attempt, const std::function<double()> &uniform01) const
{
    const int ceiling = ceilingMs(attempt);
    if (!jitter || !uniform01)
        return ceiling;
    const double u = std::clamp(uniform01(), 0.0, 1.0);
    const double spread = std::clamp(jitterSpread, 0.0, 1.0);
    return static_cast<int>(std::lround(ceiling * (1.0 - spread) + u * spread * ceiling));
}

int ReconnectPolicy::delayAfterClose(int closeCode, int attempt,
                                     const std::function<double()> &uniform01,
                                     int rateLimitedMinMs) const
{
    if (closeCode == 1001 || closeCode == 1012)
        return delayMs(1, uniform01);
    if (closeCode == 4429)
        return rateLimitedMinMs + delayMs(attempt, uniform01);
    return delayMs(attempt, uniform01);
}

} // namespace vigil
