#pragma once

#include <QtGlobal>

#include <functional>

namespace vigil {

/// \brief How long to wait before reconnect attempt N: retry timing as data, not code paths.
///
/// delay(n) = min(base * factor^(n-1), cap), then "full jitter": a uniform draw in [0, delay].
/// Full jitter spreads a fleet of clients that lost the same server over the whole window, so a
/// restarted relay is not hit by every operator at the same instant.
struct ReconnectPolicy
{
    int baseMs = 1000;
    double factor = 2.0;
    int capMs = 30000;
    bool jitter = true;

    /// Upper bound of the delay before attempt `attempt` (1-based), before jitter.
    [[nodiscard]] int ceilingMs(int attempt) const;
    /// The delay to use; `uniform01` returns a number in [0, 1) (injected so tests are exact).
    [[nodiscard]] int delayMs(int attempt, const std::function<double()> &uniform01) const;
};

} // namespace vigil
