#include "selectedincident.h"

#include "feedmodels.h"
#include "ui/actions.h"

namespace vigil {

SelectedIncident::SelectedIncident(IncidentsModel *incidents, IncidentOverlay *overlay,
                                   QObject *parent)
    : QAbstractListModel(parent)
    , m_overlay(overlay)
{
    setIncidents(incidents);
    connect(overlay, &IncidentOverlay::changed, this, [this](const QString &incidentId) {
        if (incidentId == m_id)
            refresh();
    });
    connect(overlay, &IncidentOverlay::reset, this, &SelectedIncident::refresh);
}

void SelectedIncident::setIncidents(IncidentsModel *incidents)
{
    if (m_incidents == incidents)
        return;
    if (m_incidents)
        m_incidents->disconnect(this);
    m_incidents = incidents;
    if (incidents)
        connect(incidents, &LiveListModel::flushed, this, &SelectedIncident::refresh);
    refresh();
}

void SelectedIncident::setIncidentId(const QString &incidentId)
{
    if (incidentId == m_id)
        return;
    m_id = incidentId;
    refresh();
}

void SelectedIncident::refresh()
{
    std::optional<Incident> row;
    if (m_incidents && !m_id.isEmpty()) {
        if (const Incident *shown = m_incidents->rows().find(m_id))
            row = *shown;
    }
    Incident next = row.value_or(Incident{});
    next.id = m_id;
    const QList<IncidentUpdate> before = m_row.history;
    if (m_row.id == m_id) {
        m_row = next;
        updateRows(before, next.history);
    } else {
        beginResetModel(); // another incident
        m_row = next;
        endResetModel();
        Q_EMIT countChanged();
    }
    m_found = row.has_value();
    m_action = m_overlay ? m_overlay->actionFor(m_id) : std::nullopt;
    m_expected = m_action && m_action->pending() ? IncidentOverlay::expect(*m_action, m_row)
                                                 : IncidentExpectation{};
    Q_EMIT changed();
}

void SelectedIncident::updateRows(const QList<IncidentUpdate> &before,
                                  const QList<IncidentUpdate> &after)
{
    // New updates come on top and the oldest leave at the bottom: find where `before` starts
    // in `after`; anything else (a new session's incident of the same id) resets.
    qsizetype fresh = after.size();
    if (!before.isEmpty()) {
        fresh = 0;
        while (fresh < after.size() && after.at(fresh).id != before.constFirst().id)
            ++fresh;
    }
    const qsizetype kept = after.size() - fresh;
    if (!before.isEmpty() && (kept == 0 || kept > before.size())) {
        m_row.history = before;
        beginResetModel();
        m_row.history = after;
        endResetModel();
        Q_EMIT countChanged();
        return;
    }
    // The views know `before`: each step changes the rows as it announces.
    m_row.history = before;
    if (kept < before.size()) {
        beginRemoveRows({}, int(kept), int(before.size() - 1));
        m_row.history.resize(kept);
        endRemoveRows();
    }
    if (fresh > 0) {
        beginInsertRows({}, 0, int(fresh - 1));
        m_row.history = after;
        endInsertRows();
    }
    m_row.history = after;
    if (fresh > 0 || kept < before.size())
        Q_EMIT countChanged();
}

int SelectedIncident::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : count();
}

QHash<int, QByteArray> SelectedIncident::roleNames() const
{
    return {{UpdateIdRole, "updateId"}, {AtRole, "at"},           {KindRole, "kind"},
            {ActorRole, "actor"},       {ChangesRole, "changes"}, {RequestIdRole, "requestId"}};
}

QVariant SelectedIncident::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const IncidentUpdate &u = m_row.history.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
    case ChangesRole:
        return u.changes;
    case UpdateIdRole:
        return u.id;
    case AtRole:
        return u.at;
    case KindRole:
        return u.kind;
    case ActorRole:
        return u.actor;
    case RequestIdRole:
        return u.requestId;
    default:
        return {};
    }
}

QString SelectedIncident::actionTextOf(const IncidentAction &action)
{
    return tr("%1: %2").arg(IncidentOverlay::verbOf(action), Actions::stateText(action.state));
}

QString SelectedIncident::actionText() const
{
    return m_action ? actionTextOf(*m_action) : QString();
}

Tone::Value SelectedIncident::actionTone() const
{
    return m_action ? Actions::toneOf(m_action->state) : Tone::Idle;
}

bool SelectedIncident::canRetry() const
{
    return m_action && m_action->state == OperatorAction::State::Failed;
}

bool SelectedIncident::canDiscard() const
{
    return m_action && (m_action->state == OperatorAction::State::Failed ||
                        m_action->state == OperatorAction::State::Queued);
}

bool SelectedIncident::canEscalate() const
{
    return canAct() && !IncidentOverlay::severityAbove(m_row.severity).isEmpty();
}

} // namespace vigil
