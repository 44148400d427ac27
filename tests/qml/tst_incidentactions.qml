import QtQuick
import QtQuick.Controls
import QtTest
import Vigil
import Vigil.Models
import Vigil.Testing

// What the operator does about an incident, through the detail beside the list and the New
// incident dialog: every button queues the right action (type and payload) through
// Actions.submit() into the outbox (never drained here: the actions stay queued), the detail
// then shows what the action will change, marked pending, and its state; the fields say what is
// wrong with what was typed, and nothing invalid is sent.
// (TestCase is an invisible Item: what is tested lives in this visible one.)
Item {
    id: root
    width: 700
    height: 800

    Component {
        id: detailComponent
        IncidentDetail {
            anchors.fill: parent
            incident: IncidentList.selected
        }
    }
    Component {
        id: dialogComponent
        IncidentCreateDialog {}
    }

    TestCase {
        name: "IncidentActions"
        when: windowShown

        // A new incident nobody took yet, selected, with its detail on screen.
        function detailFor(id, fields) {
            TestHelper.feed("incident.created", "incidents", {
                incidentId: id,
                type: "created",
                data: Object.assign({ title: "Disk full on " + id, severity: "high",
                                      status: "new" }, fields || {})
            })
            IncidentList.select(id)
            compare(IncidentList.selected.incidentId, id)
            verify(IncidentList.selected.found)
            const detail = createTemporaryObject(detailComponent, root)
            verify(detail)
            return detail
        }

        function button(detail, name) {
            const found = findChild(detail, name)
            verify(found, name)
            return found
        }

        // The newest open action on `id`: what the outbox holds for it.
        function actionOn(id) {
            const action = Actions.stateFor(id)
            verify(action.actionId !== undefined, "an action on " + id)
            return action
        }

        function test_acknowledgeQueuesAndShowsPending() {
            const detail = detailFor("inc-qa1")
            const before = Actions.count
            mouseClick(button(detail, "acknowledgeButton"))
            compare(Actions.count, before + 1)
            const action = actionOn("inc-qa1")
            compare(action.type, "incident.acknowledge")
            compare(action.payload.incidentId, "inc-qa1")
            compare(action.state, Actions.Queued)
            // The detail shows what it will be, pending, and how far the action got.
            tryCompare(findChild(detail, "detailStatus"), "text", "new → acknowledged (pending)")
            const chip = findChild(detail, "detailAction")
            verify(chip.visible)
            compare(findChild(chip, "actionState").text, "Acknowledge: Queued")
            compare(String(findChild(chip, "actionState").tint), String(Theme.warning))
            verify(findChild(chip, "actionOffline").visible) // nothing is connected here
            // Given up: the server's values again.
            verify(Actions.discard(action.actionId))
            tryCompare(findChild(detail, "detailStatus"), "text", "new")
            verify(!chip.visible)
        }

        function test_assignToMe() {
            const detail = detailFor("inc-qa2")
            verify(IncidentForm.me.length > 0)
            mouseClick(button(detail, "assignToMeButton"))
            const action = actionOn("inc-qa2")
            compare(action.type, "incident.assign")
            compare(action.payload, { incidentId: "inc-qa2", assignee: IncidentForm.me })
            tryCompare(findChild(detail, "detailAssignee"), "text", IncidentForm.me + " (pending)")
            compare(findChild(detail, "detailStatus").text, "new → investigating (pending)")
        }

        function test_assignToSomeoneIsChecked() {
            const detail = detailFor("inc-qa3")
            const field = findChild(detail, "assigneeField")
            const assign = button(detail, "assignButton")
            const problem = findChild(detail, "assigneeProblem")
            verify(!assign.enabled) // nobody named yet
            verify(!problem.visible)
            field.forceActiveFocus()
            keyClick(Qt.Key_Space)
            verify(!assign.enabled)
            verify(problem.visible)
            compare(problem.text, IncidentForm.assigneeProblem(" "))
            field.text = "x".repeat(129)
            verify(!assign.enabled)
            verify(problem.text.length > 0)
            field.text = ""
            keyClick("z")
            keyClick("o")
            keyClick("e")
            verify(assign.enabled)
            verify(!problem.visible)
            const before = Actions.count
            keyClick(Qt.Key_Return) // Enter in the field assigns
            compare(Actions.count, before + 1)
            compare(actionOn("inc-qa3").payload, { incidentId: "inc-qa3", assignee: "zoe" })
            compare(field.text, "")
        }

        function test_escalate() {
            const detail = detailFor("inc-qa4")
            mouseClick(button(detail, "escalateButton"))
            const action = actionOn("inc-qa4")
            compare(action.type, "incident.escalate")
            compare(action.payload, { incidentId: "inc-qa4" })
            tryCompare(findChild(detail, "detailSeverity"), "text", "critical (pending)")
        }

        function test_resolveWithANote_data() {
            return [
                { tag: "with a note", id: "inc-qa5", note: "disk replaced",
                  payload: { incidentId: "inc-qa5", note: "disk replaced" } },
                { tag: "without", id: "inc-qa6", note: "",
                  payload: { incidentId: "inc-qa6" } }
            ]
        }

        function test_resolveWithANote(data) {
            const detail = detailFor(data.id)
            findChild(detail, "resolveNoteField").text = data.note
            mouseClick(button(detail, "resolveButton"))
            const action = actionOn(data.id)
            compare(action.type, "incident.resolve")
            compare(action.payload, data.payload)
            tryCompare(findChild(detail, "detailStatus"), "text", "new → resolved (pending)")
            compare(findChild(detail, "resolveNoteField").text, "")
        }

        function test_aLongNoteIsRefusedBeforeSending() {
            const detail = detailFor("inc-qa7")
            findChild(detail, "resolveNoteField").text = "n".repeat(4001)
            verify(!button(detail, "resolveButton").enabled)
            verify(findChild(detail, "noteProblem").visible)
            compare(Actions.stateFor("inc-qa7").actionId, undefined)
        }

        function test_nothingToDoOnAResolvedIncident() {
            const detail = detailFor("inc-qa8", { status: "resolved", severity: "critical" })
            for (const name of ["acknowledgeButton", "assignToMeButton", "escalateButton",
                                "assignButton", "resolveButton"])
                verify(!button(detail, name).enabled, name)
        }

        function test_createIsValidatedAndQueued() {
            const dialog = createTemporaryObject(dialogComponent, root)
            verify(dialog)
            dialog.open()
            tryCompare(dialog, "opened", true)
            const title = findChild(dialog, "incidentTitleField")
            const create = findChild(dialog, "createIncidentButton")
            const titleProblem = findChild(dialog, "incidentTitleProblem")
            const descriptionProblem = findChild(dialog, "incidentDescriptionProblem")
            tryVerify(() => title.activeFocus)
            verify(!create.enabled) // no title yet
            verify(!titleProblem.visible) // nothing typed yet: no reproach
            compare(findChild(dialog, "incidentSeverityField").currentText, "medium")

            title.text = "t".repeat(201)
            verify(!create.enabled)
            verify(titleProblem.visible)
            compare(titleProblem.text, IncidentForm.titleProblem(title.text))
            verify(titleProblem.text.indexOf("201") >= 0)

            title.text = ""
            keyClick("P")
            keyClick("S")
            keyClick("U")
            verify(create.enabled)
            verify(!titleProblem.visible)
            const description = findChild(dialog, "incidentDescriptionField")
            description.text = "d".repeat(4001)
            verify(!create.enabled)
            verify(descriptionProblem.visible)
            description.text = "the second power supply is down"
            verify(!descriptionProblem.visible)
            findChild(dialog, "incidentSeverityField").currentIndex = 3 // critical

            const before = IncidentList.creating.count
            mouseClick(create)
            tryCompare(dialog, "visible", false)
            compare(IncidentList.creating.count, before + 1)
            // The newest create, first among those being created, is this one.
            const creating = IncidentList.creating
            compare(creating.data(creating.index(0, 0), Qt.DisplayRole), "PSU")
        }

        function test_emptyTitleIsShownOnceTouched() {
            const dialog = createTemporaryObject(dialogComponent, root)
            dialog.open()
            tryCompare(dialog, "opened", true)
            const title = findChild(dialog, "incidentTitleField")
            tryVerify(() => title.activeFocus)
            keyClick("a")
            keyClick(Qt.Key_Backspace)
            const problem = findChild(dialog, "incidentTitleProblem")
            verify(problem.visible)
            compare(problem.text, IncidentForm.titleProblem(""))
            const before = IncidentList.creating.count
            keyClick(Qt.Key_Return) // Enter tries to create: refused
            compare(IncidentList.creating.count, before)
            verify(dialog.visible)
        }
    }
}
