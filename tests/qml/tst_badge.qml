import QtQuick
import QtTest
import Vigil

// TestCase is an invisible Item: what is tested lives in this visible one.
Item {
    id: root
    width: 200
    height: 100

    TestCase {
        name: "Badge"
        when: windowShown

        Component {
            id: badgeComponent
            Badge {}
        }

        function label(badge) {
            return badge.children[0]
        }

        function test_tintFollowsText_data() {
            return [
                { tag: "critical", text: "critical", token: "danger" },
                { tag: "high", text: "high", token: "severe" },
                { tag: "warn", text: "warn", token: "warning" },
                { tag: "info", text: "info", token: "accent" },
                { tag: "status", text: "online", token: "idle" }
            ]
        }

        function test_tintFollowsText(data) {
            const badge = createTemporaryObject(badgeComponent, root, { text: data.text })
            verify(badge)
            compare(String(badge.tint), String(Theme[data.token]))
            compare(String(badge.border.color), String(Theme[data.token]))
            compare(label(badge).text, data.text)
            compare(String(label(badge).color), String(Theme[data.token]))
        }

        function test_tintUpdatesWithText() {
            const badge = createTemporaryObject(badgeComponent, root, { text: "low" })
            compare(String(badge.tint), String(Theme.accent))
            badge.text = "critical"
            compare(String(badge.tint), String(Theme.danger))
            compare(label(badge).text, "critical")
        }

        function test_explicitTintWins() {
            const badge = createTemporaryObject(badgeComponent, root,
                                                { text: "critical", tint: Theme.ok })
            compare(String(badge.tint), String(Theme.ok))
            compare(String(label(badge).color), String(Theme.ok))
        }

        function test_sizeFollowsText() {
            const badge = createTemporaryObject(badgeComponent, root, { text: "low" })
            const narrow = badge.implicitWidth
            verify(narrow > 0)
            verify(badge.implicitHeight > 0)
            badge.text = "investigating"
            verify(badge.implicitWidth > narrow)
        }
    }
}
