import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Vigil

// One labelled figure of the health monitor.
ColumnLayout {
    id: figure
    property string label
    property string value
    spacing: 0
    Accessible.role: Accessible.StaticText
    Accessible.name: label + ": " + value
    Label {
        text: figure.label
        font.pixelSize: Theme.fontSmall
        color: Theme.textMuted
    }
    Label {
        objectName: figure.objectName + "Value"
        text: figure.value
        font.pixelSize: Theme.fontNormal
        font.bold: true
        color: Theme.text
    }
}
