import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Vigil

// A page holding one live list: a heading with a count, optional tools, an optional search
// field and filters, and the list itself.
//
// Keyboard: Tab reaches the list; Up, Down, Page Up, Page Down, Home and End move the current
// row (always highlighted, ringed in the accent while the list has the focus), Enter opens it
// (activated(); a click does too with activateOnClick, a double click always). The Menu key or
// Shift+F10 opens the current row's context menu (a right click opens the menu of the row under
// the pointer) and the actions' own keys (Delete, A, M...) run them on the current row: rows are
// FeedRows with RowActions. Ctrl+F focuses the search field when the page has one, Escape clears
// the search. Where messages could not be recovered, the list says so between the rows: the
// page names a role (gapRole) counting the unrecoverable gaps since each row last changed.
//
// With a viewKey and a sortModel (an object with sortKey and descending, as IncidentList), the
// page keeps the list's sort order across runs (Workspace.viewState "<viewKey>/sort").
Page {
    id: page
    property string heading
    property string summary
    property alias model: list.model
    property alias delegate: list.delegate
    property alias list: list
    // The rows the list holds now
    readonly property alias count: list.count
    property alias currentIndex: list.currentIndex
    property string emptyText: qsTr("Nothing here yet.")
    default property alias tools: toolRow.data
    // A second row under the heading, for the filters of a busy list
    property alias filters: filterRow.data
    // Items between the heading and the list (pending rows, a notice), while noticesShown
    property alias notices: noticeColumn.data
    property bool noticesShown: false

    // A search field in the heading: the page binds searchText to its model's filter
    property bool searchable: false
    property alias searchText: searchField.text
    property string searchHint: qsTr("Search (Ctrl+F)")
    readonly property alias searchField: searchField

    // The role counting the gaps after each row ("" for none): a divider "Messages may be
    // missing here" shows where it changes
    property string gapRole: ""

    // A single click opens a row as well as selecting it
    property bool activateOnClick: false
    // Enter, a double click (or a click, see above) on row `index`
    signal activated(int index)

    // What the page keeps across runs is kept under this name ("incidents"; "" keeps nothing)
    property string viewKey
    // The list's sort, kept under viewKey: an object with sortKey and descending (IncidentList)
    property var sortModel: null
    // The current row's context menu
    readonly property alias rowMenu: rowMenu
    // (While the kept sort is applied: nothing to keep then)
    property bool restoringSort: false

    function activate(index) {
        if (index >= 0 && index < list.count)
            page.activated(index)
    }
    // Makes row `index` (clamped to the list) current and shows it.
    function moveTo(index) {
        if (list.count === 0)
            return
        list.currentIndex = Math.max(0, Math.min(list.count - 1, index))
        list.positionViewAtIndex(list.currentIndex, ListView.Contain)
    }
    // The rows a Page Up or Page Down moves by: what the list shows, less one for context
    function pageRows() {
        const rowHeight = list.currentItem ? list.currentItem.height : Theme.rowHeight
        return Math.max(1, Math.floor(list.height / Math.max(1, rowHeight)) - 1)
    }
    // Opens the context menu of the current row: under the pointer at x, y in the row, or
    // (from the keyboard, no x) at the row's start. False when the row has no action.
    function openRowMenu(x, y) {
        list.forceLayout() // a row just removed is not the current one any more
        const row = list.currentItem as FeedRow
        if (!row)
            return false
        const keyboard = x === undefined
        return rowMenu.openFor(row, keyboard ? Theme.padding : x, keyboard ? row.height : y)
    }
    // The list's keys beyond what ListView does itself (Up and Down).
    function handleKey(event) {
        const shift = (event.modifiers & Qt.ShiftModifier) !== 0
        const plain = (event.modifiers & ~Qt.KeypadModifier) === Qt.NoModifier
        switch (event.key) {
        case Qt.Key_PageUp:
            moveTo(list.currentIndex - pageRows())
            break
        case Qt.Key_PageDown:
            moveTo(list.currentIndex + pageRows())
            break
        case Qt.Key_Home:
            moveTo(0)
            break
        case Qt.Key_End:
            moveTo(list.count - 1)
            break
        case Qt.Key_Menu:
            openRowMenu()
            break
        case Qt.Key_F10:
            if (!shift)
                return
            openRowMenu()
            break
        default: {
            if (!plain)
                return
            // A row removed by the key before (key repeat) is not the current one any more
            list.forceLayout()
            const row = list.currentItem as FeedRow
            if (!row || !row.runKey(event.key))
                return
        }
        }
        event.accepted = true
    }

    function sortKeyName() {
        return page.viewKey.length > 0 ? page.viewKey + "/sort" : ""
    }
    // The sort the operator chose last time, applied to sortModel. Kept as "<sortKey>,descending"
    // or "<sortKey>,ascending": a string, as a JavaScript array would reach Workspace as a
    // script value, not a list.
    function restoreSort() {
        if (!page.sortModel || sortKeyName().length === 0)
            return
        const stored = Workspace.viewState(sortKeyName(), "")
        const parts = Array.isArray(stored) ? stored : String(stored).split(",")
        if (parts.length !== 2 || (parts[1] !== "descending" && parts[1] !== "ascending"))
            return
        const key = Number(parts[0])
        if (!Number.isInteger(key) || key < 0)
            return
        restoringSort = true
        page.sortModel.sortKey = key
        page.sortModel.descending = parts[1] === "descending"
        restoringSort = false
    }
    function saveSort() {
        if (restoringSort || !page.sortModel || sortKeyName().length === 0)
            return
        Workspace.saveViewState(sortKeyName(), "%1,%2".arg(page.sortModel.sortKey)
                                .arg(page.sortModel.descending ? "descending" : "ascending"))
    }
    Component.onCompleted: restoreSort()
    Connections {
        target: page.sortModel
        ignoreUnknownSignals: true
        function onSortChanged() { page.saveSort() }
    }
    function focusSearch() {
        searchField.forceActiveFocus()
        searchField.selectAll()
    }
    function clearSearch() {
        searchField.clear()
        list.forceActiveFocus()
    }

    background: Rectangle { color: Theme.window }
    // The page shown takes the keyboard: Up and Down move at once.
    onVisibleChanged: if (visible) list.forceActiveFocus()

    Shortcut {
        sequence: "Ctrl+F"
        enabled: page.visible && page.searchable
        onActivated: page.focusSearch()
    }

    ColumnLayout {
        anchors.fill: parent
        anchors.margins: Theme.padding
        spacing: Theme.spacing
        RowLayout {
            Layout.fillWidth: true
            spacing: Theme.spacing
            Heading {
                objectName: page.objectName + "Heading"
                text: page.heading
            }
            // The figures wrap, rather than being cut, where the heading row is short of room
            Body {
                objectName: page.objectName + "Summary"
                text: page.summary
                color: Theme.textMuted
                wrapMode: Text.Wrap
                Layout.fillWidth: true
            }
            TextField {
                id: searchField
                objectName: page.objectName + "Search"
                visible: page.searchable
                placeholderText: page.searchHint
                font.pixelSize: Theme.fontSmall
                selectByMouse: true
                Layout.preferredWidth: Theme.selectorWidth * 2
                Accessible.name: qsTr("Search the list")
                Keys.onEscapePressed: page.clearSearch()
                Keys.onDownPressed: list.forceActiveFocus()
                Keys.onReturnPressed: list.forceActiveFocus()
                Keys.onEnterPressed: list.forceActiveFocus()
            }
            RowLayout {
                id: toolRow
                spacing: Theme.spacing
            }
        }
        Flow {
            id: filterRow
            visible: children.length > 0
            spacing: Theme.spacing
            Layout.fillWidth: true
        }
        ColumnLayout {
            id: noticeColumn
            visible: page.noticesShown
            spacing: Theme.tightSpacing
            Layout.fillWidth: true
        }
        Rectangle {
            Layout.fillWidth: true
            Layout.fillHeight: true
            radius: Theme.radius
            color: Theme.surface
            // The keyboard is in the list: its frame says so
            border.color: list.activeFocus ? Theme.accent : Theme.border
            border.width: list.activeFocus ? Theme.hairline * 2 : Theme.hairline
            ListView {
                id: list
                objectName: page.objectName + "List"
                anchors.fill: parent
                anchors.margins: Theme.spacing
                clip: true
                focus: true
                activeFocusOnTab: true
                keyNavigationEnabled: true
                Accessible.role: Accessible.List
                Accessible.name: page.heading
                ScrollBar.vertical: ScrollBar {}

                // The selection, under the rows: a plain item rather than the view's highlight
                // component, so it can read the view's focus.
                Rectangle {
                    objectName: page.objectName + "Highlight"
                    parent: list.contentItem
                    visible: list.currentItem !== null
                    y: list.currentItem ? list.currentItem.y : 0
                    width: list.width
                    height: list.currentItem ? list.currentItem.height : 0
                    z: -0.5
                    color: Theme.selection
                    border.color: list.activeFocus ? Theme.accent : Theme.selection
                    border.width: Theme.hairline
                }
                // The keyboard is on this row: a ring over it (over the row's separator too)
                Rectangle {
                    objectName: page.objectName + "FocusRing"
                    parent: list.contentItem
                    visible: list.activeFocus && list.currentItem !== null
                    y: list.currentItem ? list.currentItem.y : 0
                    width: list.width
                    height: list.currentItem ? list.currentItem.height : 0
                    z: 2
                    color: "transparent"
                    border.color: Theme.accent
                    border.width: Theme.focusWidth
                }

                section.property: page.gapRole
                section.criteria: ViewSection.FullString
                // (This file is not `ComponentBehavior: Bound`: Qt 6.4's view cannot build a
                // bound section delegate. The delegate reads nothing outside itself.)
                section.delegate: Item {
                    id: divider
                    required property string section
                    // Gaps after the rows below: where the count changes, one went missing
                    readonly property bool shown: Number(section) > 0
                    objectName: "gapDivider"
                    width: ListView.view ? ListView.view.width : 0
                    // (The view shows every section item: an empty one has no height.)
                    height: shown ? gapRow.implicitHeight + Theme.spacing : 0
                    Accessible.role: Accessible.Separator
                    Accessible.name: gapCaption.text
                    RowLayout {
                        id: gapRow
                        visible: divider.shown
                        anchors.verticalCenter: parent.verticalCenter
                        width: parent.width
                        spacing: Theme.spacing
                        Rectangle {
                            height: Theme.hairline * 2
                            color: Theme.warning
                            Layout.fillWidth: true
                        }
                        Caption {
                            id: gapCaption
                            text: qsTr("Messages may be missing here")
                            color: Theme.warning
                            font.bold: true
                        }
                        Rectangle {
                            height: Theme.hairline * 2
                            color: Theme.warning
                            Layout.fillWidth: true
                        }
                    }
                }

                Keys.onReturnPressed: page.activate(currentIndex)
                Keys.onEnterPressed: page.activate(currentIndex)
                Keys.onPressed: event => page.handleKey(event)
                Keys.onEscapePressed: event => {
                    event.accepted = page.searchable && searchField.text.length > 0
                    if (event.accepted)
                        searchField.clear()
                }

                // Under the rows (which take no clicks themselves; their buttons still do): a
                // click selects a row, a double click opens it, a right click selects it and
                // opens its context menu.
                MouseArea {
                    objectName: page.objectName + "Clicks"
                    parent: list.contentItem
                    y: list.originY
                    z: -1
                    width: list.width
                    height: Math.max(list.contentHeight, list.height)
                    acceptedButtons: Qt.LeftButton | Qt.RightButton
                    onClicked: mouse => {
                        const index = list.indexAt(mouse.x + x, mouse.y + y)
                        if (index < 0)
                            return
                        list.currentIndex = index
                        list.forceActiveFocus()
                        if (mouse.button === Qt.RightButton) {
                            const row = list.currentItem
                            const at = mapToItem(row, mouse.x, mouse.y)
                            page.openRowMenu(at.x, at.y)
                        } else if (page.activateOnClick) {
                            page.activate(index)
                        }
                    }
                    onDoubleClicked: mouse => {
                        if (mouse.button === Qt.LeftButton)
                            page.activate(list.indexAt(mouse.x + x, mouse.y + y))
                    }
                }

                RowMenu {
                    id: rowMenu
                    objectName: page.objectName + "RowMenu"
                    // Back to the list, for the keys to go on
                    onClosed: if (page.visible) list.forceActiveFocus()
                }

                EmptyHint {
                    shown: list.count === 0
                    text: page.emptyText
                }
            }
        }
    }
}
