import QtQuick
import QtQuick.Controls

// One thing the operator can do to a list row (Acknowledge, Mark read, Dismiss, Retry...). A
// row lists its RowActions once; the row frame (FeedRow) shows them as icon buttons while the
// row is under the pointer or current, the list's context menu (right click, Menu, Shift+F10)
// lists them with their text and keys, and the list runs one when its key is pressed on the
// current row. No `shortcut` is set: a window-wide shortcut per row would be ambiguous, the
// list routes `keys` to the current row instead.
Action {
    // The objectName of its button in the row ("acknowledgeAlert_al-1"), for tests
    property string name
    property string iconName
    // Applies to this row at all (Mark read on an unread notification); `enabled` is whether
    // it can be done now
    property bool shown: true
    // Where it appears: an icon button in the row, an entry of the context menu
    property bool inButtons: true
    property bool inMenu: true
    // The keys (Qt.Key_*) that run it on the current row of a list, without modifiers, and
    // how the menu and the tooltip name them ("A", "Del")
    property var keys: []
    property string shortcutText
    // Said to screen readers and in the tooltip ("Acknowledge the alert CPU high")
    property string description

    icon.name: iconName
}
