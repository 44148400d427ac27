#pragma once

#include "feedrows.h"
#include "incidentoverlay.h"
#include "ui/tone.h"

#include <QAbstractListModel>
#include <QPointer>
#include <QtQml/qqmlregistration.h>

namespace vigil {

class IncidentsModel;

/// \brief The incident the operator has selected: its fields, the operator's newest action on
/// it with the values that action is expected to set, and, as the rows, its timeline (newest
/// first): each update with its time, kind, who acted and what changed.
///
/// Follows IncidentsModel (each flush) and the overlay (each action change). Rows' roles:
/// `updateId`, `at` (ms), `kind` (created, acknowledged, ...), `actor`, `changes`, `requestId`
/// (the operator action it confirmed, "" for others). New updates are inserted on top.
class SelectedIncident : public QAbstractListModel
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("The selected incident comes from IncidentList.selected")
    Q_PROPERTY(QString incidentId READ incidentId NOTIFY changed)
    /// The incident is known (listed, or about to be)
    Q_PROPERTY(bool found READ found NOTIFY changed)
    Q_PROPERTY(QString title READ title NOTIFY changed)
    Q_PROPERTY(QString severity READ severity NOTIFY changed)
    Q_PROPERTY(QString status READ status NOTIFY changed)
    Q_PROPERTY(QString assignedTo READ assignedTo NOTIFY changed)
    Q_PROPERTY(QString description READ description NOTIFY changed)
    /// Times in ms since the epoch (0: not known), as doubles for QML
    Q_PROPERTY(double createdAt READ createdAt NOTIFY changed)
    Q_PROPERTY(double updatedAt READ updatedAt NOTIFY changed)
    /// The operator's newest action on it ("" none); the rest as IncidentList's roles say
    Q_PROPERTY(QString actionId READ actionId NOTIFY changed)
    Q_PROPERTY(int actionState READ actionState NOTIFY changed)
    Q_PROPERTY(QString actionText READ actionText NOTIFY changed)
    Q_PROPERTY(vigil::Tone::Value actionTone READ actionTone NOTIFY changed)
    Q_PROPERTY(QString actionReason READ actionReason NOTIFY changed)
    Q_PROPERTY(bool actionPending READ actionPending NOTIFY changed)
    Q_PROPERTY(bool canRetry READ canRetry NOTIFY changed)
    Q_PROPERTY(bool canDiscard READ canDiscard NOTIFY changed)
    Q_PROPERTY(QString pendingStatus READ pendingStatus NOTIFY changed)
    Q_PROPERTY(QString pendingAssignee READ pendingAssignee NOTIFY changed)
    Q_PROPERTY(QString pendingSeverity READ pendingSeverity NOTIFY changed)
    /// What the server would accept now: every action needs an incident that is not resolved,
    /// escalating one below critical
    Q_PROPERTY(bool canAct READ canAct NOTIFY changed)
    Q_PROPERTY(bool canEscalate READ canEscalate NOTIFY changed)
    Q_PROPERTY(int count READ count NOTIFY countChanged)
public:
    enum Role {
        UpdateIdRole = Qt::UserRole + 1,
        AtRole,
        KindRole,
        ActorRole,
        ChangesRole,
        RequestIdRole
    };
    Q_ENUM(Role)

    /// Reads `incidents` and `overlay` (neither owned; they outlive it).
    SelectedIncident(IncidentsModel *incidents, IncidentOverlay *overlay,
                     QObject *parent = nullptr);

    /// Shows `incidentId` ("" for none).
    void setIncidentId(const QString &incidentId);
    void setIncidents(IncidentsModel *incidents);
    /// Reads the incident again (after a flush of the model, or an action's change).
    void refresh();

    [[nodiscard]] int rowCount(const QModelIndex &parent = {}) const override;
    [[nodiscard]] QVariant data(const QModelIndex &index, int role) const override;
    [[nodiscard]] QHash<int, QByteArray> roleNames() const override;
    [[nodiscard]] int count() const { return int(m_row.history.size()); }

    [[nodiscard]] QString incidentId() const { return m_id; }
    [[nodiscard]] bool found() const { return m_found; }
    [[nodiscard]] QString title() const { return m_row.title; }
    [[nodiscard]] QString severity() const { return m_row.severity; }
    [[nodiscard]] QString status() const { return m_row.status; }
    [[nodiscard]] QString assignedTo() const { return m_row.assignedTo; }
    [[nodiscard]] QString description() const { return m_row.description; }
    [[nodiscard]] double createdAt() const { return double(m_row.createdAt); }
    [[nodiscard]] double updatedAt() const { return double(m_row.updatedAt); }
    [[nodiscard]] QString actionId() const { return m_action ? m_action->actionId : QString(); }
    [[nodiscard]] int actionState() const { return m_action ? int(m_action->state) : -1; }
    [[nodiscard]] QString actionText() const;
    [[nodiscard]] Tone::Value actionTone() const;
    [[nodiscard]] QString actionReason() const { return m_action ? m_action->reason : QString(); }
    [[nodiscard]] bool actionPending() const { return m_action && m_action->pending(); }
    [[nodiscard]] bool canRetry() const;
    [[nodiscard]] bool canDiscard() const;
    [[nodiscard]] QString pendingStatus() const { return m_expected.status; }
    [[nodiscard]] QString pendingAssignee() const { return m_expected.assignee; }
    [[nodiscard]] QString pendingSeverity() const { return m_expected.severity; }
    [[nodiscard]] bool canAct() const { return m_found && m_row.status != u"resolved"; }
    [[nodiscard]] bool canEscalate() const;

    /// "Acknowledge: Queued" for an action; the text rows and the detail show.
    [[nodiscard]] static QString actionTextOf(const IncidentAction &action);

Q_SIGNALS:
    void changed();
    void countChanged();

private:
    /// Brings the rows from `before` to `after` (both newest first): new updates are inserted
    /// on top, the oldest beyond the bound leave at the bottom; another incident resets.
    void updateRows(const QList<IncidentUpdate> &before, const QList<IncidentUpdate> &after);

    QPointer<IncidentsModel> m_incidents;
    IncidentOverlay *m_overlay;
    QString m_id;
    bool m_found = false;
    Incident m_row;
    std::optional<IncidentAction> m_action;
    IncidentExpectation m_expected;
};

} // namespace vigil
