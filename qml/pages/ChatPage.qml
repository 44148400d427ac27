pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Vigil
import Vigil.Models

// The operators' chat: the conversations (newest activity first, with their unread counts), the
// open one's messages in time order (the newest at the bottom, followed unless the operator
// scrolled up) and the composer. The operator's own message is a row at once, pending until the
// server has it. What the page shows is reported read: ChatSession.openConversation.
//
// Search (Ctrl+F; Escape clears it): the list keeps the conversations that mention the text (in
// their name, people or messages); in the open conversation every message stays, the ones
// found are framed and the view goes to the current one: the newest first, Enter or F3 the next
// one up, Shift+Enter or Shift+F3 back down.
Page {
    id: page
    objectName: "chatPage"
    // The conversation open ("" until there is one)
    property string selected
    readonly property alias searchText: searchField.text
    readonly property bool searching: searchText.trim().length > 0
    // Only what the operator sees is read: not while another page shows, nor with the window
    // minimized, hidden in the tray or in the background (the operator is in another window)
    readonly property bool onScreen: visible && Window.active
                                     && Window.visibility !== Window.Minimized
                                     && Window.visibility !== Window.Hidden

    function open(conversationId) {
        if (conversationId.length === 0)
            return
        selected = conversationId
        conversations.currentIndex = found.indexOf(conversationId)
    }
    // Until the operator picks one, the conversation with the newest activity opens
    function openDefault() {
        if (selected.length === 0)
            open(ConversationsModel.conversationAt(0))
    }

    function focusSearch() {
        searchField.forceActiveFocus()
        searchField.selectAll()
    }
    function clearSearch() {
        searchField.clear()
        if (selected.length > 0)
            composer.focusField()
        else
            conversations.forceActiveFocus()
    }
    // Enter in the search: the next match here; with none here, the first conversation found
    function findNext() {
        if (messageModel.matchCount === 0 && found.count > 0
                && found.conversationAt(0) !== selected) {
            open(found.conversationAt(0))
            return
        }
        messageModel.findNext()
        showMatch()
    }
    function findPrevious() {
        messageModel.findPrevious()
        showMatch()
    }
    // The view goes to the current match, and stays there while messages arrive
    function showMatch() {
        // (The model's own search: the page's `searching` may not have followed the field yet)
        if (messageModel.search.length === 0) {
            messages.follow()
            return
        }
        const row = messageModel.currentMatchRow
        if (row < 0)
            return
        messages.following = false
        messages.positionViewAtIndex(row, ListView.Center)
    }

    background: Rectangle { color: Theme.window }
    Component.onCompleted: openDefault()

    Shortcut {
        sequence: "Ctrl+F"
        enabled: page.visible
        onActivated: page.focusSearch()
    }
    Shortcut {
        sequence: "F3"
        enabled: page.visible && page.searching
        onActivated: page.findNext()
    }
    Shortcut {
        sequence: "Shift+F3"
        enabled: page.visible && page.searching
        onActivated: page.findPrevious()
    }

    Connections {
        target: ConversationsModel
        function onCountChanged() { page.openDefault() }
    }
    // The list found other conversations: its cursor stays on the one open
    Connections {
        target: found
        function onCountChanged() { conversations.currentIndex = found.indexOf(page.selected) }
    }
    // A new search, or another conversation open: its newest match, or its newest message
    Connections {
        target: messageModel
        function onSearchChanged() { page.showMatch() }
        function onConversationIdChanged() { page.showMatch() }
    }
    // What is on screen is seen
    Binding {
        target: ChatSession
        property: "openConversation"
        value: page.onScreen ? page.selected : ""
    }

    RowLayout {
        anchors.fill: parent
        anchors.margins: Theme.padding
        spacing: Theme.spacing

        ColumnLayout {
            spacing: Theme.spacing
            Layout.fillWidth: false
            Layout.preferredWidth: Theme.panelMinWidth
            Layout.fillHeight: true
            RowLayout {
                spacing: Theme.spacing
                Heading {
                    objectName: "chatPageHeading"
                    text: qsTr("Chat")
                }
                Body {
                    objectName: "chatPageSummary"
                    text: qsTr("%1 unread").arg(ConversationsModel.unreadTotal)
                    color: Theme.textMuted
                    Layout.fillWidth: true
                }
            }
            TextField {
                id: searchField
                objectName: "chatSearch"
                Layout.fillWidth: true
                placeholderText: qsTr("Search the chat (Ctrl+F)")
                font.pixelSize: Theme.fontSmall
                selectByMouse: true
                Accessible.name: qsTr("Search conversations and messages")
                Accessible.description: qsTr("Enter or F3: next match, Shift+Enter or Shift+F3: previous, Escape: clear")
                Keys.onEscapePressed: page.clearSearch()
                Keys.onDownPressed: conversations.forceActiveFocus()
                Keys.onPressed: event => {
                    if (event.key !== Qt.Key_Return && event.key !== Qt.Key_Enter)
                        return
                    event.accepted = true
                    if (event.modifiers & Qt.ShiftModifier)
                        page.findPrevious()
                    else
                        page.findNext()
                }
            }
            Rectangle {
                Layout.fillWidth: true
                Layout.fillHeight: true
                radius: Theme.radius
                color: Theme.surface
                border.color: conversations.activeFocus ? Theme.accent : Theme.border
                ListView {
                    id: conversations
                    objectName: "chatConversations"
                    anchors.fill: parent
                    anchors.margins: Theme.spacing / 2
                    clip: true
                    spacing: Theme.tightSpacing
                    model: ConversationsFilter {
                        id: found
                        sourceModel: ConversationsModel
                        search: page.searchText
                    }
                    keyNavigationEnabled: true
                    activeFocusOnTab: true
                    Accessible.name: qsTr("Conversations")
                    ScrollBar.vertical: ScrollBar {}
                    // Enter opens the conversation under the cursor and goes to the composer
                    Keys.onReturnPressed: {
                        page.open(found.conversationAt(currentIndex))
                        composer.focusField()
                    }
                    Keys.onEnterPressed: {
                        page.open(found.conversationAt(currentIndex))
                        composer.focusField()
                    }
                    Keys.onEscapePressed: event => {
                        event.accepted = page.searching
                        if (event.accepted)
                            page.clearSearch()
                    }
                    delegate: ConversationRow {
                        selected: conversationId === page.selected
                        current: ListView.isCurrentItem && conversations.activeFocus
                        onActivated: id => page.open(id)
                    }
                    EmptyHint {
                        objectName: "chatConversationsEmpty"
                        shown: conversations.count === 0
                        text: page.searching ? qsTr("No conversation mentions \"%1\".").arg(page.searchText.trim())
                                             : qsTr("No conversations yet.")
                    }
                }
            }
        }

        ColumnLayout {
            spacing: Theme.spacing
            Layout.fillWidth: true
            Layout.fillHeight: true
            RowLayout {
                spacing: Theme.spacing
                Heading {
                    objectName: "chatConversationTitle"
                    text: page.selected.length > 0 ? page.selected : qsTr("No conversation open")
                }
                Body {
                    visible: page.selected.length > 0
                    text: qsTr("%1 messages").arg(messages.count)
                    color: Theme.textMuted
                    Layout.fillWidth: true
                }
                Caption {
                    objectName: "chatMatches"
                    visible: page.searching && page.selected.length > 0
                    text: messageModel.matchCount > 0
                          ? qsTr("%1 of %2").arg(messageModel.currentMatchNumber).arg(messageModel.matchCount)
                          : qsTr("No match here")
                    color: messageModel.matchCount > 0 ? Theme.text : Theme.textMuted
                }
                Button {
                    objectName: "chatPreviousMatch"
                    visible: page.searching && page.selected.length > 0
                    enabled: messageModel.matchCount > 1
                    text: qsTr("Newer")
                    flat: true
                    // A click leaves the keyboard in the search field (F3 and Enter go on)
                    focusPolicy: Qt.TabFocus
                    font.pixelSize: Theme.fontSmall
                    Accessible.description: qsTr("The previous match, further down (Shift+F3)")
                    onClicked: page.findPrevious()
                }
                Button {
                    objectName: "chatNextMatch"
                    visible: page.searching && page.selected.length > 0
                    enabled: messageModel.matchCount > 1
                    text: qsTr("Older")
                    flat: true
                    focusPolicy: Qt.TabFocus
                    font.pixelSize: Theme.fontSmall
                    Accessible.description: qsTr("The next match, further up (F3)")
                    onClicked: page.findNext()
                }
            }
            Rectangle {
                Layout.fillWidth: true
                Layout.fillHeight: true
                radius: Theme.radius
                color: Theme.surface
                border.color: Theme.border
                ListView {
                    id: messages
                    objectName: "chatPageList"
                    // The view keeps to the newest message while this holds: it stops when the
                    // operator scrolls up and starts again back at the bottom.
                    property bool following: true

                    property bool positioning: false

                    function follow() {
                        following = true
                        toEnd()
                    }
                    // Once at a time: laying out the last rows may change the content height
                    function toEnd() {
                        if (positioning)
                            return
                        positioning = true
                        positionViewAtEnd()
                        positioning = false
                    }

                    anchors.fill: parent
                    anchors.margins: Theme.spacing
                    clip: true
                    spacing: Theme.tightSpacing
                    Accessible.name: qsTr("Messages")
                    model: ChatMessagesModel {
                        id: messageModel
                        sourceModel: ChatModel
                        conversationId: page.selected
                        search: page.searchText
                    }
                    delegate: ChatRow {
                        // ChatMessagesModel's search roles
                        required property bool matched
                        required property bool currentMatch
                        searchHit: matched
                        currentSearchHit: currentMatch
                        onRetryRequested: id => ChatSession.retry(id)
                        onDiscardRequested: id => ChatSession.discard(id)
                    }
                    ScrollBar.vertical: ScrollBar {
                        onPressedChanged: {
                            if (!pressed)
                                messages.following = messages.atYEnd
                        }
                    }
                    onMovementEnded: following = atYEnd
                    onCountChanged: {
                        if (following)
                            toEnd()
                    }
                    onContentHeightChanged: {
                        if (following && !moving)
                            toEnd()
                    }
                    onHeightChanged: {
                        if (following)
                            toEnd()
                    }
                    EmptyHint {
                        shown: messages.count === 0
                        text: page.selected.length > 0 ? qsTr("No messages yet.")
                                                       : qsTr("No conversation yet: messages appear here as they arrive.")
                    }
                }
                Button {
                    objectName: "chatLatestButton"
                    visible: !messages.following && messages.count > 0
                    anchors.right: parent.right
                    anchors.bottom: parent.bottom
                    anchors.margins: Theme.spacing
                    text: qsTr("Latest messages")
                    font.pixelSize: Theme.fontSmall
                    Accessible.description: qsTr("Go to the newest message")
                    onClicked: messages.follow()
                }
            }
            Composer {
                id: composer
                objectName: "chatComposer"
                Layout.fillWidth: true
                maxBytes: ChatSession.maxContentBytes
                ready: page.selected.length > 0
                onSendRequested: text => {
                    if (ChatSession.send(page.selected, text).length > 0) {
                        composer.clear()
                        messages.follow()
                    }
                }
            }
            Caption {
                objectName: "chatError"
                visible: text.length > 0
                text: ChatSession.lastError
                color: Theme.danger
                wrapMode: Text.Wrap
                Layout.fillWidth: true
            }
        }
    }
}
