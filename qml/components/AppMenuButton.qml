import QtQuick
import QtQuick.Controls
import QtQml.Models
import Vigil
import Vigil.Models

// The header's menu: the less used choices (theme, density, transport) and the application's
// commands (settings, keyboard shortcuts, about, quit). Alt+M or a click opens it.
IconButton {
    id: button
    text: qsTr("Menu")
    iconName: "open-menu"
    iconOnly: true
    shortcutText: "Alt+M"
    checkable: false
    onClicked: menu.open()

    signal shortcutsRequested()
    signal aboutRequested()
    signal quitRequested()

    Shortcut {
        sequence: "Alt+M"
        onActivated: menu.open()
    }

    Menu {
        id: menu
        objectName: "appMenu"
        y: button.height

        Menu {
            id: themeMenu
            title: qsTr("Theme")
            Instantiator {
                onObjectAdded: (index, object) => themeMenu.insertItem(index, object)
                onObjectRemoved: (index, object) => themeMenu.removeItem(object)
                model: [{ key: "system", choice: Appearance.System, label: qsTr("Follow the system") },
                        { key: "light", choice: Appearance.Light, label: qsTr("Light") },
                        { key: "dark", choice: Appearance.Dark, label: qsTr("Dark") }]
                MenuItem {
                    required property var modelData
                    objectName: "menuTheme_" + modelData.key
                    text: modelData.label
                    checkable: true
                    checked: Appearance.choice === modelData.choice
                    onTriggered: Appearance.choose(modelData.choice)
                }
            }
        }
        Menu {
            id: densityMenu
            title: qsTr("Density")
            Instantiator {
                onObjectAdded: (index, object) => densityMenu.insertItem(index, object)
                onObjectRemoved: (index, object) => densityMenu.removeItem(object)
                model: [{ key: "comfortable", label: qsTr("Comfortable") },
                        { key: "compact", label: qsTr("Compact") }]
                MenuItem {
                    required property var modelData
                    objectName: "menuDensity_" + modelData.key
                    text: modelData.label
                    checkable: true
                    checked: Appearance.density === modelData.key
                    onTriggered: Appearance.setDensity(modelData.key)
                }
            }
        }
        Menu {
            id: transportMenu
            title: qsTr("Transport")
            Instantiator {
                onObjectAdded: (index, object) => transportMenu.insertItem(index, object)
                onObjectRemoved: (index, object) => transportMenu.removeItem(object)
                model: ConnectionStatus.transportChoices
                MenuItem {
                    required property string modelData
                    required property int index
                    objectName: "menuTransport_" + modelData
                    text: modelData === "auto" ? qsTr("Automatic: WebSocket, HTTP when blocked")
                        : modelData === "websocket" ? qsTr("WebSocket only")
                        : modelData === "sse" ? qsTr("HTTP: server-sent events")
                        : modelData === "poll" ? qsTr("HTTP: long polling") : modelData
                    checkable: true
                    checked: ConnectionStatus.transportChoice === index
                    onTriggered: ConnectionStatus.setTransportPreference(modelData)
                }
            }
        }
        MenuSeparator {}
        MenuItem {
            objectName: "menuSettings"
            text: qsTr("Settings")
            icon.name: "preferences-system"
            onTriggered: Workspace.page = "settings"
        }
        MenuItem {
            objectName: "menuShortcuts"
            text: qsTr("Keyboard shortcuts")
            icon.name: "help-contents"
            onTriggered: button.shortcutsRequested()
        }
        MenuItem {
            objectName: "menuAbout"
            text: qsTr("About Vigil")
            icon.name: "help-about"
            onTriggered: button.aboutRequested()
        }
        MenuSeparator {}
        MenuItem {
            objectName: "menuQuit"
            text: qsTr("Quit")
            icon.name: "application-exit"
            onTriggered: button.quitRequested()
        }
    }
}
