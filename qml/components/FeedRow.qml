import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Vigil

// One line of a live list: a time, an optional badge, a main text and a muted detail.
Rectangle {
    id: row
    property string timeText
    property string badge
    property color badgeTint: Theme.severityColor(badge)
    property string text
    property string detail
    property bool dimmed: false

    implicitHeight: Theme.rowHeight
    color: "transparent"
    opacity: dimmed ? 0.55 : 1.0
    Accessible.role: Accessible.ListItem
    Accessible.name: [badge, text, detail, timeText].filter(s => s.length > 0).join(", ")

    RowLayout {
        anchors.fill: parent
        anchors.leftMargin: Theme.spacing / 2
        anchors.rightMargin: Theme.spacing / 2
        spacing: Theme.spacing
        Label {
            visible: row.timeText.length > 0
            text: row.timeText
            font.pixelSize: Theme.fontSmall
            font.family: "monospace"
            color: Theme.textMuted
        }
        Badge {
            visible: row.badge.length > 0
            text: row.badge
            tint: row.badgeTint
        }
        ColumnLayout {
            spacing: 0
            Layout.fillWidth: true
            Label {
                text: row.text
                font.pixelSize: Theme.fontNormal
                color: Theme.text
                elide: Text.ElideRight
                Layout.fillWidth: true
            }
            Label {
                visible: row.detail.length > 0
                text: row.detail
                font.pixelSize: Theme.fontSmall
                color: Theme.textMuted
                elide: Text.ElideRight
                Layout.fillWidth: true
            }
        }
    }
    Rectangle {
        anchors.bottom: parent.bottom
        width: parent.width
        height: 1
        color: Theme.border
    }
}
