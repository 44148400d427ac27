import QtQuick
import QtQuick.Controls
import Vigil
import Vigil.Models

// The notifications centre: one list, newest first, read and unread together; mark read,
// dismiss.
ListPage {
    id: page
    objectName: "notificationsPage"
    heading: qsTr("Notifications")
    summary: qsTr("%1 unread").arg(NotificationsModel.unreadCount)
    emptyText: qsTr("No notifications.")
    // In time order whatever channel each came on (notifications, critical alerts)
    model: NewestFirst {
        sourceModel: NotificationsModel
    }

    Button {
        objectName: "markAllReadButton"
        text: qsTr("Mark all read")
        enabled: NotificationsModel.unreadCount > 0
        onClicked: NotificationsModel.markAllRead()
    }

    delegate: NotificationRow {}
}
