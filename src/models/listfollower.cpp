#include "listfollower.h"

#include <QTimer>

namespace vigil {

ListFollower::ListFollower(QObject *parent)
    : QObject(parent)
{}

void ListFollower::setModel(QAbstractItemModel *model)
{
    if (model == m_model)
        return;
    if (m_model)
        m_model->disconnect(this);
    m_model = model;
    if (model) {
        connect(model, &QAbstractItemModel::rowsInserted, this, &ListFollower::onInserted);
        connect(model, &QAbstractItemModel::rowsRemoved, this, &ListFollower::onRemovedOrReset);
        connect(model, &QAbstractItemModel::modelReset, this, &ListFollower::onRemovedOrReset);
        // A filter changed: another list, nothing in it is "new".
        connect(model, &QAbstractItemModel::layoutChanged, this, [this] { setUnseen(0); });
    }
    setUnseen(0);
    Q_EMIT modelChanged();
}

void ListFollower::setFollowing(bool following)
{
    if (following == m_following)
        return;
    m_following = following;
    if (following)
        setUnseen(0); // back on top: everything is in sight
    Q_EMIT followingChanged();
}

void ListFollower::jumpToNewest()
{
    setUnseen(0);
    m_jumpAsked = true;
    requestFollow();
}

void ListFollower::onInserted(const QModelIndex &parent, int first, int last)
{
    if (parent.isValid())
        return;
    if (m_following)
        requestFollow();
    else
        setUnseen(m_unseen + (last - first + 1));
}

void ListFollower::onRemovedOrReset()
{
    // Rows dropped (the oldest beyond a list's capacity, or all of them): never more unseen
    // than there are rows.
    setUnseen(m_model ? std::min(m_unseen, m_model->rowCount()) : 0);
}

void ListFollower::setUnseen(int unseen)
{
    if (unseen == m_unseen)
        return;
    m_unseen = unseen;
    Q_EMIT unseenChanged();
}

void ListFollower::requestFollow()
{
    // After the views have taken in the new rows (they hear of them in the same signal), and
    // once for a burst of inserts.
    if (m_followPending)
        return;
    m_followPending = true;
    QTimer::singleShot(0, this, [this] {
        m_followPending = false;
        // The operator may have scrolled away since the rows came: then they stay there.
        if (m_following || std::exchange(m_jumpAsked, false))
            Q_EMIT followRequested();
    });
}

} // namespace vigil
