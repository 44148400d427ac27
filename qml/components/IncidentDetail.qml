pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Vigil
import Vigil.Models

// The selected incident beside the list: its fields, what the operator can do about it, how
// their last action is going, and its timeline of updates (newest first). Every action goes
// into the outbox through Actions.submit(); while it is on its way the fields show what it will
// change, marked pending, and the server's update confirms it.
Rectangle {
    id: detail
    // IncidentList.selected
    property SelectedIncident incident
    // Why the last action could not even be queued ("" when it was)
    property string submitError
    signal closeRequested()

    readonly property bool shown: incident !== null && incident.incidentId.length > 0

    // Queues `type` about this incident with `fields`; true when it is in the outbox.
    function submit(type, fields) {
        const payload = Object.assign({ incidentId: incident.incidentId }, fields || {})
        const id = Actions.submit(type, payload)
        submitError = id.length > 0 ? "" : Actions.lastError
        return id.length > 0
    }
    function acknowledge() { return submit("incident.acknowledge") }
    function assignTo(who) { return submit("incident.assign", { assignee: who.trim() }) }
    function escalate() { return submit("incident.escalate") }
    function resolve(note) {
        return submit("incident.resolve", note.trim().length > 0 ? { note: note.trim() } : {})
    }

    implicitWidth: Theme.panelMinWidth + Theme.tileWidth
    radius: Theme.radius
    color: Theme.surface
    border.color: Theme.border
    Accessible.role: Accessible.Pane
    Accessible.name: shown ? qsTr("Incident %1").arg(incident.incidentId) : ""
    onIncidentChanged: submitError = ""

    Connections {
        target: detail.incident
        function onIncidentIdChanged() {
            detail.submitError = ""
            assigneeField.clear()
            noteField.clear()
        }
    }

    ColumnLayout {
        anchors.fill: parent
        anchors.margins: Theme.spacing
        spacing: Theme.spacing
        visible: detail.shown

        RowLayout {
            Layout.fillWidth: true
            Badge {
                objectName: "detailSeverity"
                text: detail.incident && detail.incident.pendingSeverity.length > 0
                      ? qsTr("%1 (pending)").arg(detail.incident.pendingSeverity)
                      : detail.incident ? detail.incident.severity : ""
                tint: Theme.severityColor(detail.incident && detail.incident.pendingSeverity.length > 0
                                          ? detail.incident.pendingSeverity
                                          : detail.incident ? detail.incident.severity : "")
            }
            Heading {
                objectName: "detailTitle"
                text: detail.incident ? detail.incident.title : ""
                font.pixelSize: Theme.fontNormal
                wrapMode: Text.Wrap
                Layout.fillWidth: true
            }
            Button {
                objectName: "closeDetailButton"
                text: qsTr("Close")
                flat: true
                font.pixelSize: Theme.fontSmall
                Accessible.description: qsTr("Close the incident's detail")
                onClicked: detail.closeRequested()
            }
        }

        GridLayout {
            columns: 2
            columnSpacing: Theme.spacing
            rowSpacing: Theme.tightSpacing
            Layout.fillWidth: true
            Caption { text: qsTr("Id") }
            Mono {
                objectName: "detailId"
                text: detail.incident ? detail.incident.incidentId : ""
            }
            Caption { text: qsTr("Status") }
            Body {
                objectName: "detailStatus"
                text: !detail.incident ? ""
                      : detail.incident.pendingStatus.length > 0
                        ? qsTr("%1 → %2 (pending)").arg(detail.incident.status)
                                                  .arg(detail.incident.pendingStatus)
                        : detail.incident.status
            }
            Caption { text: qsTr("Assignee") }
            Body {
                objectName: "detailAssignee"
                text: !detail.incident ? ""
                      : detail.incident.pendingAssignee.length > 0
                        ? qsTr("%1 (pending)").arg(detail.incident.pendingAssignee)
                        : detail.incident.assignedTo.length > 0 ? detail.incident.assignedTo
                                                               : qsTr("unassigned")
            }
            Caption { text: qsTr("Opened") }
            Body {
                text: detail.incident && detail.incident.createdAt > 0
                      ? Qt.formatDateTime(new Date(detail.incident.createdAt)) : qsTr("unknown")
            }
            Caption { text: qsTr("Updated") }
            Body {
                text: detail.incident && detail.incident.updatedAt > 0
                      ? Qt.formatDateTime(new Date(detail.incident.updatedAt)) : ""
            }
        }
        Body {
            objectName: "detailDescription"
            visible: text.length > 0
            text: detail.incident ? detail.incident.description : ""
            wrapMode: Text.Wrap
            Layout.fillWidth: true
        }

        ActionChip {
            objectName: "detailAction"
            visible: detail.incident !== null && detail.incident.actionText.length > 0
            text: detail.incident ? detail.incident.actionText : ""
            tone: detail.incident ? detail.incident.actionTone : Tone.Idle
            reason: detail.incident ? detail.incident.actionReason : ""
            actionId: detail.incident ? detail.incident.actionId : ""
            actionState: detail.incident ? detail.incident.actionState : -1
            canRetry: detail.incident !== null && detail.incident.canRetry
        }

        // What the operator can do: every button queues an action in the outbox.
        Flow {
            spacing: Theme.spacing
            Layout.fillWidth: true
            Button {
                objectName: "acknowledgeButton"
                text: qsTr("Acknowledge")
                enabled: detail.incident !== null && detail.incident.canAct
                onClicked: detail.acknowledge()
            }
            Button {
                objectName: "assignToMeButton"
                text: qsTr("Assign to me")
                enabled: detail.incident !== null && detail.incident.canAct
                Accessible.description: qsTr("Assign the incident to %1").arg(IncidentForm.me)
                onClicked: detail.assignTo(IncidentForm.me)
            }
            Button {
                objectName: "escalateButton"
                text: qsTr("Escalate")
                enabled: detail.incident !== null && detail.incident.canEscalate
                Accessible.description: qsTr("Raise the severity one step")
                onClicked: detail.escalate()
            }
        }
        RowLayout {
            Layout.fillWidth: true
            TextField {
                id: assigneeField
                objectName: "assigneeField"
                placeholderText: qsTr("Assign to…")
                selectByMouse: true
                enabled: detail.incident !== null && detail.incident.canAct
                Layout.fillWidth: true
                Accessible.name: qsTr("Assignee")
                onAccepted: assignButton.clicked()
            }
            Button {
                id: assignButton
                objectName: "assignButton"
                text: qsTr("Assign")
                enabled: detail.incident !== null && detail.incident.canAct
                         && IncidentForm.assigneeProblem(assigneeField.text).length === 0
                onClicked: {
                    if (enabled && detail.assignTo(assigneeField.text))
                        assigneeField.clear()
                }
            }
        }
        Caption {
            objectName: "assigneeProblem"
            visible: assigneeField.text.length > 0 && text.length > 0
            text: IncidentForm.assigneeProblem(assigneeField.text)
            color: Theme.danger
            wrapMode: Text.Wrap
            Layout.fillWidth: true
        }
        RowLayout {
            Layout.fillWidth: true
            TextField {
                id: noteField
                objectName: "resolveNoteField"
                placeholderText: qsTr("Resolution note (optional)")
                selectByMouse: true
                enabled: detail.incident !== null && detail.incident.canAct
                Layout.fillWidth: true
                Accessible.name: qsTr("Resolution note")
            }
            Button {
                id: resolveButton
                objectName: "resolveButton"
                text: qsTr("Resolve")
                enabled: detail.incident !== null && detail.incident.canAct
                         && IncidentForm.noteProblem(noteField.text).length === 0
                onClicked: {
                    if (detail.resolve(noteField.text))
                        noteField.clear()
                }
            }
        }
        Caption {
            objectName: "noteProblem"
            visible: text.length > 0
            text: IncidentForm.noteProblem(noteField.text)
            color: Theme.danger
            wrapMode: Text.Wrap
            Layout.fillWidth: true
        }
        Body {
            objectName: "submitError"
            visible: detail.submitError.length > 0
            text: detail.submitError
            color: Theme.danger
            wrapMode: Text.Wrap
            Layout.fillWidth: true
        }

        Heading {
            text: qsTr("Timeline")
            font.pixelSize: Theme.fontNormal
        }
        ListView {
            id: timeline
            objectName: "incidentTimeline"
            model: detail.incident
            clip: true
            Layout.fillWidth: true
            Layout.fillHeight: true
            ScrollBar.vertical: ScrollBar {}
            delegate: IncidentUpdateRow {}
            EmptyHint {
                shown: timeline.count === 0
                text: qsTr("No updates seen yet.")
            }
        }
    }
    EmptyHint {
        shown: !detail.shown
        text: qsTr("Select an incident and press Enter to see it here.")
    }
}
