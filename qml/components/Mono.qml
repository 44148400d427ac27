import QtQuick
import QtQuick.Controls
import Vigil

// Text whose characters line up: times, ids.
Label {
    font.pixelSize: Theme.fontSmall
    font.family: Theme.monospace
    color: Theme.textMuted
}
