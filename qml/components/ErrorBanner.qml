import QtQuick
import Vigil
import Vigil.Models

// Problems the operator must see that are not about the link itself: storage that cannot
// open, a demo that cannot start, a profile without an address.
Banner {
    objectName: "errorBanner"
    tone: Tone.Danger
    wrap: true
    text: Workspace.errorMessage
    actionText: qsTr("Dismiss")
    onActionTriggered: Workspace.dismissError()
}
