import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Vigil

// F1: every keyboard shortcut of the console, in one list. Escape or F1 closes it.
Popup {
    id: overlay
    objectName: "shortcutsOverlay"
    property var pages: []

    readonly property var general: [
        { keys: "F1", what: qsTr("Show this list of shortcuts") },
        { keys: "Alt+M", what: qsTr("Open the menu") },
        { keys: "F5, Ctrl+R", what: qsTr("Reconnect now") },
        { keys: "Ctrl+Q", what: qsTr("Quit Vigil") },
        { keys: "Tab, Shift+Tab", what: qsTr("Move between controls") },
        { keys: "Up, Down, Page Up, Page Down", what: qsTr("Move in a list") },
        { keys: "Enter", what: qsTr("Open the selected item") },
        { keys: "Menu, Shift+F10", what: qsTr("Actions of the selected item") },
        { keys: "A, M, R, S", what: qsTr("An action of the selected item (each is listed in its menu)") },
        { keys: "Delete, D", what: qsTr("Dismiss or discard the selected item") },
        { keys: "Escape", what: qsTr("Close a dialog, a search or this list") }
    ]
    readonly property var search: [
        { keys: "Ctrl+F", what: qsTr("Search or filter the page (incidents, chat, logs and the other lists)") },
        { keys: "F3, Enter", what: qsTr("Next match") },
        { keys: "Shift+F3, Shift+Enter", what: qsTr("Previous match") },
        { keys: "Ctrl+C", what: qsTr("Copy the selected log lines") }
    ]

    parent: Overlay.overlay
    anchors.centerIn: parent
    width: Math.min(parent ? parent.width - Theme.padding * 2 : 0, Theme.welcomeWidth)
    height: Math.min(parent ? parent.height - Theme.padding * 2 : 0, content.implicitHeight + Theme.padding * 2)
    modal: true
    focus: true
    padding: Theme.padding
    closePolicy: Popup.CloseOnEscape | Popup.CloseOnPressOutside

    background: Rectangle {
        color: Theme.surface
        border.color: Theme.border
        radius: Theme.radius
    }

    Shortcut {
        sequence: "F1"
        enabled: overlay.opened
        onActivated: overlay.close()
    }

    component Section: ColumnLayout {
        id: section
        property string title
        property var entries: []
        spacing: Theme.tightSpacing
        Layout.fillWidth: true
        Body {
            text: section.title
            font.bold: true
            Layout.topMargin: Theme.spacing
        }
        Repeater {
            model: section.entries
            RowLayout {
                id: entryRow
                required property var modelData
                spacing: Theme.padding
                Layout.fillWidth: true
                Accessible.role: Accessible.StaticText
                Accessible.name: modelData.what + ": " + modelData.keys
                Mono {
                    text: entryRow.modelData.keys
                    color: Theme.accent
                    Layout.preferredWidth: Theme.buttonWidth
                    wrapMode: Text.Wrap
                }
                Body {
                    text: entryRow.modelData.what
                    wrapMode: Text.Wrap
                    Layout.fillWidth: true
                }
            }
        }
    }

    ScrollView {
        anchors.fill: parent
        contentWidth: availableWidth
        clip: true
        ColumnLayout {
            id: content
            width: parent.width
            spacing: Theme.spacing
            Accessible.role: Accessible.Dialog
            Accessible.name: qsTr("Keyboard shortcuts")
            Heading {
                text: qsTr("Keyboard shortcuts")
            }
            Section {
                title: qsTr("Pages")
                entries: overlay.pages.filter(p => p.debugOnly !== true)
                                      .map(p => ({ keys: p.shortcut, what: p.title }))
            }
            Section {
                title: qsTr("Everywhere")
                entries: overlay.general
            }
            Section {
                title: qsTr("Searching and copying")
                entries: overlay.search
            }
        }
    }
}
