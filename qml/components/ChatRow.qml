import QtQuick
import Vigil

// A row of ChatModel with its delivery receipt.
FeedRow {
    required property string senderId
    required property string conversationId
    required property string content
    required property string delivery
    required property var timestamp

    width: ListView.view ? ListView.view.width : implicitWidth
    badge: delivery
    badgeTint: Theme.deliveryColor(delivery)
    text: content
    detail: qsTr("%1 in %2").arg(senderId).arg(conversationId)
    timeText: Theme.time(timestamp)
}
