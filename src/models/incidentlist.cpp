#include "incidentlist.h"

#include "feedmodels.h"
#include "ui/actions.h"

namespace vigil {

namespace {

bool contains(const QString &text, const QString &part)
{
    return text.contains(part, Qt::CaseInsensitive);
}

} // namespace

IncidentList::IncidentList(QObject *parent)
    : QSortFilterProxyModel(parent)
    , m_selected(nullptr, &m_overlay)
{
    setDynamicSortFilter(true);
    connect(&m_overlay, &IncidentOverlay::changed, this, &IncidentList::onActionChanged);
    connect(&m_overlay, &IncidentOverlay::reset, this, [this] {
        if (rowCount() > 0)
            Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, 0));
    });
    connect(&m_overlay, &IncidentOverlay::createsChanged, &m_creating, &PendingIncidents::refresh);
    connect(&m_overlay, &IncidentOverlay::reset, &m_creating, &PendingIncidents::refresh);
    // The count and the selected row follow every change of the rows shown.
    const auto rowsMoved = [this] {
        Q_EMIT countChanged();
        refreshSelectedRow();
    };
    connect(this, &QAbstractItemModel::rowsInserted, this, rowsMoved);
    connect(this, &QAbstractItemModel::rowsRemoved, this, rowsMoved);
    connect(this, &QAbstractItemModel::modelReset, this, rowsMoved);
    connect(this, &QAbstractItemModel::layoutChanged, this, rowsMoved);
    applySort();
}

void IncidentList::setSources(IncidentsModel *incidents, ActionTracker *tracker)
{
    if (m_incidents)
        m_incidents->disconnect(this);
    m_incidents = incidents;
    setSourceModel(incidents);
    m_selected.setIncidents(incidents);
    if (incidents)
        connect(incidents, &LiveListModel::flushed, this, &IncidentList::refreshChoices);
    m_overlay.setTracker(tracker);
    m_creating.setTracker(tracker);
    refreshChoices();
    applySort();
}

const Incident *IncidentList::incidentAt(int sourceRow) const
{
    if (!m_incidents || sourceRow < 0 || sourceRow >= m_incidents->rows().size())
        return nullptr;
    return &m_incidents->rows().all().at(sourceRow);
}

QHash<int, QByteArray> IncidentList::roleNames() const
{
    QHash<int, QByteArray> names = QSortFilterProxyModel::roleNames();
    names.insert(ActionIdRole, "actionId");
    names.insert(ActionStateRole, "actionState");
    names.insert(ActionTextRole, "actionText");
    names.insert(ActionToneRole, "actionTone");
    names.insert(ActionReasonRole, "actionReason");
    names.insert(ActionPendingRole, "actionPending");
    names.insert(CanRetryRole, "canRetry");
    names.insert(PendingStatusRole, "pendingStatus");
    names.insert(PendingAssigneeRole, "pendingAssignee");
    names.insert(PendingSeverityRole, "pendingSeverity");
    return names;
}

QVariant IncidentList::data(const QModelIndex &index, int role) const
{
    if (role < ActionIdRole || role > PendingSeverityRole)
        return QSortFilterProxyModel::data(index, role);
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Incident *row = incidentAt(mapToSource(index).row());
    if (!row)
        return {};
    const std::optional<IncidentAction> action = m_overlay.actionFor(row->id);
    if (!action) {
        switch (role) {
        case ActionStateRole:
            return -1;
        case ActionToneRole:
            return QVariant::fromValue(Tone::Idle);
        case ActionPendingRole:
        case CanRetryRole:
            return false;
        default:
            return QString();
        }
    }
    const IncidentExpectation expected =
        action->pending() ? IncidentOverlay::expect(*action, *row) : IncidentExpectation{};
    switch (role) {
    case ActionIdRole:
        return action->actionId;
    case ActionStateRole:
        return int(action->state);
    case ActionTextRole:
        return SelectedIncident::actionTextOf(*action);
    case ActionToneRole:
        return QVariant::fromValue(Actions::toneOf(action->state));
    case ActionReasonRole:
        return action->reason;
    case ActionPendingRole:
        return action->pending();
    case CanRetryRole:
        return action->state == OperatorAction::State::Failed;
    case PendingStatusRole:
        return expected.status;
    case PendingAssigneeRole:
        return expected.assignee;
    case PendingSeverityRole:
        return expected.severity;
    default:
        return {};
    }
}

