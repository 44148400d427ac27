import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Vigil
import Vigil.Models

// Create an incident: a title, a severity and an optional description, each checked as the
// operator types (IncidentForm, the server's own limits) with the problem shown under the field.
// Create queues an incident.create action; the new incident shows as being created until the
// server's incident.created confirms it.
Dialog {
    id: dialog
    objectName: "incidentCreateDialog"
    title: qsTr("New incident")
    modal: true
    focus: true
    anchors.centerIn: parent
    width: Math.min(Theme.welcomeWidth, parent ? parent.width - Theme.padding * 2 : Theme.welcomeWidth)
    standardButtons: Dialog.NoButton

    // The operator typed in the title: an empty one is a problem from then on
    property bool titleTouched: false
    property string submitError
    readonly property string severity: severityBox.currentIndex >= 0
                                       ? IncidentForm.severities[severityBox.currentIndex] : ""
    readonly property string titleProblem: IncidentForm.titleProblem(titleField.text)
    readonly property string severityProblem: IncidentForm.severityProblem(severity)
    readonly property string descriptionProblem: IncidentForm.descriptionProblem(descriptionField.text)
    readonly property bool valid: titleProblem.length === 0 && severityProblem.length === 0
                                  && descriptionProblem.length === 0

    // Queues the incident; true when it is in the outbox.
    function create() {
        titleTouched = true
        if (!valid)
            return false
        const payload = { title: titleField.text.trim(), severity: severity }
        if (descriptionField.text.trim().length > 0)
            payload.description = descriptionField.text.trim()
        const id = Actions.submit("incident.create", payload)
        submitError = id.length > 0 ? "" : Actions.lastError
        if (id.length > 0)
            close()
        return id.length > 0
    }

    onOpened: {
        titleField.clear()
        descriptionField.clear()
        severityBox.currentIndex = severityBox.find(IncidentForm.defaultSeverity)
        titleTouched = false
        submitError = ""
        titleField.forceActiveFocus()
    }

    ColumnLayout {
        anchors.fill: parent
        spacing: Theme.spacing
        Caption { text: qsTr("Title") }
        TextField {
            id: titleField
            objectName: "incidentTitleField"
            placeholderText: qsTr("What is wrong, in a line")
            selectByMouse: true
            Layout.fillWidth: true
            Accessible.name: qsTr("Title")
            onTextEdited: dialog.titleTouched = true
            onAccepted: dialog.create()
        }
        Caption {
            objectName: "incidentTitleProblem"
            visible: (dialog.titleTouched || titleField.text.length > 0) && text.length > 0
            text: dialog.titleProblem
            color: Theme.danger
            wrapMode: Text.Wrap
            Layout.fillWidth: true
        }
        Caption { text: qsTr("Severity") }
        ComboBox {
            id: severityBox
            objectName: "incidentSeverityField"
            model: IncidentForm.severities
            Layout.fillWidth: true
            Accessible.name: qsTr("Severity: %1").arg(displayText)
        }
        Caption {
            objectName: "incidentSeverityProblem"
            visible: text.length > 0
            text: dialog.severityProblem
            color: Theme.danger
            Layout.fillWidth: true
        }
        Caption { text: qsTr("Description (optional)") }
        TextArea {
            id: descriptionField
            objectName: "incidentDescriptionField"
            wrapMode: TextEdit.Wrap
            selectByMouse: true
            Layout.fillWidth: true
            Layout.preferredHeight: Theme.tileHeight
            Accessible.name: qsTr("Description")
            background: Rectangle {
                color: Theme.surface
                border.color: dialog.descriptionProblem.length > 0 ? Theme.danger : Theme.border
                radius: Theme.radius / 2
            }
        }
        Caption {
            objectName: "incidentDescriptionProblem"
            visible: text.length > 0
            text: dialog.descriptionProblem
            color: Theme.danger
            wrapMode: Text.Wrap
            Layout.fillWidth: true
        }
        Body {
            objectName: "incidentCreateError"
            visible: dialog.submitError.length > 0
            text: dialog.submitError
            color: Theme.danger
            wrapMode: Text.Wrap
            Layout.fillWidth: true
        }
        RowLayout {
            Layout.alignment: Qt.AlignRight
            Button {
                objectName: "cancelCreateButton"
                text: qsTr("Cancel")
                onClicked: dialog.close()
            }
            Button {
                objectName: "createIncidentButton"
                text: qsTr("Create")
                enabled: dialog.valid
                highlighted: true
                onClicked: dialog.create()
            }
        }
    }
}
