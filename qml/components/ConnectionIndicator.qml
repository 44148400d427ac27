import QtQuick
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
    Body {
        objectName: "stateLabel"
        text: ConnectionStatus.summary
        font.bold: true
        color: ConnectionStatus.tone === Tone.Danger ? Theme.danger
             : ConnectionStatus.stalled ? Theme.warning : Theme.text
    }
    Caption {
        objectName: "urlLabel"
        text: ConnectionStatus.url
        elide: Text.ElideMiddle
        Layout.maximumWidth: Theme.urlMaxWidth
    }
    Caption {
        objectName: "transportLabel"
        text: ConnectionStatus.transport
        color: ConnectionStatus.overHttp ? Theme.warning : Theme.textMuted
    }
    Caption {
        objectName: "qualityLabel"
        visible: ConnectionStatus.connected && HealthMonitor.figures.qualityKnown
        text: HealthMonitor.figures.quality
        font.bold: true
        color: Theme.toneColor(HealthMonitor.figures.qualityTone)
        Accessible.name: qsTr("Connection quality: %1").arg(text)
    }
    Caption {
        objectName: "rttLabel"
        visible: ConnectionStatus.rttMs >= 0 && !ConnectionStatus.stalled
        text: qsTr("%1 ms").arg(ConnectionStatus.rttMs)
    }
}
