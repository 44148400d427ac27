#include "feedmodels.h"

#include "connection/connectionview.h"
#include "ui/tone.h"

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
RowRoles<Incident> incidentRoles(const IncidentsModel *model)
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
        {M::DescriptionRole, "description", [](const Incident &r) { return r.description; }},
        {M::GapsAfterRole, "gapsAfter", [model](const Incident &r) { return model->gapsAfter(r); }},
    };
}
} // namespace

IncidentsModel::IncidentsModel(QObject *parent, int capacity)
    : LiveListModel(parent, capacity)
    , m_rows(this, incidentRoles(this))
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
    const std::optional<QString> description = optionalStr(d, QLatin1StringView("description"));
    // `assignedTo: null` is the server saying "nobody".
    const std::optional<QString> assignedTo = d.value(QLatin1StringView("assignedTo")).isNull()
                                                  ? std::optional(QString())
                                                  : optionalStr(d, QLatin1StringView("assignedTo"));
    // The resolve event carries the last status the server knew; the row says resolved.
    const std::optional<QString> status = e.type == u"incident.resolved"
                                              ? QStringLiteral("resolved")
                                              : optionalStr(d, QLatin1StringView("status"));
    IncidentUpdate update;
    update.id = e.id;
    update.kind = e.type.mid(int(qstrlen("incident.")));
    update.actor = str(p, QLatin1StringView("actor"));
    update.requestId = str(p, QLatin1StringView("requestId"));
    update.at = at;
    const QString note = str(d, QLatin1StringView("resolutionNote"));
    const qint64 seq = e.seq;
    const quint64 epoch = m_epoch;
    const quint64 link = m_link;
    m_rows.upsert(str(p, QLatin1StringView("incidentId")), [=](Incident &row) {
        // A replay of what the row has already moved past would undo it; the same update
        // twice would be listed twice.
        if (seq >= 0 && row.epoch == epoch && row.seq >= seq && at <= row.updatedAt)
            return;
        if (!update.id.isEmpty() &&
            std::any_of(row.history.cbegin(), row.history.cend(),
                        [&](const IncidentUpdate &u) { return u.id == update.id; }))
            return;
        const Incident before = row;
        assignIf(row.title, title);
        assignIf(row.severity, severity);
        assignIf(row.status, status);
        assignIf(row.assignedTo, assignedTo);
        assignIf(row.description, description);
        if (created)
            row.createdAt = at;
        row.updatedAt = at;
        row.seq = row.epoch == epoch ? std::max(row.seq, seq) : seq;
        row.epoch = epoch;
        row.link = link;
        IncidentUpdate entry = update;
        entry.changes = describeChanges(before, row, note);
        row.history.prepend(entry);
        if (row.history.size() > kKeepUpdates)
            row.history.resize(kKeepUpdates);
    });
}

QString IncidentsModel::describeChanges(const Incident &before, const Incident &after,
                                        const QString &note)
{
    QStringList parts;
    const auto change = [&](const QString &was, const QString &now, const QString &first,
                            const QString &changed) {
        if (was != now && !now.isEmpty())
            parts.append(was.isEmpty() ? first.arg(now) : changed.arg(was, now));
    };
    change(before.status, after.status, tr("status %1"), tr("status %1 → %2"));
    change(before.severity, after.severity, tr("severity %1"), tr("severity %1 → %2"));
    if (before.assignedTo != after.assignedTo) {
        parts.append(after.assignedTo.isEmpty() ? tr("unassigned")
                     : before.assignedTo.isEmpty()
                         ? tr("assigned to %1").arg(after.assignedTo)
                         : tr("reassigned from %1 to %2").arg(before.assignedTo, after.assignedTo));
    }
    if (!before.title.isEmpty() && before.title != after.title)
        parts.append(tr("title \"%1\"").arg(after.title));
    if (!note.isEmpty())
        parts.append(tr("note: %1").arg(note));
    return parts.isEmpty() ? tr("no change") : parts.join(QStringLiteral(", "));
}

