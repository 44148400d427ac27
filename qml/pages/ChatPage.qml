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
Page {
    id: page
    objectName: "chatPage"
    // The conversation open ("" until there is one)
    property string selected
    // Only what is on screen is seen: not while another page shows, nor with the window
    // minimized or hidden in the tray
    readonly property bool onScreen: visible && Window.visibility !== Window.Minimized
                                     && Window.visibility !== Window.Hidden

    function open(conversationId) {
        if (conversationId.length === 0)
            return
        selected = conversationId
        conversations.currentIndex = ConversationsModel.indexOf(conversationId)
    }
    // Until the operator picks one, the conversation with the newest activity opens
    function openDefault() {
        if (selected.length === 0)
            open(ConversationsModel.conversationAt(0))
    }

    background: Rectangle { color: Theme.window }
    Component.onCompleted: openDefault()
    onSelectedChanged: messages.follow()

    Connections {
        target: ConversationsModel
        function onCountChanged() { page.openDefault() }
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
                    model: ConversationsModel
                    keyNavigationEnabled: true
                    activeFocusOnTab: true
                    Accessible.name: qsTr("Conversations")
                    ScrollBar.vertical: ScrollBar {}
                    // Enter opens the conversation under the cursor and goes to the composer
                    Keys.onReturnPressed: {
                        page.open(ConversationsModel.conversationAt(currentIndex))
                        composer.focusField()
                    }
                    Keys.onEnterPressed: {
                        page.open(ConversationsModel.conversationAt(currentIndex))
                        composer.focusField()
                    }
                    delegate: ConversationRow {
                        selected: conversationId === page.selected
                        current: ListView.isCurrentItem && conversations.activeFocus
                        onActivated: id => page.open(id)
                    }
                    EmptyHint {
                        shown: conversations.count === 0
                        text: qsTr("No conversations yet.")
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
                        sourceModel: ChatModel
                        conversationId: page.selected
                    }
                    delegate: ChatRow {
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
