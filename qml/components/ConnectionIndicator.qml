import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Vigil
import Vigil.Models

// Compact connection state: coloured dot, state line, server and round trip.
RowLayout {
    id: root
    spacing: Theme.spacing

    Rectangle {
        objectName: "stateDot"
        Layout.preferredWidth: Theme.dotSize
        Layout.preferredHeight: Theme.dotSize
        radius: Theme.dotSize / 2
        color: Theme.toneColor(ConnectionStatus.tone)
        Accessible.name: qsTr("Connection state: %1").arg(ConnectionStatus.summary)
    }
    Label {
        objectName: "stateLabel"
        text: ConnectionStatus.summary
        font.pixelSize: Theme.fontNormal
        font.bold: true
        color: ConnectionStatus.tone === "danger" ? Theme.danger
             : ConnectionStatus.stalled ? Theme.warning : Theme.text
    }
    Label {
        objectName: "urlLabel"
        text: ConnectionStatus.url
        font.pixelSize: Theme.fontSmall
        color: Theme.textMuted
        elide: Text.ElideMiddle
        Layout.maximumWidth: 320
    }
    Label {
        objectName: "transportLabel"
        text: ConnectionStatus.transport
        font.pixelSize: Theme.fontSmall
        color: ConnectionStatus.transport === "websocket" ? Theme.textMuted : Theme.warning
    }
    Label {
        objectName: "qualityLabel"
        readonly property string grade: HealthMonitor.figures.quality ?? ""
        visible: ConnectionStatus.connected && grade.length > 0 && grade !== "unknown"
        text: grade
        font.pixelSize: Theme.fontSmall
        font.bold: true
        color: Theme.gradeColor(grade)
        Accessible.name: qsTr("Connection quality: %1").arg(grade)
    }
    Label {
        objectName: "rttLabel"
        visible: ConnectionStatus.rttMs >= 0 && !ConnectionStatus.stalled
        text: qsTr("%1 ms").arg(ConnectionStatus.rttMs)
        font.pixelSize: Theme.fontSmall
        color: Theme.textMuted
    }
}
