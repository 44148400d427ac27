import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Vigil
import Vigil.Models

// Name, server addresses (one per line, tried in order) and token of one server profile.
// Checks as the operator types; saving stores the URLs in the settings and the token in the
// keychain, then connects.
ColumnLayout {
    id: editor
    property string profileName: "default"
    property bool connectOnSave: true
    readonly property string problem: SettingsController.validateProfile(nameField.text, urlsField.text)
    spacing: Theme.spacing

    function load(name) {
        nameField.text = name
        urlsField.text = SettingsController.urlsText(name)
        tokenField.text = ""
    }
    Component.onCompleted: load(profileName)

    Caption {
        text: qsTr("Profile name")
    }
    TextField {
        id: nameField
        objectName: "profileNameField"
        Layout.fillWidth: true
        placeholderText: qsTr("e.g. production")
        Accessible.name: qsTr("Profile name")
    }
    Caption {
        text: qsTr("Server addresses, one per line (ws:// or wss://, tried in order)")
    }
    TextArea {
        id: urlsField
        objectName: "profileUrlsField"
        Layout.fillWidth: true
        Layout.preferredHeight: Theme.tileHeight
        placeholderText: "wss://vigil.example.com/ws"
        Accessible.name: qsTr("Server addresses")
        background: Rectangle {
            color: Theme.surface
            border.color: editor.problem.length > 0 && urlsField.text.length > 0 ? Theme.danger : Theme.border
            radius: Theme.radius / 2
        }
    }
    Caption {
        text: qsTr("Token (leave empty to keep the stored one)")
    }
    TextField {
        id: tokenField
        objectName: "profileTokenField"
        Layout.fillWidth: true
        echoMode: TextInput.Password
        Accessible.name: qsTr("Token")
    }
    Body {
        objectName: "tokenStorageWarning"
        visible: SettingsController.tokenWarning.length > 0
        text: SettingsController.tokenWarning
        color: Theme.warning
        wrapMode: Text.Wrap
        Layout.fillWidth: true
    }
    Body {
        objectName: "profileProblem"
        visible: editor.problem.length > 0 && (nameField.text.length > 0 || urlsField.text.length > 0)
        text: editor.problem
        color: Theme.danger
        wrapMode: Text.Wrap
        Layout.fillWidth: true
    }
    RowLayout {
        Button {
            objectName: "saveProfileButton"
            text: editor.connectOnSave ? qsTr("Save and connect") : qsTr("Save")
            enabled: editor.problem.length === 0
            onClicked: SettingsController.saveProfile(nameField.text, urlsField.text,
                                                      tokenField.text, editor.connectOnSave)
        }
        Body {
            objectName: "settingsMessage"
            text: SettingsController.message
            color: SettingsController.messageIsError ? Theme.danger : Theme.ok
            wrapMode: Text.Wrap
            Layout.fillWidth: true
        }
    }
}
