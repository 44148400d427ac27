import QtQuick
import QtTest
import Vigil
import Vigil.Models

// The chat's parts: the composer (Enter sends, Shift+Enter starts a new line, nothing to send or
// too much for the server: no sending), a message row (own on the right with its receipt, a
// failed one with Retry and Discard) and a conversation row.
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
                                          failed: false, deliveryText: "Sent",
                                          deliveryTone: Tone.Idle, reason: "" })

        function test_ownMessageOnTheRightWithItsReceipt_data() {
            return [
                { tag: "pending", text: "Pending", tone: Tone.Warning, token: "warning",
                  pending: true },
                { tag: "sent", text: "Sent", tone: Tone.Idle, token: "idle", pending: false },
                { tag: "read", text: "Read", tone: Tone.Ok, token: "ok", pending: false }
            ]
        }

        function test_ownMessageOnTheRightWithItsReceipt(data) {
            const row = createTemporaryObject(chatComponent, root,
                                              Object.assign({}, message,
                                                            { own: true, unread: false,
                                                              pending: data.pending,
                                                              deliveryText: data.text,
                                                              deliveryTone: data.tone }))
            compare(row.senderText, "You")
            compare(row.receipt, data.text)
            const badge = findChild(row, "chatReceipt")
            verify(badge.visible)
            compare(String(badge.tint), String(Theme[data.token]))
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
    }
}
