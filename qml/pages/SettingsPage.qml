pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Vigil
import Vigil.Models

// Server profiles, the operator's name, the connection (transport, heartbeat, reconnects), the
// look (theme, density), the logs and troubleshooting: one group each.
//
// The form takes the window's width less the padding, up to a readable width, centred beyond
// it. On a wide form each label stands left of its field, in one column for the whole page;
// on a narrow one above it. Labels wrap rather than being cut, and each field's accessible
// name is its label's text.
Page {
    id: page
    objectName: "settingsPage"
    background: Rectangle { color: Theme.window }

    // Wider than this, lines of a form are hard to follow (a local token: the widest the form
    // grows, for a 13 px body font)
    readonly property int formMaxWidth: Math.round(960 * Theme.scale)
    // What a section holds is this wide (the form less its card's padding)
    readonly property real innerWidth: form.width - Theme.padding * 2
    // The label column: as wide as a field at most, and never more than two fifths of the form
    readonly property real labelWidth: Math.round(Math.min(Theme.buttonWidth, innerWidth * 0.4))
    // Labels beside the fields while both have room; above them otherwise
    readonly property bool wideForm: innerWidth >= labelWidth + Theme.padding + Theme.buttonWidth
    // Spin boxes and choices: one width, so they line up
    readonly property int fieldWidth: Theme.buttonWidth
    // The names setTransportPreference() takes (a list, for its array methods)
    readonly property var transportNames: ConnectionStatus.transportChoices

    // A group of settings on its own card, titled
    component Section: Rectangle {
        id: section
        property string title
        default property alias content: sectionBody.data
        Layout.fillWidth: true
        implicitHeight: sectionBody.implicitHeight + Theme.padding * 2
        radius: Theme.radius
        color: Theme.surface
        border.color: Theme.border
        Accessible.role: Accessible.Grouping
        Accessible.name: title
        ColumnLayout {
            id: sectionBody
            anchors.left: parent.left
            anchors.right: parent.right
            anchors.top: parent.top
            anchors.margins: Theme.padding
            spacing: Theme.spacing
            Heading {
                text: section.title
                font.pixelSize: Theme.fontNormal
                wrapMode: Text.Wrap
                Layout.fillWidth: true
            }
        }
    }

    // One setting: its label, and its field with whatever goes with it (hint, problem) under
    // it. `wide` and `labelWidth` come from the page (an inline component does not see its ids).
    component FormRow: GridLayout {
        id: formRow
        property string label
        property bool wide: true
        property real labelWidth
        // The field a click on the label goes to
        property Item buddy
        default property alias fields: fieldColumn.data
        columns: wide ? 2 : 1
        columnSpacing: Theme.padding
        rowSpacing: Theme.tightSpacing
        Layout.fillWidth: true
        Body {
            id: rowLabel
            // An unlabelled row keeps the label column beside it, and no empty line above it
            visible: formRow.wide || text.length > 0
            text: formRow.label
            wrapMode: Text.Wrap
            // Beside the field: level with the middle of its first line of controls
            Layout.alignment: Qt.AlignTop
            Layout.topMargin: formRow.wide && fieldColumn.children.length > 0
                              ? Math.max(0, (fieldColumn.children[0].implicitHeight
                                             - implicitHeight) / 2)
                              : 0
            Layout.preferredWidth: formRow.wide ? formRow.labelWidth : -1
            Layout.fillWidth: !formRow.wide
            Accessible.ignored: true
            TapHandler {
                onTapped: if (formRow.buddy) formRow.buddy.forceActiveFocus()
            }
        }
        ColumnLayout {
            id: fieldColumn
            spacing: Theme.spacing
            Layout.fillWidth: true
        }
    }

    ScrollView {
        id: scroll
        objectName: "settingsScroll"
        anchors.fill: parent
        contentWidth: availableWidth
        contentHeight: form.implicitHeight + Theme.padding * 2

        ColumnLayout {
            id: form
            objectName: "settingsForm"
            x: Math.max(Theme.padding, (scroll.availableWidth - width) / 2)
            y: Theme.padding
            width: Math.min(scroll.availableWidth - Theme.padding * 2, page.formMaxWidth)
            spacing: Theme.padding

            Heading {
                objectName: "settingsHeading"
                text: qsTr("Settings")
            }

            Section {
                objectName: "profileSection"
                title: qsTr("Server profile")
                FormRow {
                    label: qsTr("Saved profiles")
                    wide: page.wideForm
                    labelWidth: page.labelWidth
                    buddy: profiles
                    Flow {
                        spacing: Theme.spacing
                        Layout.fillWidth: true
                        ComboBox {
                            id: profiles
                            objectName: "profileSelector"
                            width: page.fieldWidth
                            model: SettingsController.profiles
                            Accessible.name: qsTr("Saved profiles")
                            onActivated: editor.load(currentText)
                        }
                        Button {
                            text: qsTr("New")
                            Accessible.description: qsTr("Start an empty profile")
                            onClicked: {
                                editor.load("")
                                editor.focusName()
                            }
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
                    Caption {
                        text: Workspace.profile.length > 0 ? qsTr("In use: %1").arg(Workspace.profile)
                                                           : qsTr("No profile in use")
                        wrapMode: Text.Wrap
                        Layout.fillWidth: true
                    }
                }
                ProfileEditor {
                    id: editor
                    profileName: Workspace.demo ? "" : Workspace.profile
                    labelWidth: page.wideForm ? page.labelWidth : 0
                    Layout.fillWidth: true
                }
            }

            Section {
                objectName: "operatorSection"
                title: qsTr("You")
                FormRow {
                    id: operatorSection
                    // What the field holds is what would be stored: "" lets the server or the
                    // account name the operator
                    readonly property string problem: SettingsController.validateOperatorName(operatorField.text)
                    readonly property bool changed: operatorField.text.trim() !== OperatorIdentity.configuredName
                    label: qsTr("Operator name")
                    wide: page.wideForm
                    labelWidth: page.labelWidth
                    buddy: operatorField
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
                            Accessible.name: operatorSection.label
                            Accessible.description: operatorHint.text
                            onAccepted: saveOperatorButton.save()
                        }
                        Button {
                            id: saveOperatorButton
                            objectName: "saveOperatorNameButton"
                            text: qsTr("Save")
                            Accessible.name: qsTr("Save the operator name")
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
            }

            Section {
                id: connectionSection
                objectName: "connectionSection"
                title: qsTr("Connection")
                readonly property string problem: SettingsController.validateConnection(
                    heartbeat.value, heartbeatTimeout.value, reconnectBase.value, reconnectCap.value,
                    maxAttempts.value)

                FormRow {
                    id: transportRow
                    label: qsTr("Transport")
                    wide: page.wideForm
                    labelWidth: page.labelWidth
                    buddy: transport
                    ComboBox {
                        id: transport
                        objectName: "transportSelector"
                        // The names setTransportPreference() takes, shown as sentences
                        model: page.transportNames.map(name => ({
                            value: name,
                            text: name === "auto" ? qsTr("Automatic: WebSocket, HTTP when blocked")
                                : name === "websocket" ? qsTr("WebSocket only")
                                : name === "sse" ? qsTr("HTTP: server-sent events")
                                : name === "poll" ? qsTr("HTTP: long polling")
                                : name
                        }))
                        textRole: "text"
                        valueRole: "value"
                        currentIndex: ConnectionStatus.transportChoice
                        // As wide as its longest choice: none is ever cut
                        implicitContentWidthPolicy: ComboBox.WidestText
                        Layout.maximumWidth: page.innerWidth
                        Accessible.name: transportRow.label
                        Accessible.description: transportHint.text
                        onActivated: ConnectionStatus.setTransportPreference(currentValue)
                    }
                    Caption {
                        id: transportHint
                        text: qsTr("Takes effect at once. WebSocket is fastest; HTTP gets through proxies that block it.")
                        wrapMode: Text.Wrap
                        Layout.fillWidth: true
                    }
                }
                FormRow {
                    id: heartbeatRow
                    label: qsTr("Heartbeat every (ms)")
                    wide: page.wideForm
                    labelWidth: page.labelWidth
                    buddy: heartbeat
                    SpinBox {
                        id: heartbeat
                        objectName: "heartbeatField"
                        from: SettingsController.heartbeatMinMs; to: SettingsController.heartbeatMaxMs
                        stepSize: 1000; editable: true
                        value: SettingsController.heartbeatMs
                        Layout.preferredWidth: page.fieldWidth
                        Accessible.name: heartbeatRow.label
                    }
                }
                FormRow {
                    id: heartbeatTimeoutRow
                    label: qsTr("Heartbeat answer within (ms)")
                    wide: page.wideForm
                    labelWidth: page.labelWidth
                    buddy: heartbeatTimeout
                    SpinBox {
                        id: heartbeatTimeout
                        objectName: "heartbeatTimeoutField"
                        from: SettingsController.heartbeatTimeoutMinMs
                        to: SettingsController.heartbeatTimeoutMaxMs
                        stepSize: 1000; editable: true
                        value: SettingsController.heartbeatTimeoutMs
                        Layout.preferredWidth: page.fieldWidth
                        Accessible.name: heartbeatTimeoutRow.label
                    }
                }
                FormRow {
                    id: reconnectBaseRow
                    label: qsTr("First retry after (ms)")
                    wide: page.wideForm
                    labelWidth: page.labelWidth
                    buddy: reconnectBase
                    SpinBox {
                        id: reconnectBase
                        objectName: "reconnectBaseField"
                        from: SettingsController.reconnectBaseMinMs
                        to: SettingsController.reconnectBaseMaxMs
                        stepSize: 500; editable: true
                        value: SettingsController.reconnectBaseMs
                        Layout.preferredWidth: page.fieldWidth
                        Accessible.name: reconnectBaseRow.label
                    }
                }
                FormRow {
                    id: reconnectCapRow
                    label: qsTr("Longest wait between retries (ms)")
                    wide: page.wideForm
                    labelWidth: page.labelWidth
                    buddy: reconnectCap
                    SpinBox {
                        id: reconnectCap
                        objectName: "reconnectCapField"
                        from: SettingsController.reconnectBaseMinMs
                        to: SettingsController.reconnectCapMaxMs
                        stepSize: 1000; editable: true
                        value: SettingsController.reconnectCapMs
                        Layout.preferredWidth: page.fieldWidth
                        Accessible.name: reconnectCapRow.label
                    }
                }
                FormRow {
                    id: maxAttemptsRow
                    label: qsTr("Give up after attempts (0: never)")
                    wide: page.wideForm
                    labelWidth: page.labelWidth
                    buddy: maxAttempts
                    SpinBox {
                        id: maxAttempts
                        objectName: "maxAttemptsField"
                        from: 0; to: SettingsController.maxAttemptsLimit; editable: true
                        value: SettingsController.maxAttempts
                        Layout.preferredWidth: page.fieldWidth
                        Accessible.name: maxAttemptsRow.label
                    }
                }
                FormRow {
                    wide: page.wideForm
                    labelWidth: page.labelWidth
                    Body {
                        objectName: "connectionProblem"
                        visible: text.length > 0
                        text: connectionSection.problem
                        color: Theme.danger
                        wrapMode: Text.Wrap
                        Layout.fillWidth: true
                    }
                    Button {
                        objectName: "saveConnectionButton"
                        text: qsTr("Apply and reconnect")
                        enabled: connectionSection.problem.length === 0
                        Accessible.description: qsTr("Uses the heartbeat and retry settings above and reconnects")
                        onClicked: SettingsController.saveConnection(heartbeat.value, heartbeatTimeout.value,
                                                                     reconnectBase.value, reconnectCap.value,
                                                                     maxAttempts.value)
                    }
                }
            }

            Section {
                objectName: "appearanceSection"
                title: qsTr("Appearance")
                FormRow {
                    id: themeRow
                    label: qsTr("Theme")
                    wide: page.wideForm
                    labelWidth: page.labelWidth
                    Flow {
                        id: themeChoices
                        spacing: Theme.spacing
                        Layout.fillWidth: true
                        Accessible.role: Accessible.Grouping
                        Accessible.name: themeRow.label
                        ButtonGroup { id: themeGroup }
                        Repeater {
                            model: [{ key: "system", choice: Appearance.System, label: qsTr("Follow the system") },
                                    { key: "light", choice: Appearance.Light, label: qsTr("Light") },
                                    { key: "dark", choice: Appearance.Dark, label: qsTr("Dark") }]
                            RadioButton {
                                required property var modelData
                                objectName: "theme_" + modelData.key
                                text: modelData.label
                                ButtonGroup.group: themeGroup
                                checked: Appearance.choice === modelData.choice
                                onClicked: Appearance.choose(modelData.choice)
                            }
                        }
                    }
                }
                FormRow {
                    id: densityRow
                    label: qsTr("Density")
                    wide: page.wideForm
                    labelWidth: page.labelWidth
                    Flow {
                        id: densityChoices
                        spacing: Theme.spacing
                        Layout.fillWidth: true
                        Accessible.role: Accessible.Grouping
                        Accessible.name: densityRow.label
                        ButtonGroup { id: densityGroup }
                        Repeater {
                            model: [{ key: "comfortable", label: qsTr("Comfortable") },
                                    { key: "compact", label: qsTr("Compact") }]
                            RadioButton {
                                required property var modelData
                                objectName: "density_" + modelData.key
                                text: modelData.label
                                ButtonGroup.group: densityGroup
                                checked: Appearance.density === modelData.key
                                onClicked: Appearance.setDensity(modelData.key)
                            }
                        }
                    }
                    Caption {
                        text: qsTr("Compact fits more rows on the screen: lists, spacing and padding tighten.")
                        wrapMode: Text.Wrap
                        Layout.fillWidth: true
                    }
                }
            }

            Section {
                objectName: "logsSection"
                title: qsTr("Logs")
                FormRow {
                    id: logCapacityRow
                    label: qsTr("Lines kept")
                    wide: page.wideForm
                    labelWidth: page.labelWidth
                    buddy: logCapacity
                    SpinBox {
                        id: logCapacity
                        objectName: "logCapacityBox"
                        from: SettingsController.logCapacityMin
                        to: SettingsController.logCapacityMax
                        stepSize: 100000
                        editable: true
                        value: SettingsController.logCapacity
                        Layout.preferredWidth: page.fieldWidth
                        onValueModified: SettingsController.setLogCapacity(value)
                        Accessible.name: logCapacityRow.label
                        Accessible.description: logCapacityHint.text
                    }
                    Caption {
                        id: logCapacityHint
                        text: qsTr("The Logs page keeps this many lines (%1 to %2); the oldest go first. About 130 bytes per line.")
                              .arg(SettingsController.logCapacityMin.toLocaleString(Qt.locale(), "f", 0))
                              .arg(SettingsController.logCapacityMax.toLocaleString(Qt.locale(), "f", 0))
                        wrapMode: Text.Wrap
                        Layout.fillWidth: true
                    }
                }
            }

            Section {
                objectName: "troubleshootingSection"
                title: qsTr("Troubleshooting")
                FormRow {
                    wide: page.wideForm
                    labelWidth: page.labelWidth
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
                        wrapMode: Text.Wrap
                        Layout.fillWidth: true
                    }
                }
            }
        }
    }
}
