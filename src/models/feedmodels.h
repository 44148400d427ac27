#pragma once

#include "cppownedsingleton.h"
#include "livelistmodel.h"

#include <QtQml/qqmlregistration.h>

class QQmlEngine;
class QJSEngine;

// The live models behind the console's pages, one per channel of the feed. Each is a
// LiveListModel (rows keyed by id, newest first, coalesced per frame) and a C++-owned QML
// singleton; the application feeds them every envelope through record().
//
// Constructors take the parent without a default on purpose: Qt 6.4 prefers a default
// constructor over create() for QML_SINGLETON and would build a second, unfed instance.

namespace vigil {

/// \brief Incidents from the `incidents` channel, resolved ones included (status "resolved").
///
/// Roles: `incidentId`, `title`, `severity` (low, medium, high, critical), `status` (new,
/// investigating, mitigating, resolved), `assignedTo`, `createdAt` and `updatedAt` (ms since
/// the epoch). Figures: open incidents in total and by severity.
class IncidentsModel : public LiveListModel, public CppOwnedSingleton<IncidentsModel>
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
    int m_open = 0;
    int m_critical = 0;
    int m_high = 0;
    int m_medium = 0;
    int m_low = 0;
};

/// \brief Agents from the `agents` channel, with their latest CPU and memory from `metrics`.
///
/// Roles: `agentId`, `name`, `status` (online, busy, away, offline), `cpu` and `memory`
/// (percent), `lastSeen` (ms). An agent counts as online unless its status is "offline".
class AgentsModel : public LiveListModel, public CppOwnedSingleton<AgentsModel>
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

    [[nodiscard]] int onlineCount() const { return m_online; }
    [[nodiscard]] int totalCount() const { return count(); }

Q_SIGNALS:
    void figuresChanged();

protected:
    void afterFlush() override;

private:
    int m_online = 0;
};

/// \brief Alerts from the `alerts` channel; a cleared alert stays listed as inactive.
///
/// Roles: `alertId`, `severity` (warning, error, critical), `title`, `source`, `active`
/// (bool), `raisedAt` (ms).
class AlertsModel : public LiveListModel, public CppOwnedSingleton<AlertsModel>
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
    [[nodiscard]] int activeCount() const { return m_active; }

Q_SIGNALS:
    void figuresChanged();

protected:
    void afterFlush() override;

private:
    int m_active = 0;
};

/// \brief The activity feed (`activity` channel): who did what to which item.
///
/// Roles: `eventId`, `actor`, `action`, `target`, `summary`, `timestamp` (ms).
class ActivityModel : public LiveListModel, public CppOwnedSingleton<ActivityModel>
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
};

/// \brief Chat messages (`chat` channel) with their delivery state.
///
/// Roles: `messageId`, `conversationId`, `senderId`, `content`, `timestamp` (ms), `delivery`
/// ("sent", "delivered" or "read", from the receipts).
class ChatModel : public LiveListModel, public CppOwnedSingleton<ChatModel>
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
};

/// \brief The latest log lines (`logs` channel, single entries and batches).
///
/// Roles: `entryId`, `level` (debug, info, warn, error), `message`, `source`, `taskId`,
/// `timestamp` (ms). Bounded: a busy system keeps only the newest `capacity` lines here.
class LogModel : public LiveListModel, public CppOwnedSingleton<LogModel>
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

private:
    quint64 m_next = 0;
};

} // namespace vigil
