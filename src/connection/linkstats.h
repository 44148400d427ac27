#pragma once

#include "healthstats.h"

#include <QJsonObject>
#include <QString>

#include <array>

namespace vigil {

/// \brief Why the connection failed, counted separately for the health page.
enum class ErrorCategory { Network, Tls, Auth, Protocol, Server, RateLimited };
inline constexpr int kErrorCategoryCount = 6;
[[nodiscard]] QString errorCategoryName(ErrorCategory category);

/// \brief What one connection has done so far, as counters and rates: messages and bytes
/// each way, errors by category, links dropped for misbehaviour, reconnects and how long they
/// took, and the heartbeat round trips (HealthStats).
///
/// It only counts: it decides nothing and knows no socket. The ConnectionManager reports
/// events to it and reads the figures back for its accessors and `healthJson()`.
class LinkStats
{
public:
    LinkStats(int rttSamples, qint64 lossWindowMs);

    /// A frame arrived (good or bad): `bytes` as received.
    void frameIn(qint64 bytes, qint64 nowMs);
    /// A message went out; `bytes` is 0 where the transport does not tell (HTTP posts).
    void messageOut(qint64 bytes, qint64 nowMs);
    void countError(ErrorCategory category) { ++m_errors[size_t(category)]; }
    void countProtocolError() { ++m_protocolErrors; }
    void countDuplicate() { ++m_duplicates; }
    void countBadFrameDisconnect() { ++m_badFrameDisconnects; }
    void countBacklogDisconnect() { ++m_backlogDisconnects; }
    void countSkipped() { ++m_messagesSkipped; }
    /// A transport started carrying messages; after a drop this is a reconnect, timed.
    void linkUp(qint64 nowMs);
    /// A working transport was lost: the time to reconnect runs from here.
    void linkDown(qint64 nowMs);
    /// An attempt failed at wall-clock `wallMs`: unreachable since then, unless already.
    void unreachable(qint64 wallMs)
    {
        if (m_unreachableSince < 0)
            m_unreachableSince = wallMs;
    }
    /// Wall-clock ms since when no transport reached the server; -1 while one works.
    [[nodiscard]] qint64 unreachableSinceMs() const { return m_unreachableSince; }

    [[nodiscard]] HealthStats &rtt() { return m_rtt; }
    [[nodiscard]] const HealthStats &rtt() const { return m_rtt; }
    [[nodiscard]] quint64 messagesIn() const { return m_messagesIn; }
    [[nodiscard]] quint64 messagesOut() const { return m_messagesOut; }
    [[nodiscard]] quint64 bytesIn() const { return m_bytesIn; }
    [[nodiscard]] quint64 bytesOut() const { return m_bytesOut; }
    [[nodiscard]] quint64 protocolErrors() const { return m_protocolErrors; }
    [[nodiscard]] quint64 duplicates() const { return m_duplicates; }
    [[nodiscard]] quint64 badFrameDisconnects() const { return m_badFrameDisconnects; }
    [[nodiscard]] quint64 backlogDisconnects() const { return m_backlogDisconnects; }
    [[nodiscard]] quint64 messagesSkipped() const { return m_messagesSkipped; }
    [[nodiscard]] quint64 errors(ErrorCategory category) const
    {
        return m_errors[size_t(category)];
    }
    [[nodiscard]] int reconnects() const { return m_reconnects; }
    [[nodiscard]] qint64 lastTimeToReconnectMs() const { return m_lastTimeToReconnectMs; }
    /// Since when the current transport carries messages (monotonic ms), -1 before the first.
    [[nodiscard]] qint64 linkedSinceMs() const { return m_linkedAt; }

    /// The round-trip figures and every counter and rate, under the keys `vigil-cli health`
    /// documents.
    [[nodiscard]] QJsonObject toJson(qint64 nowMs) const;

private:
    HealthStats m_rtt;
    quint64 m_messagesIn = 0;
    quint64 m_messagesOut = 0;
    quint64 m_bytesIn = 0;
    quint64 m_bytesOut = 0;
    quint64 m_protocolErrors = 0;
    quint64 m_duplicates = 0;
    quint64 m_badFrameDisconnects = 0;
    quint64 m_backlogDisconnects = 0;
    quint64 m_messagesSkipped = 0;
    std::array<quint64, kErrorCategoryCount> m_errors{};
    RateMeter m_rateMessagesIn;
    RateMeter m_rateMessagesOut;
    RateMeter m_rateBytesIn;
    RateMeter m_rateBytesOut;
    int m_reconnects = 0;
    qint64 m_linkedAt = -1;
    qint64 m_droppedAt = -1;
    qint64 m_lastTimeToReconnectMs = -1;
    qint64 m_unreachableSince = -1;
};

} // namespace vigil
