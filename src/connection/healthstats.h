#pragma once

#include <QJsonObject>
#include <QVector>

#include <deque>
#include <utility>

namespace vigil {

/// \brief Round-trip figures from heartbeats: last, average, p95, jitter and loss.
///
/// Keeps a bounded window of recent samples so memory stays flat on a link that runs for weeks.
class HealthStats
{
public:
    explicit HealthStats(int window = 100);

    void recordRtt(qint64 ms);
    void recordLoss();
    void reset();

    [[nodiscard]] qint64 lastRttMs() const { return m_last; }
    [[nodiscard]] double averageRttMs() const;
    [[nodiscard]] qint64 p95RttMs() const;
    /// Mean absolute difference between consecutive RTT samples.
    [[nodiscard]] double jitterMs() const;
    /// Lost heartbeats as a percentage of all heartbeats sent in the window.
    [[nodiscard]] double lossPercent() const;
    [[nodiscard]] int sampleCount() const { return int(m_samples.size()); }
    [[nodiscard]] QJsonObject toJson() const;

private:
    int m_window;
    QVector<qint64> m_samples; // RTTs; -1 marks a lost heartbeat
    qint64 m_last = -1;
};

/// \brief Events (messages, bytes) per second over a sliding window of whole seconds.
class RateMeter
{
public:
    explicit RateMeter(int windowSeconds = 5);
    void add(qint64 nowMs, qint64 amount = 1);
    /// Average per second over the window ending at `nowMs`.
    [[nodiscard]] double perSecond(qint64 nowMs) const;

private:
    int m_windowSeconds;
    std::deque<std::pair<qint64, qint64>> m_buckets; // (second, amount)
};

} // namespace vigil
