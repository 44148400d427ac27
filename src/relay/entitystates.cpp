#include "entitystates.h"

#include <QJsonDocument>

#include <algorithm>

namespace vigil {

namespace {

/// Characters kept of each core field when an entity's state is cut down to them.
constexpr qsizetype kCoreFieldLength = 1000;

/// Fields of the top level of a confirmation that describe the action, not the alert.
const QStringList &actionFields()
{
    static const QStringList fields{QStringLiteral("requestId"), QStringLiteral("actor")};
    return fields;
}

/// The id an incident or alert message names, or an empty string when it names none usable.
QString entityId(const QJsonObject &payload, const QString &field)
{
    const QString id = payload.value(field).toString();
    return id.size() <= kMaxNameLength ? id : QString();
}

QJsonObject merged(QJsonObject state, const QJsonObject &fields)
{
    for (auto it = fields.begin(); it != fields.end(); ++it)
        state.insert(it.key(), it.value());
    return state;
}

/// An oversized state keeps only the fields a confirmation must carry, each cut short: a
/// client may publish megabytes under one id, the relay keeps a bounded amount of it.
QJsonObject bounded(const QJsonObject &state, const QStringList &core)
{
    if (QJsonDocument(state).toJson(QJsonDocument::Compact).size() <= EntityStates::kMaxEntityBytes)
        return state;
    QJsonObject kept;
    for (const QString &field : core) {
        const QJsonValue value = state.value(field);
        if (value.isString())
            kept.insert(field, value.toString().left(kCoreFieldLength));
        else if (value.isNull())
            kept.insert(field, value);
    }
    return kept;
}

} // namespace

EntityStates::EntityStates(int maxPerKind)
    : m_maxPerKind(std::max(1, maxPerKind))
{}

void EntityStates::observe(const Envelope &published)
{
    if (!published.payload.isObject())
        return;
    const QJsonObject payload = published.payload.toObject();
    if (published.channel == kIncidentsChannel &&
        published.type.startsWith(QLatin1String("incident.")))
        observeIncident(published.type, payload);
    else if (published.channel == kAlertsChannel &&
             published.type.startsWith(QLatin1String("alert.")))
        observeAlert(published.type, payload);
}

void EntityStates::observeIncident(const QString &type, const QJsonObject &payload)
{
    const QString id = entityId(payload, QStringLiteral("incidentId"));
    if (id.isEmpty())
        return;
    // Updates carry the fields that changed or all of them; merging handles both.
    const QJsonObject data = payload.value(QStringLiteral("data")).toObject();
    QJsonObject state = merged(find(Kind::Incident, id).value_or(QJsonObject()), data);
    const QString status = QStringLiteral("status");
    if (type == u"incident.resolved" && !data.contains(status))
        state.insert(status, QStringLiteral("resolved"));
    else if (!state.contains(status))
        state.insert(status, QStringLiteral("new"));
    store(Kind::Incident, id,
          bounded(state, {QStringLiteral("title"), QStringLiteral("severity"), status,
                          QStringLiteral("assignedTo")}));
}

void EntityStates::observeAlert(const QString &type, const QJsonObject &payload)
{
    const QString id = entityId(payload, QStringLiteral("alertId"));
    if (id.isEmpty())
        return;
    const std::optional<QJsonObject> known = find(Kind::Alert, id);
    const QString status = QStringLiteral("status");
    QJsonObject state;
    if (type == u"alert.cleared" && known) {
        // A clearing message describes the all-clear ("Condition cleared", severity info), not
        // the alert: the alert keeps its title and severity and is marked cleared.
        state = *known;
        state.insert(status, QStringLiteral("cleared"));
    } else {
        QJsonObject fields = payload;
        for (const QString &field : actionFields())
            fields.remove(field);
        state = merged(known.value_or(QJsonObject()), fields);
        if (type == u"alert.cleared")
            state.insert(status, QStringLiteral("cleared"));
        else if (type == u"alert.raised")
            state.insert(status, payload.value(status).toString(QStringLiteral("raised")));
        else if (!state.contains(status))
            state.insert(status, QStringLiteral("raised"));
    }
    store(Kind::Alert, id,
          bounded(state, {QStringLiteral("alertId"), QStringLiteral("severity"),
                          QStringLiteral("title"), QStringLiteral("source"), status}));
}

void EntityStates::store(Kind kind, const QString &id, QJsonObject state)
{
    Table &t = table(kind);
    auto it = t.entries.find(id);
    if (it == t.entries.end())
        it = t.entries.insert(id, Entry{});
    else
        t.byAge.erase(it->touched);
    it->state = std::move(state);
    it->touched = ++m_changes;
    t.byAge.emplace(it->touched, id);
    while (t.entries.size() > m_maxPerKind) {
        const auto oldest = t.byAge.begin();
        t.entries.remove(oldest->second);
        t.byAge.erase(oldest);
    }
}

std::optional<QJsonObject> EntityStates::find(Kind kind, const QString &id) const
{
    const Table &t = table(kind);
    const auto it = t.entries.constFind(id);
    if (it == t.entries.constEnd())
        return std::nullopt;
    return it->state;
}

bool EntityStates::contains(Kind kind, const QString &id) const
{
    return table(kind).entries.contains(id);
}

int EntityStates::count(Kind kind) const
{
    return int(table(kind).entries.size());
}

} // namespace vigil
