import QtQuick
import QtTest
import Vigil

// TestCase is an invisible Item: what is tested lives in this visible one.
Item {
    id: root
    width: 400
    height: 300

    TestCase {
        name: "EmptyHint"
        when: windowShown

        Component {
            id: listComponent
            Item {
                property alias hint: hint
                width: 300
                height: 200
                EmptyHint {
                    id: hint
                    text: "No incidents yet"
                }
            }
        }

        function test_visibleOnlyWhenShown() {
            const list = createTemporaryObject(listComponent, root)
            verify(list)
            compare(list.hint.visible, false)
            list.hint.shown = true
            compare(list.hint.visible, true)
            list.hint.shown = false
            compare(list.hint.visible, false)
        }

        function test_centredWithPadding() {
            const list = createTemporaryObject(listComponent, root)
            list.hint.shown = true
            compare(list.hint.width, list.width - Theme.padding * 2)
            compare(list.hint.x, Theme.padding)
            tryCompare(list.hint, "y", (list.height - list.hint.height) / 2)
        }
    }
}
