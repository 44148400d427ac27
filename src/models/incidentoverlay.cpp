#include "incidentoverlay.h"

namespace vigil {

namespace {

const QString kCreate = QStringLiteral("incident.create");

bool aboutAnIncident(const OperatorAction &action)
{
    return action.type.startsWith(u"incident.") && action.type != kCreate &&
           !action.target.isEmpty();
}

IncidentAction fromAction(const OperatorAction &a)
{
    return {a.id, a.type, a.state, a.reason, a.payload};
}

// Statuses of an incident nobody has taken yet (the relay's list).
bool untaken(const QString &status)
{
    return status.isEmpty() || status == u"new" || status == u"open" || status == u"triggered";
}

} // namespace

IncidentOverlay::IncidentOverlay(QObject *parent)
    : QObject(parent)
{}

void IncidentOverlay::setTracker(ActionTracker *tracker)
{
    if (m_tracker == tracker)
        return;
    if (m_tracker)
        m_tracker->disconnect(this);
    m_tracker = tracker;
    if (tracker) {
        connect(tracker, &ActionTracker::changed, this, [this](const OperatorAction &action) {
            if (action.type == kCreate)
                Q_EMIT createsChanged();
            else if (aboutAnIncident(action))
                refresh(action.target);
        });
        connect(tracker, &ActionTracker::removed, this,
                [this](const QString &, const QString &target) {
                    // A removed create has no target; an incident's action has.
                    if (target.isEmpty())
                        Q_EMIT createsChanged();
                    else
                        refresh(target);
                });
    }
    rebuild();
}

std::optional<IncidentAction> IncidentOverlay::actionFor(const QString &incidentId) const
{
    const auto it = m_byIncident.constFind(incidentId);
    if (it == m_byIncident.cend())
        return std::nullopt;
    return *it;
}

void IncidentOverlay::rebuild()
{
    m_byIncident.clear();
    if (m_tracker) {
        for (const OperatorAction &a : m_tracker->actions()) { // newest first
            if (aboutAnIncident(a) && !m_byIncident.contains(a.target))
                m_byIncident.insert(a.target, fromAction(a));
        }
    }
    Q_EMIT reset();
}

void IncidentOverlay::refresh(const QString &incidentId)
{
    std::optional<IncidentAction> newest;
    if (m_tracker) {
        for (const OperatorAction &a : m_tracker->actions()) {
            if (a.target == incidentId && aboutAnIncident(a)) {
                newest = fromAction(a);
                break;
            }
        }
    }
    if (newest)
        m_byIncident.insert(incidentId, *newest);
    else if (!m_byIncident.remove(incidentId))
        return;
    Q_EMIT changed(incidentId);
}

IncidentExpectation IncidentOverlay::expect(const IncidentAction &action, const Incident &row)
{
    IncidentExpectation e;
    if (row.status == u"resolved")
        return e; // the relay refuses every action on a resolved incident
    const QString &t = action.type;
    if (t == u"incident.acknowledge") {
        if (untaken(row.status))
            e.status = QStringLiteral("acknowledged");
    } else if (t == u"incident.assign") {
        e.assignee = action.payload.value(QStringLiteral("assignee")).toString().trimmed();
        if (untaken(row.status) || row.status == u"acknowledged")
            e.status = QStringLiteral("investigating");
    } else if (t == u"incident.escalate") {
        e.severity = severityAbove(row.severity);
    } else if (t == u"incident.resolve") {
        e.status = QStringLiteral("resolved");
    }
    // Only what would differ is expected.
    if (e.status == row.status)
        e.status.clear();
    if (e.assignee == row.assignedTo)
        e.assignee.clear();
    return e;
}

QString IncidentOverlay::severityAbove(const QString &severity)
{
    static const QStringList scale = {QStringLiteral("low"), QStringLiteral("medium"),
                                      QStringLiteral("high"), QStringLiteral("critical")};
    const qsizetype at = scale.indexOf(severity.toLower());
    return at < 0 || at + 1 >= scale.size() ? QString() : scale.at(at + 1);
}

QString IncidentOverlay::verbOf(const IncidentAction &action)
{
    const QString &t = action.type;
    if (t == u"incident.acknowledge")
        return tr("Acknowledge");
    if (t == u"incident.assign")
        return tr("Assign to %1").arg(action.payload.value(QStringLiteral("assignee")).toString());
    if (t == u"incident.escalate")
        return tr("Escalate");
    if (t == u"incident.resolve")
        return tr("Resolve");
    return t;
}

} // namespace vigil
