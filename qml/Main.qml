import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Vigil
import Vigil.Models

ApplicationWindow {
    id: window
    objectName: "mainWindow"
    width: Theme.windowWidth
    height: Theme.windowHeight
    minimumWidth: Theme.windowMinWidth
    minimumHeight: Theme.windowMinHeight
    visible: true
    title: Workspace.demo ? qsTr("Vigil - demo") : qsTr("Vigil")
    color: Theme.window

    // The sidebar's pages, in order, with their shortcuts: one list, from Workspace.
    readonly property var pages: Workspace.pages
    readonly property var pageKeys: pages.map(p => p.key)

    Component.onCompleted: {
        const g = Workspace.windowGeometry
        if (g.width > 0 && g.height > 0) {
            x = g.x
            y = g.y
            width = g.width
            height = g.height
        }
    }
    onClosing: Workspace.saveWindowGeometry(x, y, width, height)

    Instantiator {
        model: window.pages
        delegate: Shortcut {
            required property var modelData
            sequence: modelData.shortcut
            onActivated: Workspace.page = modelData.key
        }
    }
    Shortcut { sequences: ["F5", "Ctrl+R"]; onActivated: ConnectionStatus.reconnect() }

    header: ToolBar {
        objectName: "header"
        visible: !Workspace.welcomeNeeded
        background: Rectangle {
            color: Theme.surface
            Rectangle {
                anchors.bottom: parent.bottom
                width: parent.width
                height: Theme.hairline
                color: Theme.border
            }
        }
        RowLayout {
            anchors.fill: parent
            anchors.leftMargin: Theme.padding
            anchors.rightMargin: Theme.padding
            Heading {
                text: qsTr("Vigil")
                color: Theme.accent
            }
            Caption {
                objectName: "profileLabel"
                text: Workspace.profile
            }
            Item { Layout.fillWidth: true }
            Caption {
                objectName: "unreadBadge"
                visible: NotificationsModel.unreadCount > 0
                text: qsTr("%1 unread").arg(NotificationsModel.unreadCount)
                color: Theme.accent
                font.bold: true
                Accessible.name: qsTr("%1 unread notifications").arg(NotificationsModel.unreadCount)
            }
            QueueIndicator {}
            ConnectionIndicator {}
            TransportSelector {}
            Button {
                objectName: "themeButton"
                text: qsTr("Theme: %1").arg(Appearance.theme)
                font.pixelSize: Theme.fontSmall
                Accessible.name: qsTr("Switch between system, light and dark theme")
                onClicked: Appearance.chooseNext()
            }
            Button {
                objectName: "reconnectButton"
                text: qsTr("Reconnect")
                font.pixelSize: Theme.fontSmall
                Accessible.description: qsTr("Reconnect now (F5)")
                onClicked: ConnectionStatus.reconnect()
            }
        }
    }

    ColumnLayout {
        anchors.fill: parent
        spacing: 0
        ErrorBanner {
            Layout.fillWidth: true
        }
        StatusBanner {
            Layout.fillWidth: true
            visible: !Workspace.welcomeNeeded && text.length > 0
        }
        FallbackBanner {
            Layout.fillWidth: true
        }
        WelcomePage {
            visible: Workspace.welcomeNeeded
            Layout.fillWidth: true
            Layout.fillHeight: true
        }
        RowLayout {
            visible: !Workspace.welcomeNeeded
            spacing: 0
            Layout.fillWidth: true
            Layout.fillHeight: true
            Sidebar {
                pages: window.pages
                Layout.fillHeight: true
            }
            StackLayout {
                objectName: "pageStack"
                currentIndex: Math.max(0, window.pageKeys.indexOf(Workspace.page))
                Layout.fillWidth: true
                Layout.fillHeight: true
                Repeater {
                    model: window.pages
                    delegate: Loader {
                        required property var modelData
                        objectName: "page_" + modelData.key
                        source: "pages/" + modelData.component + ".qml"
                    }
                }
            }
        }
    }
}
