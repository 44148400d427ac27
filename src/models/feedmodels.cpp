#include "feedmodels.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonObject>

namespace vigil {

namespace {

qint64 timeOf(const Envelope &e)
{
    return e.timestamp > 0 ? e.timestamp : QDateTime::currentMSecsSinceEpoch();
}

QString str(const QJsonObject &o, QLatin1StringView key)
{
    return o.value(key).toString();
}

// A string field when present, else an invalid QVariant: the update keeps the current value.
QVariant optionalStr(const QJsonObject &o, QLatin1StringView key)
{
    const QJsonValue v = o.value(key);
    return v.isString() ? QVariant(v.toString()) : QVariant();
}

QVariant optionalNumber(const QJsonObject &o, QLatin1StringView key)
{
    const QJsonValue v = o.value(key);
    return v.isDouble() ? QVariant(v.toDouble()) : QVariant();
}

} // namespace

// ---------------------------------------------------------------------------------------------

IncidentsModel::IncidentsModel(QObject *parent, int capacity)
    : LiveListModel(
          parent,
          {"incidentId", "title", "severity", "status", "assignedTo", "createdAt", "updatedAt"},
          capacity)
{}

void IncidentsModel::record(const Envelope &e)
{
    if (e.channel != u"incidents" || !e.type.startsWith(u"incident."))
        return;
    const QJsonObject p = e.payload.toObject();
    const QJsonObject d = p.value(QLatin1StringView("data")).toObject();
    const qint64 at = timeOf(e);
    const bool created = e.type == u"incident.created";
    QVariant status = optionalStr(d, QLatin1StringView("status"));
    if (e.type == u"incident.resolved")
        status = QStringLiteral("resolved");
    upsert({str(p, QLatin1StringView("incidentId")), optionalStr(d, QLatin1StringView("title")),
            optionalStr(d, QLatin1StringView("severity")), status,
            optionalStr(d, QLatin1StringView("assignedTo")), created ? QVariant(at) : QVariant(),
            at});
}

void IncidentsModel::afterFlush()
{
    int open = 0, critical = 0, high = 0, medium = 0, low = 0;
    for (const Row &row : rows()) {
        if (row.at(StatusRole - IdRole).toString() == u"resolved")
            continue;
        ++open;
        const QString severity = row.at(SeverityRole - IdRole).toString();
        critical += severity == u"critical";
        high += severity == u"high";
        medium += severity == u"medium";
        low += severity == u"low";
    }
    if (std::tie(open, critical, high, medium, low) ==
        std::tie(m_open, m_critical, m_high, m_medium, m_low))
        return;
    std::tie(m_open, m_critical, m_high, m_medium, m_low) =
        std::tie(open, critical, high, medium, low);
    Q_EMIT figuresChanged();
}

// ---------------------------------------------------------------------------------------------

AgentsModel::AgentsModel(QObject *parent, int capacity)
    : LiveListModel(parent, {"agentId", "name", "status", "cpu", "memory", "lastSeen"}, capacity)
{
    connect(this, &LiveListModel::countChanged, this, &AgentsModel::figuresChanged);
}

void AgentsModel::record(const Envelope &e)
{
    const QJsonObject p = e.payload.toObject();
    if (e.type == u"agent.status") {
        const QJsonValue seen = p.value(QLatin1StringView("lastSeen"));
        upsert({str(p, QLatin1StringView("agentId")), optionalStr(p, QLatin1StringView("name")),
                optionalStr(p, QLatin1StringView("status")),
                optionalNumber(p, QLatin1StringView("cpu")),
                optionalNumber(p, QLatin1StringView("memory")),
                seen.isDouble() ? QVariant(qint64(seen.toDouble())) : QVariant(timeOf(e))});
    } else if (e.type == u"metric.update") {
        // Per-agent figures; the cluster-wide ones (source "cluster") are not an agent.
        const QString source = str(p, QLatin1StringView("source"));
        if (!known(source)) // an agent, even one announced in this same batch
            return;
        const QJsonObject m = p.value(QLatin1StringView("metrics")).toObject();
        upsert({source,
                {},
                {},
                optionalNumber(m, QLatin1StringView("cpu")),
                optionalNumber(m, QLatin1StringView("memory")),
                timeOf(e)});
    }
}

void AgentsModel::afterFlush()
{
    int online = 0;
    for (const Row &row : rows())
        online += row.at(StatusRole - IdRole).toString() != u"offline";
    if (online == m_online)
        return;
    m_online = online;
    Q_EMIT figuresChanged();
}

// ---------------------------------------------------------------------------------------------

AlertsModel::AlertsModel(QObject *parent, int capacity)
    : LiveListModel(parent, {"alertId", "severity", "title", "source", "active", "raisedAt"},
                    capacity)
{}

void AlertsModel::record(const Envelope &e)
{
    const QJsonObject p = e.payload.toObject();
    const QString id = str(p, QLatin1StringView("alertId"));
    if (e.type == u"alert.raised") {
        upsert({id, str(p, QLatin1StringView("severity")), str(p, QLatin1StringView("title")),
                str(p, QLatin1StringView("source")), true, timeOf(e)});
    } else if (e.type == u"alert.cleared") {
        // Only the state changes: the row keeps what was raised (the clear says "info").
        upsert({id, {}, {}, {}, false, {}});
    }
}

void AlertsModel::afterFlush()
{
    int active = 0;
    for (const Row &row : rows())
        active += row.at(ActiveRole - IdRole).toBool();
    if (active == m_active)
        return;
    m_active = active;
    Q_EMIT figuresChanged();
}

// ---------------------------------------------------------------------------------------------

ActivityModel::ActivityModel(QObject *parent, int capacity)
    : LiveListModel(parent, {"eventId", "actor", "action", "target", "summary", "timestamp"},
                    capacity)
{}

void ActivityModel::record(const Envelope &e)
{
    if (e.type != u"activity.event")
        return;
    const QJsonObject p = e.payload.toObject();
    upsert({e.id, str(p, QLatin1StringView("actor")), str(p, QLatin1StringView("action")),
            str(p, QLatin1StringView("target")), str(p, QLatin1StringView("summary")), timeOf(e)});
}

// ---------------------------------------------------------------------------------------------

ChatModel::ChatModel(QObject *parent, int capacity)
    : LiveListModel(parent,
                    {"messageId", "conversationId", "senderId", "content", "timestamp", "delivery"},
                    capacity)
{}

void ChatModel::record(const Envelope &e)
{
    if (e.channel != u"chat")
        return;
    const QJsonObject p = e.payload.toObject();
    if (e.type == u"chat.message") {
        const QJsonValue at = p.value(QLatin1StringView("timestamp"));
        upsert({str(p, QLatin1StringView("id")), str(p, QLatin1StringView("conversationId")),
                str(p, QLatin1StringView("senderId")), str(p, QLatin1StringView("content")),
                at.isDouble() ? qint64(at.toDouble()) : timeOf(e), QStringLiteral("sent")});
        return;
    }
    if (e.type != u"chat.delivered" && e.type != u"chat.read")
        return;
    const QString state =
        e.type == u"chat.read" ? QStringLiteral("read") : QStringLiteral("delivered");
    const QJsonArray ids = p.value(QLatin1StringView("messageIds")).toArray();
    for (const QJsonValue &id : ids) {
        const Row row = current(id.toString()); // the message may wait in this batch
        // A late "delivered" must not undo "read".
        if (row.isEmpty() ||
            (state == u"delivered" && row.at(DeliveryRole - IdRole).toString() == u"read"))
            continue;
        upsert({id.toString(), {}, {}, {}, {}, state});
    }
}

// ---------------------------------------------------------------------------------------------

LogModel::LogModel(QObject *parent, int capacity)
    : LiveListModel(parent, {"entryId", "level", "message", "source", "taskId", "timestamp"},
                    capacity)
{}

void LogModel::record(const Envelope &e)
{
    if (e.channel != u"logs")
        return;
    const QJsonObject p = e.payload.toObject();
    const qint64 at = timeOf(e);
    auto add = [this, at](const QJsonObject &entry) {
        // Log lines carry no id of their own; a local counter keys them.
        upsert({QString::number(++m_next), str(entry, QLatin1StringView("level")),
                str(entry, QLatin1StringView("message")), str(entry, QLatin1StringView("source")),
                str(entry, QLatin1StringView("taskId")), at});
    };
    if (e.type == u"log.entry") {
        add(p);
    } else if (e.type == u"log.batch") {
        const QJsonArray entries = p.value(QLatin1StringView("entries")).toArray();
        for (const QJsonValue &entry : entries)
            add(entry.toObject());
    }
}

} // namespace vigil
