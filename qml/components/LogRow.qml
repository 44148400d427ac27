pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls
import Vigil

// One line of the log viewer (LogLinesModel), on one dense line in the monospace font: time,
// level, source, task and message in the columns the header sizes (LogColumns). Warnings and
// errors stand out by the tone of their level and a bar at the left edge (not a badge: a log
// has too many of them). Where the search matches, the message is tinted behind its text, so
// the text shown is exactly the line's. The message is cut at the column's end; the tooltip
// and the page's detail strip hold all of it.
Rectangle {
    id: row
    required property LogColumns columns
    required property int index
    required property string time
    required property string level
    required property int levelRank
    required property string source
    required property string taskId
    required property string message
    required property var matchedRanges
    required property bool isMatch
    required property real ordinal

    // Set by the page: the row is in the selection, is the current row, the list has the keys
    property bool selected: false
    property bool current: false
    property bool listFocused: false

    readonly property color levelColor: levelRank >= 3 ? Theme.danger
                                        : levelRank === 2 ? Theme.warning
                                        : levelRank === 0 ? Theme.textMuted : Theme.text
    readonly property bool marked: levelRank >= 2

    function accessibleName() {
        const parts = []
        for (const part of [time, level, source, taskId, message]) {
            if (part.length > 0)
                parts.push(part)
        }
        return parts.join(", ")
    }

    implicitHeight: columns.rowHeight
    color: selected ? Theme.selection : hover.hovered ? Theme.hover : "transparent"
    // The current line: ringed in the accent while the list has the keys
    border.color: current ? (listFocused ? Theme.accent : Theme.border) : "transparent"
    border.width: current ? (listFocused ? Theme.focusWidth : Theme.hairline) : 0

    Accessible.role: Accessible.ListItem
    Accessible.name: accessibleName()
    Accessible.selected: selected

    // The whole message, once the pointer rests on one that is cut
    HoverHandler { id: hover }
    ToolTip.visible: hover.hovered && (messageText.truncated || messageText.lineCount > 1)
    ToolTip.text: message
    ToolTip.delay: columns.hintDelay

    // Warnings and errors: a bar in their tone at the left edge
    Rectangle {
        visible: row.marked
        width: Theme.tightSpacing * 2
        height: parent.height
        color: row.levelColor
    }

    Row {
        x: row.columns.leading
        height: parent.height
        spacing: row.columns.gap
        Mono {
            anchors.verticalCenter: parent.verticalCenter
            width: row.columns.timeWidth
            text: row.time
            font: row.columns.font
            elide: Text.ElideRight
        }
        Mono {
            objectName: "logLevel"
            anchors.verticalCenter: parent.verticalCenter
            width: row.columns.levelWidth
            text: row.level
            font.family: row.columns.font.family
            font.pixelSize: row.columns.font.pixelSize
            font.bold: row.marked
            color: row.levelColor
            elide: Text.ElideRight
        }
        Mono {
            anchors.verticalCenter: parent.verticalCenter
            width: row.columns.sourceWidth
            text: row.source
            font: row.columns.font
            elide: Text.ElideRight
        }
        Mono {
            anchors.verticalCenter: parent.verticalCenter
            width: row.columns.taskWidth
            text: row.taskId
            font: row.columns.font
            elide: Text.ElideRight
        }
    }

    Item {
        id: messageCell
        x: row.columns.messageX
        width: Math.max(0, row.width - x - row.columns.gap)
        height: parent.height
        clip: true

        // The search's matches: tints under the text, measured in the row's font
        Repeater {
            model: row.matchedRanges
            delegate: Rectangle {
                id: tint
                required property var modelData
                objectName: "logMatch"
                x: before.advanceWidth
                width: Math.max(Theme.hairline, match.advanceWidth)
                height: messageCell.height
                radius: Theme.tightSpacing
                color: Theme.warning
                opacity: Theme.dimmedOpacity
                TextMetrics {
                    id: before
                    font: row.columns.font
                    text: row.message.substring(0, tint.modelData.start)
                }
                TextMetrics {
                    id: match
                    font: row.columns.font
                    text: row.message.substr(tint.modelData.start, tint.modelData.length)
                }
            }
        }
        Mono {
            id: messageText
            objectName: "logMessage"
            anchors.verticalCenter: parent.verticalCenter
            width: parent.width
            text: row.message
            textFormat: Text.PlainText
            font: row.columns.font
            color: Theme.text
            elide: Text.ElideRight
            maximumLineCount: 1
        }
    }
}
