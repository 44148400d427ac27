#pragma once

namespace vigil {

/// \brief Stops reconnect attempts after too many consecutive failures, then lets one probe
/// through after a cool-down.
///
/// Closed: attempts flow. Open: no attempts (the UI says "gave up after N attempts").
/// HalfOpen: exactly one probe; success closes the breaker, failure opens it again.
/// A threshold of 0 means "never open" (the app's default: keep trying forever).
class CircuitBreaker
{
public:
    enum class Phase { Closed, Open, HalfOpen };

    explicit CircuitBreaker(int threshold = 0)
        : m_threshold(threshold)
    {}

    /// Records a failed attempt; returns true when this failure opened the breaker.
    bool recordFailure();
    void recordSuccess();
    /// The cool-down has passed: allow one probe.
    void allowProbe();
    /// A manual reconnect: forget the failures.
    void reset();

    [[nodiscard]] Phase phase() const { return m_phase; }
    [[nodiscard]] bool isOpen() const { return m_phase == Phase::Open; }
    [[nodiscard]] int failures() const { return m_failures; }
    [[nodiscard]] int threshold() const { return m_threshold; }

private:
    int m_threshold;
    int m_failures = 0;
    Phase m_phase = Phase::Closed;
};

} // namespace vigil
