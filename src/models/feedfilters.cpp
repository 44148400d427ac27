#include "feedfilters.h"

#include "feedmodels.h"

#include "protocol/logging.h"

namespace vigil {

namespace {

// The value of `role` of source row `source` as text, for the exact-match filters.
QString text(const QModelIndex &source, int role)
{
    return source.data(role).toString();
}

} // namespace

FeedFilter::FeedFilter(QObject *parent)
    : QSortFilterProxyModel(parent)
{
    // One signal for QML, whatever moved the count.
    for (auto signal : {&QAbstractItemModel::rowsInserted, &QAbstractItemModel::rowsRemoved})
        connect(this, signal, this, &FeedFilter::countChanged);
    connect(this, &QAbstractItemModel::modelReset, this, &FeedFilter::countChanged);
    connect(this, &QAbstractItemModel::layoutChanged, this, &FeedFilter::countChanged);
}

void FeedFilter::setSearch(const QString &search)
{
    if (search == m_search)
        return;
    m_search = search;
    refilter();
}

void FeedFilter::refilter()
{
    invalidateFilter();
    Q_EMIT filterChanged();
}

bool FeedFilter::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    const QModelIndex source = sourceModel()->index(sourceRow, 0, sourceParent);
    if (!accepts(source))
        return false;
    const QString wanted = m_search.trimmed();
    if (wanted.isEmpty())
        return true;
    const QList<int> roles = searchRoles();
    return std::any_of(roles.cbegin(), roles.cend(), [&](int role) {
        return text(source, role).contains(wanted, Qt::CaseInsensitive);
    });
}

// ---------------------------------------------------------------------------------------------

AlertsFilter::AlertsFilter(QObject *parent)
    : FeedFilter(parent)
{}

QStringList AlertsFilter::severities()
{
    return {QStringLiteral("critical"), QStringLiteral("error"), QStringLiteral("warning")};
}

void AlertsFilter::setCleared(bool cleared)
{
    if (cleared == m_cleared)
        return;
    m_cleared = cleared;
    refilter();
}

void AlertsFilter::setSeverity(const QString &severity)
{
    if (severity == m_severity)
        return;
    m_severity = severity;
    refilter();
}

bool AlertsFilter::accepts(const QModelIndex &source) const
{
    if (source.data(AlertsModel::ActiveRole).toBool() == m_cleared)
        return false;
    return m_severity.isEmpty() ||
           text(source, AlertsModel::SeverityRole).compare(m_severity, Qt::CaseInsensitive) == 0;
}

QList<int> AlertsFilter::searchRoles() const
{
    return {AlertsModel::IdRole, AlertsModel::TitleRole, AlertsModel::SourceRole};
}

// ---------------------------------------------------------------------------------------------

AgentsFilter::AgentsFilter(QObject *parent)
    : FeedFilter(parent)
{}

QStringList AgentsFilter::statuses()
{
    return {QStringLiteral("online"), QStringLiteral("busy"), QStringLiteral("away"),
            QStringLiteral("offline")};
}

void AgentsFilter::setStatus(const QString &status)
{
    if (status == m_status)
        return;
    m_status = status;
    refilter();
}

bool AgentsFilter::accepts(const QModelIndex &source) const
{
    return m_status.isEmpty() ||
           text(source, AgentsModel::StatusRole).compare(m_status, Qt::CaseInsensitive) == 0;
}

QList<int> AgentsFilter::searchRoles() const
{
    return {AgentsModel::IdRole, AgentsModel::NameRole};
}

// ---------------------------------------------------------------------------------------------

ActivityFilter::ActivityFilter(QObject *parent)
    : FeedFilter(parent)
{}

void ActivityFilter::setActor(const QString &actor)
{
    if (actor == m_actor)
        return;
    m_actor = actor;
    refilter();
}

void ActivityFilter::setAction(const QString &action)
{
    if (action == m_action)
        return;
    m_action = action;
    refilter();
}

bool ActivityFilter::accepts(const QModelIndex &source) const
{
    return (m_actor.isEmpty() || text(source, ActivityModel::ActorRole) == m_actor) &&
           (m_action.isEmpty() || text(source, ActivityModel::ActionRole) == m_action);
}

QList<int> ActivityFilter::searchRoles() const
{
    return {ActivityModel::SummaryRole, ActivityModel::ActorRole, ActivityModel::TargetRole};
}

// ---------------------------------------------------------------------------------------------

NewestFirst::NewestFirst(QObject *parent)
    : QSortFilterProxyModel(parent)
{
    for (auto signal : {&QAbstractItemModel::rowsInserted, &QAbstractItemModel::rowsRemoved})
        connect(this, signal, this, &NewestFirst::countChanged);
    connect(this, &QAbstractItemModel::modelReset, this, &NewestFirst::countChanged);
    sort(0, Qt::DescendingOrder);
}

void NewestFirst::setSourceModel(QAbstractItemModel *source)
{
    QSortFilterProxyModel::setSourceModel(source);
    resolveRole(); // after the reset that setting a source is: sorting is another change
}

void NewestFirst::setTimeRole(const QString &role)
{
    if (role == m_timeRole)
        return;
    m_timeRole = role;
    resolveRole();
    Q_EMIT timeRoleChanged();
}

void NewestFirst::resolveRole()
{
    if (!sourceModel())
        return;
    const int role = sourceModel()->roleNames().key(m_timeRole.toUtf8(), -1);
    if (role < 0) {
        qCWarning(lcUi).noquote() << "NewestFirst: the source has no role" << m_timeRole;
        return;
    }
    setSortRole(role); // sorts again
}

bool NewestFirst::lessThan(const QModelIndex &left, const QModelIndex &right) const
{
    const qint64 a = left.data(sortRole()).toLongLong();
    const qint64 b = right.data(sortRole()).toLongLong();
    if (a != b)
        return a < b;
    // The same time: the one that arrived first (lower in a newest-first source) is older.
    return left.row() > right.row();
}

} // namespace vigil
