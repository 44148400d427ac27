import QtQuick
import QtQuick.Layouts
import Vigil

// A titled surface holding one list or chart.
Rectangle {
    id: panel
    property string title
    property string subtitle
    default property alias content: body.data

    radius: Theme.radius
    color: Theme.surface
    border.color: Theme.border
    implicitWidth: Theme.panelMinWidth
    implicitHeight: header.implicitHeight + Theme.tileHeight * 2

    ColumnLayout {
        anchors.fill: parent
        anchors.margins: Theme.spacing
        spacing: Theme.spacing
        RowLayout {
            id: header
            Layout.fillWidth: true
            Heading {
                text: panel.title
                font.pixelSize: Theme.fontNormal
            }
            Caption {
                text: panel.subtitle
                elide: Text.ElideRight
                Layout.fillWidth: true
            }
        }
        Item {
            id: body
            Layout.fillWidth: true
            Layout.fillHeight: true
            clip: true
        }
    }
}
