import QtQuick
import QtTest
import Vigil

// TestCase is an invisible Item: what is tested lives in this visible one.
Item {
    id: root
    width: 400
    height: 300

    TestCase {
        name: "Panel"
        when: windowShown

        Component {
            id: panelComponent
            Panel {
                width: 320
                height: 240
                title: "Recent incidents"
                subtitle: "last hour"
                Rectangle {
                    objectName: "panelContent"
                    anchors.fill: parent
                    color: Theme.accent
                }
            }
        }

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

        function test_contentGoesIntoTheBody() {
            const panel = createTemporaryObject(panelComponent, root)
            verify(panel)
            const content = findChild(panel, "panelContent")
            verify(content)
            verify(content.parent !== panel, "content is not laid over the header")
            compare(content.parent.clip, true)
            // The body fills what the header leaves, inside the margins.
            tryVerify(() => content.width > 0 && content.height > 0)
            tryCompare(content, "width", panel.width - Theme.spacing * 2)
            const title = labelWith(panel, "Recent incidents")
            verify(title)
            tryVerify(() => content.mapToItem(panel, 0, 0).y
                      >= title.mapToItem(panel, 0, 0).y + title.height)
            tryVerify(() => content.mapToItem(panel, 0, 0).y + content.height
                      <= panel.height - Theme.spacing)
        }

        // A panel asks for room for its rows: a page lays it out at least that high.
        function test_asksForItsRows() {
            const panel = createTemporaryObject(panelComponent, root, { rows: 5 })
            const five = panel.implicitHeight
            verify(five >= Theme.rowHeight * 5)
            panel.rows = 6
            compare(panel.implicitHeight, five + Theme.rowHeight)
            // At that height, the body holds the rows whole
            panel.height = panel.implicitHeight
            const content = findChild(panel, "panelContent")
            tryVerify(() => content.height >= Theme.rowHeight * 6)
            panel.contentHeight = Theme.chartHeight
            compare(panel.implicitHeight, five - Theme.rowHeight * 5 + Theme.chartHeight)
        }

        function test_headerShowsTitleAndSubtitle() {
            const panel = createTemporaryObject(panelComponent, root)
            verify(labelWith(panel, "Recent incidents"))
            verify(labelWith(panel, "last hour"))
            panel.subtitle = "last 24 hours"
            verify(labelWith(panel, "last 24 hours"))
        }
    }
}
