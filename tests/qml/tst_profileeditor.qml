import QtQuick
import QtTest
import Vigil
import Vigil.Models

// The profile form checks each field once the operator has changed it (through
// SettingsController.validateProfile), says nothing about what is missing in a form just
// opened (the first run), shows every problem when Save is pressed with one, and only saves a
// valid profile. The token's label says what an empty token means for this profile.
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
                token: findChild(editor, "profileTokenField"),
                tokenLabel: findChild(editor, "profileTokenLabel"),
                nameProblem: findChild(editor, "profileNameProblem"),
                urlsProblem: findChild(editor, "profileUrlsProblem"),
                save: findChild(editor, "saveProfileButton")
            }
        }
        // The problem shown first, top to bottom ("" for none)
        function shownProblem(p) {
            if (p.nameProblem.visible)
                return p.nameProblem.text
            return p.urlsProblem.visible ? p.urlsProblem.text : ""
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
                { tag: "reserved name", name: "demo", urls: "ws://127.0.0.1:1/ws", problem: true },
                { tag: "no name, bad address", name: "", urls: "ftp://x", problem: true }
            ]
        }

        // Once the fields are filled in and Save is pressed, the form shows exactly what
        // SettingsController finds wrong, and Save stays off until it is fixed.
        function test_validation(data) {
            const editor = createTemporaryObject(editorComponent, root)
            const p = parts(editor)
            editor.load("")
            p.name.text = data.name
            p.urls.text = data.urls
            if (data.problem) {
                // Enter in the last field saves as the button does (which a problem already
                // shown turns off)
                const before = SettingsController.profiles.length
                p.token.forceActiveFocus()
                keyClick(Qt.Key_Return)
                compare(SettingsController.profiles.length, before, "nothing saved")
            }
            compare(shownProblem(p), SettingsController.validateProfile(data.name, data.urls))
            compare(shownProblem(p).length > 0, data.problem)
            compare(p.save.enabled, !data.problem)
            // Both fields wrong: both say so, each under its field
            if (data.name.length === 0 && data.urls.startsWith("ftp")) {
                verify(p.nameProblem.visible)
                verify(p.urlsProblem.visible)
                verify(p.urlsProblem.text.startsWith("Address 1: "), p.urlsProblem.text)
            }
        }

        // The first run (the default profile, nothing stored) and a new profile: no red text,
        // Save on; pressed, it shows every problem and goes to the first field to fix.
        function test_newFormIsQuietUntilSave_data() {
            return [
                { tag: "first run", profile: "default" },
                { tag: "new profile", profile: "" }
            ]
        }
        function test_newFormIsQuietUntilSave(data) {
            const editor = createTemporaryObject(editorComponent, root)
            const p = parts(editor)
            editor.load(data.profile)
            verify(editor.problem.length > 0, "the form is not complete")
            verify(!p.nameProblem.visible)
            verify(!p.urlsProblem.visible)
            verify(p.save.enabled)

            const before = SettingsController.profiles.length
            mouseClick(p.save)
            compare(SettingsController.profiles.length, before, "nothing saved")
            verify(p.urlsProblem.visible)
            compare(p.nameProblem.visible, data.profile.length === 0)
            verify(!p.save.enabled)
            tryCompare(data.profile.length === 0 ? p.name : p.urls, "activeFocus", true)
        }

        function typeText(text) {
            for (const c of text) {
                if (c === "\n")
                    keyClick(Qt.Key_Return)
                else
                    keyClick(c)
            }
        }

        // Typed by hand: nothing is said before the first key; the problem appears for a bad
        // address and goes once it is fixed.
        function test_problemFollowsTyping() {
            const editor = createTemporaryObject(editorComponent, root)
            const p = parts(editor)
            editor.load("")
            tryVerify(() => p.urls.width > 0 && p.urls.height > 0)
            mouseClick(p.name)
            tryCompare(p.name, "activeFocus", true)
            typeText("prod")
            verify(!p.nameProblem.visible)
            verify(!p.urlsProblem.visible, "an address not typed yet is not wrong yet")

            mouseClick(p.urls)
            tryCompare(p.urls, "activeFocus", true)
            typeText("ftp://x")
            compare(p.urls.text, "ftp://x")
            tryCompare(p.urlsProblem, "visible", true)
            verify(p.urlsProblem.text.length > 0)
            compare(p.urls.Accessible.description, p.urlsProblem.text)
            compare(p.save.enabled, false)

            p.urls.selectAll()
            typeText("ws://127.0.0.1:1/ws")
            compare(p.urls.text, "ws://127.0.0.1:1/ws")
            tryCompare(p.urlsProblem, "visible", false)
            compare(p.save.enabled, true)
        }

        // An empty token keeps a saved profile's token, and is no token for a new one: the
        // label says which, following the name typed.
        function test_tokenLabelFitsTheProfile() {
            verify(SettingsController.saveProfile("keep-token", "ws://127.0.0.1:1/ws", "", false))
            const editor = createTemporaryObject(editorComponent, root)
            const p = parts(editor)
            editor.load("")
            compare(p.tokenLabel.text, "Token (optional)")
            compare(p.token.Accessible.name, p.tokenLabel.text)
            editor.load("keep-token")
            compare(p.tokenLabel.text, "Token (leave empty to keep the stored one)")
            compare(p.token.Accessible.name, p.tokenLabel.text)
            p.name.text = "another"
            compare(p.tokenLabel.text, "Token (optional)")
            SettingsController.removeProfile("keep-token")
        }

        // Beside or above: labels stand left of the fields given a label width.
        function test_labelsBesideTheFields() {
            const editor = createTemporaryObject(editorComponent, root, { labelWidth: 120 })
            const p = parts(editor)
            waitForRendering(editor)
            fuzzyCompare(p.name.mapToItem(editor, 0, 0).x, 120 + Theme.padding, 1)
            editor.labelWidth = 0
            waitForRendering(editor)
            compare(p.name.mapToItem(editor, 0, 0).x, 0)
        }
    }
}
