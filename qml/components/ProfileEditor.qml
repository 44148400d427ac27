import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Vigil
import Vigil.Models

// Name, server addresses (one per line, tried in order) and token of one server profile, the
// labels above the fields or, given a labelWidth, beside them. Saving stores the URLs in the
// settings and the token in the keychain, then connects.
//
// A form just opened says nothing about what is missing: a field is checked once the operator
// has changed it, and Save with something wrong shows every problem at once (and goes to the
// first field to fix) instead of saving. Save is disabled only while a problem it would show
// is on screen already.
GridLayout {
    id: editor
    property string profileName: "default"
    property bool connectOnSave: true
    // Above 0: each label stands left of its field in a column this wide; at 0, above it
    property real labelWidth: 0
    // The whole form's first problem ("" when it can be saved)
    readonly property string problem: SettingsController.validateProfile(nameField.text, urlsField.text)
    // Each field's own problem. SettingsController checks a profile as a whole, the name first:
    // each field is checked with a valid stand-in for the other one.
    readonly property string nameProblem:
        SettingsController.validateProfile(nameField.text, "wss://vigil.example.com/ws")
    readonly property string urlsProblem:
        nameProblem.length === 0 ? problem
                                 : SettingsController.validateProfile("example", urlsField.text)
    // The operator changed the field since the form was loaded; tried to save it
    property bool nameEdited: false
    property bool urlsEdited: false
    property bool submitted: false
    readonly property bool nameProblemShown: nameProblem.length > 0 && (nameEdited || submitted)
    readonly property bool urlsProblemShown: urlsProblem.length > 0 && (urlsEdited || submitted)
    // The name is one of the saved profiles: its token may be in the store already
    readonly property var savedNames: SettingsController.profiles
    readonly property bool savedProfile: savedNames.indexOf(nameField.text.trim()) >= 0
    property bool loading: false
    columns: labelWidth > 0 ? 2 : 1
    columnSpacing: Theme.padding
    rowSpacing: Theme.spacing

    function load(name) {
        loading = true
        nameField.text = name
        urlsField.text = SettingsController.urlsText(name)
        tokenField.text = ""
        loading = false
        nameEdited = false
        urlsEdited = false
        submitted = false
    }
    // Save: with a problem, show them all and go to the first field to fix
    function submit() {
        if (problem.length > 0) {
            submitted = true
            if (nameProblem.length > 0)
                nameField.forceActiveFocus()
            else
                urlsField.forceActiveFocus()
            return false
        }
        return SettingsController.saveProfile(nameField.text, urlsField.text, tokenField.text,
                                              connectOnSave)
    }
    function focusName() {
        nameField.forceActiveFocus()
    }
    // A label beside its field stands level with the middle of the field's first line
    function labelTopMargin(first) {
        return labelWidth > 0
                ? Math.max(0, (first.implicitHeight - nameLabel.implicitHeight) / 2) : 0
    }
    Component.onCompleted: load(profileName)

    // A field's frame: the palette's, red while the field's problem is shown
    component FieldFrame: Rectangle {
        required property Item field
        property bool error: false
        color: Theme.base
        radius: Theme.radius / 2
        border.color: error ? Theme.danger : field.activeFocus ? Theme.accent : Theme.border
        border.width: error || field.activeFocus ? Theme.focusWidth : Theme.hairline
    }

    Body {
        id: nameLabel
        text: qsTr("Profile name")
        wrapMode: Text.Wrap
        Layout.preferredWidth: editor.labelWidth > 0 ? editor.labelWidth : -1
        Layout.fillWidth: editor.labelWidth <= 0
        Layout.alignment: Qt.AlignTop
        Layout.topMargin: editor.labelTopMargin(nameField)
    }
    ColumnLayout {
        spacing: Theme.tightSpacing
        Layout.fillWidth: true
        TextField {
            id: nameField
            objectName: "profileNameField"
            Layout.fillWidth: true
            placeholderText: qsTr("e.g. production")
            selectByMouse: true
            Accessible.name: nameLabel.text
            Accessible.description: editor.nameProblemShown ? editor.nameProblem : ""
            background: FieldFrame {
                field: nameField
                error: editor.nameProblemShown
            }
            onTextChanged: if (!editor.loading) editor.nameEdited = true
            onAccepted: urlsField.forceActiveFocus()
        }
        Body {
            objectName: "profileNameProblem"
            visible: editor.nameProblemShown
            text: editor.nameProblem
            color: Theme.danger
            wrapMode: Text.Wrap
            Layout.fillWidth: true
        }
    }

    Body {
        id: urlsLabel
        text: qsTr("Server addresses")
        wrapMode: Text.Wrap
        Layout.preferredWidth: editor.labelWidth > 0 ? editor.labelWidth : -1
        Layout.fillWidth: editor.labelWidth <= 0
        Layout.alignment: Qt.AlignTop
        Layout.topMargin: editor.labelTopMargin(urlsHint)
    }
    ColumnLayout {
        spacing: Theme.tightSpacing
        Layout.fillWidth: true
        Caption {
            id: urlsHint
            text: qsTr("One per line, tried in order: ws:// or wss://")
            wrapMode: Text.Wrap
            Layout.fillWidth: true
        }
        TextArea {
            id: urlsField
            objectName: "profileUrlsField"
            Layout.fillWidth: true
            Layout.preferredHeight: Theme.tileHeight
            placeholderText: "wss://vigil.example.com/ws"
            selectByMouse: true
            Accessible.name: urlsLabel.text
            Accessible.description: editor.urlsProblemShown ? editor.urlsProblem : urlsHint.text
            background: FieldFrame {
                field: urlsField
                error: editor.urlsProblemShown
            }
            onTextChanged: if (!editor.loading) editor.urlsEdited = true
        }
        Body {
            objectName: "profileUrlsProblem"
            visible: editor.urlsProblemShown
            text: editor.urlsProblem
            color: Theme.danger
            wrapMode: Text.Wrap
            Layout.fillWidth: true
        }
    }

    Body {
        id: tokenLabel
        objectName: "profileTokenLabel"
        // Empty keeps a saved profile's token; a new profile simply has none
        text: editor.savedProfile ? qsTr("Token (leave empty to keep the stored one)")
                                  : qsTr("Token (optional)")
        wrapMode: Text.Wrap
        Layout.preferredWidth: editor.labelWidth > 0 ? editor.labelWidth : -1
        Layout.fillWidth: editor.labelWidth <= 0
        Layout.alignment: Qt.AlignTop
        Layout.topMargin: editor.labelTopMargin(tokenField)
    }
    ColumnLayout {
        spacing: Theme.tightSpacing
        Layout.fillWidth: true
        TextField {
            id: tokenField
            objectName: "profileTokenField"
            Layout.fillWidth: true
            echoMode: TextInput.Password
            selectByMouse: true
            Accessible.name: tokenLabel.text
            onAccepted: editor.submit()
        }
        Body {
            objectName: "tokenStorageWarning"
            visible: SettingsController.tokenWarning.length > 0
            text: SettingsController.tokenWarning
            color: Theme.warning
            wrapMode: Text.Wrap
            Layout.fillWidth: true
        }
    }

    // Under the fields, not the labels
    Item {
        visible: editor.labelWidth > 0
        Layout.preferredWidth: editor.labelWidth
    }
    RowLayout {
        spacing: Theme.spacing
        Layout.fillWidth: true
        Button {
            objectName: "saveProfileButton"
            text: editor.connectOnSave ? qsTr("Save and connect") : qsTr("Save")
            enabled: !editor.nameProblemShown && !editor.urlsProblemShown
            onClicked: editor.submit()
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
