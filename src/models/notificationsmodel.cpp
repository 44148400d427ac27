#include "notificationsmodel.h"

#include "storage/notificationstatestore.h"

#include <QDateTime>
#include <QJsonObject>

namespace vigil {

namespace {
// Marks kept in memory without a store (or between reloads from it): enough for weeks of
// clicks, small enough that a console left open does not grow without end.
constexpr int kMarksInMemory = 10000;

RowRoles<Notification> notificationRoles()
{
    using M = NotificationsModel;
    using R = Notification;
    return {
        {M::IdRole, "notificationId", [](const R &r) { return r.id; }},
        {M::TitleRole, "title", [](const R &r) { return r.title; }},
        {M::MessageRole, "message", [](const R &r) { return r.message; }},
        {M::SeverityRole, "severity", [](const R &r) { return r.severity; }},
        {M::TimestampRole, "timestamp", [](const R &r) { return r.timestamp; }},
        {M::ReadRole, "read", [](const R &r) { return r.read; }},
    };
}
} // namespace

NotificationsModel::NotificationsModel(QObject *parent, int capacity)
    : LiveListModel(parent, capacity)
    , m_rows(this, notificationRoles())
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
    Notification item;
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
    if (item.id.isEmpty() || m_dismissed.contains(item.id) || m_rows.known(item.id))
        return; // dismissed, or already shown: a replay or a repeat keeps its read state
    item.timestamp = e.timestamp ? e.timestamp : QDateTime::currentMSecsSinceEpoch();
    item.read = m_read.contains(item.id);
    m_rows.upsert(item);
    if (item.severity == u"critical" && !item.read) // the operator has seen it already
        Q_EMIT criticalArrived(item.title, item.message);
}

void NotificationsModel::afterFlush()
{
    int unread = 0;
    for (const Notification &row : m_rows.all())
        unread += !row.read;
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
    m_read.removeIf([this](const QString &id) { return !m_rows.known(id); });
}

void NotificationsModel::markRead(const QString &notificationId)
{
    if (!m_rows.known(notificationId)) // shown, or arriving in this frame
        return;
    m_rows.update(notificationId, [](Notification &row) { row.read = true; });
    flush(); // the operator's click shows at once
    if (!m_read.contains(notificationId))
        remember({notificationId}, false);
}

void NotificationsModel::markAllRead()
{
    flush(); // "all" includes what arrived in this frame
    QStringList ids;
    for (const Notification &row : m_rows.all()) {
        if (!row.read) {
            m_rows.update(row.id, [](Notification &item) { item.read = true; });
            ids.append(row.id);
        }
    }
    flush();
    remember(ids, false);
}

void NotificationsModel::dismiss(const QString &notificationId)
{
    const bool shown = m_rows.known(notificationId);
    m_rows.remove(notificationId);
    flush();
    if (shown)
        remember({notificationId}, true);
}

} // namespace vigil
