import QtQuick
import QtQuick.Layouts
import Vigil
import Vigil.Models

// A row of NotificationsModel: an unread dot (its column kept on read rows, so every row lines
// up), the notification, and what can be done about it - Mark read (M) and Dismiss (Delete or
// D) - as buttons over the row under the pointer or current and in its context menu. An unread
// notification's title is bold; a read one fades.
FeedRow {
    id: entry
    objectName: "notificationRow_" + notificationId
    required property string notificationId
    required property string title
    required property string message
    required property string severity
    required property var timestamp
    required property bool read

    badge: severity
    badgeWords: [qsTr("critical"), qsTr("high"), qsTr("warning"), qsTr("info")]
    text: title
    detail: message
    timeText: Theme.time(timestamp)
    dimmed: read
    emphasized: !read
    spokenText: {
        const what = read ? qsTr("%1 notification: %2").arg(severity).arg(title)
                          : qsTr("Unread %1 notification: %2").arg(severity).arg(title)
        const parts = [what]
        for (const part of [message, timeText]) {
            if (part.length > 0)
                parts.push(part)
        }
        return parts.join(", ")
    }

    leading: Rectangle {
        objectName: "unreadDot"
        Layout.preferredWidth: Theme.dotSize / 2
        Layout.preferredHeight: Theme.dotSize / 2
        radius: width / 2
        color: entry.read ? "transparent" : Theme.accent
    }

    rowActions: [
        RowAction {
            name: "markRead_" + entry.notificationId
            text: qsTr("Mark read")
            iconName: "mail-mark-read"
            shown: !entry.read
            keys: [Qt.Key_M]
            shortcutText: "M"
            description: qsTr("Mark %1 read").arg(entry.title)
            onTriggered: NotificationsModel.markRead(entry.notificationId)
        },
        RowAction {
            name: "dismiss_" + entry.notificationId
            text: qsTr("Dismiss")
            iconName: "window-close"
            keys: [Qt.Key_Delete, Qt.Key_D]
            shortcutText: qsTr("Del")
            description: qsTr("Dismiss %1").arg(entry.title)
            onTriggered: NotificationsModel.dismiss(entry.notificationId)
        }
    ]
}
