#pragma once

#include <QList>
#include <QString>

#include <optional>

// The rows of the feed models (feedmodels.h), one struct per model. Each is keyed by its `id`;
// times are ms since the epoch, 0 while unknown (the views show no time for 0).

namespace vigil {

/// One update of an incident, as its timeline shows it: when, what kind, who, what changed.
struct IncidentUpdate
{
    QString id;        ///< the envelope's id: an update is in the timeline once
    QString kind;      ///< created, acknowledged, updated, escalated, resolved...
    QString actor;     ///< who acted, when the server says; empty otherwise
    QString changes;   ///< what changed, in a sentence for people
    QString requestId; ///< the operator action it confirms; empty for other updates
    qint64 at = 0;
};

/// An incident of the `incidents` channel.
struct Incident
{
    QString id;
    QString title;
    QString severity;   ///< low, medium, high, critical
    QString status;     ///< new, acknowledged, investigating, mitigating, resolved
    QString assignedTo; ///< empty while unassigned
    QString description;
    qint64 createdAt = 0;
    qint64 updatedAt = 0;
    qint64 seq = -1;   ///< of the last update applied (server order); -1 when not known
    quint64 epoch = 0; ///< the server history `seq` counts in (IncidentsModel::noteHistoryReset)
    quint64 link = 0;  ///< the connection that brought the last update (IncidentsModel::gapsAfter)
    QList<IncidentUpdate> history; ///< newest first, bounded (IncidentsModel::kKeepUpdates)
};

/// An agent of the `agents` channel, with its latest figures from `metrics`.
struct Agent
{
    QString id;
    QString name;
    QString status;            ///< online, busy, away, offline
    std::optional<double> cpu; ///< percent; none until reported
    std::optional<double> memory;
    qint64 lastSeen = 0;
};

/// An alert of the `alerts` channel; a cleared one stays, inactive.
struct Alert
{
    /// Where the alert stands. Acknowledged and silenced alerts are still active (not cleared);
    /// a silence ends on its own at `silencedUntil`.
    enum class Status { Active, Acknowledged, Silenced, Cleared };

    QString id;
    QString severity; ///< warning, error, critical
    QString title;
    QString source;
    bool active = false; ///< raised and not cleared
    qint64 raisedAt = 0;
    Status status = Status::Active;
    bool acknowledged = false; ///< someone acknowledged it (also while silenced)
    QString acknowledgedBy;
    qint64 silencedUntil = 0; ///< ms since the epoch; 0 when never silenced
    QString requestId;        ///< the operator action the server confirmed last (empty: none)
};

/// One event of the `activity` channel: who did what to which item.
struct ActivityEvent
{
    QString id;
    QString actor;
    QString action;
    QString target;
    QString summary;
    qint64 timestamp = 0;
};

/// A chat message and how far it has got. From Sent on the states only move forward; below it
/// (the operator's own message, still only in the outbox) Pending and Failed may alternate, as
/// a Retry sends a failed message again.
struct ChatMessage
{
    enum class Delivery {
        Failed,  ///< own message the server refused, or given up on: `reason` says why
        Pending, ///< own message in the outbox, not accepted by the server yet
        Sent,    ///< the server has it (acknowledged or fanned out)
        Delivered,
        Read
    };

    QString id;
    QString conversationId;
    QString senderId;
    QString content;
    qint64 timestamp = 0;
    Delivery delivery = Delivery::Sent;
    bool own = false;  ///< written by the operator (here, or by another console of theirs)
    bool seen = false; ///< someone else's message the operator has read (here or elsewhere)
    QString reason;    ///< why an own message failed; empty otherwise

    /// Someone else's message the operator has not seen yet.
    [[nodiscard]] bool unread() const { return !own && !seen; }
    /// Not on the server yet (pending or failed): shown below the conversation.
    [[nodiscard]] bool pending() const { return delivery < Delivery::Sent; }
    /// "failed", "pending", "sent", "delivered" or "read": for logs and tests.
    [[nodiscard]] static QString deliveryName(Delivery delivery);
};

/// One line of the `logs` channel. Log lines carry no id: the model numbers them.
struct LogLine
{
    QString id;
    QString level; ///< debug, info, warn, error
    QString message;
    QString source;
    QString taskId;
    qint64 timestamp = 0;
};

} // namespace vigil
