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

// A field an update may leave out: empty when absent, so the row keeps its value.
std::optional<QString> optionalStr(const QJsonObject &o, QLatin1StringView key)
{
    const QJsonValue v = o.value(key);
    return v.isString() ? std::optional(v.toString()) : std::nullopt;
}

std::optional<double> optionalNumber(const QJsonObject &o, QLatin1StringView key)
{
    const QJsonValue v = o.value(key);
    return v.isDouble() ? std::optional(v.toDouble()) : std::nullopt;
}

} // namespace

// ---------------------------------------------------------------------------------------------

namespace {
RowRoles<Incident> incidentRoles()
{
    using M = IncidentsModel;
    return {
        {M::IdRole, "incidentId", [](const Incident &r) { return r.id; }},
        {M::TitleRole, "title", [](const Incident &r) { return r.title; }},
        {M::SeverityRole, "severity", [](const Incident &r) { return r.severity; }},
        {M::StatusRole, "status", [](const Incident &r) { return r.status; }},
        {M::AssignedToRole, "assignedTo", [](const Incident &r) { return r.assignedTo; }},
        {M::CreatedAtRole, "createdAt", [](const Incident &r) { return r.createdAt; }},
        {M::UpdatedAtRole, "updatedAt", [](const Incident &r) { return r.updatedAt; }},
    };
}
} // namespace

IncidentsModel::IncidentsModel(QObject *parent, int capacity)
    : LiveListModel(parent, capacity)
    , m_rows(this, incidentRoles())
{}

void IncidentsModel::record(const Envelope &e)
{
    if (e.channel != u"incidents" || !e.type.startsWith(u"incident."))
        return;
    const QJsonObject p = e.payload.toObject();
    const QJsonObject d = p.value(QLatin1StringView("data")).toObject();
    const qint64 at = timeOf(e);
    const bool created = e.type == u"incident.created";
    const std::optional<QString> title = optionalStr(d, QLatin1StringView("title"));
    const std::optional<QString> severity = optionalStr(d, QLatin1StringView("severity"));
    const std::optional<QString> assignedTo = optionalStr(d, QLatin1StringView("assignedTo"));
    // The resolve event carries the last status the server knew; the row says resolved.
    const std::optional<QString> status = e.type == u"incident.resolved"
                                              ? QStringLiteral("resolved")
                                              : optionalStr(d, QLatin1StringView("status"));
    m_rows.upsert(str(p, QLatin1StringView("incidentId")), [=](Incident &row) {
        assignIf(row.title, title);
        assignIf(row.severity, severity);
        assignIf(row.status, status);
        assignIf(row.assignedTo, assignedTo);
        if (created)
            row.createdAt = at;
        row.updatedAt = at;
    });
}

void IncidentsModel::afterFlush()
{
    int open = 0, critical = 0, high = 0, medium = 0, low = 0;
    for (const Incident &row : m_rows.all()) {
        if (row.status == u"resolved")
            continue;
        ++open;
        critical += row.severity == u"critical";
        high += row.severity == u"high";
        medium += row.severity == u"medium";
        low += row.severity == u"low";
    }
    if (std::tie(open, critical, high, medium, low) ==
        std::tie(m_open, m_critical, m_high, m_medium, m_low))
        return;
    std::tie(m_open, m_critical, m_high, m_medium, m_low) =
        std::tie(open, critical, high, medium, low);
    Q_EMIT figuresChanged();
}

// ---------------------------------------------------------------------------------------------

namespace {
RowRoles<Agent> agentRoles()
{
    using M = AgentsModel;
    return {
        {M::IdRole, "agentId", [](const Agent &r) { return r.id; }},
        {M::NameRole, "name", [](const Agent &r) { return r.name; }},
        {M::StatusRole, "status", [](const Agent &r) { return r.status; }},
        {M::CpuRole, "cpu", [](const Agent &r) { return optionalValue(r.cpu); }},
        {M::MemoryRole, "memory", [](const Agent &r) { return optionalValue(r.memory); }},
        {M::LastSeenRole, "lastSeen", [](const Agent &r) { return r.lastSeen; }},
    };
}
} // namespace

AgentsModel::AgentsModel(QObject *parent, int capacity)
    : LiveListModel(parent, capacity)
    , m_rows(this, agentRoles())
{
    connect(this, &LiveListModel::countChanged, this, &AgentsModel::figuresChanged);
}

