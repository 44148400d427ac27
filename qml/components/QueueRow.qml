import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Vigil
import Vigil.Models

// One operator action in the Queue view (the Actions model): when, what, how far it got in
// its tone, the server's reason when it failed, and Retry or Discard where they apply.
Item {
    id: row
    required property string actionId
    required property string type
    required property string target
    required property string stateText
    required property int tone
    required property string reason
    required property var createdAt
    required property string summary
    required property bool canRetry
    required property bool canDiscard
    // Still in the outbox, not written yet (what can be discarded and has not failed)
    readonly property bool queued: canDiscard && !canRetry

    width: ListView.view ? ListView.view.width : implicitWidth
    implicitWidth: layout.implicitWidth
    implicitHeight: Theme.rowHeight
    Accessible.role: Accessible.ListItem
    Accessible.name: reason.length > 0 ? qsTr("%1, %2: %3").arg(summary).arg(stateText).arg(reason)
                                       : qsTr("%1, %2").arg(summary).arg(stateText)

    RowLayout {
        id: layout
        anchors.fill: parent
        spacing: Theme.spacing
        FeedRow {
            Layout.fillWidth: true
            Layout.fillHeight: true
            timeText: Theme.time(row.createdAt)
            badge: row.stateText
            badgeTint: Theme.toneColor(row.tone)
            text: row.summary
            detail: row.reason.length > 0 ? row.reason
                  : row.queued && !ConnectionStatus.connected
                    ? qsTr("%1 - waiting for the connection").arg(row.type) : row.type
        }
        Button {
            objectName: "queueRetry_" + row.actionId
            visible: row.canRetry
            text: qsTr("Retry")
            font.pixelSize: Theme.fontSmall
            Accessible.description: qsTr("Send %1 again").arg(row.summary)
            onClicked: Actions.retry(row.actionId)
        }
        Button {
            objectName: "queueDiscard_" + row.actionId
            visible: row.canDiscard
            text: qsTr("Discard")
            font.pixelSize: Theme.fontSmall
            Accessible.description: qsTr("Give up %1").arg(row.summary)
            onClicked: Actions.discard(row.actionId)
        }
    }
}
