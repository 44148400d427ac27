import QtQuick
import Vigil
import Vigil.Models

// The operators' chat, newest first, with delivery receipts.
ListPage {
    objectName: "chatPage"
    heading: qsTr("Chat")
    summary: qsTr("%1 messages").arg(count)
    emptyText: qsTr("No messages yet.")
    model: ChatModel
    delegate: ChatRow {}
}
