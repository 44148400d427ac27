#pragma once

#include "cppownedsingleton.h"
#include "incidentoverlay.h"
#include "pendingincidents.h"
#include "selectedincident.h"

#include <QPointer>
#include <QSortFilterProxyModel>
#include <QStringList>
#include <QtQml/qqmlregistration.h>

class QQmlEngine;
class QJSEngine;

namespace vigil {

class ActionTracker;
class IncidentsModel;
struct Incident;

/// \brief The Incidents page's list: IncidentsModel sorted, filtered and searched, with the
/// operator's actions laid over it, and the incident the operator has selected.
///
/// Sorting and filtering use the server's values. Sort keys: updated (the server's order: by
/// `seq` within a server history, by time where it is not known), severity (low < medium <
/// high < critical), status (by progress: new, acknowledged, investigating, mitigating,
/// resolved) and id; every key falls back to the server's order, then the id, so equal rows
/// keep a stable order. Filters: one severity, one status, one assignee (or unassigned only),
/// open incidents only; the search matches the title, the id and the assignee,
/// case-insensitively.
///
/// Besides the source's roles: `actionId` (the newest operator action on the incident this
/// session, "" none), `actionState` (Actions.ActionState, -1 with no action), `actionText`
/// ("Acknowledge: Queued"), `actionTone` (Tone), `actionReason` (the server's, when it
/// failed), `actionPending` (on its way: the expected values below are shown), `canRetry`, and
/// `pendingStatus`, `pendingAssignee`, `pendingSeverity`: the values the action is expected to
/// set, while it is pending and would change them ("" otherwise). A failure or a discard
/// empties them again (rollback to the server's values); the server's update confirms.
class IncidentList : public QSortFilterProxyModel, public CppOwnedSingleton<IncidentList>
{
    Q_OBJECT
    QML_ELEMENT
    QML_SINGLETON
    Q_PROPERTY(SortKey sortKey READ sortKey WRITE setSortKey NOTIFY sortChanged)
    /// Largest first (newest, most severe, furthest on, highest id); the default
    Q_PROPERTY(bool descending READ descending WRITE setDescending NOTIFY sortChanged)
    /// One severity, or "" for all
    Q_PROPERTY(
        QString severityFilter READ severityFilter WRITE setSeverityFilter NOTIFY filterChanged)
    /// One status, or "" for all
    Q_PROPERTY(QString statusFilter READ statusFilter WRITE setStatusFilter NOTIFY filterChanged)
    /// One assignee, or "" for all
    Q_PROPERTY(
        QString assigneeFilter READ assigneeFilter WRITE setAssigneeFilter NOTIFY filterChanged)
    /// Only incidents nobody is assigned to
    Q_PROPERTY(bool unassignedOnly READ unassignedOnly WRITE setUnassignedOnly NOTIFY filterChanged)
    /// Resolved incidents are left out
    Q_PROPERTY(bool openOnly READ openOnly WRITE setOpenOnly NOTIFY filterChanged)
    /// Matches the title, the id or the assignee (case-insensitive); "" matches all
    Q_PROPERTY(QString searchText READ searchText WRITE setSearchText NOTIFY filterChanged)
    /// Some filter or the search is set
    Q_PROPERTY(bool filtered READ filtered NOTIFY filterChanged)
    /// Rows shown (after the filters)
    Q_PROPERTY(int count READ count NOTIFY countChanged)
    /// The choices for the filters: the scale, and what the incidents listed carry now
    Q_PROPERTY(QStringList severities READ severities CONSTANT)
    Q_PROPERTY(QStringList statuses READ statuses NOTIFY choicesChanged)
    Q_PROPERTY(QStringList assignees READ assignees NOTIFY choicesChanged)
    /// The incident selected (select()), and its row here (-1: none, or filtered out). The row's
    /// change is signalled once the views have taken the change of the rows that moved it.
    Q_PROPERTY(QString selectedId READ selectedId NOTIFY selectionChanged)
    Q_PROPERTY(int selectedRow READ selectedRow NOTIFY selectedRowChanged)
    /// The selected incident's fields, action and timeline
    Q_PROPERTY(vigil::SelectedIncident *selected READ selected CONSTANT)
    /// The incidents the operator is creating: the incident.create actions not confirmed yet
    Q_PROPERTY(vigil::PendingIncidents *creating READ creating CONSTANT)
public:
    enum class SortKey { Updated, Severity, Status, Id };
    Q_ENUM(SortKey)
    enum Role {
        ActionIdRole = Qt::UserRole + 64,
        ActionStateRole,
        ActionTextRole,
        ActionToneRole,
        ActionReasonRole,
        ActionPendingRole,
        CanRetryRole,
        PendingStatusRole,
        PendingAssigneeRole,
        PendingSeverityRole
    };
    Q_ENUM(Role)

