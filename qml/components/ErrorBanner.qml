import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Vigil
import Vigil.Models

// Problems the operator must see that are not about the link itself: storage that cannot
// open, a demo that cannot start, a profile without an address.
Rectangle {
    id: banner
    objectName: "errorBanner"
    visible: Workspace.errorMessage.length > 0
    implicitHeight: visible ? row.implicitHeight + Theme.spacing * 2 : 0
    color: Theme.danger

    RowLayout {
        id: row
        anchors.fill: parent
        anchors.leftMargin: Theme.padding
        anchors.rightMargin: Theme.padding
        Label {
            objectName: "errorBannerText"
            text: Workspace.errorMessage
            color: "white"
            font.bold: true
            font.pixelSize: Theme.fontNormal
            wrapMode: Text.Wrap
            Layout.fillWidth: true
        }
        Button {
            text: qsTr("Dismiss")
            onClicked: Workspace.dismissError()
        }
    }
}
