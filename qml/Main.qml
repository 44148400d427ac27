import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Vigil
import Vigil.Models

ApplicationWindow {
    id: window
    objectName: "mainWindow"
    width: 1000
    height: 640
    minimumWidth: 640
    minimumHeight: 400
    visible: true
    title: qsTr("Vigil")
    color: Theme.window

    header: ToolBar {
        objectName: "header"
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
                onClicked: ConnectionStatus.reconnect()
            }
        }
    }

    ColumnLayout {
        anchors.fill: parent
        spacing: 0
        StatusBanner {
            Layout.fillWidth: true
        }
        FallbackBanner {
            Layout.fillWidth: true
        }
        OverviewPage {
            Layout.fillWidth: true
            Layout.fillHeight: true
        }
    }
}