void AgentsModel::record(const Envelope &e)
{
    const QJsonObject p = e.payload.toObject();
    if (e.type == u"agent.status") {
        const std::optional<QString> name = optionalStr(p, QLatin1StringView("name"));
        const std::optional<QString> status = optionalStr(p, QLatin1StringView("status"));
        const std::optional<double> cpu = optionalNumber(p, QLatin1StringView("cpu"));
        const std::optional<double> memory = optionalNumber(p, QLatin1StringView("memory"));
        const QJsonValue seen = p.value(QLatin1StringView("lastSeen"));
        const qint64 lastSeen = seen.isDouble() ? qint64(seen.toDouble()) : timeOf(e);
        m_rows.upsert(str(p, QLatin1StringView("agentId")), [=](Agent &row) {
            assignIf(row.name, name);
            assignIf(row.status, status);
            assignIf(row.cpu, cpu);
            assignIf(row.memory, memory);
            row.lastSeen = lastSeen;
        });
    } else if (e.type == u"metric.update") {
        // Per-agent figures, for an agent listed or queued; the cluster-wide ones (source
        // "cluster") are not an agent and change nothing.
        const QJsonObject m = p.value(QLatin1StringView("metrics")).toObject();
        const std::optional<double> cpu = optionalNumber(m, QLatin1StringView("cpu"));
        const std::optional<double> memory = optionalNumber(m, QLatin1StringView("memory"));
        const qint64 at = timeOf(e);
        m_rows.update(str(p, QLatin1StringView("source")), [=](Agent &row) {
            assignIf(row.cpu, cpu);
            assignIf(row.memory, memory);
            row.lastSeen = at;
        });
    }
}

void AgentsModel::afterFlush()
{
    int online = 0;
    for (const Agent &row : m_rows.all())
        online += row.status != u"offline";
    if (online == m_online)
        return;
    m_online = online;
    Q_EMIT figuresChanged();
}

// ---------------------------------------------------------------------------------------------

namespace {
RowRoles<Alert> alertRoles()
{
    using M = AlertsModel;
    return {
        {M::IdRole, "alertId", [](const Alert &r) { return r.id; }},
        {M::SeverityRole, "severity", [](const Alert &r) { return r.severity; }},
        {M::TitleRole, "title", [](const Alert &r) { return r.title; }},
        {M::SourceRole, "source", [](const Alert &r) { return r.source; }},
        {M::ActiveRole, "active", [](const Alert &r) { return r.active; }},
        {M::RaisedAtRole, "raisedAt", [](const Alert &r) { return r.raisedAt; }},
    };
}
} // namespace

AlertsModel::AlertsModel(QObject *parent, int capacity)
    : LiveListModel(parent, capacity)
    , m_rows(this, alertRoles())
{}

void AlertsModel::record(const Envelope &e)
{
    const QJsonObject p = e.payload.toObject();
    const QString id = str(p, QLatin1StringView("alertId"));
    if (e.type == u"alert.raised") {
        Alert alert;
        alert.id = id;
        alert.severity = str(p, QLatin1StringView("severity"));
        alert.title = str(p, QLatin1StringView("title"));
        alert.source = str(p, QLatin1StringView("source"));
        alert.active = true;
        alert.raisedAt = timeOf(e);
        m_rows.upsert(alert);
    } else if (e.type == u"alert.cleared") {
        // Only the state changes: the row keeps what was raised (the clear says "info").
        m_rows.update(id, [](Alert &row) { row.active = false; });
    }
}

void AlertsModel::afterFlush()
{
    int active = 0;
    for (const Alert &row : m_rows.all())
        active += row.active;
    if (active == m_active)
        return;
    m_active = active;
    Q_EMIT figuresChanged();
}

// ---------------------------------------------------------------------------------------------

namespace {
RowRoles<ActivityEvent> activityRoles()
{
    using M = ActivityModel;
    return {
        {M::IdRole, "eventId", [](const ActivityEvent &r) { return r.id; }},
        {M::ActorRole, "actor", [](const ActivityEvent &r) { return r.actor; }},
        {M::ActionRole, "action", [](const ActivityEvent &r) { return r.action; }},
        {M::TargetRole, "target", [](const ActivityEvent &r) { return r.target; }},
        {M::SummaryRole, "summary", [](const ActivityEvent &r) { return r.summary; }},
        {M::TimestampRole, "timestamp", [](const ActivityEvent &r) { return r.timestamp; }},
    };
}
} // namespace

ActivityModel::ActivityModel(QObject *parent, int capacity)
    : LiveListModel(parent, capacity)
    , m_rows(this, activityRoles())
{}