void IncidentsModel::attach(ConnectionView *view)
{
    setGaps({});
    if (!view)
        return;
    connect(view, &ConnectionView::stateChanged, this, [this](ConnectionManager::State s) {
        if (s == ConnectionManager::State::Connected || s == ConnectionManager::State::Fallback)
            noteLinkStart();
    });
    connect(view, &ConnectionView::recoveryFailed, this, &IncidentsModel::noteGap);
    connect(view, &ConnectionView::reloadFinished, this, &IncidentsModel::noteReloaded);
    connect(view, &ConnectionView::historyReset, this,
            [this](const QStringList &channels) { noteHistoryReset(channels); });
}

void IncidentsModel::noteLinkStart()
{
    ++m_link;
}

void IncidentsModel::noteGap(const QString &channel)
{
    if (!channels().contains(channel))
        return;
    // What is missing came before this connection's first message: the rows earlier
    // connections brought are older than the gap, the ones this connection brings newer.
    QList<quint64> links = m_gapLinks;
    if (!links.contains(m_link))
        links.append(m_link);
    setGaps(std::move(links));
}

void IncidentsModel::noteReloaded(const QString &channel)
{
    if (channels().contains(channel))
        setGaps({});
}

void IncidentsModel::noteHistoryReset(const QStringList &channels)
{
    for (const QString &channel : channels) {
        if (this->channels().contains(channel)) {
            ++m_epoch;
            return;
        }
    }
}

int IncidentsModel::gapsAfter(const Incident &row) const
{
    return int(std::count_if(m_gapLinks.cbegin(), m_gapLinks.cend(),
                             [&](quint64 link) { return link > row.link; }));
}

void IncidentsModel::setGaps(QList<quint64> links)
{
    if (links == m_gapLinks)
        return;
    m_gapLinks = std::move(links);
    if (count() > 0)
        Q_EMIT dataChanged(index(0), index(count() - 1), {GapsAfterRole});
    Q_EMIT gapsChanged();
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
        const qint64 lastSeen = jsonInteger(seen, timeOf(e));
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
        {M::StatusRole, "status",
         [](const Alert &r) { return QVariant::fromValue(M::Status(int(r.status))); }},
        {M::AcknowledgedByRole, "acknowledgedBy", [](const Alert &r) { return r.acknowledgedBy; }},
        {M::SilencedUntilRole, "silencedUntil", [](const Alert &r) { return r.silencedUntil; }},
        {M::RequestIdRole, "requestId", [](const Alert &r) { return r.requestId; }},
    };
}

static_assert(int(AlertsModel::Status::Cleared) == int(Alert::Status::Cleared));

// What an alert that is not cleared shows once no silence holds it.
Alert::Status unsilenced(const Alert &row)
{
    return row.acknowledged ? Alert::Status::Acknowledged : Alert::Status::Active;
}

// Caps a timer's wait: a silence ends within a day (the relay's limit), a bogus far-away end
// must not overflow the interval.
constexpr qint64 kLongestTimerMs = 24 * 60 * 60 * 1000;
} // namespace

AlertsModel::AlertsModel(QObject *parent, int capacity)
    : LiveListModel(parent, capacity)
    , m_rows(this, alertRoles())
    , m_now([] { return QDateTime::currentMSecsSinceEpoch(); })
{
    m_silenceTimer.setSingleShot(true);
    m_silenceTimer.setTimerType(Qt::PreciseTimer);
    connect(&m_silenceTimer, &QTimer::timeout, this, &AlertsModel::endSilences);
}

void AlertsModel::setClock(std::function<qint64()> nowMs)
{
    m_now = std::move(nowMs);
}

