import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Vigil

// One channel's live count.
Rectangle {
    id: tile
    required property string name
    required property var count
    required property string lastType

    implicitWidth: Theme.tileWidth
    implicitHeight: Theme.tileHeight
    radius: Theme.radius
    color: Theme.surface
    border.color: Theme.border
    Accessible.name: qsTr("%1: %2 messages").arg(name).arg(count)

    ColumnLayout {
        anchors.fill: parent
        anchors.margins: Theme.padding / 2
        spacing: 2
        Label {
            text: tile.name
            font.pixelSize: Theme.fontNormal
            color: Theme.textMuted
        }
        Label {
            objectName: "count_" + tile.name
            text: tile.count
            font.pixelSize: Theme.fontHuge
            font.bold: true
            color: Theme.text
        }
        Label {
            text: tile.lastType.length > 0 ? tile.lastType : qsTr("waiting")
            font.pixelSize: Theme.fontSmall
            color: Theme.textMuted
            elide: Text.ElideRight
            Layout.fillWidth: true
        }
    }
}
