pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls
import QtQuick.Dialogs
import QtQuick.Layouts
import Vigil
import Vigil.Models

// The log viewer: every line LogLinesModel holds (up to its capacity), oldest at the top, one
// dense monospace line each in resizable columns, filtered (level, sources, task; also on the
// server when it can) and searched (text or regular expression, the matches tinted, or only
// them shown).
//
// Following: while the view is on the newest line it stays there as lines arrive. Scrolling up,
// moving to another line or Pause stops it there (lines are still stored) and a "N new lines"
// button counts what arrived since; it, Resume and End go back to the newest line.
//
// Keys in the list: Up, Down, Page Up, Page Down, Home and End move the current line (with
// Shift they extend the selection, as Shift+click does), Ctrl+C copies the selected lines,
// Escape clears the search. Ctrl+F searches; Enter or F3 and Shift+Enter or Shift+F3 go to the
// next and previous match.
Page {
    id: page
    objectName: "logsPage"
    background: Rectangle { color: Theme.window }

    // The view stays on the newest line as lines arrive
    property bool following: true
    // The selection, by the lines' ordinals (they stay put while lines come, leave and are
    // filtered): the current line and the other end of a Shift range. -1: none.
    property real currentOrdinal: -1
    property real anchorOrdinal: -1
    readonly property real selectionFirst: currentOrdinal < 0 ? -1 : Math.min(currentOrdinal, anchorOrdinal)
    readonly property real selectionLast: currentOrdinal < 0 ? -1 : Math.max(currentOrdinal, anchorOrdinal)
    // Bumped whenever rows come, leave or are replaced: what reads rows by position reads again
    property int revision: 0
    // The current line's row; -1 when there is none or the filter hides it
    readonly property int currentRow: revision >= 0 && currentOrdinal >= 0 ? exactRow(currentOrdinal) : -1
    // "Copied 3 lines" after a copy, until the selection changes
    property string copyMessage
    property string exportPath

    readonly property alias list: list
    readonly property alias searchBar: searchBar

    function exactRow(ordinal) {
        const row = LogLinesModel.rowForOrdinal(ordinal)
        return row >= 0 && LogLinesModel.ordinalAt(row) === ordinal ? row : -1
    }
    // The rows of the selection, top to bottom (those the filter shows)
    function selectedRows() {
        if (currentOrdinal < 0)
            return []
        const first = LogLinesModel.rowForOrdinal(selectionFirst)
        if (first < 0)
            return []
        let end = LogLinesModel.rowForOrdinal(selectionLast + 1)
        if (end < 0)
            end = LogLinesModel.count
        const rows = []
        for (let row = first; row < end; ++row)
            rows.push(row)
        return rows
    }
    // The rows at the top and the bottom of what the list shows
    function topRow() {
        const row = list.indexAt(list.width / 2, list.contentY + 1)
        return row >= 0 ? row : 0
    }
    function bottomRow() {
        const row = list.indexAt(list.width / 2, list.contentY + list.height - 1)
        return row >= 0 ? row : list.count - 1
    }

    // Following again: to the newest line; nothing counts as new any more.
    function follow() {
        following = true
        LogLinesModel.markSeen()
        list.positionViewAtEnd()
    }
    // The view stops where it is; lines arriving from now on count as new.
    function pause() {
        if (!following)
            return
        following = false
        LogLinesModel.markSeen()
    }
    function keepFollowing() {
        if (following && !list.moving)
            list.positionViewAtEnd()
    }

    // Makes `row` current (and, unless `extend`, the whole selection) and shows it; the last
    // row follows again, any other stops following.
    function goTo(row, extend, mode) {
        if (row < 0 || row >= LogLinesModel.count)
            return
        currentOrdinal = LogLinesModel.ordinalAt(row)
        if (!extend || anchorOrdinal < 0)
            anchorOrdinal = currentOrdinal
        copyMessage = ""
        if (row === LogLinesModel.count - 1) {
            follow()
        } else {
            pause()
            list.positionViewAtIndex(row, mode === undefined ? ListView.Contain : mode)
        }
    }
    function clearSelection() {
        currentOrdinal = -1
        anchorOrdinal = -1
        copyMessage = ""
    }

    function findNext() {
        if (LogLinesModel.matchCount === 0)
            return
        let row = LogLinesModel.nextMatch(currentRow >= 0 ? currentRow : topRow() - 1)
        if (row < 0)
            row = LogLinesModel.nextMatch(-1)
        goTo(row, false, ListView.Center)
    }
    function findPrevious() {
        if (LogLinesModel.matchCount === 0)
            return
        let row = LogLinesModel.previousMatch(currentRow >= 0 ? currentRow : bottomRow() + 1)
        if (row < 0)
            row = LogLinesModel.previousMatch(LogLinesModel.count)
        goTo(row, false, ListView.Center)
    }
    function focusSearch() {
        searchBar.field.forceActiveFocus()
        searchBar.field.selectAll()
    }
    function clearSearch() {
        searchBar.clear()
        list.forceActiveFocus()
    }

    // Copies the selected lines as text (the export's plain format) to the clipboard.
    function copySelection() {
        const rows = selectedRows()
        if (rows.length === 0)
            return false
        // A TextEdit that is never shown does the clipboard's work: QML has no clipboard API.
        clipboard.text = LogLinesModel.textOf(rows)
        clipboard.selectAll()
        clipboard.copy()
        clipboard.clear()
        copyMessage = qsTr("Copied %n lines", "", rows.length)
        return true
    }
    function exportTo(fileUrl, jsonLines) {
        exportPath = String(fileUrl)
        statusLine.exportMessage = ""
        LogLinesModel.exportTo(exportPath, jsonLines ? LogLinesModel.JsonLines : LogLinesModel.PlainText)
    }

    function handleKey(event) {
        if (event.key === Qt.Key_Copy
                || (event.key === Qt.Key_C && (event.modifiers & Qt.ControlModifier))) {
            event.accepted = copySelection()
            return
        }
        const extend = (event.modifiers & Qt.ShiftModifier) !== 0
        const pageRows = Math.max(1, Math.floor(list.height / logColumns.rowHeight) - 1)
        const last = LogLinesModel.count - 1
        let row = -1
        switch (event.key) {
        case Qt.Key_Up:
            row = (currentRow >= 0 ? currentRow : bottomRow() + 1) - 1
            break
        case Qt.Key_Down:
            row = (currentRow >= 0 ? currentRow : topRow() - 1) + 1
            break
        case Qt.Key_PageUp:
            row = (currentRow >= 0 ? currentRow : bottomRow()) - pageRows
            break
        case Qt.Key_PageDown:
            row = (currentRow >= 0 ? currentRow : topRow()) + pageRows
            break
        case Qt.Key_Home:
            row = 0
            break
        case Qt.Key_End:
            event.accepted = true
            if (last >= 0)
                goTo(last, extend)
            else
                follow()
            return
        case Qt.Key_Escape:
            event.accepted = searchBar.searching
            if (event.accepted)
                searchBar.clear()
            return
        default:
            return
        }
        event.accepted = true
        if (last >= 0)
            goTo(Math.max(0, Math.min(last, row)), extend)
    }

    onVisibleChanged: if (visible) list.forceActiveFocus()
    // The lines held already: the page opens on the newest.
    Component.onCompleted: followTimer.start()

    Shortcut {
        sequence: "Ctrl+F"
        enabled: page.visible
        onActivated: page.focusSearch()
    }
    Shortcut {
        sequence: "F3"
        enabled: page.visible && searchBar.searching
        onActivated: page.findNext()
    }
    Shortcut {
        sequence: "Shift+F3"
        enabled: page.visible && searchBar.searching
        onActivated: page.findPrevious()
    }

    Connections {
        target: LogLinesModel
        function onRowsInserted() {
            page.revision += 1
            if (page.following)
                followTimer.start()
        }
        function onRowsRemoved() {
            page.revision += 1
        }
        function onModelReset() {
            page.revision += 1
            // Another filter: the newest line when following, else the current line in sight
            if (page.following)
                followTimer.start()
            else if (page.currentRow >= 0)
                list.positionViewAtIndex(page.currentRow, ListView.Center)
        }
        function onExportFinished(ok, error) {
            statusLine.exportFailed = !ok
            statusLine.exportMessage = ok ? qsTr("Exported to %1").arg(page.exportPath) : error
        }
    }

    // New rows reach the view in the same signal as this page: it follows them once the view
    // has taken them in (and once for a burst of batches).
    Timer {
        id: followTimer
        interval: 0
        onTriggered: page.keepFollowing()
    }

    LogColumns { id: logColumns }

    // The clipboard's go-between (see copySelection)
    TextEdit {
        id: clipboard
        visible: false
        textFormat: TextEdit.PlainText
    }

    FileDialog {
        id: exportDialog
        objectName: "logExportDialog"
        title: qsTr("Export log lines")
        fileMode: FileDialog.SaveFile
        nameFilters: [qsTr("Plain text (*.log *.txt)"), qsTr("JSON lines (*.jsonl)")]
        defaultSuffix: selectedNameFilter.index === 1 ? "jsonl" : "log"
        onAccepted: {
            const name = String(selectedFile)
            page.exportTo(selectedFile, selectedNameFilter.index === 1 || name.endsWith(".jsonl")
                                        || name.endsWith(".json"))
        }
    }

    ColumnLayout {
        anchors.fill: parent
        anchors.margins: Theme.padding
        spacing: Theme.spacing

        RowLayout {
            Layout.fillWidth: true
            spacing: Theme.spacing
            Heading {
                objectName: "logsPageHeading"
                text: qsTr("Logs")
            }
            Body {
                objectName: "logsPageSummary"
                text: {
                    const shown = qsTr("%n lines shown", "", LogLinesModel.count)
                    return page.following ? qsTr("%1 - following").arg(shown)
                                          : qsTr("%1 - paused").arg(shown)
                }
                color: Theme.textMuted
                elide: Text.ElideRight
                Layout.fillWidth: true
            }
            Button {
                objectName: "logPauseButton"
                text: page.following ? qsTr("Pause") : qsTr("Resume")
                font.pixelSize: Theme.fontSmall
                Accessible.description: page.following
                                        ? qsTr("Stop at the lines shown; new lines are still kept")
                                        : qsTr("Go to the newest line and follow new ones (End)")
                onClicked: page.following ? page.pause() : page.follow()
            }
            Button {
                objectName: "logCopyButton"
                text: qsTr("Copy")
                enabled: page.currentOrdinal >= 0
                font.pixelSize: Theme.fontSmall
                Accessible.description: qsTr("Copy the selected lines (Ctrl+C)")
                onClicked: page.copySelection()
            }
            Button {
                objectName: "logExportButton"
                text: qsTr("Export…")
                enabled: !LogLinesModel.exporting && LogLinesModel.count > 0
                font.pixelSize: Theme.fontSmall
                Accessible.description: qsTr("Write the lines shown to a file, as text or JSON lines")
                onClicked: exportDialog.open()
            }
            Button {
                objectName: "logClearButton"
                text: qsTr("Clear")
                enabled: LogLinesModel.storedCount > 0
                font.pixelSize: Theme.fontSmall
                Accessible.description: qsTr("Drop every line held")
                onClicked: {
                    page.clearSelection()
                    LogLinesModel.clear()
                    page.follow()
                }
            }
        }

        LogFilterBar {
            objectName: "logFilterBar"
            Layout.fillWidth: true
        }

        LogSearchBar {
            id: searchBar
            objectName: "logSearchBar"
            Layout.fillWidth: true
            position: {
                const index = page.revision >= 0 && page.currentRow >= 0
                              ? LogLinesModel.matchIndex(page.currentRow) : -1
                return index >= 0 ? qsTr("%1 of %2").arg(index + 1).arg(LogLinesModel.matchCount)
                                  : qsTr("%n matches", "", LogLinesModel.matchCount)
            }
            onNextRequested: page.findNext()
            onPreviousRequested: page.findPrevious()
            onCleared: list.forceActiveFocus()
        }

        Rectangle {
            Layout.fillWidth: true
            Layout.fillHeight: true
            radius: Theme.radius
            color: Theme.surface
            // The keyboard is in the list: its frame says so
            border.color: list.activeFocus ? Theme.accent : Theme.border
            border.width: list.activeFocus ? Theme.hairline * 2 : Theme.hairline

            ColumnLayout {
                anchors.fill: parent
                anchors.margins: Theme.spacing
                spacing: 0

                LogHeader {
                    objectName: "logHeader"
                    columns: logColumns
                    Layout.fillWidth: true
                }

                ListView {
                    id: list
                    objectName: "logsPageList"
                    model: LogLinesModel
                    clip: true
                    focus: true
                    activeFocusOnTab: true
                    keyNavigationEnabled: false
                    boundsBehavior: Flickable.StopAtBounds
                    // Rows are recycled as the view runs through up to a million lines
                    reuseItems: true
                    Layout.fillWidth: true
                    Layout.fillHeight: true
                    Accessible.role: Accessible.List
                    Accessible.name: qsTr("Log lines")
                    ScrollBar.vertical: ScrollBar {
                        id: scrollBar
                        objectName: "logScrollBar"
                        onPressedChanged: {
                            if (pressed)
                                page.pause()
                            else if (list.atYEnd)
                                page.follow()
                        }
                    }

                    // The operator scrolls: the view stays where they take it, and follows
                    // again when they bring it back to the newest line.
                    onMovementStarted: page.pause()
                    onMovementEnded: if (atYEnd) page.follow()

                    Keys.onPressed: event => page.handleKey(event)

                    delegate: LogRow {
                        id: row
                        columns: logColumns
                        width: ListView.view ? ListView.view.width : implicitWidth
                        selected: row.ordinal >= page.selectionFirst && row.ordinal <= page.selectionLast
                        current: row.ordinal === page.currentOrdinal
                        listFocused: list.activeFocus
                    }

                    // Under the rows: a click makes a line current, Shift+click extends the
                    // selection to it.
                    MouseArea {
                        objectName: "logsPageClicks"
                        parent: list.contentItem
                        y: list.originY
                        z: -1
                        width: list.width
                        height: Math.max(list.contentHeight, list.height)
                        acceptedButtons: Qt.LeftButton
                        onClicked: mouse => {
                            const row = list.indexAt(mouse.x + x, mouse.y + y)
                            list.forceActiveFocus()
                            if (row >= 0)
                                page.goTo(row, (mouse.modifiers & Qt.ShiftModifier) !== 0)
                        }
                    }

                    EmptyHint {
                        shown: list.count === 0
                        text: LogLinesModel.storedCount > 0 ? qsTr("No line matches the filter.")
                                                            : qsTr("No log lines yet.")
                    }
                }
            }

            Button {
                objectName: "logNewLinesButton"
                visible: !page.following && LogLinesModel.newSinceMark > 0
                text: qsTr("%n new lines", "", LogLinesModel.newSinceMark)
                font.pixelSize: Theme.fontSmall
                font.bold: true
                anchors.bottom: parent.bottom
                anchors.horizontalCenter: parent.horizontalCenter
                anchors.bottomMargin: Theme.padding
                Accessible.description: qsTr("Go to the newest line and follow new ones")
                onClicked: {
                    page.follow()
                    list.forceActiveFocus()
                }
            }
        }

        LogDetail {
            objectName: "logDetail"
            text: page.revision >= 0 && page.currentRow >= 0 ? LogLinesModel.textOf([page.currentRow]) : ""
            Layout.fillWidth: true
        }

        RowLayout {
            Layout.fillWidth: true
            spacing: Theme.spacing
            LogStatusLine {
                id: statusLine
                objectName: "logStatusLine"
                Layout.fillWidth: true
            }
            Caption {
                objectName: "logCopyMessage"
                visible: page.copyMessage.length > 0
                text: page.copyMessage
            }
        }
    }
}
