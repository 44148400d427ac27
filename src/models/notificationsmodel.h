#pragma once

#include "cppownedsingleton.h"
#include "livelistmodel.h"

#include <QtQml/qqmlregistration.h>

class QQmlEngine;
class QJSEngine;

namespace vigil {

/// \brief The notifications centre: `notification` envelopes and critical alerts, newest
/// first, with read state.
///
/// Roles: `notificationId`, `title`, `message`, `severity` (info, low, medium, high,
/// critical, ...), `timestamp` (ms), `read` (bool). A LiveListModel: new items are inserted in
/// one batch per frame and the list keeps at most `capacity` items, dropping the oldest. The
/// operator's actions (mark read, dismiss) are published at once.
class NotificationsModel : public LiveListModel, public CppOwnedSingleton<NotificationsModel>
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

    [[nodiscard]] int unreadCount() const { return m_unread; }

    /// Takes `notification` envelopes and raised critical alerts; ignores everything else.
    void record(const Envelope &envelope) override;

    Q_INVOKABLE void markRead(const QString &notificationId);
    Q_INVOKABLE void markAllRead();
    Q_INVOKABLE void dismiss(const QString &notificationId);

Q_SIGNALS:
    void unreadCountChanged();
    /// A critical item arrived: the app raises a desktop notification.
    void criticalArrived(const QString &title, const QString &message);

protected:
    void afterFlush() override;

private:
    int m_unread = 0;
};

} // namespace vigil
