#pragma once

#include <QJsonObject>
#include <QVector>

#include <deque>
#include <utility>

namespace vigil {

/// \brief Round-trip figures from heartbeats: last, average, p95, jitter and loss.
///
/// Keeps a bounded window of recent samples so memory stays flat on a link that runs for weeks.
/// Loss is judged over a window of time as well (when the caller gives times): a link that
/// lost heartbeats during an outage and answers promptly again is graded on what it does now
/// within a minute, not for the next hundred heartbeats.
class HealthStats
{
public:
    explicit HealthStats(int window = 100, qint64 lossWindowMs = 60000);

    /// `atMs`: when the sample was taken (monotonic); used by the loss window.
    void recordRtt(qint64 ms, qint64 atMs = 0);
    void recordLoss(qint64 atMs = 0);
    void reset();

    [[nodiscard]] qint64 lastRttMs() const { return m_last; }
    [[nodiscard]] double averageRttMs() const;
    [[nodiscard]] qint64 p95RttMs() const;
    /// Mean absolute difference between consecutive RTT samples.
    [[nodiscard]] double jitterMs() const;
    /// Lost heartbeats as a percentage of the heartbeats in the window: the samples of the
    /// last `lossWindowMs` before `nowMs`, or all samples when `nowMs` is negative.
    [[nodiscard]] double lossPercent(qint64 nowMs = -1) const;
    [[nodiscard]] int sampleCount() const { return int(m_samples.size()); }
    [[nodiscard]] QJsonObject toJson(qint64 nowMs = -1) const;

private:
    struct Sample
    {
        qint64 at;
        qint64 rtt; // -1 marks a lost heartbeat
    };
    void append(Sample sample);

    int m_window;
    qint64 m_lossWindowMs;
    QVector<Sample> m_samples;
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
