import QtQuick
import QtTest
import Vigil

// The row frame every list shares: fixed columns (so titles line up whatever the badge), three
// visual languages for the badge column (severity tag, state chip, plain word), a separator
// across the whole row, content that fades without the frame, and the row's actions shown as
// buttons only under the pointer.
// (TestCase is an invisible Item: what is tested lives in this visible one.)
Item {
    id: root
    width: 400
    height: 300

    TestCase {
        name: "FeedRow"
        when: windowShown

        Component {
            id: rowComponent
            FeedRow {
                width: 400
            }
        }
        Component {
            id: actionsComponent
            FeedRow {
                id: row
                property int acknowledged: 0
                width: 400
                text: "Disk full"
                rowActions: [
                    RowAction {
                        name: "ack"
                        text: "Acknowledge"
                        iconName: "object-select"
                        keys: [Qt.Key_A]
                        onTriggered: row.acknowledged += 1
                    },
                    RowAction {
                        name: "menuOnly"
                        text: "Silence for 1 hour"
                        inButtons: false
                    },
                    RowAction {
                        name: "notHere"
                        text: "Mark read"
                        shown: false
                        keys: [Qt.Key_M]
                    }
                ]
            }
        }

        function part(row, name) {
            const found = findChild(row, name)
            verify(found, name)
            return found
        }
        // Where `item` is, in the root's coordinates
        function xOf(item) {
            return item.mapToItem(root, 0, 0).x
        }

        function test_badgeStyles_data() {
            return [
                { tag: "severity", style: "severity", shown: "rowBadge", bar: true },
                { tag: "state", style: "state", shown: "rowState", bar: false },
                { tag: "plain", style: "plain", shown: "rowKind", bar: false }
            ]
        }

        // One language per row type: only one of the three shows, and only a severity has the
        // bar at the left edge.
        function test_badgeStyles(data) {
            const row = createTemporaryObject(rowComponent, root,
                                              { text: "Disk full", badge: "high",
                                                badgeStyle: data.style })
            for (const name of ["rowBadge", "rowState", "rowKind"])
                compare(part(row, name).visible, name === data.shown, name)
            compare(part(row, "rowSeverityBar").visible, data.bar)
            if (data.style !== "plain") {
                compare(part(row, data.shown).text, "high")
                compare(String(part(row, data.shown).tint), String(Theme.severe))
            }
            row.badge = ""
            compare(part(row, data.shown).visible, false)
            compare(part(row, "rowSeverityBar").visible, false)
        }

        function test_badgeTintCanBeSet() {
            const row = createTemporaryObject(rowComponent, root,
                                              { text: "agent-7", badge: "online",
                                                badgeTint: Theme.ok, badgeStyle: "state" })
            compare(String(part(row, "rowState").tint), String(Theme.ok))
            // A state is a neutral chip: its word in the text colour, the tint only in the dot
            compare(String(part(row, "rowState").border.color), String(Theme.border))
            compare(String(part(part(row, "rowState"), "stateDot").color), String(Theme.ok))
        }

        // The title starts at the same x whatever the badge says, and whether the row has a
        // time or not: the time and badge columns are fixed.
        function test_titleColumnIsFixed_data() {
            return [
                { tag: "severity", style: "severity" },
                { tag: "state", style: "state" },
                { tag: "plain", style: "plain" }
            ]
        }

        function test_titleColumnIsFixed(data) {
            const rows = []
            for (const [badge, time] of [["low", "12:00:00"], ["critical", "09:59:59"],
                                         ["", ""], ["a word longer than any other", "1:2"]]) {
                rows.push(createTemporaryObject(rowComponent, root,
                                                { text: "Disk full", badge: badge,
                                                  timeText: time, badgeStyle: data.style }))
            }
            const x = xOf(part(rows[0], "rowTitle"))
            verify(x > xOf(part(rows[0], "rowTime")))
            for (let i = 1; i < rows.length; ++i)
                compare(xOf(part(rows[i], "rowTitle")), x, "row " + i)
        }

        function test_optionalPartsHidden() {
            const row = createTemporaryObject(rowComponent, root,
                                              { text: "Disk full", timeText: "12:00:00",
                                                detail: "db-1" })
            const time = part(row, "rowTime")
            const detail = part(row, "rowDetail")
            compare(time.text, "12:00:00")
            verify(detail.visible)
            compare(detail.text, "db-1")
            row.detail = ""
            compare(detail.visible, false)
            verify(part(row, "rowTitle").visible)
            compare(part(row, "rowTitle").text, "Disk full")
        }

        // Dimmed (read, resolved, offline): the content fades, the frame does not, so every
        // row's separator looks the same.
        function test_dimmed() {
            const row = createTemporaryObject(rowComponent, root, { text: "Resolved" })
            const content = part(row, "rowContent")
            const separator = part(row, "rowSeparator")
            compare(content.opacity, 1.0)
            row.dimmed = true
            verify(content.opacity < 1.0 && content.opacity > 0.2,
                   "dimmed, yet readable: " + content.opacity)
            compare(row.opacity, 1.0)
            compare(separator.opacity, 1.0)
            row.dimmed = false
            compare(content.opacity, 1.0)
        }

        function test_separatorSpansTheRow() {
            const row = createTemporaryObject(rowComponent, root,
                                              { text: "Disk full", badge: "high" })
            const separator = part(row, "rowSeparator")
            verify(separator.visible)
            compare(separator.x, 0)
            compare(separator.width, row.width)
            compare(separator.y + separator.height, row.height)
            row.width = 320
            compare(separator.width, 320)
        }

        // Under the pointer: the hover tint and the action buttons; elsewhere neither.
        function test_actionsShowUnderThePointer() {
            const row = createTemporaryObject(actionsComponent, root)
            const buttons = part(row, "rowActions")
            mouseMove(root, root.width / 2, root.height - 1)
            tryCompare(row, "hovered", false)
            compare(buttons.visible, false)
            compare(String(row.color), String(Qt.rgba(0, 0, 0, 0)))
            mouseMove(row, row.width / 2, row.height / 2)
            tryCompare(row, "hovered", true)
            verify(buttons.visible)
            compare(String(row.color), String(Theme.hover))
            // Only the actions that apply and are meant for buttons
            const ack = part(row, "ack")
            verify(ack.visible && ack.width > 0)
            compare(ack.Accessible.role, Accessible.Button)
            compare(ack.Accessible.name, "Acknowledge")
            compare(findChild(row, "menuOnly"), null)
            compare(findChild(row, "notHere"), null)
            compare(row.menuActions.map(a => a.name), ["ack", "menuOnly"])
            mouseClick(ack)
            compare(row.acknowledged, 1)
            // A key runs only an action that applies
            verify(row.runKey(Qt.Key_A))
            compare(row.acknowledged, 2)
            verify(!row.runKey(Qt.Key_M))
            verify(!row.runKey(Qt.Key_Z))
        }

        function test_accessibleName_data() {
            return [
                { tag: "every part", badge: "high", text: "Disk full", detail: "db-1",
                  timeText: "12:00:00", name: "high, Disk full, db-1, 12:00:00" },
                { tag: "no badge, no detail", badge: "", text: "Disk full", detail: "",
                  timeText: "12:00:00", name: "Disk full, 12:00:00" },
                { tag: "text only", badge: "", text: "Disk full", detail: "", timeText: "",
                  name: "Disk full" }
            ]
        }

        function test_accessibleName(data) {
            const row = createTemporaryObject(rowComponent, root,
                                              { badge: data.badge, text: data.text,
                                                detail: data.detail, timeText: data.timeText })
            compare(row.Accessible.role, Accessible.ListItem)
            compare(row.Accessible.name, data.name)
        }
    }
}
