import QtQuick
import QtQuick.Layouts
import Vigil

// A message of the chat view (ChatModel's roles): others' on the left, the operator's own on
// the right, marked "You", with how far it got (pending, sent, delivered, read) as a receipt:
// check marks in the tone C++ gives it and a muted word (ReceiptMark). A failed one shows the server's reason with Retry and Discard; the view decides
// what those do (retryRequested, discardRequested). A message the chat's search found is framed
// (searchHit), the one the search is at more strongly (currentSearchHit).
Item {
    id: row
    required property string messageId
    required property string senderId
    required property string content
    required property var timestamp
    required property bool own
    required property bool unread
    required property bool pending
    required property bool failed
    // failed, pending, sent, delivered or read
    required property string delivery
    required property string deliveryText
    required property int deliveryTone
    required property string reason
    // The chat's search found it / is at it (the view sets these from its model)
    property bool searchHit: false
    property bool currentSearchHit: false

    signal retryRequested(string messageId)
    signal discardRequested(string messageId)

    readonly property string senderText: own ? qsTr("You") : senderId
    // Readable by tests and screen readers: what the receipt says, "" for others' messages
    readonly property string receipt: own ? deliveryText : ""

    width: ListView.view ? ListView.view.width : implicitWidth
    implicitWidth: bubble.implicitWidth
    implicitHeight: bubble.implicitHeight + Theme.spacing
    Accessible.role: Accessible.ListItem
    Accessible.name: accessibleName()
    Accessible.description: currentSearchHit ? qsTr("Search match") : ""

    function accessibleName() {
        const parts = []
        for (const part of [senderText, content, Theme.time(timestamp), receipt, reason]) {
            if (part.length > 0)
                parts.push(part)
        }
        return parts.join(", ")
    }

    Rectangle {
        id: bubble
        objectName: "chatBubble"
        anchors.right: row.own ? parent.right : undefined
        anchors.left: row.own ? undefined : parent.left
        anchors.verticalCenter: parent.verticalCenter
        // At most three quarters of the view, so whose message it is shows in its side
        width: Math.min(implicitWidth, row.width * 3 / 4)
        implicitWidth: layout.implicitWidth + Theme.padding
        implicitHeight: layout.implicitHeight + Theme.spacing
        radius: Theme.radius
        color: row.own ? Theme.selection : Theme.window
        border.color: row.failed ? Theme.danger
                    : row.searchHit ? Theme.warning
                    : row.unread ? Theme.accent : Theme.border
        border.width: row.currentSearchHit ? Theme.hairline * 3 : Theme.hairline
        opacity: row.pending && !row.failed ? Theme.dimmedOpacity : 1.0

        ColumnLayout {
            id: layout
            anchors.fill: parent
            anchors.leftMargin: Theme.padding / 2
            anchors.rightMargin: Theme.padding / 2
            anchors.topMargin: Theme.spacing / 2
            anchors.bottomMargin: Theme.spacing / 2
            spacing: Theme.tightSpacing
            RowLayout {
                spacing: Theme.spacing
                Caption {
                    text: row.senderText
                    font.bold: true
                    color: row.own ? Theme.accent : Theme.text
                }
                Mono {
                    visible: text.length > 0
                    text: Theme.time(row.timestamp)
                }
                Item { Layout.fillWidth: true }
                ReceiptMark {
                    objectName: "chatReceipt"
                    visible: row.receipt.length > 0
                    delivery: row.delivery
                    text: row.receipt
                    tint: Theme.toneColor(row.deliveryTone)
                }
            }
            Body {
                objectName: "chatContent"
                text: row.content
                textFormat: Text.PlainText
                wrapMode: Text.Wrap
                Layout.fillWidth: true
                Layout.maximumWidth: row.width * 3 / 4 - Theme.padding
            }
            RowLayout {
                visible: row.failed
                spacing: Theme.spacing
                Caption {
                    objectName: "chatFailure"
                    text: row.reason.length > 0 ? row.reason : qsTr("Not sent")
                    color: Theme.danger
                    wrapMode: Text.Wrap
                    Layout.fillWidth: true
                }
                IconButton {
                    objectName: "chatRetryButton"
                    text: qsTr("Retry")
                    iconName: "view-refresh"
                    Accessible.description: qsTr("Send the message again")
                    onClicked: row.retryRequested(row.messageId)
                }
                IconButton {
                    objectName: "chatDiscardButton"
                    text: qsTr("Discard")
                    iconName: "edit-delete"
                    Accessible.description: qsTr("Give up the message")
                    onClicked: row.discardRequested(row.messageId)
                }
            }
        }
    }
}
