#include "operatoractions.h"

#include <QRandomGenerator>

#include <cmath>

namespace vigil {

namespace {

using Outcome = OperatorActions::Outcome;

const QString kStatus = QStringLiteral("status");
const QString kSeverity = QStringLiteral("severity");
const QString kAssignedTo = QStringLiteral("assignedTo");

/// Severities an escalation moves along, lowest first.
const QStringList &severityScale()
{
    static const QStringList scale{QStringLiteral("low"), QStringLiteral("medium"),
                                   QStringLiteral("high"), QStringLiteral("critical")};
    return scale;
}

/// Statuses of an incident nobody has taken yet: acknowledging or assigning moves it on.
bool isUntaken(const QString &status)
{
    return status.isEmpty() || status == u"new" || status == u"open" || status == u"triggered";
}

Outcome refuse(const QString &code, const QString &message)
{
    return {std::nullopt, code, message};
}

Outcome invalid(const Envelope &action, const QString &problem)
{
    return refuse(QStringLiteral("invalid_action"),
                  QStringLiteral("%1: %2").arg(action.type, problem));
}

/// Reads the id field `field` of a request into `id`; returns what is wrong with it, if anything.
QString readId(const QJsonObject &request, const QString &field, QString *id)
{
    const QJsonValue value = request.value(field);
    if (value.isUndefined())
        return QStringLiteral("field \"%1\" is missing").arg(field);
    if (!value.isString())
        return QStringLiteral("field \"%1\" must be a string").arg(field);
    *id = value.toString();
    if (id->isEmpty())
        return QStringLiteral("field \"%1\" must not be empty").arg(field);
    if (id->size() > kMaxNameLength) {
        return QStringLiteral("field \"%1\" is %2 characters long, the limit is %3")
            .arg(field)
            .arg(id->size())
            .arg(kMaxNameLength);
    }
    return {};
}

/// Reads a text field, trimmed, into `text`; returns what is wrong with it, if anything. An
/// optional field may be absent (then `text` stays empty) but not of another type.
QString readText(const QJsonObject &request, const QString &field, qsizetype maxLength,
                 bool required, QString *text)
{
    const QJsonValue value = request.value(field);
    if (value.isUndefined() || (!required && value.isNull()))
        return required ? QStringLiteral("field \"%1\" is missing").arg(field) : QString();
    if (!value.isString())
        return QStringLiteral("field \"%1\" must be a string").arg(field);
    *text = value.toString().trimmed();
    if (required && text->isEmpty())
        return QStringLiteral("field \"%1\" must not be empty").arg(field);
    if (text->size() > maxLength) {
        return QStringLiteral("field \"%1\" is %2 characters long, the limit is %3")
            .arg(field)
            .arg(text->size())
            .arg(maxLength);
    }
    return {};
}

/// The update confirming an incident action: the usual incident payload, with all that is
/// known of it, plus who asked and the action's id.
Envelope incidentUpdate(const QString &kind, const QString &incidentId, QJsonObject data,
                        const Principal &who, const Envelope &action)
{
    if (!data.contains(kAssignedTo))
        data.insert(kAssignedTo, QJsonValue::Null);
    return Envelope::create(QStringLiteral("incident.") + kind, kIncidentsChannel,
                            QJsonObject{{QStringLiteral("incidentId"), incidentId},
                                        {QStringLiteral("type"), kind},
                                        {QStringLiteral("data"), data},
                                        {QStringLiteral("requestId"), action.id},
                                        {QStringLiteral("actor"), who.user}},
                            action.priority);
}

} // namespace

bool OperatorActions::isAction(const QString &type)
{
    static const QStringList actions{
        QStringLiteral("incident.acknowledge"), QStringLiteral("incident.assign"),
        QStringLiteral("incident.escalate"),    QStringLiteral("incident.resolve"),
        QStringLiteral("incident.create"),      QStringLiteral("alert.acknowledge"),
        QStringLiteral("alert.silence")};
    return actions.contains(type);
}

Outcome OperatorActions::decide(const Principal &who, const Envelope &action, qint64 nowMs) const
{
    const bool incident = action.type.startsWith(QLatin1String("incident."));
    const QString &channel = incident ? kIncidentsChannel : kAlertsChannel;
    // The channel decides who may act (its write rights), so an action must travel on its
    // entity's channel: a right to write chat is no right to resolve incidents.
    if (action.channel != channel)
        return invalid(action, QStringLiteral("send it on the \"%1\" channel").arg(channel));
    if (!action.payload.isObject())
        return invalid(action, QStringLiteral("the payload must be a JSON object"));
    const QJsonObject request = action.payload.toObject();
    Outcome outcome =
        incident ? decideIncident(who, action, request) : decideAlert(who, action, request, nowMs);
    if (outcome.update)
        outcome.update->timestamp = nowMs;
    return outcome;
}

Outcome OperatorActions::decideIncident(const Principal &who, const Envelope &action,
                                        const QJsonObject &request) const
{
    if (action.type == u"incident.create")
        return createIncident(who, action, request);

    QString id;
    if (const QString problem = readId(request, QStringLiteral("incidentId"), &id);
        !problem.isEmpty())
        return invalid(action, problem);
    // The action's own fields are checked before the incident is looked up: a malformed
    // request is malformed whatever the relay knows.
    QString assignee;
    QString note;
    if (action.type == u"incident.assign") {
        if (const QString problem =
                readText(request, QStringLiteral("assignee"), kMaxNameLength, true, &assignee);
            !problem.isEmpty())
            return invalid(action, problem);
    } else if (action.type == u"incident.resolve") {
        if (const QString problem =
                readText(request, QStringLiteral("note"), kMaxTextLength, false, &note);
            !problem.isEmpty())
            return invalid(action, problem);
    }

    const std::optional<QJsonObject> known = m_states.find(EntityStates::Kind::Incident, id);
    if (!known) {
        return refuse(QStringLiteral("not_found"),
                      QStringLiteral("no incident \"%1\" is known to the relay").arg(id));
    }
    QJsonObject data = *known;
    const QString status = data.value(kStatus).toString();
    const QString verb = action.type.mid(int(qstrlen("incident.")));
    if (status == u"resolved") {
        return refuse(QStringLiteral("conflict"),
                      QStringLiteral("incident \"%1\" is already resolved: there is nothing to %2")
                          .arg(id, verb));
    }

    if (action.type == u"incident.acknowledge") {
        // Acknowledging says "someone is on it": an untaken incident becomes acknowledged and
        // the acknowledger's unless someone is assigned; later stages keep their status.
        if (isUntaken(status))
            data.insert(kStatus, QStringLiteral("acknowledged"));
        if (data.value(kAssignedTo).toString().isEmpty())
            data.insert(kAssignedTo, who.user);
        data.insert(QStringLiteral("acknowledgedBy"), who.user);
        return {incidentUpdate(QStringLiteral("acknowledged"), id, data, who, action), {}, {}};
    }
    if (action.type == u"incident.assign") {
        if (isUntaken(status) || status == u"acknowledged")
            data.insert(kStatus, QStringLiteral("investigating"));
        data.insert(kAssignedTo, assignee);
        return {incidentUpdate(QStringLiteral("updated"), id, data, who, action), {}, {}};
    }
    if (action.type == u"incident.escalate") {
        // Escalation raises the impact, not the progress: severity one step up, status kept.
        const QString severity = data.value(kSeverity).toString();
        const qsizetype rank = severityScale().indexOf(severity);
        if (rank < 0) {
            return refuse(QStringLiteral("conflict"),
                          QStringLiteral("incident \"%1\" has no severity on the scale low, "
                                         "medium, high, critical to raise")
                              .arg(id));
        }
        if (rank + 1 >= severityScale().size()) {
            return refuse(QStringLiteral("conflict"),
                          QStringLiteral("incident \"%1\" is already critical").arg(id));
        }
        data.insert(kSeverity, severityScale().at(rank + 1));
        data.insert(QStringLiteral("escalatedBy"), who.user);
        return {incidentUpdate(QStringLiteral("escalated"), id, data, who, action), {}, {}};
    }
    // incident.resolve
    data.insert(kStatus, QStringLiteral("resolved"));
    data.insert(QStringLiteral("resolvedBy"), who.user);
    if (!note.isEmpty())
        data.insert(QStringLiteral("resolutionNote"), note);
    return {incidentUpdate(QStringLiteral("resolved"), id, data, who, action), {}, {}};
}

Outcome OperatorActions::createIncident(const Principal &who, const Envelope &action,
                                        const QJsonObject &request) const
{
    QString title;
    if (const QString problem =
            readText(request, QStringLiteral("title"), kMaxTitleLength, true, &title);
        !problem.isEmpty())
        return invalid(action, problem);
    const QJsonValue severity = request.value(kSeverity);
    if (!severityScale().contains(severity.toString())) {
        return invalid(action, QStringLiteral("field \"severity\" must be one of low, medium, "
                                              "high, critical"));
    }
    QString description;
    if (const QString problem =
            readText(request, QStringLiteral("description"), kMaxTextLength, false, &description);
        !problem.isEmpty())
        return invalid(action, problem);

    QJsonObject data{{QStringLiteral("title"), title},
                     {kSeverity, severity.toString()},
                     {kStatus, QStringLiteral("new")},
                     {kAssignedTo, QJsonValue::Null},
                     {QStringLiteral("createdBy"), who.user}};
    if (!description.isEmpty())
        data.insert(QStringLiteral("description"), description);
    return {incidentUpdate(QStringLiteral("created"), newIncidentId(), data, who, action), {}, {}};
}

QString OperatorActions::newIncidentId() const
{
    // Random rather than counted: a counter would start again after a restart and hand out an
    // id the history already holds.
    QString id;
    do {
        const quint64 bits = QRandomGenerator::global()->generate64() & 0xffffffffffffULL;
        id = QStringLiteral("inc-%1").arg(bits, 12, 16, QLatin1Char('0'));
    } while (m_states.contains(EntityStates::Kind::Incident, id));
    return id;
}

Outcome OperatorActions::decideAlert(const Principal &who, const Envelope &action,
                                     const QJsonObject &request, qint64 nowMs) const
{
    QString id;
    if (const QString problem = readId(request, QStringLiteral("alertId"), &id); !problem.isEmpty())
        return invalid(action, problem);
    int minutes = 0;
    const bool silence = action.type == u"alert.silence";
    if (silence) {
        const QJsonValue value = request.value(QStringLiteral("minutes"));
        const double asked = value.toDouble(-1);
        if (!value.isDouble() || asked != std::floor(asked) || asked < 1 ||
            asked > kMaxSilenceMinutes) {
            return invalid(action, QStringLiteral("field \"minutes\" must be a whole number "
                                                  "from 1 to %1")
                                       .arg(kMaxSilenceMinutes));
        }
        minutes = int(asked);
    }

    const std::optional<QJsonObject> known = m_states.find(EntityStates::Kind::Alert, id);
    if (!known) {
        return refuse(QStringLiteral("not_found"),
                      QStringLiteral("no alert \"%1\" is known to the relay").arg(id));
    }
    QJsonObject payload = *known;
    if (payload.value(kStatus).toString() == u"cleared") {
        return refuse(
            QStringLiteral("conflict"),
            QStringLiteral("alert \"%1\" is already cleared: there is nothing to %2")
                .arg(id, silence ? QStringLiteral("silence") : QStringLiteral("acknowledge")));
    }
    payload.insert(QStringLiteral("alertId"), id);
    if (silence) {
        payload.insert(kStatus, QStringLiteral("silenced"));
        payload.insert(QStringLiteral("silencedBy"), who.user);
        payload.insert(QStringLiteral("minutes"), minutes);
        payload.insert(QStringLiteral("silencedUntil"), nowMs + qint64(minutes) * 60 * 1000);
    } else {
        payload.insert(kStatus, QStringLiteral("acknowledged"));
        payload.insert(QStringLiteral("acknowledgedBy"), who.user);
    }
    payload.insert(QStringLiteral("requestId"), action.id);
    payload.insert(QStringLiteral("actor"), who.user);
    return {Envelope::create(silence ? QStringLiteral("alert.silenced")
                                     : QStringLiteral("alert.acknowledged"),
                             kAlertsChannel, payload, action.priority),
            {},
            {}};
}

} // namespace vigil
