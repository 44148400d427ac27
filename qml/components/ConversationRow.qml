import QtQuick
import QtQuick.Layouts
import Vigil

// A conversation of ConversationsModel: its id, who is in it, its latest message and how many
// messages the operator has not read. Highlighted while it is the one open.
Rectangle {
    id: row
    required property string conversationId
    required property string participants
    required property string lastMessage
    required property string lastSender
    required property bool lastOwn
    required property var lastActivity
    required property int unreadCount
    // The conversation open in the message view
    property bool selected: false
    // The list's keyboard cursor is here (and the list has focus)
    property bool current: false

    signal activated(string conversationId)

    width: ListView.view ? ListView.view.width : implicitWidth
    implicitHeight: layout.implicitHeight + Theme.spacing
    radius: Theme.radius / 2
    color: selected ? Theme.selection : "transparent"
    border.color: current ? Theme.accent : "transparent"
    border.width: Theme.hairline
    Accessible.role: Accessible.ListItem
    Accessible.name: unreadCount > 0
                     ? qsTr("%1, %2 unread, %3").arg(conversationId).arg(unreadCount).arg(lastMessage)
                     : qsTr("%1, %2").arg(conversationId).arg(lastMessage)

    MouseArea {
        anchors.fill: parent
        onClicked: row.activated(row.conversationId)
    }

    ColumnLayout {
        id: layout
        anchors.fill: parent
        anchors.margins: Theme.spacing / 2
        spacing: 0
        RowLayout {
            spacing: Theme.spacing
            Layout.fillWidth: true
            Body {
                text: row.conversationId
                font.bold: row.unreadCount > 0
                elide: Text.ElideRight
                Layout.fillWidth: true
            }
            Mono {
                text: Theme.time(row.lastActivity)
            }
            Badge {
                objectName: "unreadCount_" + row.conversationId
                visible: row.unreadCount > 0
                text: String(row.unreadCount)
                tint: Theme.accent
                Accessible.name: qsTr("%1 unread").arg(row.unreadCount)
            }
        }
        Caption {
            text: qsTr("%1: %2").arg(row.lastOwn ? qsTr("You") : row.lastSender).arg(row.lastMessage)
            elide: Text.ElideRight
            maximumLineCount: 1
            Layout.fillWidth: true
        }
        Caption {
            visible: text.length > 0
            text: row.participants
            elide: Text.ElideRight
            Layout.fillWidth: true
        }
    }
}
