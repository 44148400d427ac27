import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Vigil
import Vigil.Models

// An incident the operator is creating (IncidentList.creating): its title and severity, how
// the incident.create action is going, and Retry or Discard when it failed or still waits.
Item {
    id: row
    required property string actionId
    required property string title
    required property string severity
    required property int actionState
    required property string stateText
    required property int tone
    required property string reason
    required property bool canRetry
    required property bool canDiscard

    implicitWidth: layout.implicitWidth
    implicitHeight: Theme.rowHeight
    Accessible.role: Accessible.ListItem
    Accessible.name: qsTr("New incident %1: %2").arg(title).arg(stateText)

    RowLayout {
        id: layout
        anchors.fill: parent
        spacing: Theme.spacing
        FeedRow {
            Layout.fillWidth: true
            Layout.fillHeight: true
            badge: row.severity
            text: row.title
            detail: qsTr("new incident, being created")
        }
        ActionChip {
            objectName: "creatingState"
            text: qsTr("Create: %1").arg(row.stateText)
            tone: row.tone
            reason: row.reason
            actionId: row.actionId
            actionState: row.actionState
            canRetry: row.canRetry
        }
        Button {
            objectName: "discardCreateButton"
            visible: row.canDiscard
            text: qsTr("Discard")
            flat: true
            font.pixelSize: Theme.fontSmall
            Accessible.description: qsTr("Give up creating this incident")
            onClicked: Actions.discard(row.actionId)
        }
    }
}
