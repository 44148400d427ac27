import QtQuick
import QtQuick.Layouts
import Vigil

// Where something stands (new, acknowledged, resolved; online, offline; queued, failed): a
// neutral outlined chip with a dot in the state's colour and the word in the text colour. Unlike
// a severity (Badge) it is not coloured all over: states are many, and most are unremarkable.
// Given less room than the word needs, the word elides.
Rectangle {
    id: tag
    property string text
    // The dot's colour (Theme.agentStatusColor, Theme.toneColor...)
    property color tint: Theme.idle

    implicitWidth: layout.implicitWidth + Theme.spacing * 1.5
    implicitHeight: label.implicitHeight + Theme.tightSpacing
    radius: height / 2
    color: "transparent"
    border.color: Theme.border
    Accessible.role: Accessible.StaticText
    Accessible.name: text

    RowLayout {
        id: layout
        anchors.verticalCenter: parent.verticalCenter
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.leftMargin: Theme.spacing * 0.75
        anchors.rightMargin: Theme.spacing * 0.75
        spacing: Theme.spacing / 2
        Rectangle {
            objectName: "stateDot"
            Layout.preferredWidth: Theme.dotSize / 2
            Layout.preferredHeight: Theme.dotSize / 2
            radius: width / 2
            color: tag.tint
        }
        Caption {
            id: label
            text: tag.text
            color: Theme.text
            elide: Text.ElideRight
            Layout.fillWidth: true
        }
    }
}
