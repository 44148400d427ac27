import QtQuick
import QtTest
import Vigil
import Vigil.Models
import Vigil.Testing

// The chat's parts: the composer (Enter sends, Shift+Enter starts a new line, nothing to send or
// too much for the server: no sending), a message row (own on the right with its receipt, a
// failed one with Retry and Discard, framed when the search found it) and a conversation row.
// Then the Chat page itself over the real models: its search (Ctrl+F; the conversations that
// mention the text, the matches of the open one stepped through with Enter, F3 and Shift+F3;
// Escape clears it), and what it reports read: nothing while the window is not the active one,
// what it shows once it is again. Last, the name the chat uses, set on the Settings page.
// (TestCase is an invisible Item: what is tested lives in this visible one.)
Item {
    id: root
    width: 640
    height: 360

    Component {
        id: composerComponent
        Composer {
            width: 500
        }
    }
    Component {
        id: spyComponent
        SignalSpy {}
    }
    Component {
        id: chatComponent
        ChatRow {
            width: 500
        }
    }
    Component {
        id: conversationComponent
        ConversationRow {
            width: 300
        }
    }
    Component {
        id: pageComponent
        ChatPage {
            anchors.fill: parent
        }
    }
    Component {
        id: settingsComponent
        SettingsPage {
            anchors.fill: parent
        }
    }
    // Another top-level window of the desktop: while it is active, the test's window is not.
    Component {
        id: otherWindowComponent
        Window {
            width: 200
            height: 100
        }
    }

    TestCase {
        name: "Chat"
        when: windowShown

        // A composer with the focus in its field, and a spy on what it sends
        function composer(maxBytes) {
            const c = createTemporaryObject(composerComponent, root, { maxBytes: maxBytes })
            verify(c)
            const spy = createTemporaryObject(spyComponent, root,
                                              { target: c, signalName: "sendRequested" })
            const field = findChild(c, "composerField")
            verify(field)
            field.forceActiveFocus()
            tryVerify(() => field.activeFocus)
            return { composer: c, spy: spy, field: field,
                     button: findChild(c, "composerSendButton"),
                     counter: findChild(c, "composerCounter") }
        }

        function type(text) {
            for (const ch of text)
                keyClick(ch)
        }

        function test_enterSends() {
            const t = composer(100)
            type("on it")
            compare(t.field.text, "on it")
            compare(t.button.enabled, true)
            keyClick(Qt.Key_Return)
            compare(t.spy.count, 1)
            compare(t.spy.signalArguments[0][0], "on it")
            compare(t.field.text, "on it") // the page clears it once the message is queued
            keyClick(Qt.Key_Enter) // the keypad's Enter too
            compare(t.spy.count, 2)
            t.composer.clear()
            compare(t.field.text, "")
        }

        function test_shiftEnterStartsANewLine() {
            const t = composer(100)
            type("a")
            keyClick(Qt.Key_Return, Qt.ShiftModifier)
            type("b")
            keyClick(Qt.Key_Enter, Qt.ShiftModifier)
            type("c")
            compare(t.field.text, "a\nb\nc")
            compare(t.spy.count, 0)
            compare(t.composer.usedBytes, 7) // each new line is two bytes as sent ("\n")
            keyClick(Qt.Key_Return)
            compare(t.spy.count, 1)
            compare(t.spy.signalArguments[0][0], "a\nb\nc")
        }

        function test_nothingToSendCannotBeSent() {
            const t = composer(100)
            compare(t.button.enabled, false)
            keyClick(Qt.Key_Return)
            compare(t.spy.count, 0)
            type("   ")
            keyClick(Qt.Key_Return, Qt.ShiftModifier)
            compare(t.composer.canSend, false)
            compare(t.button.enabled, false)
            keyClick(Qt.Key_Return)
            compare(t.spy.count, 0)
            mouseClick(t.button)
            compare(t.spy.count, 0)
        }

        function test_overTheLimitCannotBeSent() {
            const t = composer(5)
            type("hello")
            compare(t.counter.text, "5 / 5 bytes")
            compare(t.button.enabled, true)
            keyClick("!")
            compare(t.composer.overLimit, true)
            compare(t.button.enabled, false)
            compare(t.counter.text, "6 / 5 bytes")
            compare(String(t.counter.color), String(Theme.danger))
            keyClick(Qt.Key_Return)
            compare(t.spy.count, 0)
            keyClick(Qt.Key_Backspace)
            compare(t.button.enabled, true)
            compare(String(t.counter.color), String(Theme.textMuted))
            // Bytes, not characters: an accented letter takes two
            keyClick(Qt.Key_Backspace)
            t.field.insert(t.field.cursorPosition, "\u00e9")
            compare(t.field.text, "hell\u00e9")
            compare(t.composer.usedBytes, 6)
            compare(t.button.enabled, false)
        }

        function test_sendButtonSends() {
            const t = composer(100)
            type("ok")
            mouseClick(t.button)
            compare(t.spy.count, 1)
            compare(t.spy.signalArguments[0][0], "ok")
        }

        function test_nowhereToSendCannotBeSent() {
            const t = composer(100)
            t.composer.ready = false
            type("hi")
            compare(t.button.enabled, false)
            keyClick(Qt.Key_Return)
            compare(t.spy.count, 0)
        }

        readonly property var message: ({ messageId: "m1", senderId: "ana", content: "on it",
                                          timestamp: 0, own: false, unread: true, pending: false,
                                          failed: false, delivery: "sent", deliveryText: "Sent",
                                          deliveryTone: Tone.Idle, reason: "" })

        function test_ownMessageOnTheRightWithItsReceipt_data() {
            return [
                { tag: "pending", delivery: "pending", text: "Pending", tone: Tone.Warning,
                  token: "warning", pending: true, glyph: "\u25F7" },
                { tag: "sent", delivery: "sent", text: "Sent", tone: Tone.Idle, token: "idle",
                  pending: false, glyph: "\u2713" },
                { tag: "delivered", delivery: "delivered", text: "Delivered", tone: Tone.Idle,
                  token: "idle", pending: false, glyph: "\u2713\u2713" },
                { tag: "read", delivery: "read", text: "Read", tone: Tone.Ok, token: "ok",
                  pending: false, glyph: "\u2713\u2713" }
            ]
        }

        function test_ownMessageOnTheRightWithItsReceipt(data) {
            const row = createTemporaryObject(chatComponent, root,
                                              Object.assign({}, message,
                                                            { own: true, unread: false,
                                                              pending: data.pending,
                                                              delivery: data.delivery,
                                                              deliveryText: data.text,
                                                              deliveryTone: data.tone }))
            compare(row.senderText, "You")
            compare(row.receipt, data.text)
            // A receipt, not a tag: check marks in the tone, the word muted, no frame
            const receipt = findChild(row, "chatReceipt")
            verify(receipt.visible)
            compare(String(receipt.tint), String(Theme[data.token]))
            const glyph = findChild(receipt, "receiptGlyph")
            compare(glyph.text, data.glyph)
            compare(String(glyph.color), String(Theme[data.token]))
            const word = findChild(receipt, "receiptText")
            compare(word.text, data.text)
            compare(String(word.color), String(Theme.textMuted))
            compare(receipt.border, undefined)
            const bubble = findChild(row, "chatBubble")
            compare(bubble.x + bubble.width, row.width) // on the right
            verify(row.Accessible.name.indexOf(data.text) >= 0)
        }

        function test_othersMessageOnTheLeftWithoutReceipt() {
            const row = createTemporaryObject(chatComponent, root, message)
            compare(row.senderText, "ana")
            compare(row.receipt, "")
            compare(findChild(row, "chatReceipt").visible, false)
            compare(findChild(row, "chatBubble").x, 0)
        }

        function test_failedMessageOffersRetryAndDiscard() {
            const row = createTemporaryObject(chatComponent, root,
                                              Object.assign({}, message,
                                                            { own: true, unread: false,
                                                              pending: true, failed: true,
                                                              delivery: "failed",
                                                              deliveryText: "Failed",
                                                              deliveryTone: Tone.Danger,
                                                              reason: "may not write to chat" }))
            const retried = createTemporaryObject(spyComponent, root,
                                                  { target: row, signalName: "retryRequested" })
            const discarded = createTemporaryObject(spyComponent, root,
                                                    { target: row,
                                                      signalName: "discardRequested" })
            compare(findChild(row, "chatFailure").text, "may not write to chat")
            const retry = findChild(row, "chatRetryButton")
            verify(retry.visible)
            mouseClick(retry)
            compare(retried.count, 1)
            compare(retried.signalArguments[0][0], "m1")
            mouseClick(findChild(row, "chatDiscardButton"))
            compare(discarded.count, 1)
        }

        function test_conversationShowsItsUnreadCount() {
            const values = { conversationId: "conv-1", participants: "ana, bruno",
                             lastMessage: "on it", lastSender: "ana", lastOwn: false,
                             lastActivity: 0, unreadCount: 3 }
            const row = createTemporaryObject(conversationComponent, root, values)
            const badge = findChild(row, "unreadCount_conv-1")
            verify(badge.visible)
            compare(badge.text, "3")
            const spy = createTemporaryObject(spyComponent, root,
                                              { target: row, signalName: "activated" })
            mouseClick(row)
            compare(spy.count, 1)
            compare(spy.signalArguments[0][0], "conv-1")
            row.unreadCount = 0
            compare(badge.visible, false)
        }
            function test_foundMessageIsFramed() {
            const plain = createTemporaryObject(chatComponent, root, message)
            const found = createTemporaryObject(chatComponent, root,
                                                Object.assign({}, message, { searchHit: true }))
            const current = createTemporaryObject(chatComponent, root,
                                                  Object.assign({}, message,
                                                                { searchHit: true,
                                                                  currentSearchHit: true }))
            const frame = row => findChild(row, "chatBubble").border
            compare(String(frame(plain).color), String(Theme.accent)) // unread
            compare(String(frame(found).color), String(Theme.warning))
            compare(frame(found).width, Theme.hairline)
            verify(frame(current).width > frame(found).width)
            compare(current.Accessible.description, "Search match")
            compare(found.Accessible.description, "")
        }

        // --- The Chat page over the real models ---

        function say(id, conversation, sender, at, content) {
            TestHelper.feed("chat.message", "chat", { id: id, conversationId: conversation,
                                                      senderId: sender, content: content,
                                                      timestamp: at })
        }

        // The message row of `id` the page shows, or null
        function messageRow(page, id) {
            const list = findChild(page, "chatPageList")
            // (A list property: Qt 6.4 cannot iterate it with for...of.)
            const children = list.contentItem.children
            for (let i = 0; i < children.length; ++i) {
                if (children[i].messageId === id)
                    return children[i]
            }
            return null
        }

        // The conversations the page lists, top to bottom
        function listed(page) {
            const list = findChild(page, "chatConversations")
            const ids = []
            for (let i = 0; i < list.count; ++i)
                ids.push(list.model.conversationAt(i))
            return ids
        }

        function chatPage(open) {
            const page = createTemporaryObject(pageComponent, root)
            verify(page)
            page.open(open)
            compare(page.selected, open)
            page.Window.window.requestActivate()
            tryVerify(() => page.Window.active, 5000, "the test's window is the active one")
            return page
        }

        function test_searchFindsConversationsAndStepsThroughMatches() {
            say("zs-1", "zeta-ops", "ana", 1000, "quokka disk full on db-7")
            say("zs-2", "zeta-ops", "bruno", 2000, "restarting")
            say("zs-3", "zeta-ops", "ana", 3000, "Quokka db-7 back")
            say("zs-4", "zeta-ops", "bruno", 4000, "quokka confirmed")
            say("zs-5", "zeta-lunch", "chen", 5000, "lunch?")
            say("zs-6", "zeta-other", "dana", 500, "a quokka elsewhere")
            const page = chatPage("zeta-ops")
            const field = findChild(page, "chatSearch")
            const matches = findChild(page, "chatMatches")
            verify(!matches.visible)

            // Ctrl+F goes to the search; the list keeps the conversations that mention it.
            keySequence("Ctrl+F")
            tryVerify(() => field.activeFocus)
            for (const ch of "QUOKKA")
                keyClick(ch)
            compare(page.searchText, "QUOKKA")
            compare(listed(page), ["zeta-ops", "zeta-other"])
            // In the open conversation every message stays; three are found, the newest current.
            compare(findChild(page, "chatPageList").count, 4)
            verify(matches.visible)
            compare(matches.text, "1 of 3")
            verify(messageRow(page, "zs-4").currentSearchHit)
            verify(messageRow(page, "zs-1").searchHit)
            verify(!messageRow(page, "zs-2").searchHit)

            // Enter and F3 go up to older matches, wrapping; Shift+F3 and Shift+Enter come back.
            keyClick(Qt.Key_Return)
            compare(matches.text, "2 of 3")
            verify(messageRow(page, "zs-3").currentSearchHit)
            verify(!messageRow(page, "zs-4").currentSearchHit)
            keyClick(Qt.Key_F3)
            compare(matches.text, "3 of 3")
            verify(messageRow(page, "zs-1").currentSearchHit)
            keyClick(Qt.Key_F3)
            compare(matches.text, "1 of 3")
            keyClick(Qt.Key_F3, Qt.ShiftModifier)
            compare(matches.text, "3 of 3")
            keyClick(Qt.Key_Return, Qt.ShiftModifier)
            compare(matches.text, "2 of 3")
            // The buttons do the same (once laid out, so the clicks land on them).
            waitForRendering(page)
            mouseClick(findChild(page, "chatNextMatch"))
            compare(matches.text, "3 of 3")
            mouseClick(findChild(page, "chatPreviousMatch"))
            compare(matches.text, "2 of 3")
            // The view went to the current match and stays there.
            const list = findChild(page, "chatPageList")
            compare(list.following, false)

            // Escape clears it: every conversation again, nothing framed, back to the newest.
            keyClick(Qt.Key_Escape)
            compare(page.searchText, "")
            verify(listed(page).indexOf("zeta-lunch") >= 0)
            verify(!matches.visible)
            verify(!messageRow(page, "zs-4").searchHit)
            compare(list.following, true)
        }

        function test_searchFindsPeopleAndOpensWhatItFound() {
            say("zp-1", "zeta-team", "ana", 1000, "hello")
            say("zp-2", "zeta-night", "xiomara", 2000, "handover done")
            const page = chatPage("zeta-team")
            keySequence("Ctrl+F")
            for (const ch of "xiomara")
                keyClick(ch)
            compare(listed(page), ["zeta-night"])
            const matches = findChild(page, "chatMatches")
            compare(matches.text, "No match here")
            // Nothing in the open conversation: Enter opens the first conversation found.
            keyClick(Qt.Key_Return)
            compare(page.selected, "zeta-night")
            compare(findChild(page, "chatConversations").currentIndex, 0)
            // Nothing found at all: the list says so.
            keyClick(Qt.Key_Z)
            compare(listed(page), [])
            const hint = findChild(page, "chatConversationsEmpty")
            verify(hint.shown)
            verify(hint.text.indexOf("xiomaraz") >= 0)
        }

        function test_readsWaitWhileTheWindowIsNotActive() {
            say("zr-1", "zeta-reads", "ana", 1000, "anyone?")
            const page = chatPage("zeta-reads")
            // On screen and active: what it shows is read, with a receipt in the outbox.
            tryCompare(ChatSession, "openConversation", "zeta-reads")
            const badge = () => findChild(page, "unreadCount_zeta-reads")
            tryVerify(() => badge() && !badge().visible)
            const first = Actions.stateFor("zeta-reads")
            compare(first.type, "chat.read")
            compare(first.payload.messageIds, ["zr-1"])

            // The operator is in another window: nothing more is read...
            // (No parent: a window with one would be transient for the test's, and active with it.)
            const other = createTemporaryObject(otherWindowComponent, null)
            other.show()
            other.requestActivate()
            tryVerify(() => other.active)
            tryVerify(() => !page.Window.active)
            compare(ChatSession.openConversation, "")
            say("zr-2", "zeta-reads", "bruno", 2000, "hello?")
            tryVerify(() => badge().visible)
            compare(badge().text, "1")
            compare(Actions.stateFor("zeta-reads").actionId, first.actionId)

            // ...until the window is active again: then what it shows is read at once.
            page.Window.window.requestActivate()
            tryVerify(() => page.Window.active)
            compare(ChatSession.openConversation, "zeta-reads")
            tryVerify(() => !badge().visible)
            const second = Actions.stateFor("zeta-reads")
            verify(second.actionId !== first.actionId)
            compare(second.payload.messageIds, ["zr-2"])
        }
            function test_nameSetOnTheSettingsPageIsTheChatsName() {
            const page = createTemporaryObject(settingsComponent, root)
            verify(page)
            const field = findChild(page, "operatorNameField")
            const save = findChild(page, "saveOperatorNameButton")
            const problem = findChild(page, "operatorNameProblem")
            const inUse = findChild(page, "operatorNameInUse")
            const before = ChatSession.operatorName
            verify(before.length > 0)
            compare(OperatorIdentity.configuredName, "")
            compare(field.text, "")
            compare(findChild(page, "operatorNameHint").text,
                    "Shown to colleagues in chat and used for Assign to me")
            verify(field.placeholderText.indexOf(before) >= 0) // what an empty field means
            verify(!save.enabled) // nothing changed yet

            field.forceActiveFocus()
            tryVerify(() => field.activeFocus)
            for (const ch of "Zed Ops")
                keyClick(ch)
            verify(save.enabled)
            keyClick(Qt.Key_Return) // Enter saves
            compare(OperatorIdentity.name, "Zed Ops")
            compare(OperatorIdentity.source, OperatorIdentity.Setting)
            compare(ChatSession.operatorName, "Zed Ops")
            compare(IncidentForm.me, "Zed Ops")
            compare(inUse.text, "You are Zed Ops (from your setting).")
            verify(!save.enabled) // saved: nothing new to save

            // What cannot be a name is said, and cannot be saved.
            field.text = "Zed\tOps"
            verify(problem.visible)
            verify(!save.enabled)
            keyClick(Qt.Key_Return)
            compare(ChatSession.operatorName, "Zed Ops")

            // Emptied: the name comes from the server or the account again.
            field.text = ""
            verify(!problem.visible)
            verify(save.enabled)
            keyClick(Qt.Key_Return)
            compare(OperatorIdentity.configuredName, "")
            compare(ChatSession.operatorName, before)
            compare(IncidentForm.me, before)
        }
    }
}
