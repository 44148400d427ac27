#pragma once

#include <QString>

#include <optional>

// The rows of the feed models (feedmodels.h), one struct per model. Each is keyed by its `id`;
// times are ms since the epoch, 0 while unknown (the views show no time for 0).

namespace vigil {

/// An incident of the `incidents` channel.
struct Incident
{
    QString id;
    QString title;
    QString severity;   ///< low, medium, high, critical
    QString status;     ///< new, investigating, mitigating, resolved
    QString assignedTo; ///< empty while unassigned
    qint64 createdAt = 0;
    qint64 updatedAt = 0;
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
    QString id;
    QString severity; ///< warning, error, critical
    QString title;
    QString source;
    bool active = false;
    qint64 raisedAt = 0;
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

/// A chat message and how far it has got. The states only move forward.
struct ChatMessage
{
    enum class Delivery { Sent, Delivered, Read };

    QString id;
    QString conversationId;
    QString senderId;
    QString content;
    qint64 timestamp = 0;
    Delivery delivery = Delivery::Sent;

    /// "sent", "delivered" or "read": what the views show.
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
