import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Vigil
import Vigil.Models

// The log viewer's search: text or a regular expression, case sensitive or not, highlighting
// the matches among the lines shown or showing only them. The page moves between matches
// (nextRequested, previousRequested) and says where it is (position: "3 of 120").
// Keys in the field: Enter the next match, Shift+Enter the previous one, Escape clears.
RowLayout {
    id: bar
    // "3 of 120", "120 matches": where the current row is among the matches
    property string position
    readonly property alias field: searchField
    readonly property bool searching: LogLinesModel.searchText.length > 0

    signal nextRequested()
    signal previousRequested()
    // Escape in the field: the search is cleared, the keys go back to the list
    signal cleared()

    function apply() {
        LogLinesModel.setSearch(searchField.text, regexButton.checked, caseButton.checked)
    }
    function clear() {
        searchField.clear()
        apply()
    }

    spacing: Theme.spacing

    TextField {
        id: searchField
        objectName: "logSearchField"
        placeholderText: regexButton.checked ? qsTr("Regular expression (Ctrl+F)")
                                             : qsTr("Search (Ctrl+F)")
        font.pixelSize: Theme.fontSmall
        font.family: Theme.monospace
        selectByMouse: true
        Layout.preferredWidth: Theme.selectorWidth * 2
        Accessible.name: qsTr("Search the log lines")
        Accessible.description: qsTr("Enter or F3: next match, Shift+Enter or Shift+F3: previous, Escape: clear")
        onTextEdited: bar.apply()
        Keys.onEscapePressed: {
            bar.clear()
            bar.cleared()
        }
        Keys.onPressed: event => {
            if (event.key !== Qt.Key_Return && event.key !== Qt.Key_Enter)
                return
            event.accepted = true
            if (event.modifiers & Qt.ShiftModifier)
                bar.previousRequested()
            else
                bar.nextRequested()
        }
    }
    Button {
        id: regexButton
        objectName: "logSearchRegex"
        // As wide as its text: the style's minimum width is for dialog buttons
        implicitWidth: implicitContentWidth + leftPadding + rightPadding
        text: qsTr(".*")
        checkable: true
        checked: LogLinesModel.searchRegex
        flat: true
        font.pixelSize: Theme.fontSmall
        font.family: Theme.monospace
        focusPolicy: Qt.TabFocus
        Accessible.name: qsTr("Regular expression")
        ToolTip.visible: hovered
        ToolTip.text: Accessible.name
        onToggled: bar.apply()
    }
    Button {
        id: caseButton
        objectName: "logSearchCase"
        // As wide as its text: the style's minimum width is for dialog buttons
        implicitWidth: implicitContentWidth + leftPadding + rightPadding
        text: qsTr("Aa")
        checkable: true
        checked: LogLinesModel.searchCaseSensitive
        flat: true
        font.pixelSize: Theme.fontSmall
        focusPolicy: Qt.TabFocus
        Accessible.name: qsTr("Match case")
        ToolTip.visible: hovered
        ToolTip.text: Accessible.name
        onToggled: bar.apply()
    }
    Caption {
        objectName: "logSearchPosition"
        visible: bar.searching && LogLinesModel.searchError.length === 0
        text: bar.position
    }
    Caption {
        objectName: "logSearchError"
        visible: LogLinesModel.searchError.length > 0
        text: LogLinesModel.searchError
        color: Theme.danger
        elide: Text.ElideRight
        Layout.maximumWidth: Theme.urlMaxWidth
    }
    Button {
        objectName: "logPreviousMatch"
        // As wide as its text: the style's minimum width is for dialog buttons
        implicitWidth: implicitContentWidth + leftPadding + rightPadding
        text: qsTr("Previous")
        enabled: LogLinesModel.matchCount > 0
        flat: true
        font.pixelSize: Theme.fontSmall
        // A click leaves the keys where they were (F3 and Enter go on)
        focusPolicy: Qt.TabFocus
        Accessible.description: qsTr("The previous match, further up (Shift+F3)")
        onClicked: bar.previousRequested()
    }
    Button {
        objectName: "logNextMatch"
        // As wide as its text: the style's minimum width is for dialog buttons
        implicitWidth: implicitContentWidth + leftPadding + rightPadding
        text: qsTr("Next")
        enabled: LogLinesModel.matchCount > 0
        flat: true
        font.pixelSize: Theme.fontSmall
        focusPolicy: Qt.TabFocus
        Accessible.description: qsTr("The next match, further down (F3)")
        onClicked: bar.nextRequested()
    }
    CheckBox {
        objectName: "logOnlyMatches"
        text: qsTr("Only matching lines")
        checked: LogLinesModel.showOnlyMatches
        font.pixelSize: Theme.fontSmall
        onToggled: {
            LogLinesModel.setShowOnlyMatches(checked)
            checked = Qt.binding(() => LogLinesModel.showOnlyMatches)
        }
    }
}
