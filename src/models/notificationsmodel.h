#pragma once

#include "cppownedsingleton.h"
#include "livelistmodel.h"

#include <QSet>
#include <QtQml/qqmlregistration.h>

class QQmlEngine;
class QJSEngine;

namespace vigil {

class NotificationStateStore;

/// One item of the notifications centre.
struct Notification
{
    QString id;
    QString title;
    QString message;
    QString severity; ///< info, low, medium, high, critical, ...
    qint64 timestamp = 0;
    bool read = false;
};

/// \brief The notifications centre: `notification` envelopes and critical alerts, newest
/// first, with read state remembered per server.
///
/// "Newest first" here is arrival order: the two channels replay one after the other after a
/// reconnect, so the centre's page shows the rows through NewestFirst (feedfilters.h), which
/// orders them by `timestamp`, read and unread together.
///
/// Rows are Notification; roles `notificationId`, `title`, `message`, `severity`,
/// `timestamp` (ms), `read` (bool), one table in notificationsmodel.cpp. A LiveListModel: new
/// items are inserted in one batch per frame and the list keeps at most `capacity` items,
/// dropping the oldest. The operator's actions (mark read, dismiss) are published at once and
/// recorded for the current server (setStateStore()), so a replayed or repeated item comes
/// back read, and a dismissed one never comes back.
// The base is named with its namespace for qmltyperegistrar (see feedmodels.h).
class NotificationsModel : public vigil::LiveListModel, public CppOwnedSingleton<NotificationsModel>
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
    /// The rows, shown and queued (read only).
    [[nodiscard]] const LiveRows<Notification> &rows() const { return m_rows; }

    /// Which server the items come from, and where its marks are kept (`store` may be null or
    /// closed: the marks are then kept in memory only; not owned). Another server empties the
    /// list, because that server's feed replays its own items, and loads that server's marks.
    void setStateStore(NotificationStateStore *store, const QString &serverKey);
    [[nodiscard]] QString serverKey() const { return m_server; }

    /// Takes `notification` envelopes and raised critical alerts; ignores everything else.
    void record(const Envelope &envelope) override;
    /// Notifications, and critical alerts raised on the alerts channel.
    [[nodiscard]] QStringList channels() const override
    {
        return {QStringLiteral("notifications"), QStringLiteral("alerts")};
    }

    /// Marks one item read (also one still queued for this frame); shown at once.
    Q_INVOKABLE void markRead(const QString &notificationId);
    /// Marks every item read, including those queued for this frame; shown at once.
    Q_INVOKABLE void markAllRead();
    /// Removes an item for good: a replay or a repeat of it is ignored from now on.
    Q_INVOKABLE void dismiss(const QString &notificationId);

Q_SIGNALS:
    void unreadCountChanged();
    /// A critical item arrived: the app raises a desktop notification.
    void criticalArrived(const QString &title, const QString &message);

protected:
    void afterFlush() override;

private:
    void remember(const QStringList &ids, bool dismissed);
    void loadMarks();

    LiveRows<Notification> m_rows;
    int m_unread = 0;
    NotificationStateStore *m_store = nullptr;
    QString m_server;
    // The current server's marks: what the store holds plus this session's clicks.
    QSet<QString> m_read;
    QSet<QString> m_dismissed;
};

} // namespace vigil
