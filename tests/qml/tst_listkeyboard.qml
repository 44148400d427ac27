import QtQuick
import QtQuick.Controls
import QtTest
import Vigil
import Vigil.Models

// Lists by keyboard and mouse (ListPage over FeedRows with RowActions): Up, Down, Page Up, Page
// Down, Home and End move the current row, which is highlighted and ringed while the list has
// the focus; Enter opens it; the Menu key, Shift+F10 or a right click opens its context menu,
// whose entries run the row's actions; Delete or D dismisses, an action's own key runs it; the
// current row shows its action buttons. The rows line up (titles at one x whatever the badge;
// separators across every row, read or unread), and the Logs columns and a list's sort order
// come back as the operator left them (Workspace.viewState).
// (TestCase is an invisible Item: what is tested lives in this visible one.)
Item {
    id: root
    width: 600
    height: 400

    ListModel {
        id: rows
    }
    function fill(count) {
        rows.clear()
        const severities = ["low", "critical", "medium", "high"]
        for (let i = 0; i < count; ++i)
            rows.append({ name: "row " + i, severity: severities[i % severities.length] })
    }

    // What the rows' actions did, for the tests to read
    property var acknowledged: []

    Component {
        id: pageComponent
        ListPage {
            objectName: "keysPage"
            anchors.fill: parent
            heading: "Things"
            searchable: true
            model: rows
            delegate: FeedRow {
                id: thing
                required property string name
                required property string severity
                required property int index
                objectName: "thing_" + name
                text: name
                badge: severity
                timeText: "12:00:00"
                spokenText: qsTr("%1 thing: %2").arg(severity).arg(name)
                rowActions: [
                    RowAction {
                        name: "ack_" + thing.name
                        text: "Acknowledge"
                        iconName: "object-select"
                        keys: [Qt.Key_A]
                        shortcutText: "A"
                        onTriggered: root.acknowledged = root.acknowledged.concat([thing.name])
                    },
                    RowAction {
                        name: "dismiss_" + thing.name
                        text: "Dismiss"
                        iconName: "window-close"
                        keys: [Qt.Key_Delete, Qt.Key_D]
                        shortcutText: "Del"
                        onTriggered: rows.remove(thing.index)
                    },
                    RowAction {
                        name: "later_" + thing.name
                        text: "Silence for 1 hour"
                        inButtons: false
                        // Not for the critical ones
                        enabled: thing.severity !== "critical"
                    }
                ]
            }
        }
    }

    // A list whose sort is kept: an object with sortKey and descending, as IncidentList
    Component {
        id: sortComponent
        QtObject {
            property int sortKey: 0
            property bool descending: true
            signal sortChanged()
            onSortKeyChanged: sortChanged()
            onDescendingChanged: sortChanged()
        }
    }
    Component {
        id: sortedPageComponent
        ListPage {
            anchors.fill: parent
            heading: "Sorted"
            model: rows
            delegate: FeedRow {
                required property string name
                text: name
            }
        }
    }

    Component {
        id: notificationComponent
        NotificationRow {
            width: 500
        }
    }
    Component {
        id: columnsComponent
        LogColumns {}
    }
    Component {
        id: headerComponent
        LogHeader {
            width: 500
            columns: LogColumns {
                stateKey: "test/columns"
            }
        }
    }

    TestCase {
        name: "ListKeyboard"
        when: windowShown

        SignalSpy {
            id: activatedSpy
            signalName: "activated"
        }

        function init() {
            acknowledged = []
        }

        function makePage(count) {
            fill(count === undefined ? 5 : count)
            const page = createTemporaryObject(pageComponent, root)
            verify(page)
            activatedSpy.clear()
            activatedSpy.target = page
            page.list.forceActiveFocus()
            tryVerify(() => page.list.activeFocus && page.list.currentItem !== null)
            // The pointer away from the rows: only the current row shows its buttons
            mouseMove(root, root.width - 1, root.height - 1)
            return page
        }
        function rowItem(page, name) {
            let found = null
            tryVerify(() => (found = findChild(page.list, "thing_" + name)) !== null, 5000, name)
            return found
        }
        // The entry of the row action `name` in the open context menu, once laid out in it
        function menuEntry(page, name) {
            const menu = page.rowMenu
            let entry = null
            for (let i = 0; i < menu.count; ++i) {
                if (menu.itemAt(i).objectName === "menu_" + name)
                    entry = menu.itemAt(i)
            }
            verify(entry, name)
            tryVerify(() => {
                const at = entry.mapToItem(menu.contentItem, 0, 0)
                return menu.opened && entry.width > 0 && entry.height > 0
                        && at.y + entry.height <= menu.contentItem.height + 1
            }, 5000, name + " is in the menu")
            return entry
        }
        // The current row is within what the list shows
        function verifyCurrentShown(page) {
            const list = page.list
            const item = list.currentItem
            verify(item)
            tryVerify(() => item.y >= list.contentY - 1
                            && item.y + item.height <= list.contentY + list.height + 1,
                      5000, "row " + list.currentIndex + " is in sight")
        }

        function test_keysMoveTheCurrentRow() {
            const page = makePage(40)
            const list = page.list
            compare(list.currentIndex, 0)
            keyClick(Qt.Key_Down)
            compare(list.currentIndex, 1)
            keyClick(Qt.Key_Up)
            compare(list.currentIndex, 0)
            keyClick(Qt.Key_End)
            compare(list.currentIndex, 39)
            verifyCurrentShown(page)
            keyClick(Qt.Key_Home)
            compare(list.currentIndex, 0)
            verifyCurrentShown(page)
            // A page is what the list shows, less a row
            const step = page.pageRows()
            verify(step > 1, "a page of " + step)
            keyClick(Qt.Key_PageDown)
            compare(list.currentIndex, step)
            verifyCurrentShown(page)
            keyClick(Qt.Key_PageDown)
            compare(list.currentIndex, step * 2)
            keyClick(Qt.Key_PageUp)
            compare(list.currentIndex, step)
            keyClick(Qt.Key_PageUp)
            keyClick(Qt.Key_PageUp) // not above the first row
            compare(list.currentIndex, 0)
            keyClick(Qt.Key_End)
            keyClick(Qt.Key_PageDown) // nor under the last
            compare(list.currentIndex, 39)
            verifyCurrentShown(page)
        }

        function test_enterActivatesTheCurrentRow() {
            const page = makePage()
            keyClick(Qt.Key_Down)
            keyClick(Qt.Key_Down)
            keyClick(Qt.Key_Return)
            compare(activatedSpy.count, 1)
            compare(activatedSpy.signalArguments[0][0], 2)
        }

        // Tab reaches the list; there the current row is highlighted and ringed in the accent;
        // elsewhere the keyboard, the highlight stays and the ring goes.
        function test_focusRingWhileTheListHasTheKeys() {
            const page = makePage()
            const ring = findChild(page, "keysPageFocusRing")
            const highlight = findChild(page, "keysPageHighlight")
            verify(ring)
            verify(highlight)
            verify(ring.visible)
            compare(ring.border.width, Theme.focusWidth)
            compare(String(ring.border.color), String(Theme.accent))
            // Over the rows (a row's tint or separator never hides it), around the current one
            verify(ring.z > page.list.currentItem.z)
            keyClick(Qt.Key_Down)
            tryCompare(ring, "y", page.list.currentItem.y)
            compare(ring.height, page.list.currentItem.height)
            compare(ring.width, page.list.width)
            compare(String(highlight.color), String(Theme.selection))

            page.searchField.forceActiveFocus()
            tryVerify(() => !page.list.activeFocus)
            compare(ring.visible, false)
            verify(highlight.visible)
            // Tab from the search field: the tools, then the list again
            for (let i = 0; i < 10 && !page.list.activeFocus; ++i)
                keyClick(Qt.Key_Tab)
            verify(page.list.activeFocus, "Tab reaches the list")
            verify(ring.visible)
        }

        // The current row shows its action buttons (without the pointer); the others do not.
        function test_currentRowShowsItsActions() {
            const page = makePage()
            const first = rowItem(page, "row 0")
            const second = rowItem(page, "row 1")
            tryCompare(first, "hovered", false)
            verify(findChild(first, "rowActions").visible)
            verify(findChild(first, "ack_row 0").visible)
            compare(findChild(second, "rowActions").visible, false)
            keyClick(Qt.Key_Down)
            compare(findChild(first, "rowActions").visible, false)
            verify(findChild(second, "rowActions").visible)
            // A click on a button acts on its row
            mouseClick(findChild(second, "ack_row 1"))
            compare(acknowledged, ["row 1"])
            // Off the Tab path: the list keeps the keys
            verify(page.list.activeFocus)
        }

        function test_menuKeyOpensTheContextMenu() {
            const page = makePage()
            const menu = page.rowMenu
            keyClick(Qt.Key_Down)
            keyClick(Qt.Key_Menu)
            tryCompare(menu, "opened", true)
            // The row's actions, with their text and keys, those that cannot be done disabled
            compare(menu.count, 3)
            compare(menu.itemAt(0).text, "Acknowledge")
            compare(menu.itemAt(1).text, "Dismiss")
            compare(menu.itemAt(2).text, "Silence for 1 hour")
            compare(menu.itemAt(0).Accessible.description, "Shortcut: A")
            compare(menu.itemAt(1).Accessible.description, "Shortcut: Del")
            compare(menu.itemAt(2).enabled, false) // row 1 is critical
            const entry = menuEntry(page, "ack_row 1")
            mouseClick(entry)
            compare(acknowledged, ["row 1"])
            tryCompare(menu, "opened", false)
            // The keys are back in the list
            tryVerify(() => page.list.activeFocus)

            // Shift+F10 too, and the keyboard goes through the menu
            keyClick(Qt.Key_F10, Qt.ShiftModifier)
            tryCompare(menu, "opened", true)
            keyClick(Qt.Key_Down)
            keyClick(Qt.Key_Down)
            keyClick(Qt.Key_Return) // Dismiss
            tryCompare(menu, "opened", false)
            compare(rows.count, 4)
            compare(rows.get(1).name, "row 2")
            tryVerify(() => page.list.activeFocus)
            // F10 alone is not the menu
            keyClick(Qt.Key_F10)
            compare(menu.opened, false)
            // Escape closes it, doing nothing
            keyClick(Qt.Key_Menu)
            tryCompare(menu, "opened", true)
            keyClick(Qt.Key_Escape)
            tryCompare(menu, "opened", false)
            compare(rows.count, 4)
        }

        function test_rightClickOpensTheMenuOfThatRow() {
            const page = makePage()
            const row = rowItem(page, "row 3")
            tryVerify(() => row.width > 0)
            mouseClick(row, row.width / 4, row.height / 2, Qt.RightButton)
            compare(page.list.currentIndex, 3)
            tryCompare(page.rowMenu, "opened", true)
            const dismiss = menuEntry(page, "dismiss_row 3")
            mouseClick(dismiss)
            tryCompare(page.rowMenu, "opened", false)
            compare(rows.count, 4)
            for (let i = 0; i < rows.count; ++i)
                verify(rows.get(i).name !== "row 3")
        }

        function test_actionKeysRunOnTheCurrentRow() {
            const page = makePage()
            keyClick(Qt.Key_Down)
            keyClick(Qt.Key_A)
            compare(acknowledged, ["row 1"])
            keyClick(Qt.Key_Delete)
            compare(rows.count, 4)
            compare(rows.get(1).name, "row 2")
            // At once (key repeat): on the row now current, not on the one just removed
            keyClick(Qt.Key_D)
            compare(rows.count, 3)
            compare(rows.get(1).name, "row 3")
            tryVerify(() => page.list.currentItem.text === "row 3")
            // With a modifier the key is not the action's
            keyClick(Qt.Key_D, Qt.ControlModifier)
            compare(rows.count, 3)
        }

        // Whatever the badge says, the titles of a list start at one x.
        function test_titlesLineUp() {
            const page = makePage(4)
            const xs = []
            for (let i = 0; i < 4; ++i) {
                const row = rowItem(page, "row " + i)
                const title = findChild(row, "rowTitle")
                xs.push(title.mapToItem(page, 0, 0).x)
            }
            // (low, critical, medium, high: tags of four widths)
            for (let i = 1; i < xs.length; ++i)
                compare(xs[i], xs[0], "row " + i)
            const narrow = findChild(rowItem(page, "row 0"), "rowBadge")
            const wide = findChild(rowItem(page, "row 1"), "rowBadge")
            verify(wide.width > narrow.width)
        }

        // Read and unread notifications: the same separator across the whole row, the same
        // columns (the unread dot's is kept on read rows).
        function test_separatorsAcrossReadAndUnreadRows() {
            const values = { notificationId: "n-1", title: "Disk full", message: "db-1",
                             severity: "critical", timestamp: 0 }
            const unread = createTemporaryObject(notificationComponent, root,
                                                 Object.assign({ read: false }, values))
            const read = createTemporaryObject(notificationComponent, root,
                                               Object.assign({ read: true }, values,
                                                             { severity: "info" }))
            mouseMove(root, root.width - 1, root.height - 1)
            for (const row of [unread, read]) {
                const separator = findChild(row, "rowSeparator")
                verify(separator.visible)
                compare(separator.width, row.width)
                compare(separator.x, 0)
                compare(separator.opacity, 1.0)
                compare(row.opacity, 1.0)
            }
            compare(findChild(read, "rowTitle").mapToItem(root, 0, 0).x,
                    findChild(unread, "rowTitle").mapToItem(root, 0, 0).x)
            verify(findChild(unread, "rowTitle").font.bold)
            verify(!findChild(read, "rowTitle").font.bold)
            verify(findChild(read, "rowContent").opacity < 1.0)
            // Said as it is
            compare(unread.Accessible.name, "Unread critical notification: Disk full, db-1")
            compare(read.Accessible.name, "info notification: Disk full, db-1")
            // Mark read only where there is something to mark
            compare(unread.menuActions.map(a => a.text), ["Mark read", "Dismiss"])
            compare(read.menuActions.map(a => a.text), ["Dismiss"])
        }

        // The Logs columns: the widths kept come back, in characters of the font; a resize with
        // the keyboard is kept; what cannot be a width is ignored.
        function test_logColumnWidthsComeBack() {
            Workspace.saveViewState("test/columns", "20,8,15,10")
            const header = createTemporaryObject(headerComponent, root)
            verify(header)
            const columns = header.columns
            fuzzyCompare(columns.timeWidth, 20 * columns.charWidth, 0.5)
            fuzzyCompare(columns.levelWidth, 8 * columns.charWidth, 0.5)
            fuzzyCompare(columns.sourceWidth, 15 * columns.charWidth, 0.5)
            fuzzyCompare(columns.taskWidth, 10 * columns.charWidth, 0.5)

            const handle = findChild(header, "logColumnHandle_source")
            handle.forceActiveFocus()
            tryVerify(() => handle.activeFocus)
            keyClick(Qt.Key_Right)
            keyClick(Qt.Key_Right)
            fuzzyCompare(columns.sourceWidth, 17 * columns.charWidth, 0.5)
            const kept = String(Workspace.viewState("test/columns", "")).split(",")
            compare(kept.length, 4)
            fuzzyCompare(Number(kept[2]), 17, 0.05)
            fuzzyCompare(Number(kept[0]), 20, 0.05)
            // A new viewer (the next run) has them
            const again = createTemporaryObject(columnsComponent, root, { stateKey: "test/columns" })
            fuzzyCompare(again.sourceWidth, 17 * again.charWidth, 0.5)

            // Nonsense kept (a hand-edited file): the defaults
            const defaults = createTemporaryObject(columnsComponent, root, { stateKey: "" })
            Workspace.saveViewState("test/columns", "wide,-3,0,")
            const fallback = createTemporaryObject(columnsComponent, root,
                                                   { stateKey: "test/columns" })
            compare(fallback.timeWidth, defaults.timeWidth)
            compare(fallback.sourceWidth, defaults.sourceWidth)
        }

        // A list's sort order comes back as the operator left it.
        function test_sortOrderComesBack() {
            fill(3)
            const sort = createTemporaryObject(sortComponent, root)
            const page = createTemporaryObject(sortedPageComponent, root,
                                               { viewKey: "test-sorted", sortModel: sort })
            verify(page)
            sort.sortKey = 2
            sort.descending = false
            compare(Workspace.viewState("test-sorted/sort", ""), "2,ascending")

            const next = createTemporaryObject(sortComponent, root)
            compare(next.sortKey, 0)
            const again = createTemporaryObject(sortedPageComponent, root,
                                                { viewKey: "test-sorted", sortModel: next })
            verify(again)
            compare(next.sortKey, 2)
            compare(next.descending, false)
            // Without a viewKey nothing is kept or restored
            const plain = createTemporaryObject(sortComponent, root)
            createTemporaryObject(sortedPageComponent, root, { sortModel: plain })
            compare(plain.sortKey, 0)
            compare(plain.descending, true)
        }
    }
}
