pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Vigil
import Vigil.Models

// The page list. Each entry shows its keyboard shortcut; the current page is highlighted. A
// page marked `debugOnly` (the Debug page) is listed only while SettingsController says so.
Rectangle {
    id: sidebar
    objectName: "sidebar"
    property var pages: []
    implicitWidth: Theme.sidebarWidth
    color: Theme.surface

    Rectangle {
        anchors.right: parent.right
        width: Theme.hairline
        height: parent.height
        color: Theme.border
    }

    ListView {
        id: list
        anchors.fill: parent
        anchors.topMargin: Theme.spacing
        model: sidebar.pages
        keyNavigationEnabled: true
        currentIndex: sidebar.pages.findIndex(p => p.key === Workspace.page)
        delegate: ItemDelegate {
            id: entry
            required property var modelData
            required property int index
            objectName: "nav_" + modelData.key
            width: ListView.view.width - Theme.hairline
            visible: entry.modelData.debugOnly !== true || SettingsController.debugPage
            height: visible ? implicitHeight : 0
            highlighted: Workspace.page === modelData.key
            Accessible.name: modelData.title
            onClicked: Workspace.page = modelData.key
            background: Rectangle {
                color: entry.highlighted ? Theme.selection : "transparent"
            }
            contentItem: RowLayout {
                spacing: Theme.spacing
                Body {
                    text: entry.modelData.title
                    color: entry.highlighted ? Theme.accent : Theme.text
                    font.bold: entry.highlighted
                    Layout.fillWidth: true
                }
                Caption {
                    objectName: "navBadge_" + entry.modelData.key
                    visible: entry.modelData.unreadBadge === true && NotificationsModel.unreadCount > 0
                    text: NotificationsModel.unreadCount
                    color: Theme.accent
                    font.bold: true
                }
                Caption {
                    text: entry.modelData.shortcut
                }
            }
        }
    }
}
