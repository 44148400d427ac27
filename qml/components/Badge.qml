import QtQuick
import Vigil

// A severity or a level as a tag in its colour (critical, high, medium, low; error, warning,
// info): outlined and lightly filled in the tint, the word in it. Only severities and levels
// are tags; a state (new, online, queued) is a StateTag, a chat receipt a ReceiptMark, so the
// kinds of information never look alike. Given less room than the word needs, the word elides.
Rectangle {
    id: badge
    property string text
    property color tint: Theme.severityColor(text)

    // How much of the tint fills the tag: faint, so the word in the tint keeps its contrast
    // (a local token: no other component fills with a tint)
    readonly property real fillOpacity: 0.12

    implicitWidth: label.implicitWidth + Theme.spacing
    implicitHeight: label.implicitHeight + Theme.tightSpacing
    radius: Theme.radius / 2
    color: Qt.rgba(tint.r, tint.g, tint.b, fillOpacity)
    border.color: tint
    Accessible.role: Accessible.StaticText
    Accessible.name: text
    Caption {
        id: label
        anchors.centerIn: parent
        width: Math.min(implicitWidth, Math.max(0, badge.width - Theme.spacing))
        text: badge.text
        color: badge.tint
        font.bold: true
        elide: Text.ElideRight
    }
}
