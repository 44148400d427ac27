#include "notificationsmodel.h"

#include <QDateTime>
#include <QJsonObject>

namespace vigil {

NotificationsModel::NotificationsModel(QObject *parent, int capacity)
    : LiveListModel(parent, {"notificationId", "title", "message", "severity", "timestamp", "read"},
                    capacity)
{}

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
    if (id.isEmpty() || known(id))
        return; // already shown: a replay or a repeat keeps its read state
    const qint64 at = e.timestamp ? e.timestamp : QDateTime::currentMSecsSinceEpoch();
    upsert({id, title, message, severity, at, false});
    if (severity == u"critical")
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

void NotificationsModel::markRead(const QString &notificationId)
{
    if (rowFor(notificationId).isEmpty())
        return;
    upsert({notificationId, {}, {}, {}, {}, true});
    flush(); // the operator's click shows at once
}

void NotificationsModel::markAllRead()
{
    for (const Row &row : rows()) {
        if (!row.at(ReadRole - IdRole).toBool())
            upsert({row.constFirst(), {}, {}, {}, {}, true});
    }
    flush();
}

void NotificationsModel::dismiss(const QString &notificationId)
{
    remove(notificationId);
    flush();
}

} // namespace vigil
