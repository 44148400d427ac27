#include "healthstats.h"

#include <algorithm>
#include <cmath>

namespace vigil {

HealthStats::HealthStats(int window, qint64 lossWindowMs)
    : m_window(std::max(2, window))
    , m_lossWindowMs(std::max<qint64>(1, lossWindowMs))
{}

void HealthStats::append(Sample sample)
{
    m_samples.append(sample);
    if (m_samples.size() > m_window)
        m_samples.removeFirst();
}

void HealthStats::recordRtt(qint64 ms, qint64 atMs)
{
    m_last = std::max<qint64>(0, ms);
    append({atMs, m_last});
}

void HealthStats::recordLoss(qint64 atMs)
{
    append({atMs, -1});
}

void HealthStats::reset()
{
    m_samples.clear();
    m_last = -1;
}

double HealthStats::averageRttMs() const
{
    qint64 sum = 0;
    int n = 0;
    for (const Sample &s : m_samples) {
        if (s.rtt >= 0) {
            sum += s.rtt;
            ++n;
        }
    }
    return n ? double(sum) / n : 0.0;
}

qint64 HealthStats::p95RttMs() const
{
    QVector<qint64> ok;
    for (const Sample &s : m_samples) {
        if (s.rtt >= 0)
            ok.append(s.rtt);
    }
    if (ok.isEmpty())
        return 0;
    std::sort(ok.begin(), ok.end());
    // Nearest-rank percentile: the smallest sample at or above 95% of the ranks.
    const int rank = int(std::ceil(0.95 * ok.size()));
    return ok.at(std::clamp(rank - 1, 0, int(ok.size()) - 1));
}

double HealthStats::jitterMs() const
{
    double sum = 0;
    int n = 0;
    qint64 previous = -1;
    for (const Sample &sample : m_samples) {
        const qint64 s = sample.rtt;
        if (s < 0)
            continue;
        if (previous >= 0) {
            sum += std::abs(double(s - previous));
            ++n;
        }
        previous = s;
    }
    return n ? sum / n : 0.0;
}

double HealthStats::lossPercent(qint64 nowMs) const
{
    qsizetype total = 0;
    qsizetype lost = 0;
    for (const Sample &s : m_samples) {
        if (nowMs >= 0 && s.at <= nowMs - m_lossWindowMs)
            continue;
        ++total;
        if (s.rtt < 0)
            ++lost;
    }
    return total ? 100.0 * double(lost) / double(total) : 0.0;
}

QJsonObject HealthStats::toJson(qint64 nowMs) const
{
    return {{QStringLiteral("rttLastMs"), m_last},
            {QStringLiteral("rttAvgMs"), averageRttMs()},
            {QStringLiteral("rttP95Ms"), p95RttMs()},
            {QStringLiteral("jitterMs"), jitterMs()},
            {QStringLiteral("lossPercent"), lossPercent(nowMs)},
            {QStringLiteral("samples"), sampleCount()}};
}

RateMeter::RateMeter(int windowSeconds)
    : m_windowSeconds(std::max(1, windowSeconds))
{}

void RateMeter::add(qint64 nowMs, qint64 amount)
{
    const qint64 second = nowMs / 1000;
    if (!m_buckets.empty() && m_buckets.back().first == second)
        m_buckets.back().second += amount;
    else
        m_buckets.emplace_back(second, amount);
    while (!m_buckets.empty() && m_buckets.front().first <= second - m_windowSeconds)
        m_buckets.pop_front();
}

double RateMeter::perSecond(qint64 nowMs) const
{
    const qint64 second = nowMs / 1000;
    qint64 sum = 0;
    for (const auto &[bucket, amount] : m_buckets) {
        if (bucket > second - m_windowSeconds && bucket <= second)
            sum += amount;
    }
    return double(sum) / m_windowSeconds;
}

} // namespace vigil
