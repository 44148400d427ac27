#pragma once

#include "entitystates.h"
#include "principal.h"
#include "protocol/envelope.h"

#include <optional>

namespace vigil {

/// \brief The rules of operator actions (docs/protocol.md, "Operator actions"): checks an
/// `incident.*` or `alert.*` request against what the relay knows and turns it into the update
/// that confirms it, or into the reason it is refused.
///
/// Deciding changes nothing. The relay publishes the confirming update, and the state moves
/// when observe() sees it published, like every other message: an update that could not be
/// published leaves no trace, and the history replayed at start rebuilds the same state.
class OperatorActions
{
public:
    /// What became of an action: the update to publish, or a refusal.
    struct Outcome
    {
        std::optional<Envelope> update; ///< the confirmation, when the action is accepted
        QString code;                   ///< else: invalid_action, not_found or conflict
        QString message;                ///< and a sentence saying why
    };

    /// True for the message types that are requests to the relay rather than updates to fan
    /// out (incident.acknowledge, incident.create, alert.silence, ...).
    [[nodiscard]] static bool isAction(const QString &type);

    /// Decides `action` (already authorized for its channel) from `who` at wall time `nowMs`.
    [[nodiscard]] Outcome decide(const Principal &who, const Envelope &action, qint64 nowMs) const;
    /// Takes in a published message (see EntityStates::observe()).
    void observe(const Envelope &published) { m_states.observe(published); }
    [[nodiscard]] const EntityStates &states() const { return m_states; }

    static constexpr int kMaxSilenceMinutes = 24 * 60;
    static constexpr qsizetype kMaxTitleLength = 200;
    static constexpr qsizetype kMaxTextLength = 4000; ///< a description or a resolution note

private:
    [[nodiscard]] Outcome decideIncident(const Principal &who, const Envelope &action,
                                         const QJsonObject &request) const;
    [[nodiscard]] Outcome createIncident(const Principal &who, const Envelope &action,
                                         const QJsonObject &request) const;
    [[nodiscard]] Outcome decideAlert(const Principal &who, const Envelope &action,
                                      const QJsonObject &request, qint64 nowMs) const;
    [[nodiscard]] QString newIncidentId() const;

    EntityStates m_states;
};

} // namespace vigil
