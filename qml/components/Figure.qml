import QtQuick
import QtQuick.Layouts
import Vigil

// One labelled figure of the health monitor.
//
// In a grid the figures take columns of one width (Theme.figureWidth, or more where the grid
// has room), whatever their values: a value that grows wraps in its column instead of moving
// the columns beside it.
ColumnLayout {
    id: figure
    property string label
    property string value
    spacing: 0
    Layout.preferredWidth: Theme.figureWidth
    Layout.fillWidth: true
    Accessible.role: Accessible.StaticText
    Accessible.name: label + ": " + value
    Caption {
        text: figure.label
        wrapMode: Text.Wrap
        Layout.fillWidth: true
    }
    Body {
        objectName: figure.objectName + "Value"
        text: figure.value
        font.bold: true
        wrapMode: Text.Wrap
        Layout.fillWidth: true
    }
}
