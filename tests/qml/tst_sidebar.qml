import QtQuick
import QtTest
import Vigil
import Vigil.Models

// The sidebar lists the pages it is given and switches Workspace.page when one is clicked.
// (TestCase is an invisible Item: what is tested lives in this visible one.)
Item {
    id: root
    width: 300
    height: 500

    TestCase {
        id: testCase
        name: "Sidebar"
        when: windowShown

        readonly property var pages: [
            { key: "dashboard", title: "Overview", shortcut: "Ctrl+1" },
            { key: "incidents", title: "Incidents", shortcut: "Ctrl+2" },
            { key: "notifications", title: "Notifications", shortcut: "Ctrl+8", unreadBadge: true },
            { key: "settings", title: "Settings", shortcut: "Ctrl+9" }
        ]

        Component {
            id: sidebarComponent
            Sidebar {
                width: 200
                height: 400
                pages: testCase.pages
            }
        }

        function entry(sidebar, key) {
            let found = null
            tryVerify(() => (found = findChild(sidebar, "nav_" + key)) !== null, 5000,
                      "an entry for " + key)
            return found
        }

        function init() {
            Workspace.page = "dashboard"
            compare(Workspace.page, "dashboard")
        }

        function cleanup() {
            Workspace.page = "dashboard"
        }

        function test_oneEntryPerPage() {
            const sidebar = createTemporaryObject(sidebarComponent, root)
            verify(sidebar)
            for (const page of pages) {
                const e = entry(sidebar, page.key)
                compare(e.Accessible.name, page.title)
                compare(e.highlighted, page.key === "dashboard")
            }
        }

        function test_clickSwitchesPage_data() {
            return [
                { tag: "incidents", key: "incidents" },
                { tag: "notifications", key: "notifications" },
                { tag: "settings", key: "settings" }
            ]
        }

        function test_clickSwitchesPage(data) {
            const sidebar = createTemporaryObject(sidebarComponent, root)
            const target = entry(sidebar, data.key)
            tryVerify(() => target.width > 0 && target.height > 0)
            mouseClick(target)
            tryCompare(Workspace, "page", data.key, 5000)
            tryCompare(target, "highlighted", true)
            compare(entry(sidebar, "dashboard").highlighted, false)

            // And back.
            mouseClick(entry(sidebar, "dashboard"))
            tryCompare(Workspace, "page", "dashboard", 5000)
            compare(target.highlighted, false)
        }

        // The page can change elsewhere (a shortcut, the last session): the sidebar follows.
        function test_followsWorkspace() {
            const sidebar = createTemporaryObject(sidebarComponent, root)
            const incidents = entry(sidebar, "incidents")
            Workspace.page = "incidents"
            tryCompare(incidents, "highlighted", true)
            compare(entry(sidebar, "dashboard").highlighted, false)
        }

        // The Debug page is listed only while the setting (or --debug) says so.
        function test_debugOnlyPageFollowsTheSetting() {
            const sidebar = createTemporaryObject(sidebarComponent, root, {
                pages: [{ key: "dashboard", title: "Overview", shortcut: "Ctrl+1" },
                        { key: "debug", title: "Debug", shortcut: "Ctrl+Shift+D", debugOnly: true }]
            })
            const debug = entry(sidebar, "debug")
            compare(SettingsController.debugPage, false)
            compare(debug.visible, false)
            compare(debug.height, 0)
            SettingsController.setShowDebugPage(true)
            tryCompare(debug, "visible", true)
            verify(debug.height > 0)
            mouseClick(debug)
            tryCompare(Workspace, "page", "debug", 5000)
            SettingsController.setShowDebugPage(false) // hidden while shown: back to Settings
            tryCompare(debug, "visible", false)
            compare(Workspace.page, "settings")
            verify(entry(sidebar, "dashboard").visible)
        }

        function test_noUnreadBadgeWithoutNotifications() {
            const sidebar = createTemporaryObject(sidebarComponent, root)
            entry(sidebar, "notifications")
            compare(NotificationsModel.unreadCount, 0)
            const badge = findChild(sidebar, "navBadge_notifications")
            verify(badge)
            compare(badge.visible, false)
        }
    }
}
