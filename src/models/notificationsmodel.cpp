#include "notificationsmodel.h"

#include "storage/notificationstatestore.h"

#include <QDateTime>
#include <QJsonObject>

namespace vigil {

namespace {
// Marks kept in memory without a store (or between reloads from it): enough for weeks of
// clicks, small enough that a console left open does not grow without end.
constexpr int kMarksInMemory = 10000;
} // namespace

NotificationsModel::NotificationsModel(QObject *parent, int capacity)
    : LiveListModel(parent, {"notificationId", "title", "message", "severity", "timestamp", "read"},
                    capacity)
{}

void NotificationsModel::setStateStore(NotificationStateStore *store, const QString &serverKey)
{
    if (store == m_store && serverKey == m_server)
        return;
    const bool otherServer = serverKey != m_server;
    m_store = store;
    m_server = serverKey;
    if (otherServer)
        clear(); // the unread count follows in afterFlush()
    loadMarks();
}

void NotificationsModel::loadMarks()
{
    if (m_store && m_store->isOpen()) {
        NotificationStateStore::Marks marks = m_store->load(m_server);
        m_read = std::move(marks.read);
        m_dismissed = std::move(marks.dismissed);
    } else {
        m_read.clear();
        m_dismissed.clear();
    }
}

void NotificationsModel::record(const Envelope &e)
{
    const QJsonObject p = e.payload.toObject();
    QString id, title, message, severity;
    if (e.type == u"notification") {
        id = p.value(QStringLiteral("id")).toString(e.id);
        title = p.value(QStringLiteral("title")).toString();
        message = p.value(QStringLiteral("message")).toString();
        severity = p.value(QStringLiteral("severity")).toString(QStringLiteral("info"));
    } else if (e.type == u"alert.raised" &&
               p.value(QStringLiteral("severity")).toString() == u"critical") {
        id = p.value(QStringLiteral("alertId")).toString(e.id);
        title = p.value(QStringLiteral("title")).toString();
        message = p.value(QStringLiteral("source")).toString();
        severity = QStringLiteral("critical");
    } else {
        return;
    }
    if (id.isEmpty() || m_dismissed.contains(id) || known(id))
        return; // dismissed, or already shown: a replay or a repeat keeps its read state
    const qint64 at = e.timestamp ? e.timestamp : QDateTime::currentMSecsSinceEpoch();
    const bool read = m_read.contains(id);
    upsert({id, title, message, severity, at, read});
    if (severity == u"critical" && !read) // the operator has seen it already
        Q_EMIT criticalArrived(title, message);
}

void NotificationsModel::afterFlush()
{
    int unread = 0;
    for (const Row &row : rows())
        unread += !row.at(ReadRole - IdRole).toBool();
    if (unread == m_unread)
        return;
    m_unread = unread;
    Q_EMIT unreadCountChanged();
}

void NotificationsModel::remember(const QStringList &ids, bool dismissed)
{
    if (ids.isEmpty())
        return;
    for (const QString &id : ids) {
        if (dismissed) {
            m_dismissed.insert(id);
            m_read.remove(id);
        } else {
            m_read.insert(id);
        }
    }
    if (m_store && m_store->isOpen()) {
        using Mark = NotificationStateStore::Mark;
        m_store->record(m_server, ids, dismissed ? Mark::Dismissed : Mark::Read,
                        QDateTime::currentMSecsSinceEpoch());
    }
    if (m_read.size() + m_dismissed.size() <= kMarksInMemory)
        return;
    if (m_store && m_store->isOpen()) {
        loadMarks(); // the store keeps only the newest marks
        return;
    }
    // In memory only: keep what the list shows, forget the marks of items long gone.
    m_dismissed.clear();
    m_read.removeIf([this](const QString &id) { return !known(id); });
}

void NotificationsModel::markRead(const QString &notificationId)
{
    if (rowFor(notificationId).isEmpty())
        return;
    upsert({notificationId, {}, {}, {}, {}, true});
    flush(); // the operator's click shows at once
    if (!m_read.contains(notificationId))
        remember({notificationId}, false);
}

void NotificationsModel::markAllRead()
{
    QStringList ids;
    for (const Row &row : rows()) {
        if (!row.at(ReadRole - IdRole).toBool()) {
            upsert({row.constFirst(), {}, {}, {}, {}, true});
            ids.append(row.constFirst().toString());
        }
    }
    flush();
    remember(ids, false);
}

void NotificationsModel::dismiss(const QString &notificationId)
{
    const bool shown = known(notificationId);
    remove(notificationId);
    flush();
    if (shown)
        remember({notificationId}, true);
}

} // namespace vigil
