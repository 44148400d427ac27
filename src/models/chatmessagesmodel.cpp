#include "chatmessagesmodel.h"

#include "feedmodels.h"

namespace vigil {

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

} // namespace vigil
