import QtQuick
import QtQuick.Controls
import Vigil

// Running text: a row's main line, a sentence, a field's label.
Label {
    font.pixelSize: Theme.fontNormal
    color: Theme.text
}