    // No default argument: see ConnectionStatus.
    explicit IncidentList(QObject *parent);

    /// Lists `incidents` (not owned) with the actions of `tracker` (not owned; may be null).
    void setSources(IncidentsModel *incidents, ActionTracker *tracker);

    [[nodiscard]] QVariant data(const QModelIndex &index, int role) const override;
    [[nodiscard]] QHash<int, QByteArray> roleNames() const override;

    [[nodiscard]] SortKey sortKey() const { return m_sortKey; }
    void setSortKey(SortKey key);
    [[nodiscard]] bool descending() const { return m_descending; }
    void setDescending(bool descending);
    [[nodiscard]] QString severityFilter() const { return m_severity; }
    void setSeverityFilter(const QString &severity);
    [[nodiscard]] QString statusFilter() const { return m_status; }
    void setStatusFilter(const QString &status);
    [[nodiscard]] QString assigneeFilter() const { return m_assignee; }
    void setAssigneeFilter(const QString &assignee);
    [[nodiscard]] bool unassignedOnly() const { return m_unassignedOnly; }
    void setUnassignedOnly(bool only);
    [[nodiscard]] bool openOnly() const { return m_openOnly; }
    void setOpenOnly(bool only);
    [[nodiscard]] QString searchText() const { return m_search; }
    void setSearchText(const QString &text);
    [[nodiscard]] bool filtered() const;
    [[nodiscard]] int count() const { return rowCount(); }
    [[nodiscard]] static QStringList severities();
    [[nodiscard]] QStringList statuses() const { return m_statuses; }
    [[nodiscard]] QStringList assignees() const { return m_assignees; }
    [[nodiscard]] QString selectedId() const { return m_selectedId; }
    [[nodiscard]] int selectedRow() const { return rowOf(m_selectedId); }
    [[nodiscard]] SelectedIncident *selected() { return &m_selected; }
    [[nodiscard]] PendingIncidents *creating() { return &m_creating; }

    /// Makes `incidentId` the selected incident ("" for none).
    Q_INVOKABLE void select(const QString &incidentId);
    /// Clears every filter and the search.
    Q_INVOKABLE void clearFilters();
    /// The row of `incidentId`, or -1 when it is not listed (filtered out, or unknown).
    Q_INVOKABLE int rowOf(const QString &incidentId) const;
    /// The incident on `row`, or "" (a view's current index to select()).
    Q_INVOKABLE QString idAt(int row) const;

    /// The severity's place on the scale (low 1 ... critical 4; 0 off the scale).
    [[nodiscard]] static int severityRank(const QString &severity);
    /// The status's place in an incident's progress (new 0 ... resolved 5).
    [[nodiscard]] static int statusRank(const QString &status);

Q_SIGNALS:
    void sortChanged();
    void filterChanged();
    void countChanged();
    void choicesChanged();
    void selectionChanged();
    /// From the event loop: a view's own change (of the rows, of its current row) is complete.
    void selectedRowChanged();

protected:
    [[nodiscard]] bool filterAcceptsRow(int sourceRow,
                                        const QModelIndex &sourceParent) const override;
    [[nodiscard]] bool lessThan(const QModelIndex &left, const QModelIndex &right) const override;

private:
    [[nodiscard]] const Incident *incidentAt(int sourceRow) const;
    void applySort();
    void refilter();
    void refreshChoices();
    void refreshSelectedRow();
    void onActionChanged(const QString &incidentId);

    QPointer<IncidentsModel> m_incidents;
    IncidentOverlay m_overlay;
    SelectedIncident m_selected;
    PendingIncidents m_creating;
    SortKey m_sortKey = SortKey::Updated;
    bool m_descending = true;
    QString m_severity;
    QString m_status;
    QString m_assignee;
    bool m_unassignedOnly = false;
    bool m_openOnly = false;
    QString m_search;
    QStringList m_statuses;
    QStringList m_assignees;
    QString m_selectedId;
    int m_selectedRow = -1; ///< as last signalled
    bool m_rowCheckQueued = false;
};

} // namespace vigil
