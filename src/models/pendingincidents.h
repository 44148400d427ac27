#pragma once

#include "delivery/actiontracker.h"

#include <QAbstractListModel>
#include <QPointer>
#include <QtQml/qqmlregistration.h>

namespace vigil {

/// \brief The incidents the operator is creating: each incident.create action that the server
/// has not confirmed yet, newest first, as a row of its own above the incidents.
///
/// Roles: `actionId`, `title`, `severity`, `actionState` (Actions.ActionState), `stateText`, `tone`
/// (Tone), `reason` (the server's, when it failed), `canRetry`, `canDiscard`. A confirmed
/// create leaves: the server's incident.created (naming it) is a row of the incidents by then.
class PendingIncidents : public QAbstractListModel
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("The incidents being created come from IncidentList.creating")
    Q_PROPERTY(int count READ count NOTIFY countChanged)
public:
    enum Role {
        ActionIdRole = Qt::UserRole + 1,
        TitleRole,
        SeverityRole,
        StateRole,
        StateTextRole,
        ToneRole,
        ReasonRole,
        CanRetryRole,
        CanDiscardRole
    };
    Q_ENUM(Role)

    explicit PendingIncidents(QObject *parent = nullptr);

    /// Reads the creates of `tracker` (not owned; null: none) now and on every refresh().
    void setTracker(ActionTracker *tracker);
    /// Reads the tracker again (an incident.create action changed).
    void refresh();

    [[nodiscard]] int rowCount(const QModelIndex &parent = {}) const override;
    [[nodiscard]] QVariant data(const QModelIndex &index, int role) const override;
    [[nodiscard]] QHash<int, QByteArray> roleNames() const override;
    [[nodiscard]] int count() const { return int(m_rows.size()); }

Q_SIGNALS:
    void countChanged();

private:
    QPointer<ActionTracker> m_tracker;
    QList<OperatorAction> m_rows;
};

} // namespace vigil
