import QtQuick
import Vigil
import Vigil.Models

// An incident the operator is creating (IncidentList.creating): its title and severity, how
// the incident.create action is going, and Retry or Discard when it failed or still waits. In
// the same columns as the incidents listed under it; its buttons always show (it is not a row
// of a list, with a current row and a context menu).
FeedRow {
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

    badge: severity
    text: title
    detail: qsTr("new incident, being created")
    actionsAlwaysShown: true
    spokenText: qsTr("New %1 incident %2: %3").arg(severity).arg(title).arg(stateText)

    rowActions: [
        RowAction {
            name: "discardCreateButton"
            text: qsTr("Discard")
            iconName: "edit-delete"
            shown: row.canDiscard
            description: qsTr("Give up creating this incident")
            onTriggered: Actions.discard(row.actionId)
        }
    ]

    ActionChip {
        objectName: "creatingState"
        text: qsTr("Create: %1").arg(row.stateText)
        tone: row.tone
        reason: row.reason
        actionId: row.actionId
        actionState: row.actionState
        canRetry: row.canRetry
    }
}
