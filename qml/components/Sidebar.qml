pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls
import QtQuick.Controls.impl
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

    // Gives the keyboard to the page list (after the welcome screen, for one).
    function focusList() {
        list.forceActiveFocus()
    }
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
        activeFocusOnTab: true
        currentIndex: sidebar.pages.findIndex(p => p.key === Workspace.page)
        Accessible.role: Accessible.List
        Accessible.name: qsTr("Pages")
        // Up and Down move the current entry; Enter or Space opens its page.
        Keys.onReturnPressed: list.openCurrent()
        Keys.onEnterPressed: list.openCurrent()
        Keys.onSpacePressed: list.openCurrent()
        function openCurrent() {
            if (currentIndex >= 0 && currentIndex < sidebar.pages.length)
                Workspace.page = sidebar.pages[currentIndex].key
        }
        delegate: ItemDelegate {
            id: entry
            required property var modelData
            required property int index
            objectName: "nav_" + modelData.key
            width: ListView.view.width - Theme.hairline
            visible: entry.modelData.debugOnly !== true || SettingsController.debugPage
            height: visible ? implicitHeight : 0
            highlighted: Workspace.page === modelData.key
            focusPolicy: Qt.NoFocus // the list has the focus; the entries are its rows
            Accessible.role: Accessible.ListItem
            Accessible.name: modelData.title
            Accessible.description: qsTr("Shortcut: %1").arg(modelData.shortcut)
            onClicked: Workspace.page = modelData.key
            background: Rectangle {
                color: entry.highlighted ? Theme.selection : entry.hovered ? Theme.hover : "transparent"
                // The keyboard's place in the list, while the list has the focus
                border.width: entry.ListView.isCurrentItem && list.activeFocus ? Theme.focusWidth : 0
                border.color: Theme.accent
            }
            contentItem: RowLayout {
                spacing: Theme.spacing
                // A glyph, not a control: the entry's name is read, not the icon's
                IconImage {
                    name: entry.modelData.icon
                    color: entry.highlighted ? Theme.accent : Theme.textMuted
                    sourceSize.width: Theme.iconSize
                    sourceSize.height: Theme.iconSize
                    Layout.preferredWidth: Theme.iconSize
                    Layout.preferredHeight: Theme.iconSize
                    Accessible.ignored: true
                }
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
