import QtQuick
import QtTest
import Vigil

// TestCase is an invisible Item: what is tested lives in this visible one.
Item {
    id: root
    width: 400
    height: 200

    TestCase {
        name: "FeedRow"
        when: windowShown

        Component {
            id: rowComponent
            FeedRow {
                width: 400
            }
        }

        // The Badge inside a row: the one descendant with a tint.
        function badgeOf(item) {
            for (let i = 0; i < item.children.length; ++i) {
                const child = item.children[i]
                if (child.tint !== undefined)
                    return child
                const found = badgeOf(child)
                if (found)
                    return found
            }
            return null
        }

        // The text item under `item` showing `text`.
        function labelWith(item, text) {
            for (let i = 0; i < item.children.length; ++i) {
                const child = item.children[i]
                if (child.font !== undefined && child.text === text)
                    return child
                const found = labelWith(child, text)
                if (found)
                    return found
            }
            return null
        }

        function test_badgeHiddenWhenEmpty() {
            const row = createTemporaryObject(rowComponent, root, { text: "Disk full" })
            const badge = badgeOf(row)
            verify(badge)
            compare(badge.visible, false)
            row.badge = "high"
            compare(badge.visible, true)
            compare(badge.text, "high")
            compare(String(badge.tint), String(Theme.severe))
            row.badge = ""
            compare(badge.visible, false)
        }

        function test_badgeTintCanBeSet() {
            const row = createTemporaryObject(rowComponent, root,
                                              { text: "agent-7", badge: "online",
                                                badgeTint: Theme.ok })
            compare(String(badgeOf(row).tint), String(Theme.ok))
        }

        function test_optionalPartsHidden() {
            const row = createTemporaryObject(rowComponent, root,
                                              { text: "Disk full", timeText: "12:00:00",
                                                detail: "db-1" })
            const time = labelWith(row, "12:00:00")
            const detail = labelWith(row, "db-1")
            verify(time)
            verify(detail)
            verify(time.visible)
            verify(detail.visible)
            row.timeText = ""
            row.detail = ""
            compare(time.visible, false)
            compare(detail.visible, false)
            verify(labelWith(row, "Disk full").visible)
        }

        function test_dimmed() {
            const row = createTemporaryObject(rowComponent, root, { text: "Resolved" })
            compare(row.opacity, 1.0)
            row.dimmed = true
            verify(row.opacity < 1.0 && row.opacity > 0.2, "dimmed, yet readable: " + row.opacity)
            row.dimmed = false
            compare(row.opacity, 1.0)
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
