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

        function test_accentColour() {
            const tile = createTemporaryObject(tileComponent, root, { value: "1" })
            const value = findChild(tile, "tileValue")
            compare(String(value.color), String(Theme.text))
            tile.accentColor = Theme.danger
            compare(String(value.color), String(Theme.danger))
        }
    }
}
