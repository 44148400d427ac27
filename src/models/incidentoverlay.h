#pragma once

#include "delivery/actiontracker.h"
#include "feedrows.h"

#include <QHash>
#include <QObject>
#include <QPointer>
#include <QString>

#include <optional>

namespace vigil {

/// \brief The newest operator action on one incident, as the incident's row and detail show it.
struct IncidentAction
{
    QString actionId;
    QString type; ///< incident.acknowledge, incident.assign, ...
    OperatorAction::State state = OperatorAction::State::Queued;
    QString reason; ///< the server's, when it failed
    QJsonObject payload;

    /// On its way: its expected effect is shown, marked pending. A failed action shows the
    /// server's values again (rollback), a confirmed one the server's new values.
    [[nodiscard]] bool pending() const
    {
        return state != OperatorAction::State::Failed && state != OperatorAction::State::Confirmed;
    }
};

/// \brief What an incident is expected to look like once the server applies an action; an
/// empty field expects no change of it.
struct IncidentExpectation
{
    QString status;
    QString assignee;
    QString severity;
};

/// \brief The optimistic layer over the incidents: for each incident, the newest action the
/// operator took on it this session (from the ActionTracker, so queued actions restored from
/// the outbox count too), and what that action is expected to change.
///
/// The incident list and the detail read it beside the server's values: while an action is on
/// its way they show its expected result marked pending; when it fails or is discarded they
/// show the server's values again; when the server's update naming it arrives it is confirmed.
class IncidentOverlay : public QObject
{
    Q_OBJECT
public:
    explicit IncidentOverlay(QObject *parent = nullptr);

    /// Follows `tracker` (not owned; null: no actions).
    void setTracker(ActionTracker *tracker);
    [[nodiscard]] ActionTracker *tracker() const { return m_tracker; }

    /// The newest action on `incidentId` (of any state), if any.
    [[nodiscard]] std::optional<IncidentAction> actionFor(const QString &incidentId) const;
    /// What `row` becomes when the server applies `action`: the relay's rules
    /// (docs/protocol.md, "What each action does").
    [[nodiscard]] static IncidentExpectation expect(const IncidentAction &action,
                                                    const Incident &row);
    /// The action for people, without its state: "Acknowledge", "Assign to ana"...
    [[nodiscard]] static QString verbOf(const IncidentAction &action);
    /// The severity one step up (low, medium, high, critical); empty at the top or off the scale.
    [[nodiscard]] static QString severityAbove(const QString &severity);

Q_SIGNALS:
    /// The action shown for `incidentId` changed (a new one, a new state, gone).
    void changed(const QString &incidentId);
    /// An incident.create action changed (new, new state, gone).
    void createsChanged();
    /// Everything may differ (another tracker, or another profile's actions).
    void reset();

private:
    void rebuild();
    void refresh(const QString &incidentId);

    QPointer<ActionTracker> m_tracker;
    QHash<QString, IncidentAction> m_byIncident;
};

} // namespace vigil
