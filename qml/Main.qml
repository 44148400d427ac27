import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Vigil
import Vigil.Models

ApplicationWindow {
    id: window
    objectName: "mainWindow"
    width: 1200
    height: 760
    minimumWidth: 720
    minimumHeight: 480
    visible: true
    title: Workspace.demo ? qsTr("Vigil - demo") : qsTr("Vigil")
    color: Theme.window

    // The sidebar's pages, in order; Ctrl+1..8 reach them, Ctrl+, opens the settings.
    readonly property var pages: [
        { key: "dashboard", title: qsTr("Dashboard"), shortcut: "Ctrl+1" },
        { key: "incidents", title: qsTr("Incidents"), shortcut: "Ctrl+2" },
        { key: "agents", title: qsTr("Agents"), shortcut: "Ctrl+3" },
        { key: "chat", title: qsTr("Chat"), shortcut: "Ctrl+4" },
        { key: "activity", title: qsTr("Activity"), shortcut: "Ctrl+5" },
        { key: "logs", title: qsTr("Logs"), shortcut: "Ctrl+6" },
        { key: "health", title: qsTr("Health"), shortcut: "Ctrl+7" },
        { key: "notifications", title: qsTr("Notifications"), shortcut: "Ctrl+8" },
        { key: "settings", title: qsTr("Settings"), shortcut: "Ctrl+," }
    ]
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

    Shortcut { sequence: "Ctrl+1"; onActivated: Workspace.page = "dashboard" }
    Shortcut { sequence: "Ctrl+2"; onActivated: Workspace.page = "incidents" }
    Shortcut { sequence: "Ctrl+3"; onActivated: Workspace.page = "agents" }
    Shortcut { sequence: "Ctrl+4"; onActivated: Workspace.page = "chat" }
    Shortcut { sequence: "Ctrl+5"; onActivated: Workspace.page = "activity" }
    Shortcut { sequence: "Ctrl+6"; onActivated: Workspace.page = "logs" }
    Shortcut { sequence: "Ctrl+7"; onActivated: Workspace.page = "health" }
    Shortcut { sequence: "Ctrl+8"; onActivated: Workspace.page = "notifications" }
    Shortcut { sequence: "Ctrl+,"; onActivated: Workspace.page = "settings" }
    Shortcut { sequences: ["F5", "Ctrl+R"]; onActivated: ConnectionStatus.reconnect() }

    header: ToolBar {
        objectName: "header"
        visible: !Workspace.welcomeNeeded
        background: Rectangle {
            color: Theme.surface
            Rectangle {
                anchors.bottom: parent.bottom
                width: parent.width
                height: 1
                color: Theme.border
            }
        }
        RowLayout {
            anchors.fill: parent
            anchors.leftMargin: Theme.padding
            anchors.rightMargin: Theme.padding
            Label {
                text: qsTr("Vigil")
                font.pixelSize: Theme.fontLarge
                font.bold: true
                color: Theme.accent
            }
            Label {
                objectName: "profileLabel"
                text: Workspace.profile
                font.pixelSize: Theme.fontSmall
                color: Theme.textMuted
            }
            Item { Layout.fillWidth: true }
            Label {
                objectName: "unreadBadge"
                visible: NotificationsModel.unreadCount > 0
                text: qsTr("%1 unread").arg(NotificationsModel.unreadCount)
                color: Theme.accent
                font.pixelSize: Theme.fontSmall
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
                onClicked: Appearance.setTheme(Appearance.theme === "system" ? "light"
                                               : Appearance.theme === "light" ? "dark" : "system")
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
            visible: !Workspace.welcomeNeeded && kind.length > 0 && kind !== "fallback"
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
                DashboardPage {}
                IncidentsPage {}
                AgentsPage {}
                ChatPage {}
                ActivityPage {}
                LogsPage {}
                HealthPage {}
                NotificationsPage {}
                SettingsPage {}
            }
        }
    }
}
