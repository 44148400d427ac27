#pragma once

#include <QSortFilterProxyModel>
#include <QStringList>
#include <QtQml/qqmlregistration.h>

// The pages' views of the live models: filters (and one order) in C++, created in QML over a
// model singleton (`AlertsFilter { sourceModel: AlertsModel }`). The source keeps its order
// (newest first) unless the view says otherwise; rows come and go with the source's batches.

namespace vigil {

/// \brief What every feed filter shares: a row count for the page, and a search text.
///
/// A subclass says which rows its own fields accept (accepts()) and which roles the search
/// looks in (searchRoles()); a change of any field calls refilter().
class FeedFilter : public QSortFilterProxyModel
{
    Q_OBJECT
    QML_ANONYMOUS
    /// The rows that pass, now.
    Q_PROPERTY(int count READ count NOTIFY countChanged)
    /// Text a row must contain in one of its texts (case ignored); empty: every row.
    Q_PROPERTY(QString search READ search WRITE setSearch NOTIFY filterChanged)
public:
    [[nodiscard]] int count() const { return rowCount(); }
    [[nodiscard]] QString search() const { return m_search; }
    void setSearch(const QString &search);

Q_SIGNALS:
    void countChanged();
    void filterChanged();

protected:
    explicit FeedFilter(QObject *parent);

    [[nodiscard]] bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const final;
    /// Whether the subclass's own fields let the row `source` through.
    [[nodiscard]] virtual bool accepts(const QModelIndex &source) const = 0;
    /// The roles whose text the search looks in.
    [[nodiscard]] virtual QList<int> searchRoles() const = 0;
    /// A field changed: filters again and says so.
    void refilter();

private:
    QString m_search;
};

/// \brief The Alerts page's list: the active alerts (acknowledged and silenced ones too) or the
/// cleared ones, of one severity or all. Source: AlertsModel.
class AlertsFilter : public vigil::FeedFilter
{
    Q_OBJECT
    QML_ELEMENT
    /// false: alerts not cleared; true: the cleared ones
    Q_PROPERTY(bool cleared READ cleared WRITE setCleared NOTIFY filterChanged)
    /// Only this severity (case ignored); empty: every severity
    Q_PROPERTY(QString severity READ severity WRITE setSeverity NOTIFY filterChanged)
    /// The severities of the protocol, gravest first: the page's choices
    Q_PROPERTY(QStringList severities READ severities CONSTANT)
public:
    explicit AlertsFilter(QObject *parent = nullptr);

    [[nodiscard]] bool cleared() const { return m_cleared; }
    void setCleared(bool cleared);
    [[nodiscard]] QString severity() const { return m_severity; }
    void setSeverity(const QString &severity);
    [[nodiscard]] static QStringList severities();

protected:
    [[nodiscard]] bool accepts(const QModelIndex &source) const override;
    [[nodiscard]] QList<int> searchRoles() const override;

private:
    bool m_cleared = false;
    QString m_severity;
};

/// \brief The Agents page's list: the agents of one status, or all. Source: AgentsModel.
class AgentsFilter : public vigil::FeedFilter
{
    Q_OBJECT
    QML_ELEMENT
    /// Only this status (online, busy, away, offline; case ignored); empty: every status
    Q_PROPERTY(QString status READ status WRITE setStatus NOTIFY filterChanged)
    /// The statuses of the protocol: the page's choices
    Q_PROPERTY(QStringList statuses READ statuses CONSTANT)
public:
    explicit AgentsFilter(QObject *parent = nullptr);

    [[nodiscard]] QString status() const { return m_status; }
    void setStatus(const QString &status);
    [[nodiscard]] static QStringList statuses();

protected:
    [[nodiscard]] bool accepts(const QModelIndex &source) const override;
    [[nodiscard]] QList<int> searchRoles() const override;

private:
    QString m_status;
};

/// \brief The Activity page's list: what one actor did, one kind of action, or both.
/// Source: ActivityModel (whose `actors` and `actions` are the choices).
class ActivityFilter : public vigil::FeedFilter
{
    Q_OBJECT
    QML_ELEMENT
    /// Only this actor (exactly); empty: everyone
    Q_PROPERTY(QString actor READ actor WRITE setActor NOTIFY filterChanged)
    /// Only this action (exactly); empty: every action
    Q_PROPERTY(QString action READ action WRITE setAction NOTIFY filterChanged)
public:
    explicit ActivityFilter(QObject *parent = nullptr);

    [[nodiscard]] QString actor() const { return m_actor; }
    void setActor(const QString &actor);
    [[nodiscard]] QString action() const { return m_action; }
    void setAction(const QString &action);

protected:
    [[nodiscard]] bool accepts(const QModelIndex &source) const override;
    [[nodiscard]] QList<int> searchRoles() const override;

private:
    QString m_actor;
    QString m_action;
};

/// \brief Any list in time order, newest first, whatever order its rows arrived in.
///
/// The live models put what arrives on top; items of two channels (the notifications centre
/// takes notifications and critical alerts) replayed one channel after the other would then
/// be grouped by channel. This orders them by the role named `timeRole` (ms since the epoch);
/// rows of the same time keep their arrival order, newest first.
class NewestFirst : public QSortFilterProxyModel
{
    Q_OBJECT
    QML_ELEMENT
    /// The role holding each row's time; "timestamp" unless set.
    Q_PROPERTY(QString timeRole READ timeRole WRITE setTimeRole NOTIFY timeRoleChanged)
    Q_PROPERTY(int count READ count NOTIFY countChanged)
public:
    explicit NewestFirst(QObject *parent = nullptr);

    [[nodiscard]] QString timeRole() const { return m_timeRole; }
    void setTimeRole(const QString &role);
    [[nodiscard]] int count() const { return rowCount(); }
    void setSourceModel(QAbstractItemModel *source) override;

Q_SIGNALS:
    void timeRoleChanged();
    void countChanged();

protected:
    [[nodiscard]] bool lessThan(const QModelIndex &left, const QModelIndex &right) const override;

private:
    void resolveRole();

    QString m_timeRole = QStringLiteral("timestamp");
};

} // namespace vigil
