import QtQuick
import QtQuick.Controls
import Vigil
import Vigil.Models

// "3 new": shown over a live list while the operator has scrolled away from its newest rows;
// a click goes back to them. The counting is ListFollower's; this is its face.
Button {
    id: button
    // The list's follower (its `unseen` rows are the count shown)
    required property ListFollower follower

    visible: follower.unseen > 0
    text: qsTr("%n new", "", follower.unseen)
    font.pixelSize: Theme.fontSmall
    font.bold: true
    Accessible.description: qsTr("Go to the newest rows")
    onClicked: follower.jumpToNewest()
}
