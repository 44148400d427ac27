import QtQuick
import QtQuick.Controls
import Vigil
import Vigil.Models

// The notifications centre: read, mark read, dismiss.
ListPage {
    id: page
    objectName: "notificationsPage"
    heading: qsTr("Notifications")
    summary: qsTr("%1 unread").arg(NotificationsModel.unreadCount)
    emptyText: qsTr("No notifications.")
    model: NotificationsModel

    Button {
        objectName: "markAllReadButton"
        text: qsTr("Mark all read")
        enabled: NotificationsModel.unreadCount > 0
        onClicked: NotificationsModel.markAllRead()
    }

    delegate: NotificationRow {}
}