void ActivityModel::record(const Envelope &e)
{
    if (e.type != u"activity.event")
        return;
    const QJsonObject p = e.payload.toObject();
    ActivityEvent event;
    event.id = e.id;
    event.actor = str(p, QLatin1StringView("actor"));
    event.action = str(p, QLatin1StringView("action"));
    event.target = str(p, QLatin1StringView("target"));
    event.summary = str(p, QLatin1StringView("summary"));
    event.timestamp = timeOf(e);
    m_rows.upsert(event);
}

// ---------------------------------------------------------------------------------------------

QString ChatMessage::deliveryName(Delivery delivery)
{
    switch (delivery) {
    case Delivery::Sent:
        return QStringLiteral("sent");
    case Delivery::Delivered:
        return QStringLiteral("delivered");
    case Delivery::Read:
        return QStringLiteral("read");
    }
    return {};
}

namespace {
RowRoles<ChatMessage> chatRoles()
{
    using M = ChatModel;
    using R = ChatMessage;
    return {
        {M::IdRole, "messageId", [](const R &r) { return r.id; }},
        {M::ConversationRole, "conversationId", [](const R &r) { return r.conversationId; }},
        {M::SenderRole, "senderId", [](const R &r) { return r.senderId; }},
        {M::ContentRole, "content", [](const R &r) { return r.content; }},
        {M::TimestampRole, "timestamp", [](const R &r) { return r.timestamp; }},
        {M::DeliveryRole, "delivery", [](const R &r) { return R::deliveryName(r.delivery); }},
    };
}
} // namespace

ChatModel::ChatModel(QObject *parent, int capacity)
    : LiveListModel(parent, capacity)
    , m_rows(this, chatRoles())
{}

void ChatModel::record(const Envelope &e)
{
    using Delivery = ChatMessage::Delivery;
    if (e.channel != u"chat")
        return;
    const QJsonObject p = e.payload.toObject();
    if (e.type == u"chat.message") {
        const QJsonValue at = p.value(QLatin1StringView("timestamp"));
        ChatMessage message;
        message.id = str(p, QLatin1StringView("id"));
        message.conversationId = str(p, QLatin1StringView("conversationId"));
        message.senderId = str(p, QLatin1StringView("senderId"));
        message.content = str(p, QLatin1StringView("content"));
        message.timestamp = at.isDouble() ? qint64(at.toDouble()) : timeOf(e);
        // Everything but the delivery state: the message replayed after its receipts stays
        // delivered or read.
        m_rows.upsert(message.id, [message](ChatMessage &row) {
            const Delivery reached = row.delivery;
            row = message;
            row.delivery = reached;
        });
        return;
    }
    if (e.type != u"chat.delivered" && e.type != u"chat.read")
        return;
    const Delivery state = e.type == u"chat.read" ? Delivery::Read : Delivery::Delivered;
    const QJsonArray ids = p.value(QLatin1StringView("messageIds")).toArray();
    for (const QJsonValue &id : ids) {
        // Applies to the message listed or waiting in this batch; a late "delivered" does not
        // undo "read".
        m_rows.update(id.toString(),
                      [state](ChatMessage &row) { row.delivery = std::max(row.delivery, state); });
    }
}

// ---------------------------------------------------------------------------------------------

namespace {
RowRoles<LogLine> logRoles()
{
    using M = LogModel;
    return {
        {M::IdRole, "entryId", [](const LogLine &r) { return r.id; }},
        {M::LevelRole, "level", [](const LogLine &r) { return r.level; }},
        {M::MessageRole, "message", [](const LogLine &r) { return r.message; }},
        {M::SourceRole, "source", [](const LogLine &r) { return r.source; }},
        {M::TaskRole, "taskId", [](const LogLine &r) { return r.taskId; }},
        {M::TimestampRole, "timestamp", [](const LogLine &r) { return r.timestamp; }},
    };
}
} // namespace

LogModel::LogModel(QObject *parent, int capacity)
    : LiveListModel(parent, capacity)
    , m_rows(this, logRoles())
{}

void LogModel::record(const Envelope &e)
{
    if (e.channel != u"logs")
        return;
    const QJsonObject p = e.payload.toObject();
    const qint64 at = timeOf(e);
    auto add = [this, at](const QJsonObject &entry) {
        LogLine line;
        line.id = QString::number(++m_next); // log lines carry no id of their own
        line.level = str(entry, QLatin1StringView("level"));
        line.message = str(entry, QLatin1StringView("message"));
        line.source = str(entry, QLatin1StringView("source"));
        line.taskId = str(entry, QLatin1StringView("taskId"));
        line.timestamp = at;
        m_rows.upsert(line);
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
