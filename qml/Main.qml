import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Vigil
import Vigil.Models

ApplicationWindow {
    id: window
    objectName: "mainWindow"
    width: Theme.windowWidth
    height: Theme.windowHeight
    minimumWidth: Theme.windowMinWidth
    minimumHeight: Theme.windowMinHeight
    visible: true
    // The desktop adds the application's name ("Demo — Vigil"): the title names only what is shown.
    title: Workspace.demo ? qsTr("Demo") : Workspace.profile
    color: Theme.window

    // The sidebar's pages, in order, with their shortcuts: one list, from Workspace.
    readonly property var pages: Workspace.pages
    readonly property var pageKeys: pages.map(p => p.key)

    Component.onCompleted: {
        const g = Workspace.windowGeometry
        if (g.width > 0 && g.height > 0) {
            x = g.x
            y = g.y
            width = g.width
            height = g.height
        }
    }
    onClosing: Workspace.saveWindowGeometry(x, y, width, height)

    // Every control draws with this palette (the Fusion style, set up in lookandfeel.cpp):
    // the Theme's colours, so buttons, fields, menus and dialogs follow light and dark.
    palette {
        window: Theme.window
        windowText: Theme.text
        base: Theme.base
        alternateBase: Theme.surface
        text: Theme.text
        button: Theme.button
        buttonText: Theme.text
        brightText: Theme.textOnAccent
        highlight: Theme.accent
        highlightedText: Theme.textOnAccent
        placeholderText: Theme.textMuted
        toolTipBase: Theme.surface
        toolTipText: Theme.text
        link: Theme.accent
        linkVisited: Theme.accent
        light: Theme.surface
        midlight: Theme.hover
        mid: Theme.border
        dark: Theme.border
        shadow: Theme.border
        disabled.text: Theme.textMuted
        disabled.buttonText: Theme.textMuted
        disabled.windowText: Theme.textMuted
    }

    function openShortcuts() {
        shortcutsOverlay.open()
    }
    function openAbout() {
        aboutDialog.open()
    }

    Instantiator {
        model: window.pages
        delegate: Shortcut {
            required property var modelData
            sequence: modelData.shortcut
            enabled: !Workspace.welcomeNeeded
            onActivated: Workspace.page = modelData.key
        }
    }
    Shortcut {
        objectName: "reconnectShortcut"
        sequences: ["F5", "Ctrl+R"]
        enabled: !Workspace.welcomeNeeded
        onActivated: ConnectionStatus.reconnect()
    }
    Shortcut {
        objectName: "quitShortcut"
        sequence: "Ctrl+Q"
        context: Qt.ApplicationShortcut
        onActivated: window.close()
    }
    Shortcut {
        objectName: "helpShortcut"
        sequence: "F1"
        onActivated: window.openShortcuts()
    }

    // Leaving the welcome screen: the keyboard goes to the page list, not to a hidden button
    // (Space on a hidden "Try the demo" would start the demo again).
    Connections {
        target: Workspace
        function onSessionChanged() {
            if (!Workspace.welcomeNeeded)
                sidebar.focusList()
        }
    }

    ShortcutsOverlay {
        id: shortcutsOverlay
        pages: window.pages
    }
    AboutDialog {
        id: aboutDialog
    }

    header: ToolBar {
        objectName: "header"
        visible: !Workspace.welcomeNeeded
        background: Rectangle {
            color: Theme.surface
            Rectangle {
                anchors.bottom: parent.bottom
                width: parent.width
                height: Theme.hairline
                color: Theme.border
            }
        }
        RowLayout {
            anchors.fill: parent
            anchors.leftMargin: Theme.padding
            anchors.rightMargin: Theme.spacing
            spacing: Theme.spacing
            Heading {
                text: qsTr("Vigil")
                color: Theme.accent
                Accessible.ignored: true
            }
            Caption {
                objectName: "profileLabel"
                text: Workspace.profile
                elide: Text.ElideRight
                Layout.maximumWidth: Theme.selectorWidth
                Accessible.name: qsTr("Profile: %1").arg(Workspace.profile)
            }
            Item { Layout.fillWidth: true }
            UnreadIndicator {}
            QueueIndicator {}
            ConnectionIndicator {
                showUrl: window.width >= Theme.wideWindowWidth
            }
            IconButton {
                objectName: "reconnectButton"
                text: qsTr("Reconnect")
                iconName: "view-refresh"
                iconOnly: true
                shortcutText: "F5"
                onClicked: ConnectionStatus.reconnect()
            }
            AppMenuButton {
                objectName: "appMenuButton"
                onShortcutsRequested: window.openShortcuts()
                onAboutRequested: window.openAbout()
                onQuitRequested: window.close()
            }
        }
    }

    ColumnLayout {
        anchors.fill: parent
        spacing: 0
        ErrorBanner {
            Layout.fillWidth: true
        }
        StatusBanner {
            Layout.fillWidth: true
            visible: !Workspace.welcomeNeeded && text.length > 0
        }
        FallbackBanner {
            Layout.fillWidth: true
        }
        WelcomePage {
            visible: Workspace.welcomeNeeded
            enabled: Workspace.welcomeNeeded
            Layout.fillWidth: true
            Layout.fillHeight: true
        }
        RowLayout {
            visible: !Workspace.welcomeNeeded
            spacing: 0
            Layout.fillWidth: true
            Layout.fillHeight: true
            Sidebar {
                id: sidebar
                pages: window.pages
                Layout.fillHeight: true
            }
            StackLayout {
                objectName: "pageStack"
                currentIndex: Math.max(0, window.pageKeys.indexOf(Workspace.page))
                Layout.fillWidth: true
                Layout.fillHeight: true
                Repeater {
                    model: window.pages
                    delegate: Loader {
                        required property var modelData
                        objectName: "page_" + modelData.key
                        source: "pages/" + modelData.component + ".qml"
                    }
                }
            }
        }
    }
}
