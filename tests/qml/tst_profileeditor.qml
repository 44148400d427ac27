import QtQuick
import QtTest
import Vigil
import Vigil.Models

// The profile form checks as the operator types (through SettingsController.validateProfile)
// and only lets a valid profile be saved.
// (TestCase is an invisible Item: what is tested lives in this visible one.)
Item {
    id: root
    width: 500
    height: 500

    TestCase {
        name: "ProfileEditor"
        when: windowShown

        Component {
            id: editorComponent
            ProfileEditor {
                width: 500
                connectOnSave: false
            }
        }

        function parts(editor) {
            return {
                name: findChild(editor, "profileNameField"),
                urls: findChild(editor, "profileUrlsField"),
                problem: findChild(editor, "profileProblem"),
                save: findChild(editor, "saveProfileButton")
            }
        }

        function test_loadsTheDefaultProfile() {
            const editor = createTemporaryObject(editorComponent, root)
            verify(editor)
            const p = parts(editor)
            compare(p.name.text, "default")
            compare(p.urls.text, SettingsController.urlsText("default"))
        }

        function test_validation_data() {
            return [
                { tag: "ftp address", name: "prod", urls: "ftp://x", problem: true },
                { tag: "ws address", name: "prod", urls: "ws://127.0.0.1:1/ws", problem: false },
                { tag: "two addresses", name: "prod",
                  urls: "ws://127.0.0.1:1/ws\nwss://vigil.example.com/ws", problem: false },
                { tag: "bad second address", name: "prod", urls: "ws://127.0.0.1:1/ws\nhttp://x",
                  problem: true },
                { tag: "no address", name: "prod", urls: "", problem: true },
                { tag: "no name", name: "", urls: "ws://127.0.0.1:1/ws", problem: true },
                { tag: "reserved name", name: "demo", urls: "ws://127.0.0.1:1/ws", problem: true }
            ]
        }

        function test_validation(data) {
            const editor = createTemporaryObject(editorComponent, root)
            const p = parts(editor)
            p.name.text = data.name
            p.urls.text = data.urls
            compare(p.problem.visible, data.problem)
            compare(p.save.enabled, !data.problem)
            compare(p.problem.text, SettingsController.validateProfile(data.name, data.urls))
            compare(p.problem.text.length > 0, data.problem)
        }

        // An empty form has a problem (no name) but does not shout about it.
        function test_emptyFormIsQuiet() {
            const editor = createTemporaryObject(editorComponent, root)
            const p = parts(editor)
            p.name.text = ""
            p.urls.text = ""
            compare(p.problem.visible, false)
            compare(p.save.enabled, false)
        }

        function typeText(text) {
            for (const c of text) {
                if (c === "\n")
                    keyClick(Qt.Key_Return)
                else
                    keyClick(c)
            }
        }

        // Typed by hand: the problem appears for a bad address and goes once it is fixed.
        function test_problemFollowsTyping() {
            const editor = createTemporaryObject(editorComponent, root)
            const p = parts(editor)
            p.name.text = "prod"
            tryVerify(() => p.urls.width > 0 && p.urls.height > 0)
            mouseClick(p.urls)
            tryCompare(p.urls, "activeFocus", true)
            typeText("ftp://x")
            compare(p.urls.text, "ftp://x")
            tryCompare(p.problem, "visible", true)
            verify(p.problem.text.length > 0)
            compare(p.save.enabled, false)

            p.urls.selectAll()
            typeText("ws://127.0.0.1:1/ws")
            compare(p.urls.text, "ws://127.0.0.1:1/ws")
            tryCompare(p.problem, "visible", false)
            compare(p.save.enabled, true)
        }
    }
}