void AlertsModel::record(const Envelope &e)
{
    using Status = Alert::Status;
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
        m_rows.update(id, [](Alert &row) {
            row.active = false;
            row.status = Status::Cleared;
        });
    } else if (e.type == u"alert.acknowledged" || e.type == u"alert.silenced") {
        // The relay's confirmation of an operator's action carries the whole alert: an alert
        // raised before the history began still gets a row.
        const bool silence = e.type == u"alert.silenced";
        const std::optional<QString> severity = optionalStr(p, QLatin1StringView("severity"));
        const std::optional<QString> title = optionalStr(p, QLatin1StringView("title"));
        const std::optional<QString> source = optionalStr(p, QLatin1StringView("source"));
        const std::optional<QString> by = optionalStr(p, QLatin1StringView("acknowledgedBy"));
        const std::optional<double> until = optionalNumber(p, QLatin1StringView("silencedUntil"));
        const std::optional<QString> request = optionalStr(p, QLatin1StringView("requestId"));
        // A silence already over (a replay long after it) shows the alert as it is now.
        const bool silenced = silence && until && qint64(*until) > m_now();
        const qint64 at = timeOf(e);
        m_rows.upsert(id, [=](Alert &row) {
            assignIf(row.severity, severity);
            assignIf(row.title, title);
            assignIf(row.source, source);
            assignIf(row.acknowledgedBy, by);
            assignIf(row.requestId, request);
            if (row.raisedAt == 0)
                row.raisedAt = at;
            if (row.status == Status::Cleared)
                return; // a late confirmation does not bring a cleared alert back
            row.active = true;
            if (!silence || by)
                row.acknowledged = true;
            if (silence && until)
                row.silencedUntil = qint64(*until);
            row.status = silenced ? Status::Silenced : unsilenced(row);
        });
    }
}

void AlertsModel::endSilences()
{
    const qint64 now = m_now();
    for (const Alert &row : m_rows.all()) {
        if (row.status == Alert::Status::Silenced && row.silencedUntil <= now) {
            m_rows.update(row.id, [now](Alert &alert) {
                if (alert.status == Alert::Status::Silenced && alert.silencedUntil <= now)
                    alert.status = unsilenced(alert);
            });
        }
    }
    flush();
    scheduleSilenceEnd(); // also when nothing ended yet (a timer may fire a little early)
}

void AlertsModel::scheduleSilenceEnd()
{
    qint64 nextEnd = 0;
    for (const Alert &row : m_rows.all()) {
        if (row.status == Alert::Status::Silenced && (nextEnd == 0 || row.silencedUntil < nextEnd))
            nextEnd = row.silencedUntil;
    }
    if (nextEnd > 0)
        m_silenceTimer.start(int(std::clamp<qint64>(nextEnd - m_now(), 0, kLongestTimerMs)));
    else
        m_silenceTimer.stop();
}

