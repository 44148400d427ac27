import QtQuick
import QtQuick.Layouts
import Vigil

// One figure on the dashboard: a title, a big value and a line of context.
Rectangle {
    id: tile
    property string title
    property string value
    property string caption
    property color accentColor: Theme.text

    implicitWidth: Theme.statTileWidth
    implicitHeight: Theme.tileHeight
    radius: Theme.radius
    color: Theme.surface
    border.color: Theme.border
    Accessible.role: Accessible.StaticText
    Accessible.name: title + ": " + value + (caption.length > 0 ? ", " + caption : "")

    ColumnLayout {
        anchors.fill: parent
        anchors.margins: Theme.spacing
        spacing: Theme.tightSpacing
        Caption {
            text: tile.title
            elide: Text.ElideRight
            Layout.fillWidth: true
        }
        Heading {
            objectName: tile.objectName + "Value"
            text: tile.value
            font.pixelSize: Theme.fontHuge
            color: tile.accentColor
        }
        Caption {
            text: tile.caption
            elide: Text.ElideRight
            Layout.fillWidth: true
        }
    }
}
