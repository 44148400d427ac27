import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Vigil
import Vigil.Models

// First run, nothing configured: try the demo, or connect to a server.
Page {
    id: page
    objectName: "welcomePage"
    property bool connecting: false
    background: Rectangle { color: Theme.window }

    ColumnLayout {
        anchors.centerIn: parent
        width: Math.min(parent.width - Theme.padding * 2, Theme.welcomeWidth)
        spacing: Theme.padding

        Heading {
            objectName: "welcomeTitle"
            text: qsTr("Welcome to Vigil")
            font.pixelSize: Theme.fontHuge
        }
        Body {
            text: qsTr("Vigil watches your live systems: incidents, agents, alerts, chat and logs, streamed as they happen. It stays connected when it can, tells you honestly when it can't, and never loses what you did.")
            wrapMode: Text.Wrap
            color: Theme.textMuted
            Layout.fillWidth: true
        }
        RowLayout {
            spacing: Theme.padding
            visible: !page.connecting
            Button {
                objectName: "tryDemoButton"
                text: qsTr("Try the demo")
                highlighted: true
                Layout.preferredWidth: Theme.buttonWidth
                Accessible.description: qsTr("Starts a built-in demo server with a live scenario")
                onClicked: Workspace.startDemo()
            }
            Button {
                objectName: "connectServerButton"
                text: qsTr("Connect to a server")
                Layout.preferredWidth: Theme.buttonWidth
                onClicked: page.connecting = true
            }
        }
        ProfileEditor {
            visible: page.connecting
            Layout.fillWidth: true
        }
        Button {
            visible: page.connecting
            text: qsTr("Back")
            flat: true
            onClicked: page.connecting = false
        }
    }
}
