import QtQuick
import QtTest
import Vigil

// The labels by role: each has the Theme's font size and colour for its role, and the sizes
// keep their order whatever the system font.
// (TestCase is an invisible Item: what is tested lives in this visible one.)
Item {
    id: root
    width: 300
    height: 200

    TestCase {
        name: "Labels"
        when: windowShown

        Component { id: headingComponent; Heading { text: "Incidents" } }
        Component { id: bodyComponent; Body { text: "Disk full" } }
        Component { id: captionComponent; Caption { text: "db-1" } }
        Component { id: monoComponent; Mono { text: "12:00:00" } }

        function test_roles_data() {
            return [
                { tag: "heading", component: headingComponent, size: "fontLarge", colour: "text",
                  bold: true },
                { tag: "body", component: bodyComponent, size: "fontNormal", colour: "text",
                  bold: false },
                { tag: "caption", component: captionComponent, size: "fontSmall",
                  colour: "textMuted", bold: false },
                { tag: "mono", component: monoComponent, size: "fontSmall", colour: "textMuted",
                  bold: false }
            ]
        }

        function test_roles(data) {
            const label = createTemporaryObject(data.component, root)
            verify(label)
            compare(label.font.pixelSize, Theme[data.size])
            compare(String(label.color), String(Theme[data.colour]))
            compare(label.font.bold, data.bold)
            verify(label.implicitWidth > 0)
        }

        function test_monoLinesUp() {
            const mono = createTemporaryObject(monoComponent, root)
            compare(mono.font.family, Theme.monospace)
        }

        // A role's look can still be adjusted where one label needs it (a tile's big value).
        function test_overridable() {
            const heading = createTemporaryObject(headingComponent, root,
                                                  { "font.pixelSize": Theme.fontHuge })
            compare(heading.font.pixelSize, Theme.fontHuge)
            compare(heading.font.bold, true)
        }
    }
}
