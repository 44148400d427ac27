#pragma once

#include "cppownedsingleton.h"

#include "protocol/envelope.h"

#include <QAbstractListModel>
#include <QTimer>
#include <QtQml/qqmlregistration.h>

class QQmlEngine;
class QJSEngine;

namespace vigil {

/// \brief The notifications centre: `notification` envelopes and critical alerts, newest
/// first, with read state.
///
/// Roles: `notificationId`, `title`, `message`, `severity` (info, low, medium, high,
/// critical, ...), `timestamp` (ms), `read` (bool). New items are inserted in one batch per
/// frame; the list keeps at most `capacity` items, dropping the oldest.
class NotificationsModel : public QAbstractListModel, public CppOwnedSingleton<NotificationsModel>
{
    Q_OBJECT
    QML_ELEMENT
    QML_SINGLETON
    Q_PROPERTY(int unreadCount READ unreadCount NOTIFY unreadCountChanged)
public:
    enum Role {
        IdRole = Qt::UserRole + 1,
        TitleRole,
        MessageRole,
        SeverityRole,
        TimestampRole,
        ReadRole
    };
    Q_ENUM(Role)

    // No default argument: see ConnectionStatus.
    explicit NotificationsModel(QObject *parent, int capacity = 500);

    [[nodiscard]] int rowCount(const QModelIndex &parent = {}) const override;
    [[nodiscard]] QVariant data(const QModelIndex &index, int role) const override;
    [[nodiscard]] QHash<int, QByteArray> roleNames() const override;
    [[nodiscard]] int unreadCount() const { return m_unread; }

    /// Takes `notification` envelopes and raised critical alerts; ignores everything else.
    void record(const Envelope &envelope);
    /// Publishes pending items now (the timer does it about once a frame).
    void flush();
    /// Empties the centre (a new session).
    void clear();

    Q_INVOKABLE void markRead(const QString &notificationId);
    Q_INVOKABLE void markAllRead();
    Q_INVOKABLE void dismiss(const QString &notificationId);

Q_SIGNALS:
    void unreadCountChanged();
    /// A critical item arrived: the app raises a desktop notification.
    void criticalArrived(const QString &title, const QString &message);

private:
    struct Item
    {
        QString id;
        QString title;
        QString message;
        QString severity;
        qint64 timestamp = 0;
        bool read = false;
    };
    int rowOf(const QString &id) const;
    void setUnread(int unread);

    int m_capacity;
    QList<Item> m_items; // newest first
    QList<Item> m_pending;
    int m_unread = 0;
    QTimer m_flushTimer;
};

} // namespace vigil
