pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls
import Vigil
import Vigil.Models

// "Diagnose": DNS, TCP, TLS, WebSocket upgrade, a ping burst and the HTTP fallback endpoints,
// each with its result and time.
//
// The panel is as tall as its steps: every row shows whole, none is cut by the panel's edge
// (the page around it scrolls).
Panel {
    id: panel
    objectName: "diagnosticsPanel"
    title: qsTr("Diagnostics")
    subtitle: DiagnosticsModel.summary
    // Every step (never fewer than the empty hint needs) and the button under them
    rows: Math.max(steps.count, 2)
    contentHeight: rows * Theme.rowHeight + runButton.implicitHeight + Theme.spacing

    ListView {
        id: steps
        objectName: "diagnosticsSteps"
        anchors.fill: parent
        anchors.bottomMargin: runButton.height + Theme.spacing
        clip: true
        // The rows all fit: nothing to scroll
        interactive: contentHeight > height
        model: DiagnosticsModel
        Accessible.role: Accessible.List
        Accessible.name: panel.title
        delegate: FeedRow {
            required property string title
            required property string status
            required property string result
            required property var elapsedMs
            width: ListView.view.width
            implicitHeight: Theme.rowHeight
            badge: status
            badgeTint: Theme.stepColor(status)
            text: elapsedMs >= 0 ? qsTr("%1 (%2 ms)").arg(title).arg(elapsedMs) : title
            detail: result
        }
        EmptyHint {
            shown: steps.count === 0
            text: qsTr("Checks name resolution, TCP, TLS, the WebSocket upgrade, round trips and the HTTP fallback endpoints of the current server.")
        }
    }
    Button {
        id: runButton
        objectName: "diagnoseButton"
        anchors.bottom: parent.bottom
        anchors.right: parent.right
        text: DiagnosticsModel.running ? qsTr("Running...") : qsTr("Run diagnostics")
        enabled: !DiagnosticsModel.running
        onClicked: DiagnosticsModel.run()
    }
}
