#pragma once

#include <QtGlobal>

#include <algorithm>

namespace vigil {

/// \brief A token bucket: refills at `rate` tokens a second up to `burst`, starts full.
///
/// The relay's rate limit, per WebSocket session and per principal for HTTP.
struct RateBucket
{
    double tokens = 0;
    qint64 lastRefill = -1; ///< monotonic ms; -1 until the first take()

    /// Takes `count` tokens at monotonic time `nowMs` and returns true, or returns false and
    /// takes nothing when fewer are left.
    bool take(int count, qint64 nowMs, double rate, int burst)
    {
        if (lastRefill < 0)
            tokens = burst;
        else
            tokens = std::min<double>(burst, tokens + double(nowMs - lastRefill) * rate / 1000.0);
        lastRefill = nowMs;
        if (tokens < count)
            return false;
        tokens -= count;
        return true;
    }
};

} // namespace vigil
