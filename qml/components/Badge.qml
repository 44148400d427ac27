import QtQuick
import Vigil

// A small coloured label: a severity, a status, a level.
Rectangle {
    id: badge
    property string text
    property color tint: Theme.severityColor(text)

    implicitWidth: label.implicitWidth + Theme.spacing
    implicitHeight: label.implicitHeight + Theme.tightSpacing
    radius: Theme.radius / 2
    color: "transparent"
    border.color: tint
    Caption {
        id: label
        anchors.centerIn: parent
        text: badge.text
        color: badge.tint
        font.bold: true
    }
}
