#include "chatmessagesmodel.h"

#include "feedmodels.h"

namespace vigil {

static_assert(int(ChatModel::ReasonRole) < int(ChatMessagesModel::MatchedRole),
              "the search's roles come after the ChatModel's");

ChatMessagesModel::ChatMessagesModel(QObject *parent)
    : QSortFilterProxyModel(parent)
{
    // The proxy re-sorts and re-filters on a change of these roles only: a message leaving
    // the outbox (pending) moves into place; its conversation and time never change.
    setFilterRole(ChatModel::ConversationRole);
    setSortRole(ChatModel::PendingRole);
    setDynamicSortFilter(true);
    sort(0, Qt::AscendingOrder);
    for (auto signal : {&QAbstractItemModel::rowsInserted, &QAbstractItemModel::rowsRemoved})
        connect(this, signal, this, &ChatMessagesModel::countChanged);
    connect(this, &QAbstractItemModel::modelReset, this, &ChatMessagesModel::countChanged);
    connect(this, &QAbstractItemModel::layoutChanged, this, &ChatMessagesModel::countChanged);
    // Rows that come, go or move change the matches, or where they are.
    for (auto signal : {&QAbstractItemModel::rowsInserted, &QAbstractItemModel::rowsRemoved})
        connect(this, signal, this, &ChatMessagesModel::updateMatches);
    connect(this, &QAbstractItemModel::rowsMoved, this, &ChatMessagesModel::updateMatches);
    connect(this, &QAbstractItemModel::modelReset, this, &ChatMessagesModel::updateMatches);
    connect(this, &QAbstractItemModel::layoutChanged, this, &ChatMessagesModel::updateMatches);
}

void ChatMessagesModel::setConversationId(const QString &conversationId)
{
    if (conversationId == m_conversationId)
        return;
    m_conversationId = conversationId;
    invalidateFilter();
    Q_EMIT conversationIdChanged();
    Q_EMIT countChanged();
}

bool ChatMessagesModel::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    if (m_conversationId.isEmpty() || !sourceModel())
        return false;
    const QModelIndex index = sourceModel()->index(sourceRow, 0, sourceParent);
    return index.data(ChatModel::ConversationRole).toString() == m_conversationId;
}

bool ChatMessagesModel::lessThan(const QModelIndex &left, const QModelIndex &right) const
{
    // What only the outbox has goes below what the server has.
    const bool leftPending = left.data(ChatModel::PendingRole).toBool();
    const bool rightPending = right.data(ChatModel::PendingRole).toBool();
    if (leftPending != rightPending)
        return rightPending;
    const qint64 leftTime = left.data(ChatModel::TimestampRole).toLongLong();
    const qint64 rightTime = right.data(ChatModel::TimestampRole).toLongLong();
    if (leftTime != rightTime)
        return leftTime < rightTime;
    // The same millisecond: arrival order. The ChatModel keeps its newest row on top, so the
    // lower row arrived later.
    return left.row() > right.row();
}

bool ChatMessagesModel::contentMatches(const QModelIndex &index) const
{
    return !m_search.isEmpty() &&
           index.data(ChatModel::ContentRole).toString().contains(m_search, Qt::CaseInsensitive);
}

QVariant ChatMessagesModel::data(const QModelIndex &index, int role) const
{
    if (role == MatchedRole)
        return contentMatches(index);
    if (role == CurrentMatchRole)
        return !m_current.isEmpty() && index.data(ChatModel::IdRole).toString() == m_current;
    return QSortFilterProxyModel::data(index, role);
}

QHash<int, QByteArray> ChatMessagesModel::roleNames() const
{
    QHash<int, QByteArray> names = QSortFilterProxyModel::roleNames();
    names.insert(MatchedRole, "matched");
    names.insert(CurrentMatchRole, "currentMatch");
    return names;
}

void ChatMessagesModel::setSearch(const QString &search)
{
    const QString trimmed = search.trimmed();
    if (trimmed == m_search)
        return;
    m_search = trimmed;
    m_current.clear(); // a new search starts again from the newest match
    updateMatches();
    if (rowCount() > 0)
        Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, 0), {MatchedRole, CurrentMatchRole});
    Q_EMIT searchChanged();
}

void ChatMessagesModel::updateMatches()
{
    QStringList matches;
    if (!m_search.isEmpty()) {
        for (int row = rowCount() - 1; row >= 0; --row) {
            const QModelIndex at = index(row, 0);
            if (contentMatches(at))
                matches.append(at.data(ChatModel::IdRole).toString());
        }
    }
    m_matches = matches;
    if (!m_matches.contains(m_current))
        setCurrent(m_matches.value(0));
    Q_EMIT matchesChanged();
}

int ChatMessagesModel::rowOf(const QString &messageId) const
{
    if (messageId.isEmpty())
        return -1;
    for (int row = 0; row < rowCount(); ++row) {
        if (index(row, 0).data(ChatModel::IdRole).toString() == messageId)
            return row;
    }
    return -1;
}

void ChatMessagesModel::setCurrent(const QString &messageId)
{
    if (messageId == m_current)
        return;
    const int before = rowOf(m_current);
    m_current = messageId;
    for (const int row : {before, rowOf(m_current)}) {
        if (row >= 0)
            Q_EMIT dataChanged(index(row, 0), index(row, 0), {CurrentMatchRole});
    }
}

int ChatMessagesModel::currentMatchNumber() const
{
    return int(m_matches.indexOf(m_current)) + 1;
}

int ChatMessagesModel::currentMatchRow() const
{
    return rowOf(m_current);
}

void ChatMessagesModel::findNext()
{
    if (m_matches.isEmpty())
        return;
    const qsizetype at = m_matches.indexOf(m_current); // -1: none yet, so the newest
    setCurrent(m_matches.at((at + 1) % m_matches.size()));
    Q_EMIT matchesChanged();
}

void ChatMessagesModel::findPrevious()
{
    if (m_matches.isEmpty())
        return;
    const qsizetype at = m_matches.indexOf(m_current);
    const qsizetype size = m_matches.size();
    setCurrent(m_matches.at(at < 0 ? 0 : (at - 1 + size) % size));
    Q_EMIT matchesChanged();
}

} // namespace vigil
