#pragma once

#include "cppownedsingleton.h"
#include "feedrows.h"
#include "livelistmodel.h"

#include <QtQml/qqmlregistration.h>

class QQmlEngine;
class QJSEngine;

// The live models behind the console's pages, one per channel of the feed. Each is a
// LiveListModel (rows keyed by id, newest first, coalesced per frame) and a C++-owned QML
// singleton; the application feeds them every envelope through record(). Each row is a struct
// of feedrows.h; each model's roles are one table in feedmodels.cpp (id, QML name, field), the
// `Role` enum below only naming the ids for C++.
//
// Constructors take the parent without a default on purpose: Qt 6.4 prefers a default
// constructor over create() for QML_SINGLETON and would build a second, unfed instance. The
// base is named with its namespace: Qt 6.4's qmltyperegistrar drops an unqualified base from
// the QML type information (tools then cannot see the models' `count`).

namespace vigil {

class ConnectionView;

/// \brief Incidents from the `incidents` channel, resolved ones included (status "resolved").
///
/// Rows are Incident; roles `incidentId`, `title`, `severity`, `status`, `assignedTo`,
/// `createdAt`, `updatedAt`, `description`, `gapsAfter`. An update carries only some fields (an
/// acknowledgement, an escalation) and keeps the others. Figures: open incidents in total and by
/// severity.
///
/// Server order is kept: an update no newer than what a row shows (a `seq` of the same server
/// history no higher, and no later time, as a replay after a reconnect brings) changes nothing,
/// and an update is applied once (keyed by its id). Each row keeps its timeline: the last
/// kKeepUpdates updates, with who acted and what changed. `gapsAfter` counts the messages that
/// could not be recovered (ConnectionManager::recoveryFailed) since the row last changed: a list
/// shows "messages may be missing here" where that count changes.
class IncidentsModel : public vigil::LiveListModel, public CppOwnedSingleton<IncidentsModel>
{
    Q_OBJECT
    QML_ELEMENT
    QML_SINGLETON
    Q_PROPERTY(int openCount READ openCount NOTIFY figuresChanged)
    Q_PROPERTY(int criticalCount READ criticalCount NOTIFY figuresChanged)
    Q_PROPERTY(int highCount READ highCount NOTIFY figuresChanged)
    Q_PROPERTY(int mediumCount READ mediumCount NOTIFY figuresChanged)
    Q_PROPERTY(int lowCount READ lowCount NOTIFY figuresChanged)
public:
    enum Role {
        IdRole = Qt::UserRole + 1,
        TitleRole,
        SeverityRole,
        StatusRole,
        AssignedToRole,
        CreatedAtRole,
        UpdatedAtRole,
        DescriptionRole,
        GapsAfterRole
    };
    Q_ENUM(Role)

    /// Updates kept per incident for its timeline.
    static constexpr int kKeepUpdates = 50;

    explicit IncidentsModel(QObject *parent, int capacity = 500);
    void record(const Envelope &envelope) override;
    [[nodiscard]] QStringList channels() const override { return {QStringLiteral("incidents")}; }
    /// The rows, shown and queued (read only).
    [[nodiscard]] const LiveRows<Incident> &rows() const { return m_rows; }

    /// Follows a session's connection for where messages went missing (a new session: no gaps).
    void attach(ConnectionView *view);
    /// A connection (WebSocket or HTTP) started carrying messages.
    void noteLinkStart();
    /// What was missed on `channel` could not be replayed: rows from before are marked.
    void noteGap(const QString &channel);
    /// `channel` was replayed from the beginning (the operator's Reload): no gap is left.
    void noteReloaded(const QString &channel);
    /// The server's history is new for `channels` (it restarted without it): its `seq` count
    /// starts again, and its updates are newer than every row's.
    void noteHistoryReset(const QStringList &channels);
    /// Unrecoverable gaps since `row` last changed.
    [[nodiscard]] int gapsAfter(const Incident &row) const;
    [[nodiscard]] int gapCount() const { return int(m_gapLinks.size()); }
    /// What an update changed, for the timeline ("status new → acknowledged, assigned to ana").
    [[nodiscard]] static QString describeChanges(const Incident &before, const Incident &after,
                                                 const QString &note);

    [[nodiscard]] int openCount() const { return m_open; }
    [[nodiscard]] int criticalCount() const { return m_critical; }
    [[nodiscard]] int highCount() const { return m_high; }
    [[nodiscard]] int mediumCount() const { return m_medium; }
    [[nodiscard]] int lowCount() const { return m_low; }

Q_SIGNALS:
    void figuresChanged();
    /// An unrecoverable gap was noted, or healed by a reload: every row's `gapsAfter` may differ.
    void gapsChanged();

protected:
    void afterFlush() override;

private:
    void setGaps(QList<quint64> links);

