#pragma once

#include <QtGlobal>

#include <functional>

namespace vigil {

/// \brief How long to wait before reconnect attempt N: retry timing as data, not code paths.
///
/// ceiling(n) = min(base * factor^(n-1), cap); the delay is then drawn uniformly from
/// [ceiling * (1 - spread), ceiling] ("equal jitter" with the default spread of one half).
/// The random part spreads a fleet of clients that lost the same server over half the window,
/// so a restarted relay is not hit by every operator at the same instant; the fixed part
/// guarantees the budget: with the defaults no client opens more than 5 connections to a
/// server in its first 15 s of trying, whatever the random draws.
struct ReconnectPolicy
{
    int baseMs = 1000;
    double factor = 2.0;
    int capMs = 30000;
    bool jitter = true;
    double jitterSpread = 0.5; ///< share of the ceiling that is random (0 = none, 1 = full)

    /// Upper bound of the delay before attempt `attempt` (1-based), before jitter.
    [[nodiscard]] int ceilingMs(int attempt) const;
    /// The delay to use; `uniform01` returns a number in [0, 1) (injected so tests are exact).
    [[nodiscard]] int delayMs(int attempt, const std::function<double()> &uniform01) const;
    /// The delay before attempt `attempt` after a link closed with `closeCode` (-1: no code).
    /// A server restarting on purpose (1001, 1012) is retried promptly, still jittered; one
    /// that is rate limiting (4429) gets at least `rateLimitedMinMs` more.
    [[nodiscard]] int delayAfterClose(int closeCode, int attempt,
                                      const std::function<double()> &uniform01,
                                      int rateLimitedMinMs) const;
};

} // namespace vigil
