import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Vigil

// One figure on the dashboard: a title, a big value and a line of context.
Rectangle {
    id: tile
    property string title
    property string value
    property string caption
    property color accentColor: Theme.text

    implicitWidth: Theme.tileWidth * 0.75
    implicitHeight: Theme.tileHeight
    radius: Theme.radius
    color: Theme.surface
    border.color: Theme.border
    Accessible.role: Accessible.StaticText
    Accessible.name: title + ": " + value + (caption.length > 0 ? ", " + caption : "")

    ColumnLayout {
        anchors.fill: parent
        anchors.margins: Theme.spacing
        spacing: 2
        Label {
            text: tile.title
            font.pixelSize: Theme.fontSmall
            color: Theme.textMuted
            elide: Text.ElideRight
            Layout.fillWidth: true
        }
        Label {
            objectName: tile.objectName + "Value"
            text: tile.value
            font.pixelSize: Theme.fontHuge
            font.bold: true
            color: tile.accentColor
        }
        Label {
            text: tile.caption
            font.pixelSize: Theme.fontSmall
            color: Theme.textMuted
            elide: Text.ElideRight
            Layout.fillWidth: true
        }
    }
}