void AlertsModel::afterFlush()
{
    scheduleSilenceEnd();
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

void ActivityModel::afterFlush()
{
    QSet<QString> actors;
    QSet<QString> actions;
    for (const ActivityEvent &row : m_rows.all()) {
        if (!row.actor.isEmpty())
            actors.insert(row.actor);
        if (!row.action.isEmpty())
            actions.insert(row.action);
    }
    auto sorted = [](const QSet<QString> &set) {
        QStringList list(set.cbegin(), set.cend());
        list.sort(Qt::CaseInsensitive);
        return list;
    };
    QStringList actorList = sorted(actors);
    QStringList actionList = sorted(actions);
    if (actorList == m_actors && actionList == m_actions)
        return;
    m_actors = std::move(actorList);
    m_actions = std::move(actionList);
    Q_EMIT choicesChanged();
}

// ---------------------------------------------------------------------------------------------

QString ChatMessage::deliveryName(Delivery delivery)
{
    switch (delivery) {
    case Delivery::Failed:
        return QStringLiteral("failed");
    case Delivery::Pending:
        return QStringLiteral("pending");
    case Delivery::Sent:
        return QStringLiteral("sent");
    case Delivery::Delivered:
        return QStringLiteral("delivered");
    case Delivery::Read:
        return QStringLiteral("read");
    }
    return {};
}

QString ChatModel::deliveryText(ChatMessage::Delivery delivery)
{
    using Delivery = ChatMessage::Delivery;
    switch (delivery) {
    case Delivery::Failed:
        return tr("Failed");
    case Delivery::Pending:
        return tr("Pending");
    case Delivery::Sent:
        return tr("Sent");
    case Delivery::Delivered:
        return tr("Delivered");
    case Delivery::Read:
        return tr("Read");
    }
    return {};
}

namespace {

// Waiting is amber, refused red, read green; sent and delivered need no attention.
Tone::Value deliveryTone(ChatMessage::Delivery delivery)
{
    using Delivery = ChatMessage::Delivery;
    switch (delivery) {
    case Delivery::Failed:
        return Tone::Danger;
    case Delivery::Pending:
        return Tone::Warning;
    case Delivery::Read:
        return Tone::Ok;
    case Delivery::Sent:
    case Delivery::Delivered:
        break;
    }
    return Tone::Idle;
}

// Receipts and marks the model remembers for messages it may not list yet; past this many it
// keeps only those of listed messages.
constexpr qsizetype kSeenMemory = 5000;

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
        {M::DeliveryTextRole, "deliveryText",
         [](const R &r) { return M::deliveryText(r.delivery); }},
        {M::DeliveryToneRole, "deliveryTone",
         [](const R &r) { return QVariant::fromValue(deliveryTone(r.delivery)); }},
        {M::PendingRole, "pending", [](const R &r) { return r.pending(); }},
        {M::FailedRole, "failed", [](const R &r) { return r.delivery == R::Delivery::Failed; }},
        {M::OwnRole, "own", [](const R &r) { return r.own; }},
        {M::UnreadRole, "unread", [](const R &r) { return r.unread(); }},
        {M::ReasonRole, "reason", [](const R &r) { return r.reason; }},
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
        message.timestamp = jsonInteger(at, timeOf(e));
        // The server has it: at least sent, and replayed after its receipts it stays delivered
        // or read. An own pending row becomes this message (same id), never a second row.
        // Who the operator is and what they have seen are read at the flush.
        m_rows.upsert(message.id, [this, message](ChatMessage &row) {
            const ChatMessage before = std::exchange(row, message);
            row.delivery = std::max(before.delivery, Delivery::Sent);
            row.own = before.own || (!m_operator.isEmpty() && message.senderId == m_operator);
            row.seen = before.seen || m_seen.contains(message.id);
        });
        return;
    }
    if (e.type != u"chat.delivered" && e.type != u"chat.read")
        return;
    const bool read = e.type == u"chat.read";
    const QJsonArray ids = p.value(QLatin1StringView("messageIds")).toArray();
    const QString by = str(p, QLatin1StringView("by"));
    if (!by.isEmpty() && by == m_operator) {
        // The operator's own receipt (from this console or another of theirs): what they have
        // seen, which says nothing about whether the others got the message.
        if (!read)
            return;
        QStringList seen;
        for (const QJsonValue &id : ids)
            seen.append(id.toString());
        markSeen(seen);
        return;
    }
    const Delivery state = read ? Delivery::Read : Delivery::Delivered;
    for (const QJsonValue &id : ids) {
        // Applies to the message listed or waiting in this batch; a late "delivered" does not
        // undo "read".
        m_rows.update(id.toString(), [state](ChatMessage &row) {
            row.delivery = std::max(row.delivery, state);
            row.reason.clear();
        });
    }
}

void ChatModel::recordOwn(const ChatMessage &message, ChatMessage::Delivery state,
                          const QString &reason)
{
    m_rows.upsert(message.id, [message, state, reason](ChatMessage &row) {
        if (row.timestamp == 0) {
            // A new row (a message from the server always has a time): the outbox's message.
            row = message;
            row.delivery = state;
            row.reason = reason;
        } else if (row.pending() && state < ChatMessage::Delivery::Sent) {
            // Only the outbox has it: failed and pending again (a Retry) may alternate.
            row.delivery = state;
            row.reason = reason;
        } else {
            row.delivery = std::max(row.delivery, state);
            if (!row.pending())
                row.reason.clear();
        }
        row.own = true;
    });
}

void ChatModel::dropOwn(const QString &messageId)
{
    const std::optional<ChatMessage> row = m_rows.current(messageId);
    if (row && row->pending())
        m_rows.remove(messageId);
}

void ChatModel::markSeen(const QStringList &messageIds)
{
    for (const QString &id : messageIds) {
        if (id.isEmpty())
            continue;
        m_seen.insert(id);
        m_rows.update(id, [](ChatMessage &row) { row.seen = true; });
    }
}

void ChatModel::afterFlush()
{
    if (m_seen.size() <= kSeenMemory)
        return;
    QSet<QString> listed;
    for (const ChatMessage &row : m_rows.all()) {
        if (m_seen.contains(row.id))
            listed.insert(row.id);
    }
    m_seen = std::move(listed);
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
