import QtQuick
import QtQuick.Controls
import QtTest
import Vigil
import Vigil.Models
import Vigil.Testing

// The pages flow with the window, from 800x600 to 2560x1440: the dashboard's tiles share full
// rows (no tile left alone on the last one), its panels keep room for five rows and the page
// scrolls instead of squashing them; the settings form follows the width up to a readable one,
// labels whole, each field named after its label, with Density and Transport choices; the
// incidents' detail takes the list's place when both do not fit side by side.
// (TestCase is an invisible Item: what is tested lives in this visible one.)
Item {
    id: root
    width: 800
    height: 600

    Component {
        id: dashboardComponent
        DashboardPage {}
    }
    Component {
        id: settingsComponent
        SettingsPage {}
    }
    Component {
        id: incidentsComponent
        IncidentsPage {}
    }

    TestCase {
        name: "Layouts"
        when: windowShown

        // The page area of a window of each size: less the sidebar and the header
        function pageSize(windowWidth, windowHeight) {
            return { width: windowWidth - Theme.sidebarWidth, height: windowHeight - Theme.rowHeight }
        }

        // The visible items under `item` (visual tree) that `accept` takes
        function visibleItems(item, accept) {
            let found = []
            for (let i = 0; i < item.children.length; ++i) {
                const child = item.children[i]
                if (!child.visible)
                    continue
                if (accept(child))
                    found.push(child)
                found = found.concat(visibleItems(child, accept))
            }
            return found
        }
        function isText(item) {
            return item.truncated !== undefined && typeof item.text === "string"
                    && item.text.length > 0
        }

        function sizes_data() {
            return [
                { tag: "800x600", w: 800, h: 600, panelColumns: 2 },
                { tag: "900x600", w: 900, h: 600, panelColumns: 2 },
                { tag: "1280x800", w: 1280, h: 800, panelColumns: 3 },
                { tag: "1920x1080", w: 1920, h: 1080, panelColumns: 3 },
                { tag: "2560x1440", w: 2560, h: 1440, panelColumns: 3 }
            ]
        }

        function test_dashboardTilesFillEvenRows_data() { return sizes_data() }
        // Every row of tiles reaches from edge to edge, the rows hold the same number of tiles
        // (or one fewer at the end), and a tile never shows its texts cut short.
        function test_dashboardTilesFillEvenRows(data) {
            const size = pageSize(data.w, data.h)
            const page = createTemporaryObject(dashboardComponent, root, size)
            verify(page)
            const tiles = findChild(page, "dashboardTiles")
            verify(tiles)
            const count = tiles.children.length
            compare(count, 9)
            // Laid out (the Flow places its tiles when it polishes)
            tryVerify(() => tiles.children[count - 1].y > 0 || tiles.children[count - 1].x > 0)
            waitForRendering(page)

            const rows = {}
            for (let i = 0; i < count; ++i) {
                const tile = tiles.children[i]
                const key = Math.round(tile.y)
                rows[key] = (rows[key] || []).concat([tile])
            }
            const sizes = []
            for (const key of Object.keys(rows).sort((a, b) => a - b)) {
                const row = rows[key]
                sizes.push(row.length)
                const left = Math.min(...row.map(t => t.x))
                const right = Math.max(...row.map(t => t.x + t.width))
                compare(left, 0, "row at " + key + " starts at the edge")
                fuzzyCompare(right, tiles.width, 1, "row at " + key + " ends at the edge")
                for (const tile of row)
                    verify(tile.width >= tile.implicitWidth, tile.objectName + " has its room")
            }
            // Even rows: the first the longest, none shorter than the first by more than one
            const longest = sizes[0]
            for (const n of sizes)
                verify(n === longest || n === longest - 1, "rows of " + sizes.join(", "))
            // As few rows as the width allows
            const fitting = Math.floor((tiles.width + tiles.spacing)
                                       / (tiles.minimumTileWidth + tiles.spacing))
            compare(sizes.length, Math.ceil(count / Math.min(count, fitting)))
            for (const text of visibleItems(tiles, isText))
                verify(!text.truncated, "\"" + text.text + "\" is whole")
        }

        function test_dashboardPanelsKeepRowsAndScroll_data() { return sizes_data() }
        // The panels stand three or two abreast as the width allows; each has room for five
        // rows whatever the height, and the page scrolls when they do not all fit.
        function test_dashboardPanelsKeepRowsAndScroll(data) {
            const size = pageSize(data.w, data.h)
            const page = createTemporaryObject(dashboardComponent, root, size)
            const panels = findChild(page, "dashboardPanels")
            compare(panels.columns, data.panelColumns)
            waitForRendering(page)
            const scroll = findChild(page, "dashboardScroll")
            for (const name of ["recentIncidents", "latestAlerts", "activityFeed"]) {
                const list = findChild(page, name)
                verify(list, name)
                tryVerify(() => list.height >= Theme.rowHeight * page.panelRows,
                          1000, name + " has room for " + page.panelRows + " rows: " + list.height)
                // Within the page's width
                const right = list.mapToItem(page, list.width, 0).x
                verify(right <= page.width - Theme.padding + 1, name + " within the page")
            }
            // The panels side by side share a row; two abreast, the third takes the row below
            const incidents = findChild(page, "recentIncidentsPanel")
            const alerts = findChild(page, "latestAlertsPanel")
            const activity = findChild(page, "activityPanel")
            compare(alerts.y, incidents.y)
            if (data.panelColumns === 2) {
                verify(activity.y > incidents.y + incidents.height)
                fuzzyCompare(activity.width, panels.width, 1)
            } else {
                compare(activity.y, incidents.y)
            }
            // Too short for it all: the page scrolls; tall enough: the panels fill it
            const needed = findChild(page, "dashboardTiles").height + Theme.padding * 3
                           + panels.neededHeight
            const flickable = scroll.contentItem
            if (needed > size.height) {
                verify(flickable.contentHeight > flickable.height, "the page scrolls")
            } else {
                verify(flickable.contentHeight <= flickable.height + 1, "nothing to scroll")
                verify(incidents.height >= incidents.implicitHeight)
            }
        }

        // 900x600 was the worst case: panels of one clipped row each. Now at least five rows
        // show in each, and scrolling brings the last panel fully into view.
        function test_dashboardScrollsToItsLastPanel() {
            const page = createTemporaryObject(dashboardComponent, root, pageSize(900, 600))
            waitForRendering(page)
            const flickable = findChild(page, "dashboardScroll").contentItem
            const activity = findChild(page, "activityPanel")
            verify(flickable.contentHeight > flickable.height)
            flickable.contentY = flickable.contentHeight - flickable.height
            const bottom = activity.mapToItem(flickable, 0, activity.height).y
            verify(bottom <= flickable.height + 1, "the last panel's bottom is in view: " + bottom)
        }

        function test_settingsFormFollowsTheWidth_data() {
            return [
                { tag: "800x600", w: 800, h: 600 },
                { tag: "1280x800", w: 1280, h: 800 },
                { tag: "1920x1080", w: 1920, h: 1080 },
                { tag: "2560x1440", w: 2560, h: 1440 }
            ]
        }
        // The form takes the width less the padding, up to a readable width, and centres
        // beyond it; its labels are whole and each field is named after its label.
        function test_settingsFormFollowsTheWidth(data) {
            const size = pageSize(data.w, data.h)
            const page = createTemporaryObject(settingsComponent, root, size)
            verify(page)
            const form = findChild(page, "settingsForm")
            verify(form)
            const room = size.width - Theme.padding * 2
            verify(page.formMaxWidth > 0)
            compare(form.width, Math.min(room, page.formMaxWidth))
            fuzzyCompare(form.x + form.width / 2, size.width / 2, Theme.padding,
                         "the form is centred")
            waitForRendering(page)
            for (const text of visibleItems(form, isText))
                verify(!text.truncated, "\"" + text.text + "\" is whole")
            // Every field carries its label's text as its accessible name
            const texts = visibleItems(form, isText).map(t => t.text)
            for (const name of ["heartbeatField", "heartbeatTimeoutField", "reconnectBaseField",
                                "reconnectCapField", "maxAttemptsField", "transportSelector",
                                "operatorNameField", "logCapacityBox", "profileNameField",
                                "profileUrlsField", "profileTokenField", "profileSelector"]) {
                const field = findChild(page, name)
                verify(field, name)
                verify(field.Accessible.name.length > 0, name + " has a name")
                verify(texts.indexOf(field.Accessible.name) >= 0,
                       name + " is named after its label: " + field.Accessible.name)
            }
        }

        // Appearance > Density: the radio buttons choose, and show, the density.
        function test_densityRadioButtons() {
            // (Within the test's window: the clicks land on the page)
            const page = createTemporaryObject(settingsComponent, root, pageSize(800, 600))
            waitForRendering(page)
            const comfortable = findChild(page, "density_comfortable")
            const compact = findChild(page, "density_compact")
            verify(comfortable && compact)
            compare(Appearance.density, "comfortable")
            verify(comfortable.checked)
            verify(!compact.checked)
            const flickable = findChild(page, "settingsScroll").contentItem
            // Bring it into view, then click it as the operator does
            flickable.contentY = Math.max(0, Math.min(
                compact.mapToItem(flickable.contentItem, 0, 0).y - flickable.height / 2,
                flickable.contentHeight - flickable.height))
            waitForRendering(page)
            mouseClick(compact)
            tryCompare(Appearance, "density", "compact")
            verify(Appearance.compact)
            verify(compact.checked)
            verify(!comfortable.checked)
            // Chosen elsewhere: the buttons follow
            Appearance.setDensity("comfortable")
            tryCompare(comfortable, "checked", true)
            verify(!compact.checked)
        }

        // Connection > Transport: labelled, readable choices in the order C++ offers them, the
        // current one shown.
        function test_transportChoicesAreReadable() {
            const page = createTemporaryObject(settingsComponent, root, pageSize(1280, 800))
            const box = findChild(page, "transportSelector")
            verify(box)
            compare(box.Accessible.name, "Transport")
            compare(box.count, ConnectionStatus.transportChoices.length)
            const expected = {
                auto: "Automatic: WebSocket, HTTP when blocked",
                websocket: "WebSocket only",
                sse: "HTTP: server-sent events",
                poll: "HTTP: long polling"
            }
            for (let i = 0; i < box.count; ++i) {
                const name = ConnectionStatus.transportChoices[i]
                compare(box.valueAt(i), name)
                compare(box.textAt(i), expected[name])
            }
            compare(box.currentIndex, ConnectionStatus.transportChoice)
            compare(box.displayText, expected[ConnectionStatus.transportPreference])
            // As wide as its longest choice: no choice is cut
            waitForRendering(page)
            for (const text of visibleItems(box, isText))
                verify(!text.truncated, "\"" + text.text + "\" is whole")
        }

        // Narrower than list and detail side by side: the detail opens in the list's place,
        // and closing it brings the list back. Wide enough: side by side.
        function test_incidentDetailTakesTheListsPlaceWhenNarrow_data() {
            return [
                { tag: "800x600", w: 800, h: 600, narrow: true },
                { tag: "1280x800", w: 1280, h: 800, narrow: false }
            ]
        }
        function test_incidentDetailTakesTheListsPlaceWhenNarrow(data) {
            TestHelper.feed("incident.created", "incidents", {
                incidentId: "inc-layout1",
                type: "created",
                data: { title: "Disk full on db-3", severity: "high", status: "new" }
            })
            const view = createTemporaryObject(incidentsComponent, root, pageSize(data.w, data.h))
            verify(view)
            compare(view.narrow, data.narrow)
            const page = findChild(view, "incidentsPage")
            const detail = findChild(view, "incidentDetail")
            tryVerify(() => page.count > 0)
            tryVerify(() => IncidentList.rowOf("inc-layout1") >= 0)
            view.open(IncidentList.rowOf("inc-layout1"))
            verify(view.detailOpen)
            waitForRendering(view)
            verify(detail.visible)
            compare(page.visible, !data.narrow)
            if (data.narrow) {
                // The detail has the page's width, less the padding
                fuzzyCompare(detail.width, view.width - Theme.padding * 2, 1)
            } else {
                // Beside the list, not over it
                verify(detail.x >= page.x + page.width - 1)
                verify(detail.x + detail.width <= view.width)
            }
            view.closeDetail()
            verify(page.visible)
            verify(!detail.visible)
        }
    }
}
