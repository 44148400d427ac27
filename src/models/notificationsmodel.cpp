#include "notificationsmodel.h"

#include <QDateTime>

#include <algorithm>

namespace vigil {

namespace {
constexpr int kFlushIntervalMs = 16;
} // namespace

NotificationsModel::NotificationsModel(QObject *parent, int capacity)
    : QAbstractListModel(parent)
    , m_capacity(std::max(1, capacity))
{
    m_flushTimer.setSingleShot(true);
    m_flushTimer.setInterval(kFlushIntervalMs);
    connect(&m_flushTimer, &QTimer::timeout, this, &NotificationsModel::flush);
}

int NotificationsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_items.size());
}

QVariant NotificationsModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Item &item = m_items.at(index.row());
    switch (role) {
    case IdRole:
        return item.id;
    case Qt::DisplayRole:
    case TitleRole:
        return item.title;
    case MessageRole:
        return item.message;
    case SeverityRole:
        return item.severity;
    case TimestampRole:
        return item.timestamp;
    case ReadRole:
        return item.read;
    default:
        return {};
    }
}

QHash<int, QByteArray> NotificationsModel::roleNames() const
{
    return {{IdRole, "notificationId"}, {TitleRole, "title"},         {MessageRole, "message"},
            {SeverityRole, "severity"}, {TimestampRole, "timestamp"}, {ReadRole, "read"}};
}

void NotificationsModel::record(const Envelope &e)
{
    const QJsonObject p = e.payload.toObject();
    Item item;
    if (e.type == u"notification") {
        item.id = p.value(QStringLiteral("id")).toString(e.id);
        item.title = p.value(QStringLiteral("title")).toString();
        item.message = p.value(QStringLiteral("message")).toString();
        item.severity = p.value(QStringLiteral("severity")).toString(QStringLiteral("info"));
    } else if (e.type == u"alert.raised" &&
               p.value(QStringLiteral("severity")).toString() == u"critical") {
        item.id = p.value(QStringLiteral("alertId")).toString(e.id);
        item.title = p.value(QStringLiteral("title")).toString();
        item.message = p.value(QStringLiteral("source")).toString();
        item.severity = QStringLiteral("critical");
    } else {
        return;
    }
    if (item.id.isEmpty() || rowOf(item.id) >= 0)
        return; // already shown: a replay or a repeat
    for (const Item &queued : std::as_const(m_pending)) {
        if (queued.id == item.id)
            return;
    }
    item.timestamp = e.timestamp ? e.timestamp : QDateTime::currentMSecsSinceEpoch();
    m_pending.append(item);
    if (item.severity == u"critical")
        Q_EMIT criticalArrived(item.title, item.message);
    if (!m_flushTimer.isActive())
        m_flushTimer.start();
}

void NotificationsModel::flush()
{
    if (m_pending.isEmpty())
        return;
    QList<Item> fresh = std::exchange(m_pending, {});
    std::reverse(fresh.begin(), fresh.end()); // newest first
    beginInsertRows({}, 0, int(fresh.size()) - 1);
    m_items = fresh + m_items;
    endInsertRows();
    int unread = m_unread + int(fresh.size());
    if (m_items.size() > m_capacity) {
        const int first = m_capacity;
        beginRemoveRows({}, first, int(m_items.size()) - 1);
        for (int i = first; i < m_items.size(); ++i)
            unread -= m_items.at(i).read ? 0 : 1;
        m_items.erase(m_items.begin() + first, m_items.end());
        endRemoveRows();
    }
    setUnread(unread);
}

void NotificationsModel::clear()
{
    m_pending.clear();
    if (!m_items.isEmpty()) {
        beginResetModel();
        m_items.clear();
        endResetModel();
    }
    setUnread(0);
}

int NotificationsModel::rowOf(const QString &id) const
{
    for (int i = 0; i < m_items.size(); ++i) {
        if (m_items.at(i).id == id)
            return i;
    }
    return -1;
}

void NotificationsModel::setUnread(int unread)
{
    if (unread == m_unread)
        return;
    m_unread = unread;
    Q_EMIT unreadCountChanged();
}

void NotificationsModel::markRead(const QString &notificationId)
{
    const int row = rowOf(notificationId);
    if (row < 0 || m_items.at(row).read)
        return;
    m_items[row].read = true;
    Q_EMIT dataChanged(index(row), index(row), {ReadRole});
    setUnread(m_unread - 1);
}

void NotificationsModel::markAllRead()
{
    if (m_unread == 0)
        return;
    for (Item &item : m_items)
        item.read = true;
    Q_EMIT dataChanged(index(0), index(int(m_items.size()) - 1), {ReadRole});
    setUnread(0);
}

void NotificationsModel::dismiss(const QString &notificationId)
{
    const int row = rowOf(notificationId);
    if (row < 0)
        return;
    const bool unread = !m_items.at(row).read;
    beginRemoveRows({}, row, row);
    m_items.removeAt(row);
    endRemoveRows();
    if (unread)
        setUnread(m_unread - 1);
}

} // namespace vigil
