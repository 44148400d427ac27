import QtQuick
import QtQuick.Controls
import Vigil
import Vigil.Models

// The operators' chat, newest first, with delivery receipts.
ListPage {
    objectName: "chatPage"
    heading: qsTr("Chat")
    summary: qsTr("%1 messages").arg(ChatModel.count)
    emptyText: qsTr("No messages yet.")
    model: ChatModel
    delegate: FeedRow {
        required property string senderId
        required property string conversationId
        required property string content
        required property string delivery
        required property var timestamp
        width: ListView.view.width
        badge: delivery
        badgeTint: delivery === "read" ? Theme.ok : Theme.idle
        text: content
        detail: qsTr("%1 in %2").arg(senderId).arg(conversationId)
        timeText: Theme.time(timestamp)
    }
}
