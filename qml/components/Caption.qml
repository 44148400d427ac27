import QtQuick
import QtQuick.Controls
import Vigil

// Secondary text: a detail, a hint, a unit, a tile's title.
Label {
    font.pixelSize: Theme.fontSmall
    color: Theme.textMuted
}