void IncidentList::onActionChanged(const QString &incidentId)
{
    const int row = rowOf(incidentId);
    if (row >= 0) {
        Q_EMIT dataChanged(index(row, 0), index(row, 0),
                           {ActionIdRole, ActionStateRole, ActionTextRole, ActionToneRole,
                            ActionReasonRole, ActionPendingRole, CanRetryRole, PendingStatusRole,
                            PendingAssigneeRole, PendingSeverityRole});
    }
}

int IncidentList::rowOf(const QString &incidentId) const
{
    if (incidentId.isEmpty())
        return -1;
    for (int row = 0; row < rowCount(); ++row) {
        const Incident *incident = incidentAt(mapToSource(index(row, 0)).row());
        if (incident && incident->id == incidentId)
            return row;
    }
    return -1;
}

QString IncidentList::idAt(int row) const
{
    if (row < 0 || row >= rowCount())
        return {};
    const Incident *incident = incidentAt(mapToSource(index(row, 0)).row());
    return incident ? incident->id : QString();
}

// ---------------------------------------------------------------------------------------------
// Sorting

int IncidentList::severityRank(const QString &severity)
{
    const QString s = severity.toLower();
    if (s == u"critical")
        return 4;
    if (s == u"high")
        return 3;
    if (s == u"medium")
        return 2;
    if (s == u"low")
        return 1;
    return 0;
}

int IncidentList::statusRank(const QString &status)
{
    const QString s = status.toLower();
    if (s.isEmpty() || s == u"new" || s == u"open" || s == u"triggered")
        return 0;
    if (s == u"acknowledged")
        return 1;
    if (s == u"investigating")
        return 2;
    if (s == u"mitigating")
        return 3;
    if (s == u"resolved")
        return 5;
    return 4; // a status of the server's own, between work and done
}

bool IncidentList::lessThan(const QModelIndex &left, const QModelIndex &right) const
{
    const Incident *a = incidentAt(left.row());
    const Incident *b = incidentAt(right.row());
    if (!a || !b)
        return false;
    int order = 0;
    switch (m_sortKey) {
    case SortKey::Severity:
        order = severityRank(a->severity) - severityRank(b->severity);
        break;
    case SortKey::Status:
        order = statusRank(a->status) - statusRank(b->status);
        break;
    case SortKey::Id:
        order = QString::compare(a->id, b->id);
        break;
    case SortKey::Updated:
        break;
    }
    if (order != 0)
        return order < 0;
    // Then the server's order: the history, then `seq` within it, then the time (rows whose
    // seq is not known).
    if (a->epoch != b->epoch)
        return a->epoch < b->epoch;
    if (a->seq >= 0 && b->seq >= 0 && a->seq != b->seq)
        return a->seq < b->seq;
    if (a->updatedAt != b->updatedAt)
        return a->updatedAt < b->updatedAt;
    return a->id < b->id;
}

void IncidentList::applySort()
{
    // sort() does nothing when neither the column nor the order changes: a new key needs
    // invalidate() to be applied.
    const Qt::SortOrder order = m_descending ? Qt::DescendingOrder : Qt::AscendingOrder;
    if (sortColumn() == 0 && sortOrder() == order)
        invalidate();
    else
        sort(0, order);
}

void IncidentList::setSortKey(SortKey key)
{
    if (key == m_sortKey)
        return;
    m_sortKey = key;
    applySort();
    Q_EMIT sortChanged();
}

void IncidentList::setDescending(bool descending)
{
    if (descending == m_descending)
        return;
    m_descending = descending;
    applySort();
    Q_EMIT sortChanged();
}

// ---------------------------------------------------------------------------------------------
// Filtering

