#include "linkstats.h"

namespace vigil {

QString errorCategoryName(ErrorCategory category)
{
    switch (category) {
    case ErrorCategory::Network:
        return QStringLiteral("network");
    case ErrorCategory::Tls:
        return QStringLiteral("tls");
    case ErrorCategory::Auth:
        return QStringLiteral("auth");
    case ErrorCategory::Protocol:
        return QStringLiteral("protocol");
    case ErrorCategory::Server:
        return QStringLiteral("server");
    case ErrorCategory::RateLimited:
        return QStringLiteral("rate-limited");
    }
    return QStringLiteral("network");
}

LinkStats::LinkStats(int rttSamples, qint64 lossWindowMs)
    : m_rtt(rttSamples, lossWindowMs)
{}

void LinkStats::frameIn(qint64 bytes, qint64 nowMs)
{
    ++m_messagesIn;
    m_bytesIn += quint64(bytes);
    m_rateMessagesIn.add(nowMs);
    m_rateBytesIn.add(nowMs, bytes);
}

void LinkStats::messageOut(qint64 bytes, qint64 nowMs)
{
    ++m_messagesOut;
    m_rateMessagesOut.add(nowMs);
    if (bytes > 0) {
        m_bytesOut += quint64(bytes);
        m_rateBytesOut.add(nowMs, bytes);
    }
}

void LinkStats::linkUp(qint64 nowMs)
{
    m_linkedAt = nowMs;
    m_unreachableSince = -1;
    if (m_droppedAt >= 0) {
        m_lastTimeToReconnectMs = nowMs - m_droppedAt;
        ++m_reconnects;
        m_droppedAt = -1;
    }
}

void LinkStats::linkDown(qint64 nowMs)
{
    m_droppedAt = nowMs;
}

QJsonObject LinkStats::toJson(qint64 nowMs) const
{
    QJsonObject o = m_rtt.toJson(nowMs);
    o.insert(QStringLiteral("reconnects"), m_reconnects);
    o.insert(QStringLiteral("unreachableSince"), m_unreachableSince);
    o.insert(QStringLiteral("timeToReconnectMs"), m_lastTimeToReconnectMs);
    o.insert(QStringLiteral("messagesIn"), qint64(m_messagesIn));
    o.insert(QStringLiteral("messagesOut"), qint64(m_messagesOut));
    o.insert(QStringLiteral("bytesIn"), qint64(m_bytesIn));
    o.insert(QStringLiteral("bytesOut"), qint64(m_bytesOut));
    o.insert(QStringLiteral("messagesInPerSec"), m_rateMessagesIn.perSecond(nowMs));
    o.insert(QStringLiteral("messagesOutPerSec"), m_rateMessagesOut.perSecond(nowMs));
    o.insert(QStringLiteral("bytesInPerSec"), m_rateBytesIn.perSecond(nowMs));
    o.insert(QStringLiteral("bytesOutPerSec"), m_rateBytesOut.perSecond(nowMs));
    o.insert(QStringLiteral("duplicatesDropped"), qint64(m_duplicates));
    o.insert(QStringLiteral("protocolErrors"), qint64(m_protocolErrors));
    o.insert(QStringLiteral("badFrameDisconnects"), qint64(m_badFrameDisconnects));
    o.insert(QStringLiteral("backlogDisconnects"), qint64(m_backlogDisconnects));
    o.insert(QStringLiteral("messagesSkipped"), qint64(m_messagesSkipped));
    QJsonObject errors;
    for (int i = 0; i < kErrorCategoryCount; ++i)
        errors.insert(errorCategoryName(ErrorCategory(i)), qint64(m_errors[size_t(i)]));
    o.insert(QStringLiteral("errors"), errors);
    return o;
}

} // namespace vigil
