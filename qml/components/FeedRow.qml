import QtQuick
import QtQuick.Layouts
import Vigil

// One line of a live list: a time, an optional badge, a main text and a muted detail. The
// rows of every list (IncidentRow, AgentRow...) are this with their model's roles.
Rectangle {
    id: row
    property string timeText
    property string badge
    property color badgeTint: Theme.severityColor(badge)
    property string text
    property string detail
    property bool dimmed: false

    function accessibleName() {
        const parts = []
        for (const part of [badge, text, detail, timeText]) {
            if (part.length > 0)
                parts.push(part)
        }
        return parts.join(", ")
    }

    implicitHeight: Theme.rowHeight
    color: "transparent"
    opacity: dimmed ? Theme.dimmedOpacity : 1.0
    Accessible.role: Accessible.ListItem
    Accessible.name: accessibleName()

    RowLayout {
        anchors.fill: parent
        anchors.leftMargin: Theme.spacing / 2
        anchors.rightMargin: Theme.spacing / 2
        spacing: Theme.spacing
        Mono {
            visible: row.timeText.length > 0
            text: row.timeText
        }
        Badge {
            visible: row.badge.length > 0
            text: row.badge
            tint: row.badgeTint
        }
        ColumnLayout {
            spacing: 0
            Layout.fillWidth: true
            Body {
                text: row.text
                elide: Text.ElideRight
                Layout.fillWidth: true
            }
            Caption {
                visible: row.detail.length > 0
                text: row.detail
                elide: Text.ElideRight
                Layout.fillWidth: true
            }
        }
    }
    Rectangle {
        anchors.bottom: parent.bottom
        width: parent.width
        height: Theme.hairline
        color: Theme.border
    }
}