bool IncidentList::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    if (sourceParent.isValid())
        return false;
    const Incident *row = incidentAt(sourceRow);
    if (!row)
        return false;
    if (!m_severity.isEmpty() && row->severity.compare(m_severity, Qt::CaseInsensitive) != 0)
        return false;
    if (!m_status.isEmpty() && row->status.compare(m_status, Qt::CaseInsensitive) != 0)
        return false;
    if (m_openOnly && row->status.compare(u"resolved", Qt::CaseInsensitive) == 0)
        return false;
    if (m_unassignedOnly && !row->assignedTo.isEmpty())
        return false;
    if (!m_assignee.isEmpty() && row->assignedTo.compare(m_assignee, Qt::CaseInsensitive) != 0)
        return false;
    const QString search = m_search.trimmed();
    return search.isEmpty() || contains(row->title, search) || contains(row->id, search) ||
           contains(row->assignedTo, search);
}

void IncidentList::refilter()
{
    invalidateRowsFilter();
    Q_EMIT filterChanged();
}

void IncidentList::setSeverityFilter(const QString &severity)
{
    if (severity == m_severity)
        return;
    m_severity = severity;
    refilter();
}

void IncidentList::setStatusFilter(const QString &status)
{
    if (status == m_status)
        return;
    m_status = status;
    refilter();
}

void IncidentList::setAssigneeFilter(const QString &assignee)
{
    if (assignee == m_assignee)
        return;
    m_assignee = assignee;
    refilter();
}

void IncidentList::setUnassignedOnly(bool only)
{
    if (only == m_unassignedOnly)
        return;
    m_unassignedOnly = only;
    refilter();
}

void IncidentList::setOpenOnly(bool only)
{
    if (only == m_openOnly)
        return;
    m_openOnly = only;
    refilter();
}

void IncidentList::setSearchText(const QString &text)
{
    if (text == m_search)
        return;
    m_search = text;
    refilter();
}

bool IncidentList::filtered() const
{
    return !m_severity.isEmpty() || !m_status.isEmpty() || !m_assignee.isEmpty() ||
           m_unassignedOnly || m_openOnly || !m_search.trimmed().isEmpty();
}

void IncidentList::clearFilters()
{
    if (!filtered() && m_search.isEmpty())
        return;
    m_severity.clear();
    m_status.clear();
    m_assignee.clear();
    m_unassignedOnly = false;
    m_openOnly = false;
    m_search.clear();
    refilter();
}

QStringList IncidentList::severities()
{
    return {QStringLiteral("critical"), QStringLiteral("high"), QStringLiteral("medium"),
            QStringLiteral("low")};
}

void IncidentList::refreshChoices()
{
    QStringList statuses;
    QStringList assignees;
    if (m_incidents) {
        for (const Incident &row : m_incidents->rows().all()) {
            if (!row.status.isEmpty() && !statuses.contains(row.status))
                statuses.append(row.status);
            if (!row.assignedTo.isEmpty() && !assignees.contains(row.assignedTo))
                assignees.append(row.assignedTo);
        }
    }
    std::sort(statuses.begin(), statuses.end(), [](const QString &a, const QString &b) {
        return statusRank(a) != statusRank(b) ? statusRank(a) < statusRank(b) : a < b;
    });
    assignees.sort(Qt::CaseInsensitive);
    if (statuses == m_statuses && assignees == m_assignees)
        return;
    m_statuses = statuses;
    m_assignees = assignees;
    Q_EMIT choicesChanged();
}

// ---------------------------------------------------------------------------------------------
// Selection

void IncidentList::select(const QString &incidentId)
{
    if (incidentId != m_selectedId) {
        m_selectedId = incidentId;
        m_selected.setIncidentId(incidentId);
        Q_EMIT selectionChanged();
        refreshSelectedRow();
    }
}

void IncidentList::refreshSelectedRow()
{
    // Called while the rows or a view's current row change: a view told now would move its
    // selection before it has taken its own change, so the news waits for the event loop.
    if (m_rowCheckQueued)
        return;
    m_rowCheckQueued = true;
    QMetaObject::invokeMethod(
        this,
        [this] {
            m_rowCheckQueued = false;
            const int row = selectedRow();
            if (row == m_selectedRow)
                return;
            m_selectedRow = row;
            Q_EMIT selectedRowChanged();
        },
        Qt::QueuedConnection);
}

} // namespace vigil