    QList<quint64> m_gapLinks; ///< per gap, the connection it opened before
    quint64 m_link = 0;        ///< the current connection's number
    quint64 m_epoch = 0;       ///< the server history's number (Incident::epoch)
    LiveRows<Incident> m_rows;
    int m_open = 0;
    int m_critical = 0;
    int m_high = 0;
    int m_medium = 0;
    int m_low = 0;
};

/// \brief Agents from the `agents` channel, with their latest CPU and memory from `metrics`.
///
/// Rows are Agent; roles `agentId`, `name`, `status`, `cpu` and `memory` (undefined until
/// reported), `lastSeen`. Metrics update only agents listed (or queued): the cluster-wide
/// figures are no agent. An agent counts as online unless its status is "offline".
class AgentsModel : public vigil::LiveListModel, public CppOwnedSingleton<AgentsModel>
{
    Q_OBJECT
    QML_ELEMENT
    QML_SINGLETON
    Q_PROPERTY(int onlineCount READ onlineCount NOTIFY figuresChanged)
    Q_PROPERTY(int totalCount READ totalCount NOTIFY figuresChanged)
public:
    enum Role {
        IdRole = Qt::UserRole + 1,
        NameRole,
        StatusRole,
        CpuRole,
        MemoryRole,
        LastSeenRole
    };
    Q_ENUM(Role)

    explicit AgentsModel(QObject *parent, int capacity = 1000);
    void record(const Envelope &envelope) override;
    [[nodiscard]] QStringList channels() const override
    {
        return {QStringLiteral("agents"), QStringLiteral("metrics")};
    }
    /// The rows, shown and queued (read only).
    [[nodiscard]] const LiveRows<Agent> &rows() const { return m_rows; }

    [[nodiscard]] int onlineCount() const { return m_online; }
    [[nodiscard]] int totalCount() const { return count(); }

Q_SIGNALS:
    void figuresChanged();

protected:
    void afterFlush() override;

private:
    LiveRows<Agent> m_rows;
    int m_online = 0;
};

/// \brief Alerts from the `alerts` channel; a cleared alert stays listed as inactive.
///
/// Rows are Alert; roles `alertId`, `severity`, `title`, `source`, `active` (bool: not
/// cleared), `raisedAt`, `status` (Status), `acknowledgedBy`, `silencedUntil` (ms, 0: none),
/// `requestId` (the operator action confirmed last). A clear changes only the state of a listed
/// alert. The relay's confirmations of operator actions (`alert.acknowledged`, `alert.silenced`,
/// which carry the whole alert and the action's `requestId`) set the status; a silence ends on
/// its own at `silencedUntil` (by this model's clock), and the row says so.
class AlertsModel : public vigil::LiveListModel, public CppOwnedSingleton<AlertsModel>
{
    Q_OBJECT
    QML_ELEMENT
    QML_SINGLETON
    /// Alerts not cleared (acknowledged and silenced ones included).
    Q_PROPERTY(int activeCount READ activeCount NOTIFY figuresChanged)
public:
    enum Role {
        IdRole = Qt::UserRole + 1,
        SeverityRole,
        TitleRole,
        SourceRole,
        ActiveRole,
        RaisedAtRole,
        StatusRole,
        AcknowledgedByRole,
        SilencedUntilRole,
        RequestIdRole
    };
    Q_ENUM(Role)
    /// Alert::Status for QML (same values).
    enum class Status { Active, Acknowledged, Silenced, Cleared };
    Q_ENUM(Status)

    explicit AlertsModel(QObject *parent, int capacity = 500);
    void record(const Envelope &envelope) override;
    [[nodiscard]] QStringList channels() const override { return {QStringLiteral("alerts")}; }
    /// The rows, shown and queued (read only).
    [[nodiscard]] const LiveRows<Alert> &rows() const { return m_rows; }
    [[nodiscard]] int activeCount() const { return m_active; }
    /// Replaces the wall clock that ends silences (tests).
    void setClock(std::function<qint64()> nowMs);

Q_SIGNALS:
    void figuresChanged();

protected:
    void afterFlush() override;

private:
    void endSilences();
    void scheduleSilenceEnd();

    LiveRows<Alert> m_rows;
    int m_active = 0;
    std::function<qint64()> m_now;
    QTimer m_silenceTimer; ///< fires when the next silence ends
};

/// \brief The activity feed (`activity` channel): who did what to which item.
///
/// Rows are ActivityEvent; roles `eventId`, `actor`, `action`, `target`, `summary`,
/// `timestamp`.
class ActivityModel : public vigil::LiveListModel, public CppOwnedSingleton<ActivityModel>
{
    Q_OBJECT
    QML_ELEMENT
    QML_SINGLETON
    /// The actors and the actions of the rows listed, sorted: the Activity page's filter choices
    Q_PROPERTY(QStringList actors READ actors NOTIFY choicesChanged)
    Q_PROPERTY(QStringList actions READ actions NOTIFY choicesChanged)
public:
    enum Role {
        IdRole = Qt::UserRole + 1,
        ActorRole,
        ActionRole,
        TargetRole,
        SummaryRole,
        TimestampRole
    };
    Q_ENUM(Role)

