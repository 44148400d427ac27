import QtQuick
import QtTest
import Vigil
import Vigil.Models
import Vigil.Testing

// Retry, pressed the way the operator presses it. The server refused an action for good: the
// outbox holds it as a dead letter and it shows as Failed with the server's reason. Its row in
// the Queue view and the incident's detail offer Retry; a click there (or Space on the focused
// button) sends it again: a new action on the same incident, Queued in the outbox, and the
// failed one is gone from the outbox and the views.
// (TestCase is an invisible Item: what is tested lives in this visible one.)
Item {
    id: root
    width: 900
    height: 700

    Component {
        id: queueComponent
        QueuePage {
            anchors.fill: parent
        }
    }
    Component {
        id: detailComponent
        IncidentDetail {
            anchors.fill: parent
            incident: IncidentList.selected
        }
    }

    TestCase {
        name: "QueueRetry"
        when: windowShown

        // An incident the operator acknowledged, and the server's final refusal of it.
        function failedAcknowledge(incidentId, reason) {
            TestHelper.feed("incident.created", "incidents", {
                incidentId: incidentId,
                type: "created",
                data: { title: "Disk full on " + incidentId, severity: "high", status: "new" }
            })
            const actionId = Actions.submit("incident.acknowledge", { incidentId: incidentId })
            verify(actionId.length > 0, Actions.lastError)
            compare(Actions.stateFor(incidentId).state, Actions.Queued)
            compare(TestHelper.outboxState(actionId), "queued")

            verify(TestHelper.failAction(actionId, reason))
            const failed = Actions.stateFor(incidentId)
            compare(failed.actionId, actionId)
            compare(failed.state, Actions.Failed)
            compare(failed.reason, reason)
            compare(TestHelper.outboxState(actionId), "dead")
            return actionId
        }

        // After Retry: one new action on the incident, queued in the outbox; the failed one gone.
        function verifyQueuedAgain(incidentId, failedId) {
            const again = Actions.stateFor(incidentId)
            verify(again.actionId !== undefined, "an action on " + incidentId)
            verify(again.actionId !== failedId)
            compare(again.type, "incident.acknowledge")
            compare(again.payload.incidentId, incidentId)
            compare(again.state, Actions.Queued)
            compare(again.stateText, "Queued")
            compare(TestHelper.outboxState(again.actionId), "queued")
            compare(TestHelper.outboxState(failedId), "")
            return again.actionId
        }

        // The Queue view's row of `actionId`, or null
        function queueRow(page, actionId) {
            const list = findChild(page, "queuePageList")
            // (A list property: Qt 6.4 cannot iterate it with for...of.)
            const children = list.contentItem.children
            for (let i = 0; i < children.length; ++i) {
                if (children[i].actionId === actionId)
                    return children[i]
            }
            return null
        }

        function test_retryOnTheQueueRow() {
            const failedId = failedAcknowledge("inc-qr1", "incident inc-qr1 is locked")
            const page = createTemporaryObject(queueComponent, root)
            verify(page)
            tryVerify(() => queueRow(page, failedId) !== null)
            const row = queueRow(page, failedId)
            compare(row.stateText, "Failed")
            compare(row.reason, "incident inc-qr1 is locked")
            const retry = findChild(row, "queueRetry_" + failedId)
            verify(retry)
            waitForRendering(page) // laid out: the clicks land where they should
            // The row's buttons show on the current row: a click on the row selects it.
            mouseClick(row, row.width / 4, row.height / 2)
            tryCompare(row, "current", true)
            tryVerify(() => retry.visible && retry.width > 0)
            const before = Actions.count

            mouseClick(retry)

            const againId = verifyQueuedAgain("inc-qr1", failedId)
            compare(Actions.count, before) // replaced, not added
            // The view follows: the failed row is gone, the new one is queued (Discard, no Retry).
            tryVerify(() => queueRow(page, failedId) === null)
            tryVerify(() => queueRow(page, againId) !== null)
            const queued = queueRow(page, againId)
            compare(queued.stateText, "Queued")
            // Only what applies: Discard, no Retry (in the buttons and the context menu alike)
            compare(findChild(queued, "queueRetry_" + againId), null)
            verify(findChild(queued, "queueDiscard_" + againId))
            compare(queued.menuActions.map(a => a.name), ["queueDiscard_" + againId])
            verify(Actions.discard(againId))
        }

        function test_retryOnTheIncidentDetailWithTheKeyboard() {
            const failedId = failedAcknowledge("inc-qr2", "incident inc-qr2 is locked")
            IncidentList.select("inc-qr2")
            compare(IncidentList.selected.incidentId, "inc-qr2")
            const detail = createTemporaryObject(detailComponent, root)
            verify(detail)
            const chip = findChild(detail, "detailAction")
            tryVerify(() => chip.visible && chip.canRetry)
            compare(chip.actionId, failedId)
            compare(findChild(chip, "actionReason").text, "incident inc-qr2 is locked")
            const retry = findChild(chip, "retryActionButton")
            verify(retry.visible)

            retry.forceActiveFocus()
            tryVerify(() => retry.activeFocus)
            keyClick(Qt.Key_Space)

            const againId = verifyQueuedAgain("inc-qr2", failedId)
            // The detail shows the new action, queued, with nothing to retry.
            tryCompare(chip, "actionId", againId)
            compare(chip.actionState, Actions.Queued)
            compare(findChild(chip, "actionState").text, "Acknowledge: Queued")
            verify(!retry.visible)
            verify(Actions.discard(againId))
        }
    }
}
