import QtQuick
import QtTest
import Vigil
import Vigil.Models

// Every list page's keyboard: Up and Down move a visible selection, Enter opens the selected
// row, Ctrl+F focuses the search field and Escape clears it; a click selects, a double click
// opens; and the rows before a gap that could not be recovered sit under a divider.
// (TestCase is an invisible Item: what is tested lives in this visible one.)
Item {
    id: root
    width: 600
    height: 400

    ListModel {
        id: rows
        ListElement { name: "newest"; gaps: "0" }
        ListElement { name: "newer"; gaps: "0" }
        ListElement { name: "older"; gaps: "1" }
        ListElement { name: "oldest"; gaps: "2" }
    }

    Component {
        id: pageComponent
        ListPage {
            objectName: "testPage"
            anchors.fill: parent
            heading: "Things"
            searchable: true
            model: rows
            delegate: Rectangle {
                required property string name
                objectName: "row_" + name
                width: ListView.view.width
                height: Theme.rowHeight
                color: "transparent"
            }
        }
    }

    TestCase {
        name: "ListPage"
        when: windowShown

        SignalSpy {
            id: activatedSpy
            signalName: "activated"
        }

        function makePage(properties) {
            const page = createTemporaryObject(pageComponent, root, properties || {})
            verify(page)
            activatedSpy.clear()
            activatedSpy.target = page
            page.list.forceActiveFocus()
            tryVerify(() => page.list.count === 4)
            return page
        }

        function rowItem(page, name) {
            let found = null
            tryVerify(() => (found = findChild(page.list, "row_" + name)) !== null, 5000, name)
            return found
        }

        function test_upDownMoveTheVisibleSelection() {
            const page = makePage()
            verify(page.list.activeFocus)
            compare(page.currentIndex, 0)
            const highlight = findChild(page, "testPageHighlight")
            verify(highlight)
            verify(highlight.visible)
            compare(highlight.y, rowItem(page, "newest").y)
            // The frame says where the keyboard is.
            compare(String(highlight.border.color), String(Theme.accent))
            keyClick(Qt.Key_Down)
            compare(page.currentIndex, 1)
            keyClick(Qt.Key_Down)
            keyClick(Qt.Key_Down)
            compare(page.currentIndex, 3)
            keyClick(Qt.Key_Down) // the last row stays selected
            compare(page.currentIndex, 3)
            keyClick(Qt.Key_Up)
            compare(page.currentIndex, 2)
            // The highlight follows the selection.
            const selected = rowItem(page, "older")
            tryCompare(highlight, "y", selected.y)
            // Elsewhere the keyboard, the selection still shows, without the accent.
            page.searchField.forceActiveFocus()
            compare(String(highlight.border.color), String(Theme.selection))
            verify(highlight.visible)
        }

        function test_enterOpensTheSelectedRow() {
            const page = makePage()
            keyClick(Qt.Key_Down)
            keyClick(Qt.Key_Return)
            compare(activatedSpy.count, 1)
            compare(activatedSpy.signalArguments[0][0], 1)
            keyClick(Qt.Key_Enter)
            compare(activatedSpy.count, 2)
        }

        function test_ctrlFFocusesTheSearchAndEscapeClearsIt() {
            const page = makePage()
            verify(page.searchField.visible)
            verify(!page.searchField.activeFocus)
            keySequence("Ctrl+F")
            tryVerify(() => page.searchField.activeFocus)
            keyClick("d")
            keyClick("i")
            compare(page.searchText, "di")
            keyClick(Qt.Key_Escape)
            compare(page.searchText, "")
            // Back in the list: the keyboard goes on moving the selection.
            verify(page.list.activeFocus)
            keyClick(Qt.Key_Down)
            compare(page.currentIndex, 1)
            // Escape in the list clears a search typed earlier too.
            page.searchText = "older"
            keyClick(Qt.Key_Escape)
            compare(page.searchText, "")
        }

        function test_noSearchFieldWithoutSearch() {
            const page = makePage({ searchable: false })
            verify(!page.searchField.visible)
            keySequence("Ctrl+F")
            verify(page.list.activeFocus)
        }

        function test_clickSelectsAndDoubleClickOpens() {
            const page = makePage()
            const row = rowItem(page, "older")
            mouseClick(row)
            compare(page.currentIndex, 2)
            compare(activatedSpy.count, 0)
            mouseDoubleClickSequence(rowItem(page, "newer"))
            compare(page.currentIndex, 1)
            compare(activatedSpy.count, 1)
            compare(activatedSpy.signalArguments[0][0], 1)
            page.activateOnClick = true
            mouseClick(rowItem(page, "oldest"))
            compare(activatedSpy.count, 2)
            compare(activatedSpy.signalArguments[1][0], 3)
        }

        function test_dividersWhereMessagesWentMissing() {
            const page = makePage({ gapRole: "gaps" })
            // Sections "0", "1", "2": a divider above the first row of "1" and of "2".
            let dividers = []
            tryVerify(() => {
                dividers = []
                const children = page.list.contentItem.children
                for (let i = 0; i < children.length; ++i) {
                    if (children[i].objectName === "gapDivider" && children[i].height > 0)
                        dividers.push(children[i])
                }
                return dividers.length === 2
            }, 5000, "two dividers")
            dividers.sort((a, b) => a.y - b.y)
            const older = rowItem(page, "older")
            const newer = rowItem(page, "newer")
            verify(dividers[0].y >= newer.y + newer.height)
            verify(dividers[0].y + dividers[0].height <= older.y)
            verify(dividers[1].y > older.y)
            // Without the role, no divider.
            const plain = makePage()
            const children = plain.list.contentItem.children
            for (let i = 0; i < children.length; ++i)
                verify(children[i].objectName !== "gapDivider" || children[i].height === 0)
        }
    }
}
