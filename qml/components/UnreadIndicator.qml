import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Vigil
import Vigil.Models

// The unread notifications in the header: an icon and a count in a box of fixed width, so
// nothing beside it moves as the count changes. A click opens the Notifications page.
IconButton {
    id: indicator
    objectName: "unreadBadge"
    visible: NotificationsModel.unreadCount > 0
    iconName: "mail-unread"
    text: NotificationsModel.unreadCount > 999 ? "999+" : String(NotificationsModel.unreadCount)
    icon.color: Theme.accent
    palette.buttonText: Theme.accent
    font.bold: true
    Layout.preferredWidth: Math.max(implicitWidth, metrics.advanceWidth + Theme.iconSize
                                    + leftPadding + rightPadding + spacing)
    Accessible.name: qsTr("%n unread notification(s)", "", NotificationsModel.unreadCount)
    Accessible.description: qsTr("Show the notifications")
    ToolTip.visible: hovered
    ToolTip.text: Accessible.name
    onClicked: Workspace.page = "notifications"

    TextMetrics {
        id: metrics
        font: indicator.font
        text: "999+"
    }
}
