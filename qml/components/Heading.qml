import QtQuick
import QtQuick.Controls
import Vigil

// A page's or section's title. Set font.pixelSize: Theme.fontHuge for the one big title of a
// screen, Theme.fontNormal for a panel's.
Label {
    font.pixelSize: Theme.fontLarge
    font.bold: true
    color: Theme.text
}
