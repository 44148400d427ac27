import QtQuick
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
    Caption {
        text: figure.label
    }
    Body {
        objectName: figure.objectName + "Value"
        text: figure.value
        font.bold: true
    }
}
