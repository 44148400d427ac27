import QtQuick
import QtTest
import Vigil
import Vigil.Models

// The shared list rows: one delegate per model, used by every list of that model (a page and
// the dashboard), with the dashboard's short form where it has one.
// (TestCase is an invisible Item: what is tested lives in this visible one.)
Item {
    id: root
    width: 600
    height: 300

    TestCase {
        name: "Rows"
        when: windowShown

        Component { id: incidentComponent; IncidentRow {} }
        Component { id: activityComponent; ActivityRow {} }
        Component { id: agentComponent; AgentRow {} }
        Component { id: chatComponent; ChatRow {} }
        Component { id: timelineComponent; TimelineRow {} }
        Component { id: alertComponent; AlertRow {} }

        readonly property var incident: ({ incidentId: "inc-7", title: "Disk full",
                                           severity: "high", status: "investigating",
                                           assignedTo: "ana", updatedAt: 0 })

        function test_incidentFullAndCompact() {
            const full = createTemporaryObject(incidentComponent, root, incident)
            verify(full)
            compare(full.text, "Disk full")
            compare(full.badge, "high")
            compare(String(full.badgeTint), String(Theme.severe))
            compare(full.detail, "inc-7 - investigating - ana")
            compare(full.dimmed, false)
            const compact = createTemporaryObject(incidentComponent, root,
                                                  Object.assign({ compact: true }, incident))
            compare(compact.detail, "investigating")
            compare(compact.text, full.text)
        }

        // What a screen reader says: the kind of row and its severity first, then the rest
        function test_spokenNames() {
            const updated = new Date(2030, 0, 1, 5, 9, 0).getTime()
            const row = createTemporaryObject(incidentComponent, root,
                                              Object.assign({}, incident,
                                                            { severity: "critical",
                                                              updatedAt: updated }))
            compare(row.Accessible.role, Accessible.ListItem)
            compare(row.Accessible.name,
                    "Critical incident: Disk full, investigating, ana, 05:09:00")
            const compact = createTemporaryObject(incidentComponent, root,
                                                  Object.assign({ compact: true }, incident))
            compare(compact.Accessible.name, "High incident: Disk full, investigating")
            const alertRow = createTemporaryObject(alertComponent, root,
                                                   Object.assign({}, alert,
                                                                 { status: AlertsModel.Acknowledged,
                                                                   acknowledgedBy: "ana" }))
            compare(alertRow.Accessible.name,
                    "Warning alert: CPU high, db-1 - acknowledged by ana")
        }

        function test_incidentUnassignedAndResolved() {
            const row = createTemporaryObject(incidentComponent, root,
                                              Object.assign({}, incident,
                                                            { assignedTo: "", status: "resolved" }))
            compare(row.detail, "inc-7 - resolved - unassigned")
            compare(row.dimmed, true)
        }

        function test_activityFullAndCompact() {
            const values = { actor: "ana", action: "acknowledged", target: "inc-7",
                             summary: "ana acknowledged inc-7", timestamp: 0 }
            const full = createTemporaryObject(activityComponent, root, values)
            compare(full.badge, "acknowledged")
            compare(String(full.badgeTint), String(Theme.accent))
            compare(full.detail, "ana on inc-7")
            const compact = createTemporaryObject(activityComponent, root,
                                                  Object.assign({ compact: true }, values))
            compare(compact.badge, "")
            compare(compact.detail, "ana acknowledged")
        }

        function test_agentStatus_data() {
            return [
                { tag: "online", status: "online", token: "ok", dimmed: false },
                { tag: "away", status: "away", token: "warning", dimmed: false },
                { tag: "offline", status: "offline", token: "idle", dimmed: true }
            ]
        }

        function test_agentStatus(data) {
            const row = createTemporaryObject(agentComponent, root,
                                              { agentId: "a-1", name: "worker", status: data.status,
                                                cpu: 12.345, memory: undefined, lastSeen: 0 })
            compare(String(row.badgeTint), String(Theme[data.token]))
            compare(row.dimmed, data.dimmed)
            compare(row.detail, "a-1 - CPU 12.3% - memory -%")
        }

        // The receipt's tone comes from C++ (more in tst_chat.qml).
        function test_chatDelivery() {
            const row = createTemporaryObject(chatComponent, root,
                                              { messageId: "m1", senderId: "ana", content: "on it",
                                                timestamp: 0, own: true, unread: false,
                                                pending: false, failed: false,
                                                delivery: "read", deliveryText: "Read",
                                                deliveryTone: Tone.Ok,
                                                reason: "" })
            compare(String(findChild(row, "chatReceipt").tint), String(Theme.ok))
            compare(row.receipt, "Read")
        }

        readonly property var alert: ({ alertId: "al-1", title: "CPU high", severity: "warning",
                                        source: "db-1", active: true, raisedAt: 0,
                                        status: AlertsModel.Active, acknowledgedBy: "",
                                        silencedUntil: 0, requestId: "" })

        function test_alertCleared() {
            const row = createTemporaryObject(alertComponent, root,
                                              Object.assign({}, alert,
                                                            { active: false,
                                                              status: AlertsModel.Cleared }))
            compare(row.detail, "db-1 - cleared")
            compare(row.dimmed, true)
        }

        // Where the alert stands comes from C++ as a Status; the row says it in words.
        function test_alertStatus_data() {
            return [
                { tag: "active", status: AlertsModel.Active, by: "", detail: "db-1" },
                { tag: "acknowledged", status: AlertsModel.Acknowledged, by: "ana",
                  detail: "db-1 - acknowledged by ana" },
                { tag: "acknowledged, nobody named", status: AlertsModel.Acknowledged, by: "",
                  detail: "db-1 - acknowledged" }
            ]
        }

        function test_alertStatus(data) {
            const row = createTemporaryObject(alertComponent, root,
                                              Object.assign({}, alert,
                                                            { status: data.status,
                                                              acknowledgedBy: data.by }))
            compare(row.detail, data.detail)
            compare(row.dimmed, false)
        }

        function test_alertSilencedUntil() {
            const until = new Date(2030, 0, 1, 14, 5, 0).getTime()
            const row = createTemporaryObject(alertComponent, root,
                                              Object.assign({}, alert,
                                                            { status: AlertsModel.Silenced,
                                                              silencedUntil: until }))
            compare(row.detail, "db-1 - silenced until 14:05:00")
        }

        // The dashboard's list has no actions: no buttons, no menu entries, and Actions is not
        // even asked.
        function test_alertOnTheDashboardHasNoActions() {
            const row = createTemporaryObject(alertComponent, root, alert)
            compare(row.actionable, false)
            mouseMove(row, row.width / 2, row.height / 2)
            tryCompare(row, "hovered", true)
            compare(findChild(row, "acknowledgeAlert_al-1"), null)
            compare(findChild(row, "silenceAlert_al-1"), null)
            compare(row.buttonActions.length, 0)
            compare(row.menuActions.length, 0)
            compare(row.action.actionId, undefined)
        }

        // The timeline's tone comes from C++: alarms in theirs, every other event in the accent.
        function test_timelineTone_data() {
            return [
                { tag: "danger", tone: Tone.Danger, token: "danger" },
                { tag: "idle", tone: Tone.Idle, token: "accent" }
            ]
        }

        function test_timelineTone(data) {
            const row = createTemporaryObject(timelineComponent, root,
                                              { timestamp: 0, kind: "error", message: "bad frame",
                                                tone: data.tone })
            compare(String(row.badgeTint), String(Theme[data.token]))
        }
    }
}
