#include "logdelivery.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QUuid>

namespace vigil {

namespace {

// The frame around the entries: {"channel":...,"id":"batch-<uuid>","payload":{"entries":[
// ... ]},"timestamp":<ms>,"type":"log.batch"}. Channel names are plain (isValidChannelName),
// so nothing in it needs escaping.
constexpr qsizetype kFrameOverhead = 256;

} // namespace

LogFilterOutcome filterLogMessage(const LogFilter &filter, const Envelope &message,
                                  Envelope *reduced)
{
    if (filter.isEmpty())
        return LogFilterOutcome::Pass;
    if (message.type == kLogEntryType) {
        return filter.matches(message.payload.toObject()) ? LogFilterOutcome::Pass
                                                          : LogFilterOutcome::Drop;
    }
    if (message.type != kLogBatchType)
        return LogFilterOutcome::Pass;
    QJsonObject payload = message.payload.toObject();
    const QJsonArray entries = payload.value(QStringLiteral("entries")).toArray();
    QJsonArray kept;
    for (const QJsonValue &entry : entries) {
        if (filter.matches(entry.toObject()))
            kept.append(entry);
    }
    if (kept.isEmpty())
        return LogFilterOutcome::Drop;
    if (kept.size() == entries.size())
        return LogFilterOutcome::Pass;
    if (reduced) {
        payload.insert(QStringLiteral("entries"), kept);
        *reduced = message;
        reduced->payload = payload;
    }
    return LogFilterOutcome::Reduced;
}

bool passesLogFilter(const LogFilter &filter, const Envelope &message)
{
    return filterLogMessage(filter, message, nullptr) != LogFilterOutcome::Drop;
}

QByteArray logBatchEntry(const Envelope &entry)
{
    if (!entry.payload.isObject())
        return {};
    QJsonObject o = entry.payload.toObject();
    o.insert(QStringLiteral("id"), entry.id);
    o.insert(QStringLiteral("seq"), entry.seq);
    o.insert(QStringLiteral("timestamp"), entry.timestamp);
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

bool LogBatch::fits(const QByteArray &entry, qsizetype maxFrameBytes) const
{
    return kFrameOverhead + m_entries.size() + 1 + entry.size() <= maxFrameBytes;
}

void LogBatch::add(const QByteArray &entry)
{
    if (m_count > 0)
        m_entries += ',';
    m_entries += entry;
    ++m_count;
}

QByteArray LogBatch::take(const QString &channel)
{
    QByteArray frame;
    frame.reserve(kFrameOverhead + m_entries.size());
    frame += R"({"channel":")";
    frame += channel.toUtf8();
    frame += R"(","id":"batch-)";
    frame += QUuid::createUuid().toByteArray(QUuid::WithoutBraces);
    frame += R"(","payload":{"entries":[)";
    frame += m_entries;
    frame += R"(]},"timestamp":)";
    frame += QByteArray::number(QDateTime::currentMSecsSinceEpoch());
    frame += R"(,"type":"log.batch"})";
    m_entries.clear();
    m_count = 0;
    return frame;
}

} // namespace vigil
