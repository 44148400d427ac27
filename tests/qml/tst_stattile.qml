import QtQuick
import QtTest
import Vigil

// TestCase is an invisible Item: what is tested lives in this visible one.
Item {
    id: root
    width: 300
    height: 200

    TestCase {
        name: "StatTile"
        when: windowShown

        Component {
            id: tileComponent
            StatTile {
                objectName: "tile"
            }
        }

        // The texts of every text item under `item`, in tree order.
        function texts(item) {
            let found = []
            for (let i = 0; i < item.children.length; ++i) {
                const child = item.children[i]
                if (child.font !== undefined && typeof child.text === "string")
                    found.push(child.text)
                found = found.concat(texts(child))
            }
            return found
        }

        function test_showsTitleValueAndCaption() {
            const tile = createTemporaryObject(tileComponent, root,
                                               { title: "Open incidents", value: "12",
                                                 caption: "3 critical" })
            verify(tile)
            const value = findChild(tile, "tileValue")
            verify(value, "the value label is named after the tile")
            compare(value.text, "12")
            compare(texts(tile), ["Open incidents", "12", "3 critical"])
        }

        function test_accessibleName_data() {
            return [
                { tag: "with caption", title: "Open incidents", value: "12", caption: "3 critical",
                  name: "Open incidents: 12, 3 critical" },
                { tag: "without caption", title: "Queue", value: "0", caption: "",
                  name: "Queue: 0" }
            ]
        }

        function test_accessibleName(data) {
            const tile = createTemporaryObject(tileComponent, root,
                                               { title: data.title, value: data.value,
                                                 caption: data.caption })
            compare(tile.Accessible.role, Accessible.StaticText)
            compare(tile.Accessible.name, data.name)
        }

        function test_followsUpdates() {
            const tile = createTemporaryObject(tileComponent, root,
                                               { title: "Agents", value: "4" })
            tile.value = "5"
            tile.caption = "of 9"
            compare(findChild(tile, "tileValue").text, "5")
            compare(tile.Accessible.name, "Agents: 5, of 9")
        }

        // The tile's width comes from its texts and the widest value expected, never from the
        // value shown: the dashboard's rows do not reflow as figures change. A value wider
        // than expected shrinks instead of being cut.
        function test_widthDoesNotFollowTheValue() {
            const tile = createTemporaryObject(tileComponent, root,
                                               { title: "Latency", value: "5 ms",
                                                 widest: "0000 ms", caption: "excellent" })
            const width = tile.implicitWidth
            verify(width >= Theme.statTileWidth)
            tile.value = "1234 ms"
            compare(tile.implicitWidth, width)
            tile.widest = "000000 ms"
            verify(tile.implicitWidth > width, "room for the wider figure")
            tile.value = "123456789 ms"
            tile.width = tile.implicitWidth
            const value = findChild(tile, "tileValue")
            waitForRendering(tile)
            verify(!value.truncated)
            verify(value.contentWidth <= value.width + 1, "the value shrank to fit")
        }

        // A long caption wraps in the tile's width rather than being cut.
        function test_captionIsNeverCut() {
            const tile = createTemporaryObject(tileComponent, root,
                                               { title: "Queued", value: "0",
                                                 caption: "actions waiting to be sent" })
            verify(tile.implicitWidth >= Theme.statTileWidth)
            tile.width = Theme.statTileWidth / 2
            waitForRendering(tile)
            const texts = []
            const walk = item => {
                for (let i = 0; i < item.children.length; ++i) {
                    const child = item.children[i]
                    if (child.truncated !== undefined)
                        texts.push(child)
                    walk(child)
                }
            }
            walk(tile)
            for (const text of texts)
                verify(!text.truncated, text.text)
        }

        function test_accentColour() {
            const tile = createTemporaryObject(tileComponent, root, { value: "1" })
            const value = findChild(tile, "tileValue")
            compare(String(value.color), String(Theme.text))
            tile.accentColor = Theme.danger
            compare(String(value.color), String(Theme.danger))
        }
    }
}
