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

/// \brief Incidents from the `incidents` channel, resolved ones included (status "resolved").
///
/// Rows are Incident; roles `incidentId`, `title`, `severity`, `status`, `assignedTo`,
/// `createdAt`, `updatedAt`. An update carries only some fields (an acknowledgement, an
/// escalation) and keeps the others. Figures: open incidents in total and by severity.
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
        UpdatedAtRole
    };
    Q_ENUM(Role)

    explicit IncidentsModel(QObject *parent, int capacity = 500);
    void record(const Envelope &envelope) override;
    [[nodiscard]] QStringList channels() const override { return {QStringLiteral("incidents")}; }
    /// The rows, shown and queued (read only).
    [[nodiscard]] const LiveRows<Incident> &rows() const { return m_rows; }

    [[nodiscard]] int openCount() const { return m_open; }
    [[nodiscard]] int criticalCount() const { return m_critical; }
    [[nodiscard]] int highCount() const { return m_high; }
    [[nodiscard]] int mediumCount() const { return m_medium; }
    [[nodiscard]] int lowCount() const { return m_low; }

Q_SIGNALS:
    void figuresChanged();

protected:
    void afterFlush() override;

private:
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
/// Rows are Alert; roles `alertId`, `severity`, `title`, `source`, `active` (bool),
/// `raisedAt`. A clear changes only `active` of a listed alert.
class AlertsModel : public vigil::LiveListModel, public CppOwnedSingleton<AlertsModel>
{
    Q_OBJECT
    QML_ELEMENT
    QML_SINGLETON
    Q_PROPERTY(int activeCount READ activeCount NOTIFY figuresChanged)
public:
    enum Role {
        IdRole = Qt::UserRole + 1,
        SeverityRole,
        TitleRole,
        SourceRole,
        ActiveRole,
        RaisedAtRole
    };
    Q_ENUM(Role)

    explicit AlertsModel(QObject *parent, int capacity = 500);
    void record(const Envelope &envelope) override;
    [[nodiscard]] QStringList channels() const override { return {QStringLiteral("alerts")}; }
    /// The rows, shown and queued (read only).
    [[nodiscard]] const LiveRows<Alert> &rows() const { return m_rows; }
    [[nodiscard]] int activeCount() const { return m_active; }

Q_SIGNALS:
    void figuresChanged();

protected:
    void afterFlush() override;

private:
    LiveRows<Alert> m_rows;
    int m_active = 0;
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

private:
    LiveRows<ActivityEvent> m_rows;
};

/// \brief Chat messages (`chat` channel) with their delivery state.
///
/// Rows are ChatMessage; roles `messageId`, `conversationId`, `senderId`, `content`,
/// `timestamp`, `delivery` ("sent", "delivered" or "read", from the receipts). Delivery only
/// moves forward: a late "delivered", or the message itself replayed, never undoes "read".
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
        DeliveryRole
    };
    Q_ENUM(Role)

    explicit ChatModel(QObject *parent, int capacity = 500);
    void record(const Envelope &envelope) override;
    [[nodiscard]] QStringList channels() const override { return {QStringLiteral("chat")}; }
    /// The rows, shown and queued (read only).
    [[nodiscard]] const LiveRows<ChatMessage> &rows() const { return m_rows; }

private:
    LiveRows<ChatMessage> m_rows;
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
