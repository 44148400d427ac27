import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Vigil
import Vigil.Models

// Compact connection state: coloured dot, state line, server, transport, quality and round
// trip. Each part keeps its width while its text changes, so the header never jumps; the
// state line is as wide as "Reconnecting in 00 s" and shows a longer one whole in a tooltip.
RowLayout {
    id: root
    property bool showUrl: true
    spacing: Theme.spacing

    Rectangle {
        objectName: "stateDot"
        Layout.preferredWidth: Theme.dotSize
        Layout.preferredHeight: Theme.dotSize
        radius: Theme.dotSize / 2
        color: Theme.toneColor(ConnectionStatus.tone)
        Accessible.role: Accessible.Indicator
        Accessible.name: qsTr("Connection state: %1").arg(ConnectionStatus.summary)
    }
    Body {
        id: state
        objectName: "stateLabel"
        // The long states ("Server unreachable since...") are in the banner too
        property bool vigilMayElide: true
        text: ConnectionStatus.summary
        font.bold: true
        elide: Text.ElideRight
        color: ConnectionStatus.tone === Tone.Danger ? Theme.danger
             : ConnectionStatus.stalled ? Theme.warning : Theme.text
        Layout.preferredWidth: stateMetrics.advanceWidth
        ToolTip.visible: stateHover.hovered && truncated
        ToolTip.text: text
        HoverHandler { id: stateHover }
        TextMetrics {
            id: stateMetrics
            font: state.font
            text: qsTr("Reconnecting in 00 s")
        }
    }
    Caption {
        objectName: "urlLabel"
        property bool vigilMayElide: true
        visible: root.showUrl
        text: ConnectionStatus.url
        elide: Text.ElideMiddle
        Layout.maximumWidth: Theme.urlMaxWidth
        Accessible.name: qsTr("Server: %1").arg(ConnectionStatus.url)
    }
    FixedFigure {
        objectName: "transportLabel"
        widest: "websocket"
        horizontalAlignment: Text.AlignLeft
        text: ConnectionStatus.transport
        color: ConnectionStatus.overHttp ? Theme.warning : Theme.textMuted
        Accessible.name: qsTr("Transport: %1").arg(text)
    }
    FixedFigure {
        objectName: "qualityLabel"
        widest: qsTr("excellent")
        horizontalAlignment: Text.AlignLeft
        text: ConnectionStatus.connected && HealthMonitor.figures.qualityKnown
              ? HealthMonitor.figures.quality : ""
        font.bold: true
        color: Theme.toneColor(HealthMonitor.figures.qualityTone)
        Accessible.name: qsTr("Connection quality: %1").arg(text)
    }
    FixedFigure {
        objectName: "rttLabel"
        widest: qsTr("%1 ms").arg("0000")
        text: ConnectionStatus.rttMs >= 0 && !ConnectionStatus.stalled
              ? qsTr("%1 ms").arg(ConnectionStatus.rttMs) : ""
        Accessible.name: qsTr("Round trip: %1").arg(text)
    }
}
