#include "circuitbreaker.h"

namespace vigil {

bool CircuitBreaker::recordFailure()
{
    ++m_failures;
    if (m_phase == Phase::HalfOpen) {
        m_phase = Phase::Open; // the probe failed
        return true;
    }
    if (m_phase == Phase::Closed && m_threshold > 0 && m_failures >= m_threshold) {
        m_phase = Phase::Open;
        return true;
    }
    return false;
}

void CircuitBreaker::recordSuccess()
{
    m_failures = 0;
    m_phase = Phase::Closed;
}

void CircuitBreaker::allowProbe()
{
    if (m_phase == Phase::Open)
        m_phase = Phase::HalfOpen;
}

void CircuitBreaker::reset()
{
    m_failures = 0;
    m_phase = Phase::Closed;
}

} // namespace vigil
