import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Vigil

// A page holding one live list: a heading with a count, optional tools, an optional search
// field and filters, and the list itself.
//
// Keyboard: Up and Down move the selection (always visible, framed while the list has the
// focus), Enter opens the selected row (activated(); a click does too with activateOnClick,
// a double click always), Ctrl+F focuses the search field when the page has one, Escape clears
// the search. Where messages could not be recovered, the list says so between the rows: the
// page names a role (gapRole) counting the unrecoverable gaps since each row last changed.
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

    function activate(index) {
        if (index >= 0 && index < list.count)
            page.activated(index)
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
            Body {
                objectName: page.objectName + "Summary"
                text: page.summary
                color: Theme.textMuted
                elide: Text.ElideRight
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
                    radius: Theme.radius / 2
                    border.color: list.activeFocus ? Theme.accent : Theme.selection
                    border.width: Theme.hairline
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
                Keys.onEscapePressed: event => {
                    event.accepted = page.searchable && searchField.text.length > 0
                    if (event.accepted)
                        searchField.clear()
                }

                // Under the rows (which take no clicks themselves; their buttons still do): a
                // click selects a row, a double click opens it.
                MouseArea {
                    objectName: page.objectName + "Clicks"
                    parent: list.contentItem
                    y: list.originY
                    z: -1
                    width: list.width
                    height: Math.max(list.contentHeight, list.height)
                    acceptedButtons: Qt.LeftButton
                    onClicked: mouse => {
                        const index = list.indexAt(mouse.x + x, mouse.y + y)
                        if (index < 0)
                            return
                        list.currentIndex = index
                        list.forceActiveFocus()
                        if (page.activateOnClick)
                            page.activate(index)
                    }
                    onDoubleClicked: mouse => page.activate(list.indexAt(mouse.x + x, mouse.y + y))
                }

                EmptyHint {
                    shown: list.count === 0
                    text: page.emptyText
                }
            }
        }
    }
}
