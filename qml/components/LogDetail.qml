import QtQuick
import QtQuick.Controls
import Vigil

// Under the log viewer's list: the current line whole (as Copy writes it: UTC time, level,
// source, task and the full message), wrapped and selectable.
Rectangle {
    id: detail
    // The line ("" when no line is current)
    property string text
    property string emptyText: qsTr("Select a line to see it whole here.")

    implicitHeight: Math.min(lineText.implicitHeight, Theme.tileHeight) + Theme.spacing
    radius: Theme.radius
    color: Theme.surface
    border.color: Theme.border
    border.width: Theme.hairline

    ScrollView {
        anchors.fill: parent
        anchors.margins: Theme.tightSpacing
        clip: true
        TextArea {
            id: lineText
            objectName: "logDetailText"
            text: detail.text.length > 0 ? detail.text : detail.emptyText
            color: detail.text.length > 0 ? Theme.text : Theme.textMuted
            readOnly: true
            selectByMouse: true
            wrapMode: TextEdit.WrapAnywhere
            textFormat: TextEdit.PlainText
            font.family: Theme.monospace
            font.pixelSize: Theme.fontSmall
            background: null
            Accessible.name: qsTr("Current line")
        }
    }
}
