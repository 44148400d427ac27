import QtQuick
import QtTest
import Vigil
import Vigil.Models

// The Alerts page's actions: Acknowledge and Silence put the right request through Actions
// (into the outbox; nothing drains it here, so they stay queued), the row shows how the action
// is going, and a failed one offers Retry.
// (TestCase is an invisible Item: what is tested lives in this visible one.)
Item {
    id: root
    width: 900
    height: 400

    TestCase {
        name: "AlertActions"
        when: windowShown

        Component { id: alertComponent; AlertRow {} }

        // Each test acts on alerts of its own: the actions stay in the outbox between tests.
        function alertRow(id, extra) {
            const values = { alertId: id, title: "CPU high", severity: "critical",
                             source: "db-1", active: true, raisedAt: 0,
                             status: AlertsModel.Active, acknowledgedBy: "", silencedUntil: 0,
                             requestId: "", actionable: true }
            const row = createTemporaryObject(alertComponent, root, Object.assign(values, extra || {}))
            verify(row)
            return row
        }

        // The row's buttons show under the pointer (or on the list's current row).
        function button(row, name) {
            mouseMove(row, row.width / 2, row.height / 2)
            tryCompare(row, "hovered", true)
            const found = findChild(row, name)
            verify(found, name)
            tryVerify(() => found.visible && found.width > 0)
            return found
        }

        function test_acknowledgeSubmitsTheAlertId() {
            const row = alertRow("al-ack-1")
            compare(Actions.stateFor("al-ack-1").actionId, undefined)
            const acknowledge = button(row, "acknowledgeAlert_al-ack-1")
            verify(acknowledge.enabled)
            mouseClick(acknowledge)
            const action = Actions.stateFor("al-ack-1")
            compare(action.type, "alert.acknowledge")
            compare(action.payload.alertId, "al-ack-1")
            compare(Object.keys(action.payload).length, 1)
            compare(action.state, Actions.Queued)
            // The row shows it at once, and does not offer the actions again meanwhile.
            tryCompare(row, "actionOpen", true)
            const state = findChild(findChild(row, "alertAction_al-ack-1"), "actionState")
            tryVerify(() => state.visible)
            compare(state.text, action.stateText)
            compare(acknowledge.enabled, false)
            compare(button(row, "silenceAlert_al-ack-1").enabled, false)
            compare(Actions.lastError, "")
        }

        function test_silence_data() {
            return [
                { tag: "15 minutes", item: "silence15", minutes: 15 },
                { tag: "an hour", item: "silence60", minutes: 60 },
                { tag: "4 hours", item: "silence240", minutes: 240 }
            ]
        }

        function test_silence(data) {
            const id = "al-silence-" + data.minutes
            const row = alertRow(id)
            mouseClick(button(row, "silenceAlert_" + id))
            const menu = findChild(row, "silenceMenu_" + id)
            tryCompare(menu, "opened", true)
            let entry = null
            for (let i = 0; i < menu.count; ++i) {
                if (menu.itemAt(i).objectName === data.item)
                    entry = menu.itemAt(i)
            }
            verify(entry)
            tryVerify(() => entry.width > 0 && entry.height > 0)
            mouseClick(entry)
            const action = Actions.stateFor(id)
            compare(action.type, "alert.silence")
            compare(action.payload.alertId, id)
            compare(action.payload.minutes, data.minutes)
            tryCompare(menu, "opened", false)
        }

        // An acknowledged alert can still be silenced, not acknowledged again; a cleared one
        // neither.
        function test_whatCanBeDone_data() {
            return [
                { tag: "acknowledged", status: AlertsModel.Acknowledged, active: true,
                  ack: false, silence: true },
                { tag: "silenced", status: AlertsModel.Silenced, active: true,
                  ack: false, silence: true },
                { tag: "cleared", status: AlertsModel.Cleared, active: false,
                  ack: false, silence: false }
            ]
        }

        function test_whatCanBeDone(data) {
            const id = "al-state-" + data.tag
            const row = alertRow(id, { status: data.status, active: data.active })
            compare(button(row, "acknowledgeAlert_" + id).enabled, data.ack)
            compare(button(row, "silenceAlert_" + id).enabled, data.silence)
        }

        // Confirmed: the alert's update carried the action's id and no action is open.
        function test_confirmedShows() {
            const row = alertRow("al-confirmed", { status: AlertsModel.Acknowledged,
                                                   acknowledgedBy: "op", requestId: "req-1" })
            const progress = findChild(row, "alertAction_al-confirmed")
            tryVerify(() => progress.visible)
            compare(findChild(progress, "actionState").text, "Confirmed")
            compare(findChild(progress, "retryActionButton").visible, false)
        }

        // Failed: the server's reason, and Retry sends that action again. (Nothing here can make
        // the server refuse, so the row is given what Actions.stateFor() says of a refusal.)
        function test_failedOffersRetry() {
            const row = alertRow("al-failed")
            row.action = { actionId: "no-such-action", state: Actions.Failed, stateText: "Failed",
                           tone: Tone.Danger, reason: "conflict: alert al-1 is already cleared" }
            compare(row.actionOpen, true)
            compare(button(row, "acknowledgeAlert_al-failed").enabled, false)
            const progress = findChild(row, "alertAction_al-failed")
            tryVerify(() => progress.visible)
            compare(findChild(progress, "actionState").text, "Failed")
            const reason = findChild(progress, "actionReason")
            tryVerify(() => reason.visible)
            compare(reason.text, "conflict: alert al-1 is already cleared")
            compare(String(findChild(progress, "actionState").tint), String(Theme.danger))
            const retry = findChild(progress, "retryActionButton")
            tryVerify(() => retry.visible && retry.width > 0)
            mouseClick(retry)
            // This action is unknown to the tracker: Actions says why it could not retry it.
            verify(Actions.lastError.length > 0)
        }
    }
}
