import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Vigil
import Vigil.Models

// Server profiles, the operator's name, reconnect and heartbeat settings, theme.
Page {
    id: page
    objectName: "settingsPage"
    background: Rectangle { color: Theme.window }

    ScrollView {
        id: scroll
        anchors.fill: parent
        contentWidth: availableWidth

        ColumnLayout {
            x: Theme.padding
            width: Math.min(scroll.availableWidth - Theme.padding * 2, Theme.contentMaxWidth)
            spacing: Theme.padding

            Item { Layout.preferredHeight: 1 }
            Heading {
                text: qsTr("Settings")
            }

            Body {
                text: qsTr("Server profile")
                font.bold: true
            }
            RowLayout {
                spacing: Theme.spacing
                ComboBox {
                    id: profiles
                    objectName: "profileSelector"
                    Layout.preferredWidth: Theme.buttonWidth
                    model: SettingsController.profiles
                    Accessible.name: qsTr("Saved profiles")
                    onActivated: editor.load(currentText)
                }
                Button {
                    text: qsTr("New")
                    onClicked: editor.load("")
                }
                Button {
                    objectName: "connectProfileButton"
                    text: qsTr("Connect")
                    enabled: profiles.currentText.length > 0
                    onClicked: Workspace.connectProfile(profiles.currentText)
                }
                Button {
                    text: qsTr("Remove")
                    enabled: profiles.currentText.length > 0
                    onClicked: SettingsController.removeProfile(profiles.currentText)
                }
                Button {
                    objectName: "startDemoButton"
                    text: qsTr("Use the demo")
                    onClicked: Workspace.startDemo()
                }
            }
            Body {
                text: Workspace.profile.length > 0 ? qsTr("In use: %1").arg(Workspace.profile)
                                                   : qsTr("No profile in use")
                color: Theme.textMuted
            }
            ProfileEditor {
                id: editor
                profileName: Workspace.demo ? "" : Workspace.profile
                Layout.fillWidth: true
            }

            Body {
                text: qsTr("You")
                font.bold: true
            }
            ColumnLayout {
                id: operatorSection
                // What the field holds is what would be stored: "" lets the server or the
                // account name the operator
                readonly property string problem: SettingsController.validateOperatorName(operatorField.text)
                readonly property bool changed: operatorField.text.trim() !== OperatorIdentity.configuredName
                spacing: Theme.spacing
                Layout.fillWidth: true
                Caption {
                    text: qsTr("Operator name")
                }
                RowLayout {
                    spacing: Theme.spacing
                    Layout.fillWidth: true
                    TextField {
                        id: operatorField
                        objectName: "operatorNameField"
                        Layout.fillWidth: true
                        text: OperatorIdentity.configuredName
                        maximumLength: SettingsController.operatorNameMaxLength
                        placeholderText: qsTr("Not set: %1").arg(OperatorIdentity.fallbackName)
                        selectByMouse: true
                        Accessible.name: qsTr("Operator name")
                        Accessible.description: operatorHint.text
                        onAccepted: saveOperatorButton.save()
                    }
                    Button {
                        id: saveOperatorButton
                        objectName: "saveOperatorNameButton"
                        text: qsTr("Save")
                        enabled: operatorSection.changed && operatorSection.problem.length === 0
                        onClicked: save()
                        function save() {
                            if (enabled)
                                SettingsController.saveOperatorName(operatorField.text)
                        }
                    }
                }
                Caption {
                    id: operatorHint
                    objectName: "operatorNameHint"
                    text: qsTr("Shown to colleagues in chat and used for Assign to me")
                    color: Theme.textMuted
                    wrapMode: Text.Wrap
                    Layout.fillWidth: true
                }
                Body {
                    objectName: "operatorNameProblem"
                    visible: text.length > 0
                    text: operatorSection.problem
                    color: Theme.danger
                    wrapMode: Text.Wrap
                    Layout.fillWidth: true
                }
                Body {
                    objectName: "operatorNameInUse"
                    text: qsTr("You are %1 (from %2).").arg(OperatorIdentity.name).arg(OperatorIdentity.sourceText)
                    color: Theme.textMuted
                    wrapMode: Text.Wrap
                    Layout.fillWidth: true
                }
            }

            Body {
                text: qsTr("Connection")
                font.bold: true
            }
            GridLayout {
                columns: 2
                columnSpacing: Theme.padding
                rowSpacing: Theme.spacing
                Body { text: qsTr("Heartbeat every (ms)") }
                SpinBox {
                    id: heartbeat
                    objectName: "heartbeatField"
                    from: SettingsController.heartbeatMinMs; to: SettingsController.heartbeatMaxMs
                    stepSize: 1000; editable: true
                    value: SettingsController.heartbeatMs
                    Accessible.name: qsTr("Heartbeat interval in milliseconds")
                }
                Body { text: qsTr("Heartbeat answer within (ms)") }
                SpinBox {
                    id: heartbeatTimeout
                    from: SettingsController.heartbeatTimeoutMinMs
                    to: SettingsController.heartbeatTimeoutMaxMs
                    stepSize: 1000; editable: true
                    value: SettingsController.heartbeatTimeoutMs
                    Accessible.name: qsTr("Heartbeat timeout in milliseconds")
                }
                Body { text: qsTr("First retry after (ms)") }
                SpinBox {
                    id: reconnectBase
                    from: SettingsController.reconnectBaseMinMs
                    to: SettingsController.reconnectBaseMaxMs
                    stepSize: 500; editable: true
                    value: SettingsController.reconnectBaseMs
                    Accessible.name: qsTr("First reconnect delay in milliseconds")
                }
                Body { text: qsTr("Longest wait between retries (ms)") }
                SpinBox {
                    id: reconnectCap
                    from: SettingsController.reconnectBaseMinMs
                    to: SettingsController.reconnectCapMaxMs
                    stepSize: 1000; editable: true
                    value: SettingsController.reconnectCapMs
                    Accessible.name: qsTr("Longest reconnect delay in milliseconds")
                }
                Body { text: qsTr("Give up after attempts (0: never)") }
                SpinBox {
                    id: maxAttempts
                    from: 0; to: SettingsController.maxAttemptsLimit; editable: true
                    value: SettingsController.maxAttempts
                    Accessible.name: qsTr("Attempts before giving up, 0 for never")
                }
            }
            readonly property string connectionProblem: SettingsController.validateConnection(
                heartbeat.value, heartbeatTimeout.value, reconnectBase.value, reconnectCap.value,
                maxAttempts.value)
            Body {
                objectName: "connectionProblem"
                visible: text.length > 0
                text: parent.connectionProblem
                color: Theme.danger
                wrapMode: Text.Wrap
                Layout.fillWidth: true
            }
            Button {
                objectName: "saveConnectionButton"
                text: qsTr("Apply and reconnect")
                enabled: parent.connectionProblem.length === 0
                onClicked: SettingsController.saveConnection(heartbeat.value, heartbeatTimeout.value,
                                                             reconnectBase.value, reconnectCap.value,
                                                             maxAttempts.value)
            }

            Body {
                text: qsTr("Appearance")
                font.bold: true
            }
            RowLayout {
                spacing: Theme.spacing
                Repeater {
                    model: [{ key: "system", choice: Appearance.System, label: qsTr("Follow the system") },
                            { key: "light", choice: Appearance.Light, label: qsTr("Light") },
                            { key: "dark", choice: Appearance.Dark, label: qsTr("Dark") }]
                    RadioButton {
                        required property var modelData
                        objectName: "theme_" + modelData.key
                        text: modelData.label
                        checked: Appearance.choice === modelData.choice
                        onClicked: Appearance.choose(modelData.choice)
                    }
                }
            }

            Body {
                text: qsTr("Logs")
                font.bold: true
            }
            RowLayout {
                spacing: Theme.spacing
                Body { text: qsTr("Lines kept") }
                SpinBox {
                    objectName: "logCapacityBox"
                    from: SettingsController.logCapacityMin
                    to: SettingsController.logCapacityMax
                    stepSize: 100000
                    editable: true
                    value: SettingsController.logCapacity
                    onValueModified: SettingsController.setLogCapacity(value)
                    Accessible.name: qsTr("Log lines kept")
                }
            }
            Caption {
                text: qsTr("The Logs page keeps this many lines (%1 to %2); the oldest go first. About 130 bytes per line.")
                      .arg(SettingsController.logCapacityMin.toLocaleString(Qt.locale(), "f", 0))
                      .arg(SettingsController.logCapacityMax.toLocaleString(Qt.locale(), "f", 0))
                wrapMode: Text.Wrap
                Layout.fillWidth: true
            }

            Body {
                text: qsTr("Troubleshooting")
                font.bold: true
            }
            CheckBox {
                objectName: "showDebugPageBox"
                text: qsTr("Show the Debug page")
                checked: SettingsController.debugPageSetting
                onToggled: SettingsController.setShowDebugPage(checked)
                Accessible.description: qsTr("Lists the Debug page: the last raw frames in and out, tokens hidden")
            }
            Caption {
                objectName: "debugForcedNote"
                visible: SettingsController.debugForced
                text: qsTr("On for this run: Vigil was started with --debug.")
            }
            Item { Layout.preferredHeight: Theme.padding }
        }
    }
}
