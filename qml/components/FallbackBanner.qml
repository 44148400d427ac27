import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Vigil
import Vigil.Models

// Says so when messages travel over HTTP instead of WebSocket, and why.
Rectangle {
    id: banner
    objectName: "fallbackBanner"
    visible: ConnectionStatus.transport !== "websocket"
    implicitHeight: visible ? row.implicitHeight + Theme.spacing * 2 : 0
    color: Theme.warning

    RowLayout {
        id: row
        anchors.fill: parent
        anchors.leftMargin: Theme.padding
        anchors.rightMargin: Theme.padding
        Label {
            objectName: "fallbackText"
            text: ConnectionStatus.transportPreference === "auto"
                  ? qsTr("Using HTTP fallback - WebSocket is blocked")
                  : qsTr("Using HTTP (%1), as chosen").arg(ConnectionStatus.transport.toUpperCase())
            font.bold: true
            font.pixelSize: Theme.fontNormal
            color: "black"
        }
        Label {
            text: ConnectionStatus.fallbackReason
            font.pixelSize: Theme.fontSmall
            color: "black"
            elide: Text.ElideRight
            Layout.fillWidth: true
        }
    }
}
