import QtQuick
import QtTest
import Vigil
import Vigil.Models
import Vigil.Testing

// The Logs page over LogLinesModel: it follows new lines until the operator scrolls up, then
// counts them ("N new lines") until they go back; the search moves the current line between
// matches and Escape clears it; the level filter hides lines; the selection copies as text.
// (TestCase is an invisible Item: what is tested lives in this visible one.)
Item {
    id: root
    width: 1100
    height: 640

    // Where a paste lands: what the page copied
    TextEdit {
        id: pasteTarget
        visible: false
        textFormat: TextEdit.PlainText
    }

    SignalSpy {
        id: exportSpy
        target: LogLinesModel
        signalName: "exportFinished"
    }

    TestCase {
        name: "LogViewer"
        when: windowShown

        Component { id: pageComponent; LogsPage { anchors.fill: parent } }

        readonly property var levels: ["debug", "info", "warn", "error"]
        readonly property var sources: ["api", "db", "web"]
        readonly property real baseTime: 1700000000000

        // Line n: level cycles debug, info, warn, error; source api, db, web; every fifth
        // fails with a timeout.
        function line(n) {
            return {
                level: levels[n % 4],
                source: sources[n % 3],
                taskId: "task-" + Math.floor(n / 10),
                message: n % 5 === 0 ? "Request " + n + " failed: timeout" : "request " + n + " ok",
                timestamp: baseTime + n * 1000
            }
        }
        // Line n as Copy writes it (UTC time, level, source, task, message)
        function plain(n) {
            const l = line(n)
            return new Date(l.timestamp).toISOString() + " " + l.level + " " + l.source + " "
                    + l.taskId + " " + l.message
        }
        property int next: 0
        function addLines(count) {
            const batch = []
            for (let i = 0; i < count; ++i)
                batch.push(line(next++))
            TestHelper.feedLogs(batch)
        }

        function init() {
            TestHelper.resetLogs()
            next = 0
        }

        function open() {
            const page = createTemporaryObject(pageComponent, root)
            verify(page)
            return page
        }
        function list(page) {
            const found = findChild(page, "logsPageList")
            verify(found)
            return found
        }
        // The row at the top of what the list shows.
        function topIndex(view) {
            return view.indexAt(view.width / 2, view.contentY + 1)
        }
        function rowItem(view, index) {
            tryVerify(() => view.itemAtIndex(index) !== null, 5000, "row " + index + " is not shown")
            const item = view.itemAtIndex(index)
            verify(item, "row " + index + " is not shown")
            return item
        }
        function clickRow(page, view, index, modifiers) {
            view.positionViewAtIndex(index, 0) // ListView.Beginning
            const item = rowItem(view, index)
            mouseClick(item, item.width / 2, item.height / 2, Qt.LeftButton, modifiers || Qt.NoModifier)
        }
        function typeSearch(page, text) {
            page.focusSearch()
            for (const c of text)
                keyClick(c)
            tryCompare(LogLinesModel, "searchText", text)
        }

        function test_rowsShowTheirColumns() {
            const page = open()
            const view = list(page)
            addLines(4)
            tryCompare(view, "count", 4)
            const row = rowItem(view, 3)
            compare(row.level, "error")
            compare(row.source, "api")
            compare(row.taskId, "task-0")
            compare(row.message, "request 3 ok")
            // Errors and warnings stand out; the others do not.
            compare(row.marked, true)
            compare(rowItem(view, 2).marked, true)
            compare(rowItem(view, 1).marked, false)
            // The header's handle widens the source column of every row.
            const before = row.columns.messageX
            const handle = findChild(page, "logColumnHandle_source")
            verify(handle)
            mouseDrag(handle, handle.width / 2, handle.height / 2, 60, 0)
            tryVerify(() => row.columns.messageX > before + 40)
            compare(rowItem(view, 0).columns.sourceWidth, row.columns.sourceWidth)
            // The width is kept for the next time (in characters), once the drag is done
            const kept = String(Workspace.viewState("logs/columns", "")).split(",")
            compare(kept.length, 4)
            fuzzyCompare(Number(kept[2]) * row.columns.charWidth, row.columns.sourceWidth,
                         row.columns.charWidth / 10)
            // (The other tests start from the usual widths.)
            Workspace.saveViewState("logs/columns", "")
            // The server cannot filter here: the switch is off and says why.
            compare(findChild(page, "logFilterOnServer").enabled, false)
            compare(findChild(page, "logFilterStatus").text, LogFilterSync.statusText)
        }

        function test_opensOnTheNewestLine() {
            addLines(200)
            const page = open()
            const view = list(page)
            tryCompare(view, "count", 200)
            tryVerify(() => view.atYEnd && view.indexAt(view.width / 2, view.contentY + view.height - 2) === 199)
            compare(page.following, true)
        }

        function test_followsUntilScrolledUp() {
            const page = open()
            const view = list(page)
            addLines(300)
            tryCompare(view, "count", 300)
            tryVerify(() => view.atYEnd && view.indexAt(view.width / 2, view.contentY + view.height - 2) === 299)
            compare(page.following, true)
            addLines(5)
            tryCompare(view, "count", 305)
            tryVerify(() => view.atYEnd && view.indexAt(view.width / 2, view.contentY + view.height - 2) === 304)
            const button = findChild(page, "logNewLinesButton")
            compare(button.visible, false)

            // The operator scrolls up with the wheel: the view stops there.
            mouseWheel(view, view.width / 2, view.height / 2, 0, 120 * 5)
            tryCompare(page, "following", false)
            tryVerify(() => !view.atYEnd && !view.moving)
            const firstShown = topIndex(view)
            addLines(3)
            tryCompare(view, "count", 308)
            tryCompare(button, "visible", true)
            compare(button.text, "3 new lines")
            compare(topIndex(view), firstShown)
            compare(view.atYEnd, false)
            addLines(2)
            tryCompare(button, "text", "5 new lines")

            mouseClick(button)
            tryVerify(() => view.atYEnd && view.indexAt(view.width / 2, view.contentY + view.height - 2) === 309)
            compare(page.following, true)
            compare(button.visible, false)
            // Following again: the next lines come into sight.
            addLines(4)
            tryCompare(view, "count", 314)
            tryVerify(() => view.atYEnd && view.indexAt(view.width / 2, view.contentY + view.height - 2) === 313)
        }

        function test_pauseKeepsLinesAndEndResumes() {
            const page = open()
            const view = list(page)
            addLines(100)
            tryCompare(view, "count", 100)
            const pause = findChild(page, "logPauseButton")
            compare(pause.text, "Pause")
            mouseClick(pause)
            compare(page.following, false)
            compare(pause.text, "Resume")
            // Scrolled up a little: the lines still come, the view stays.
            view.positionViewAtIndex(40, 0) // ListView.Beginning
            const firstShown = topIndex(view)
            addLines(20)
            tryCompare(view, "count", 120)
            compare(LogLinesModel.storedCount, 120)
            tryCompare(findChild(page, "logNewLinesButton"), "text", "20 new lines")
            compare(topIndex(view), firstShown)
            // End in the list goes to the newest line and follows.
            view.forceActiveFocus()
            keyClick(Qt.Key_End)
            compare(page.following, true)
            compare(page.currentRow, 119)
            tryVerify(() => view.atYEnd)
            compare(pause.text, "Pause")
            compare(findChild(page, "logNewLinesButton").visible, false)
        }

        function test_keysMoveTheCurrentLine() {
            const page = open()
            const view = list(page)
            addLines(200)
            tryCompare(view, "count", 200)
            view.forceActiveFocus()
            keyClick(Qt.Key_Home)
            compare(page.currentRow, 0)
            compare(page.following, false)
            tryVerify(() => topIndex(view) === 0)
            keyClick(Qt.Key_Down)
            keyClick(Qt.Key_Down)
            compare(page.currentRow, 2)
            keyClick(Qt.Key_Up)
            compare(page.currentRow, 1)
            compare(rowItem(view, 1).current, true)
            compare(rowItem(view, 1).selected, true)
            keyClick(Qt.Key_PageDown)
            verify(page.currentRow > 5)
            // The current line is in sight and whole in the detail strip.
            verify(view.itemAtIndex(page.currentRow) !== null)
            compare(findChild(page, "logDetailText").text, plain(page.currentRow))
            keyClick(Qt.Key_PageUp)
            compare(page.currentRow, 1)
            // End: the newest line, following again.
            const ordinal = page.currentOrdinal
            keyClick(Qt.Key_End)
            compare(page.currentRow, 199)
            compare(page.following, true)
            verify(page.currentOrdinal > ordinal)
        }

        function test_searchMovesBetweenMatches() {
            const page = open()
            const view = list(page)
            addLines(12) // matches: lines 0, 5 and 10
            tryCompare(view, "count", 12)
            typeSearch(page, "timeout")
            tryCompare(LogLinesModel, "matchCount", 3)
            const position = findChild(page, "logSearchPosition")
            compare(position.text, "3 matches")
            // The matches are tinted in their rows.
            tryVerify(() => rowItem(view, 5).isMatch && findChild(rowItem(view, 5), "logMatch") !== null)

            keyClick(Qt.Key_Return) // all 12 lines are in sight: from the top
            compare(page.currentRow, 0)
            compare(position.text, "1 of 3")
            keyClick(Qt.Key_Return)
            compare(page.currentRow, 5)
            compare(position.text, "2 of 3")
            keyClick(Qt.Key_F3)
            compare(page.currentRow, 10)
            keyClick(Qt.Key_F3) // wraps to the first
            compare(page.currentRow, 0)
            keyClick(Qt.Key_Return, Qt.ShiftModifier) // wraps to the last
            compare(page.currentRow, 10)
            keyClick(Qt.Key_F3, Qt.ShiftModifier)
            compare(page.currentRow, 5)
            mouseClick(findChild(page, "logNextMatch"))
            compare(page.currentRow, 10)
            mouseClick(findChild(page, "logPreviousMatch"))
            compare(page.currentRow, 5)

            // Only the matching lines.
            mouseClick(findChild(page, "logOnlyMatches"))
            tryCompare(view, "count", 3)
            tryCompare(LogLinesModel, "showOnlyMatches", true)
            mouseClick(findChild(page, "logOnlyMatches"))
            tryCompare(view, "count", 12)

            // A regular expression, and one that does not compile.
            mouseClick(findChild(page, "logSearchRegex"))
            page.focusSearch()
            for (const c of "request (1|2) ")
                keyClick(c)
            tryCompare(LogLinesModel, "matchCount", 2) // lines 1 and 2
            keyClick(Qt.Key_Backspace)
            keyClick(Qt.Key_Backspace)
            tryVerify(() => LogLinesModel.searchError.length > 0)
            compare(findChild(page, "logSearchError").visible, true)
            compare(LogLinesModel.matchCount, 0)
        }

        function test_escapeClearsTheSearch() {
            const page = open()
            const view = list(page)
            addLines(12)
            tryCompare(view, "count", 12)
            typeSearch(page, "failed")
            tryCompare(LogLinesModel, "matchCount", 3)
            keyClick(Qt.Key_Escape)
            compare(LogLinesModel.searchText, "")
            compare(findChild(page, "logSearchField").text, "")
            tryCompare(LogLinesModel, "matchCount", 0)
            verify(view.activeFocus)
            // In the list, too.
            typeSearch(page, "failed")
            tryCompare(LogLinesModel, "matchCount", 3)
            view.forceActiveFocus()
            keyClick(Qt.Key_Escape)
            compare(LogLinesModel.searchText, "")
            compare(findChild(page, "logSearchField").text, "")
        }

        function test_levelFilterHidesLines() {
            const page = open()
            const view = list(page)
            addLines(20)
            tryCompare(view, "count", 20)
            const levelChoice = findChild(page, "logLevelFilter")
            verify(levelChoice)
            levelChoice.activated(2) // warnings and errors
            compare(LogLinesModel.minLevel, 2)
            compare(levelChoice.currentIndex, 2)
            tryCompare(view, "count", 10)
            tryVerify(() => !LogLinesModel.busy)
            for (let row = 0; row < view.count; ++row) {
                const item = view.itemAtIndex(row)
                if (item)
                    verify(item.levelRank >= 2, "row " + row + " is " + item.level)
            }
            // New lines are filtered as they come.
            addLines(4)
            tryCompare(view, "count", 12)
            mouseClick(findChild(page, "logClearFilter"))
            tryCompare(view, "count", 24)
            compare(levelChoice.currentIndex, 0)
        }

        function test_copiesTheSelectedLines() {
            const page = open()
            const view = list(page)
            addLines(10)
            tryCompare(view, "count", 10)
            clickRow(page, view, 2)
            compare(page.currentRow, 2)
            clickRow(page, view, 4, Qt.ShiftModifier)
            compare(page.currentRow, 4)
            compare(rowItem(view, 3).selected, true)
            compare(rowItem(view, 5).selected, false)
            verify(view.activeFocus)

            pasteTarget.text = ""
            keyClick(Qt.Key_C, Qt.ControlModifier)
            pasteTarget.paste()
            compare(pasteTarget.text, [plain(2), plain(3), plain(4)].join("\n"))
            compare(findChild(page, "logCopyMessage").text, "Copied 3 lines")

            // The Copy button copies the same way; a click without Shift selects one line.
            clickRow(page, view, 7)
            mouseClick(findChild(page, "logCopyButton"))
            pasteTarget.text = ""
            pasteTarget.paste()
            compare(pasteTarget.text, plain(7))
        }

        function test_exportsTheLinesShown() {
            const page = open()
            const view = list(page)
            addLines(8)
            tryCompare(view, "count", 8)
            findChild(page, "logLevelFilter").activated(3) // errors only: lines 3 and 7
            tryCompare(view, "count", 2)
            const spy = exportSpy
            spy.clear()
            const path = TestHelper.scratchPath("errors.log")
            page.exportTo("file://" + path, false)
            compare(LogLinesModel.exporting, true)
            spy.wait()
            compare(spy.signalArguments[0][0], true)
            compare(TestHelper.readFile(path), plain(3) + "\n" + plain(7) + "\n")
            const message = findChild(page, "logExportMessage")
            tryCompare(message, "visible", true)
            verify(message.text.indexOf("errors.log") >= 0)
        }

        function test_exportSaysWhenItFails() {
            const page = open()
            addLines(5)
            tryCompare(list(page), "count", 5)
            const spy = exportSpy
            spy.clear()
            page.exportTo("/proc/vigil-no-such-folder/lines.log", false)
            spy.wait()
            compare(spy.signalArguments[0][0], false)
            const message = findChild(page, "logExportMessage")
            tryCompare(message, "visible", true)
            verify(message.text.length > 0)
            compare(message.color, Theme.danger)
        }

        function test_exportAsksForAFile() {
            const page = open()
            addLines(5)
            tryCompare(list(page), "count", 5)
            const dialog = findChild(page, "logExportDialog")
            verify(dialog)
            mouseClick(findChild(page, "logExportButton"))
            tryCompare(dialog, "visible", true)
            compare(dialog.nameFilters.length, 2)
            dialog.reject()
            tryCompare(dialog, "visible", false)
        }

        function test_clearDropsEveryLine() {
            const page = open()
            const view = list(page)
            addLines(30)
            tryCompare(view, "count", 30)
            mouseClick(findChild(page, "logClearButton"))
            tryCompare(view, "count", 0)
            compare(LogLinesModel.storedCount, 0)
            compare(page.following, true)
            addLines(3)
            tryCompare(view, "count", 3)
        }
    }
}
