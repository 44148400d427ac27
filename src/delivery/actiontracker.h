#pragma once

#include "protocol/envelope.h"

#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QString>

#include <optional>

namespace vigil {

class ConnectionView;
class Outbox;
class OutboxDrainer;

/// \brief One operator action (acknowledge an incident, send a chat message, ...) and how far
/// it got.
struct OperatorAction
{
    /// Only ever moves forward, except Failed, which a Retry replaces with a new action.
    enum class State {
        Queued,    ///< safe in the outbox, not written yet (offline, or waiting its turn)
        Sent,      ///< written to the server, no answer yet
        Accepted,  ///< the server acknowledged it (`ack`)
        Confirmed, ///< its effect arrived: the update carrying `requestId` (or, for a chat
                   ///< message, the message itself fanned out)
        Failed     ///< refused by the server, or given up on; `reason` says why
    };

    QString id;      ///< the envelope's id: the idempotency key and the `requestId`
    QString type;    ///< e.g. `incident.acknowledge`
    QString channel; ///< the entity's channel
    QString target;  ///< the incident, alert or chat message it is about (empty: a create)
    QJsonObject payload;
    State state = State::Queued;
    QString reason;         ///< the server's reason when Failed; the last error while retrying
    qint64 createdAtMs = 0; ///< wall clock, when the operator acted

    [[nodiscard]] bool open() const { return state != State::Confirmed; }
};

[[nodiscard]] QString actionStateName(OperatorAction::State state);

/// \brief Every action the operator takes goes through here: into the durable outbox first
/// (never straight to a socket), tracked from there to the server's confirmation.
///
/// The outbox keeps the action across going offline, quitting and kill -9; the tracker reads
/// the outbox back at start (restore()), so a queued action shows as queued again after a
/// restart. It follows the session's OutboxDrainer (written, acknowledged, refused) and the
/// connection (the confirming update, whose payload carries `requestId` = the action's id).
/// Views and models read the state per action or per target and follow changed().
class ActionTracker : public QObject
{
    Q_OBJECT
public:
    ActionTracker(Outbox *outbox, QString profile, QObject *parent = nullptr);

    /// Follows a session's connection and drainer (either may be null while offline).
    void attach(ConnectionView *manager, OutboxDrainer *drainer);
    /// Another server profile: the actions of that profile's outbox.
    void setProfile(const QString &profile);
    /// Reads back what waits in the outbox (queued) and its dead letters (failed).
    void restore();

    /// The channel an action type goes to (incident.* -> incidents, ...); empty when the type
    /// is no operator action.
    [[nodiscard]] static QString channelFor(const QString &type);
    /// The entity an action is about, from its payload.
    [[nodiscard]] static QString targetOf(const QString &type, const QJsonObject &payload);

    /// Stores the action in the outbox and tracks it as Queued. nullopt and a sentence in
    /// `error` when the type is unknown or the outbox cannot take it (full, disk full, ...).
    std::optional<OperatorAction> submit(const QString &type, const QJsonObject &payload,
                                         QString *error, Priority priority = Priority::High);
    /// A failed action is sent again as a new action (new id, same type and payload); the
    /// failed one is dropped. Returns the new action.
    std::optional<OperatorAction> retry(const QString &id, QString *error);
    /// Gives up an action that is still queued or has failed: it leaves the outbox (or the dead
    /// letters) and is forgotten; views roll back what they showed for it.
    bool discard(const QString &id);

    /// Newest first.
    [[nodiscard]] QList<OperatorAction> actions() const;
    [[nodiscard]] std::optional<OperatorAction> action(const QString &id) const;
    /// The newest action on `target` that is not confirmed yet, if any.
    [[nodiscard]] std::optional<OperatorAction> openActionFor(const QString &target) const;

Q_SIGNALS:
    void changed(const vigil::OperatorAction &action);
    /// The action was discarded or replaced by a retry.
    void removed(const QString &id, const QString &target);

private:
    void track(OperatorAction action);
    void advance(const QString &id, OperatorAction::State state, const QString &reason = {});
    void onEnvelope(const Envelope &envelope);
    void prune();

    Outbox *m_outbox;
    QString m_profile;
    QPointer<ConnectionView> m_manager;
    QPointer<OutboxDrainer> m_drainer;
    QHash<QString, OperatorAction> m_actions;
    QList<QString> m_order; ///< ids, oldest first
};

} // namespace vigil

Q_DECLARE_METATYPE(vigil::OperatorAction)
