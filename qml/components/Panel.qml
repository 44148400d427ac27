import QtQuick
import QtQuick.Layouts
import Vigil

// A titled surface holding one list or chart.
//
// It asks for room for its header and `rows` list rows (Theme.rowHeight each): a page lays its
// panels out at least that high and scrolls, rather than squashing a list to one clipped row.
// A panel whose content is not a list of rows sets `contentHeight` instead.
Rectangle {
    id: panel
    property string title
    property string subtitle
    default property alias content: body.data
    // How many list rows the panel asks room for
    property int rows: 2
    // The height its content asks for (by default, `rows` rows)
    property real contentHeight: rows * Theme.rowHeight

    radius: Theme.radius
    color: Theme.surface
    border.color: Theme.border
    implicitWidth: Theme.panelMinWidth
    implicitHeight: header.implicitHeight + contentHeight + Theme.spacing * 3

    ColumnLayout {
        anchors.fill: parent
        anchors.margins: Theme.spacing
        spacing: Theme.spacing
        RowLayout {
            id: header
            Layout.fillWidth: true
            spacing: Theme.spacing
            Heading {
                text: panel.title
                font.pixelSize: Theme.fontNormal
            }
            Caption {
                text: panel.subtitle
                // A live sentence (the diagnostics' summary, an export's path) beside the
                // title: it may elide; the title never does
                elide: Text.ElideRight
                Layout.fillWidth: true
                property bool vigilMayElide: true
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