    explicit ActivityModel(QObject *parent, int capacity = 300);
    void record(const Envelope &envelope) override;
    [[nodiscard]] QStringList channels() const override { return {QStringLiteral("activity")}; }
    /// The rows, shown and queued (read only).
    [[nodiscard]] const LiveRows<ActivityEvent> &rows() const { return m_rows; }
    [[nodiscard]] QStringList actors() const { return m_actors; }
    [[nodiscard]] QStringList actions() const { return m_actions; }

Q_SIGNALS:
    void choicesChanged();

protected:
    void afterFlush() override;

private:
    LiveRows<ActivityEvent> m_rows;
    QStringList m_actors;
    QStringList m_actions;
};

/// \brief Chat messages (`chat` channel) with their delivery state, the operator's own ones from
/// the moment they are written.
///
/// Rows are ChatMessage; roles `messageId`, `conversationId`, `senderId`, `content`,
/// `timestamp`, `delivery` ("failed", "pending", "sent", "delivered" or "read"), `deliveryText`
/// (the same for people), `deliveryTone` (Tone), `pending` (not on the server yet: pending or
/// failed), `failed`, `own` (the operator wrote it), `unread` (someone else's, not seen by the
/// operator yet) and `reason` (why an own message failed). Once the server has a message its
/// delivery only moves forward: a late "delivered", or the message itself replayed, never
/// undoes "read".
///
/// The operator's own message is a real row as soon as it is in the outbox (recordOwn(), fed by
/// ChatSession), marked pending; it becomes sent when the server acknowledges it, and its
/// fan-out (same message id) updates that row instead of adding another. Receipts `by` the
/// operator (setOperatorName()) mark others' messages seen; so does markSeen(). Rows are kept
/// in arrival order; ChatMessagesModel shows one conversation in time order.
class ChatModel : public vigil::LiveListModel, public CppOwnedSingleton<ChatModel>
{
    Q_OBJECT
    QML_ELEMENT
    QML_SINGLETON
public:
    enum Role {
        IdRole = Qt::UserRole + 1,
        ConversationRole,
        SenderRole,
        ContentRole,
        TimestampRole,
        DeliveryRole,
        DeliveryTextRole,
        DeliveryToneRole,
        PendingRole,
        FailedRole,
        OwnRole,
        UnreadRole,
        ReasonRole
    };
    Q_ENUM(Role)

    explicit ChatModel(QObject *parent, int capacity = 500);
    void record(const Envelope &envelope) override;
    [[nodiscard]] QStringList channels() const override { return {QStringLiteral("chat")}; }
    /// The rows, shown and queued (read only).
    [[nodiscard]] const LiveRows<ChatMessage> &rows() const { return m_rows; }

    /// The operator's user name on the server: messages they sent are their own, and their
    /// `chat.read` receipts mark what they have seen.
    void setOperatorName(const QString &name) { m_operator = name; }
    [[nodiscard]] QString operatorName() const { return m_operator; }
    /// The operator's `message` as the outbox has it: a row at once, with `state` Pending or
    /// Failed (and `reason`) while only the outbox has it, Sent once the server acknowledged
    /// it. A row the server already has keeps its fields and never goes below Sent.
    void recordOwn(const ChatMessage &message, ChatMessage::Delivery state,
                   const QString &reason = {});
    /// The operator gave up their message `messageId`: its row goes, unless the server has it.
    void dropOwn(const QString &messageId);
    /// The operator has seen these messages: they are no longer unread.
    void markSeen(const QStringList &messageIds);
    /// Forgets what was seen (a new session: the server's receipts tell it again).
    void forgetSeen() { m_seen.clear(); }
    /// A delivery state as the operator reads it ("Pending", "Read"...).
    [[nodiscard]] static QString deliveryText(ChatMessage::Delivery delivery);

protected:
    void afterFlush() override;

private:
    LiveRows<ChatMessage> m_rows;
    QString m_operator;
    // Messages the operator has seen, listed or not yet: a receipt restored from the outbox
    // or replayed may come before its message.
    QSet<QString> m_seen;
};

/// \brief The latest log lines (`logs` channel, single entries and batches).
///
/// Rows are LogLine; roles `entryId`, `level`, `message`, `source`, `taskId`, `timestamp`.
/// Bounded: a busy system keeps only the newest `capacity` lines here.
class LogModel : public vigil::LiveListModel, public CppOwnedSingleton<LogModel>
{
    Q_OBJECT
    QML_ELEMENT
    QML_SINGLETON
public:
    enum Role {
        IdRole = Qt::UserRole + 1,
        LevelRole,
        MessageRole,
        SourceRole,
        TaskRole,
        TimestampRole
    };
    Q_ENUM(Role)

    explicit LogModel(QObject *parent, int capacity = 2000);
    void record(const Envelope &envelope) override;
    [[nodiscard]] QStringList channels() const override { return {QStringLiteral("logs")}; }
    /// The rows, shown and queued (read only).
    [[nodiscard]] const LiveRows<LogLine> &rows() const { return m_rows; }

private:
    LiveRows<LogLine> m_rows;
    quint64 m_next = 0;
};

} // namespace vigil
