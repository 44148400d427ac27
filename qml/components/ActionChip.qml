import QtQuick
import QtQuick.Layouts
import Vigil
import Vigil.Models

// How one operator action is going, as a state chip: "Acknowledge: Queued", its dot in its tone
// (C++ decides it), "offline" while it waits for a connection; failed, the server's reason and
// Retry (a new action through Actions.retry).
RowLayout {
    id: chip
    property string text
    property int tone: Tone.Idle
    property string reason
    property string actionId
    // Actions.ActionState (-1: none): a queued action waits for the connection
    property int actionState: -1
    property bool canRetry: false

    spacing: Theme.spacing / 2

    // Where the action stands is a state: a neutral chip, its dot in the tone
    StateTag {
        objectName: "actionState"
        text: chip.text
        tint: Theme.toneColor(chip.tone)
        Accessible.name: chip.reason.length > 0 ? qsTr("%1: %2").arg(chip.text).arg(chip.reason)
                                                : chip.text
    }
    Caption {
        objectName: "actionOffline"
        visible: chip.actionState === Actions.Queued && !ConnectionStatus.connected
        text: qsTr("offline")
    }
    Caption {
        objectName: "actionReason"
        visible: chip.canRetry && text.length > 0
        text: chip.reason
        color: Theme.danger
        elide: Text.ElideRight
        Layout.maximumWidth: Theme.buttonWidth
    }
    IconButton {
        objectName: "retryActionButton"
        visible: chip.canRetry
        text: qsTr("Retry")
        iconName: "view-refresh"
        Accessible.description: qsTr("Send the action again")
        onClicked: Actions.retry(chip.actionId)
    }
}
