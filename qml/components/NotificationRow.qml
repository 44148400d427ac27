import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Vigil
import Vigil.Models

// A row of NotificationsModel: an unread dot, the notification, and its actions.
Item {
    id: entry
    required property string notificationId
    required property string title
    required property string message
    required property string severity
    required property var timestamp
    required property bool read

    width: ListView.view ? ListView.view.width : implicitWidth
    implicitHeight: Theme.rowHeight
    RowLayout {
        anchors.fill: parent
        spacing: Theme.spacing
        Rectangle {
            Layout.preferredWidth: Theme.dotSize / 2
            Layout.preferredHeight: Theme.dotSize / 2
            radius: Theme.dotSize / 4
            color: entry.read ? "transparent" : Theme.accent
            Accessible.name: entry.read ? qsTr("read") : qsTr("unread")
        }
        FeedRow {
            Layout.fillWidth: true
            badge: entry.severity
            text: entry.title
            detail: entry.message
            timeText: Theme.time(entry.timestamp)
            dimmed: entry.read
        }
        Button {
            text: qsTr("Mark read")
            visible: !entry.read
            flat: true
            onClicked: NotificationsModel.markRead(entry.notificationId)
        }
        Button {
            text: qsTr("Dismiss")
            flat: true
            onClicked: NotificationsModel.dismiss(entry.notificationId)
        }
    }
}
