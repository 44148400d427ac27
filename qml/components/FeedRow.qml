pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Layouts
import Vigil

// One row of a live list, the frame every list's rows share (IncidentRow, AlertRow, AgentRow,
// NotificationRow, QueueRow...), so every list reads the same way:
//
//   [leading] time | badge | title, detail below          [trailing] [action buttons]
//
// The time is monospace in a column as wide as "00:00:00"; the badge column is as wide as the
// widest of the list's words (badgeWords), whatever this row's word, so the title starts at the
// same x on every row. The badge speaks one of three visual languages (badgeStyle): a severity
// is a Badge in its colour with a bar at the row's left edge, a state a neutral StateTag with a
// dot, anything else plain muted text. The title and detail elide; the separator under the row
// spans its whole width, read or unread, dimmed or not (only the content fades).
//
// The row's RowActions show as icon buttons while the pointer is over the row or the row is the
// list's current one; ListPage also offers them in a context menu and runs them by their keys.
// The pointer over the row tints it (Theme.hover); the current row's selection and focus ring
// are the list's (ListPage).
Rectangle {
    id: row
    property string timeText
    // The list's rows have a time (possibly empty on some): its column is kept either way
    property bool timeColumn: true
    property string badge
    property color badgeTint: Theme.severityColor(badge)
    // "severity", "state" or "plain" (see above)
    property string badgeStyle: "severity"
    // The words the badge column shows in this list: the column fits the widest
    property var badgeWords: [qsTr("critical"), qsTr("high"), qsTr("medium"), qsTr("low")]
    // The list's rows have a badge column (kept on a row without a badge)
    property bool badgeColumn: true
    property string text
    property string detail
    // The row no longer matters much (resolved, offline, read): its content fades
    property bool dimmed: false
    // The row wants attention (unread): its title is bold
    property bool emphasized: false

    // What can be done to the row (see RowAction)
    property list<RowAction> rowActions
    // The action buttons show even without the pointer or the selection (a row not in a list)
    property bool actionsAlwaysShown: false
    // Items before the time (an unread dot) and after the detail (an action's progress)
    property alias leading: leadingRow.data
    default property alias trailing: trailingRow.data

    // What a screen reader says of the row; rows say more than the parts when they can
    property string spokenText: defaultSpokenText()

    readonly property bool hovered: hover.hovered
    // The list's current row (the keyboard's cursor; ListPage draws its selection). A list the
    // keyboard does not reach (the dashboard's) has no cursor to speak of.
    readonly property bool current: ListView.isCurrentItem && ListView.view !== null
                                    && ListView.view.activeFocusOnTab
    readonly property bool actionsShown: actionsAlwaysShown || hovered || current
    // The actions that apply, for the buttons and the context menu
    readonly property var buttonActions: applicable(true)
    readonly property var menuActions: applicable(false)

    function defaultSpokenText() {
        const parts = []
        for (const part of [badge, text, detail, timeText]) {
            if (part.length > 0)
                parts.push(part)
        }
        return parts.join(", ")
    }
    function applicable(buttons) {
        const out = []
        for (let i = 0; i < rowActions.length; ++i) {
            const action = rowActions[i]
            if (action.shown && (buttons ? action.inButtons : action.inMenu))
                out.push(action)
        }
        return out
    }
    // Runs the action whose key is `key` (Qt.Key_*), if it applies and can be done now.
    function runKey(key) {
        for (let i = 0; i < rowActions.length; ++i) {
            const action = rowActions[i]
            if (action.shown && action.enabled && action.keys.indexOf(key) >= 0) {
                action.trigger()
                return true
            }
        }
        return false
    }

    width: ListView.view ? ListView.view.width : implicitWidth
    implicitWidth: content.implicitWidth + Theme.spacing * 1.5
    implicitHeight: Math.max(Theme.rowHeight, content.implicitHeight + Theme.tightSpacing * 2)
    color: hovered && !current ? Theme.hover : "transparent"
    Accessible.role: Accessible.ListItem
    Accessible.name: spokenText

    HoverHandler { id: hover }

    // The column widths: the same for every row of the list, whatever it shows
    TextMetrics {
        id: timeMetrics
        font: timeLabel.font
        text: "00:00:00"
    }
    FontMetrics {
        id: badgeMetrics
        font.pixelSize: Theme.fontSmall
        font.bold: true
    }
    readonly property real badgeWidth: {
        let widest = 0
        for (const word of badgeWords)
            widest = Math.max(widest, badgeMetrics.advanceWidth(word))
        // Room for the chip around the word (and the state's dot)
        const chrome = badgeStyle === "state" ? Theme.spacing * 2 + Theme.dotSize / 2
                     : badgeStyle === "severity" ? Theme.spacing + Theme.hairline * 2 : 0
        return Math.ceil(widest + chrome)
    }

    // A severity: a bar in its colour at the left edge
    Rectangle {
        objectName: "rowSeverityBar"
        visible: row.badgeStyle === "severity" && row.badge.length > 0
        width: Theme.tightSpacing * 2
        height: parent.height
        color: row.badgeTint
        opacity: content.opacity
    }

    RowLayout {
        id: content
        objectName: "rowContent"
        anchors.fill: parent
        anchors.leftMargin: Theme.spacing
        anchors.rightMargin: Theme.spacing / 2
        spacing: Theme.spacing
        opacity: row.dimmed ? Theme.dimmedOpacity : 1.0

        RowLayout {
            id: leadingRow
            visible: children.length > 0
            spacing: Theme.spacing / 2
        }
        Mono {
            id: timeLabel
            objectName: "rowTime"
            visible: row.timeColumn
            text: row.timeText
            Layout.preferredWidth: Math.ceil(timeMetrics.advanceWidth)
        }
        Item {
            objectName: "rowBadgeColumn"
            visible: row.badgeColumn
            implicitHeight: Math.max(badgeTag.implicitHeight, stateTag.implicitHeight)
            Layout.preferredWidth: row.badgeWidth
            Layout.fillHeight: true
            Badge {
                id: badgeTag
                objectName: "rowBadge"
                visible: row.badgeStyle === "severity" && row.badge.length > 0
                anchors.verticalCenter: parent.verticalCenter
                width: Math.min(implicitWidth, parent.width)
                text: row.badge
                tint: row.badgeTint
            }
            StateTag {
                id: stateTag
                objectName: "rowState"
                visible: row.badgeStyle === "state" && row.badge.length > 0
                anchors.verticalCenter: parent.verticalCenter
                width: Math.min(implicitWidth, parent.width)
                text: row.badge
                tint: row.badgeTint
            }
            Caption {
                objectName: "rowKind"
                visible: row.badgeStyle === "plain" && row.badge.length > 0
                anchors.verticalCenter: parent.verticalCenter
                width: parent.width
                text: row.badge
                elide: Text.ElideRight
            }
        }
        ColumnLayout {
            spacing: 0
            Layout.fillWidth: true
            Layout.minimumWidth: Theme.iconSize * 2
            Body {
                objectName: "rowTitle"
                text: row.text
                font.bold: row.emphasized
                elide: Text.ElideRight
                maximumLineCount: 1
                Layout.fillWidth: true
            }
            Caption {
                objectName: "rowDetail"
                visible: row.detail.length > 0
                text: row.detail
                elide: Text.ElideRight
                maximumLineCount: 1
                Layout.fillWidth: true
            }
        }
        RowLayout {
            id: trailingRow
            visible: children.length > 0
            spacing: Theme.spacing / 2
        }
        // The actions, as icon buttons: off the keyboard's Tab path (the list has the keys:
        // its context menu and the actions' own keys)
        Row {
            objectName: "rowActions"
            visible: row.actionsShown && row.buttonActions.length > 0
            spacing: 0
            Layout.alignment: Qt.AlignVCenter
            Repeater {
                model: row.buttonActions
                delegate: IconButton {
                    required property RowAction modelData
                    objectName: modelData.name
                    action: modelData
                    iconName: modelData.iconName
                    iconOnly: true
                    shortcutText: modelData.shortcutText
                    // In a list the list has the keys; a row on its own keeps them
                    focusPolicy: row.actionsAlwaysShown ? Qt.StrongFocus : Qt.NoFocus
                    Accessible.role: Accessible.Button
                    Accessible.description: modelData.description
                }
            }
        }
    }

    Rectangle {
        objectName: "rowSeparator"
        anchors.bottom: parent.bottom
        width: parent.width
        height: Theme.hairline
        color: Theme.border
    }
}
