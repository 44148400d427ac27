import QtQuick
import Vigil

// What an empty list says, so an empty view is never mistaken for a broken one.
Body {
    property bool shown: false
    visible: shown
    anchors.centerIn: parent
    width: parent ? parent.width - Theme.padding * 2 : implicitWidth
    horizontalAlignment: Text.AlignHCenter
    wrapMode: Text.Wrap
    color: Theme.textMuted
}
