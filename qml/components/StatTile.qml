import QtQuick
import QtQuick.Layouts
import Vigil

// One figure on the dashboard: a title, a big value and a line of context.
//
// The tile asks for room for its title, its caption and the widest value it is expected to
// show (`widest`, digits measured as zeros, as FixedFigure does), never for the value it shows
// now: the dashboard's grid does not reflow when a figure changes. A value wider than that
// still fits: it shrinks rather than being cut.
Rectangle {
    id: tile
    property string title
    property string value
    property string caption
    property color accentColor: Theme.text
    // The widest value the tile is expected to show ("0000 ms", "00/00")
    property string widest: Theme.figureDigits

    implicitWidth: Math.max(Theme.statTileWidth,
                            Math.ceil(Math.max(titleLabel.implicitWidth, valueMetrics.advanceWidth,
                                               captionLabel.implicitWidth)) + Theme.spacing * 2)
    implicitHeight: Math.max(Theme.tileHeight, column.implicitHeight + Theme.spacing * 2)
    radius: Theme.radius
    color: Theme.surface
    border.color: Theme.border
    Accessible.role: Accessible.StaticText
    Accessible.name: title + ": " + value + (caption.length > 0 ? ", " + caption : "")

    TextMetrics {
        id: valueMetrics
        font: valueLabel.font
        text: tile.widest.replace(/[0-9]/g, "0")
    }

    ColumnLayout {
        id: column
        anchors.fill: parent
        anchors.margins: Theme.spacing
        spacing: Theme.tightSpacing
        Caption {
            id: titleLabel
            text: tile.title
            wrapMode: Text.Wrap
            Layout.fillWidth: true
        }
        Heading {
            id: valueLabel
            objectName: tile.objectName + "Value"
            text: tile.value
            font.pixelSize: Theme.fontHuge
            color: tile.accentColor
            // Shrinks (to the body size at most) instead of eliding an unexpectedly long value
            fontSizeMode: Text.HorizontalFit
            minimumPixelSize: Theme.fontNormal
            Layout.fillWidth: true
            Layout.fillHeight: true
            Layout.minimumHeight: implicitHeight
            verticalAlignment: Text.AlignVCenter
        }
        Caption {
            id: captionLabel
            text: tile.caption
            wrapMode: Text.Wrap
            Layout.fillWidth: true
        }
    }
}
