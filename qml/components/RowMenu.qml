pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Vigil

// A list row's context menu (right click, the Menu key, Shift+F10): the row's RowActions that
// apply, each with its text and, on the right, the key that runs it from the list. One menu
// serves the whole list: openFor() fills it with the row's actions and opens it.
Menu {
    id: menu
    // The RowActions listed (FeedRow.menuActions of the row it opened for)
    property var actions: []

    // Opens the menu for `row` (a FeedRow) at x, y in `row`; false when the row has no action.
    // (The menu stays a child of its list: rows come and go with the model.)
    function openFor(row, x, y) {
        actions = row ? row.menuActions : []
        if (actions.length === 0 || !parent)
            return false
        const at = row.mapToItem(parent, x, y)
        popup(at.x, at.y)
        return true
    }

    // Closed, it forgets the row's actions (the row may go)
    onClosed: actions = []

    Repeater {
        model: menu.actions
        delegate: MenuItem {
            id: entry
            required property RowAction modelData
            // (The row, and its actions, may go while the menu closes: one was Dismiss.)
            readonly property string shortcutText: modelData ? modelData.shortcutText : ""
            objectName: modelData ? "menu_" + modelData.name : ""
            action: modelData
            Accessible.description: shortcutText.length > 0 ? qsTr("Shortcut: %1").arg(shortcutText)
                                                            : ""
            // The text and, aligned right, the key: Qt Quick's menu items show no shortcut
            contentItem: RowLayout {
                spacing: Theme.padding
                Label {
                    text: entry.text
                    color: entry.highlighted ? entry.palette.highlightedText : entry.palette.text
                    font: entry.font
                    Layout.fillWidth: true
                }
                Label {
                    visible: text.length > 0
                    text: entry.shortcutText
                    color: entry.highlighted ? entry.palette.highlightedText : Theme.textMuted
                    font.pixelSize: Theme.fontSmall
                }
            }
        }
    }
}
