import QtQuick
import QtQuick.Layouts
import Vigil

// A conversation of ConversationsModel: its id, who is in it, its latest message and how many
// messages the operator has not read (a count in a filled pill: a number, not a tag).
// Highlighted (Theme.selection) while it is the one open, tinted under the pointer, ringed in
// the accent where the list's keyboard cursor is.
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
    color: selected ? Theme.selection : hover.hovered ? Theme.hover : "transparent"
    border.color: current ? Theme.accent : "transparent"
    border.width: current ? Theme.focusWidth : 0
    Accessible.role: Accessible.ListItem
    Accessible.name: unreadCount > 0
                     ? qsTr("Conversation %1, %2 unread, %3").arg(conversationId).arg(unreadCount).arg(lastMessage)
                     : qsTr("Conversation %1, %2").arg(conversationId).arg(lastMessage)
    Accessible.selected: selected

    HoverHandler { id: hover }
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
            Rectangle {
                id: unread
                objectName: "unreadCount_" + row.conversationId
                readonly property string text: String(row.unreadCount)
                visible: row.unreadCount > 0
                implicitWidth: Math.max(implicitHeight, unreadLabel.implicitWidth + Theme.spacing)
                implicitHeight: unreadLabel.implicitHeight + Theme.tightSpacing
                radius: height / 2
                color: Theme.accent
                Accessible.role: Accessible.StaticText
                Accessible.name: qsTr("%1 unread").arg(row.unreadCount)
                Caption {
                    id: unreadLabel
                    anchors.centerIn: parent
                    text: unread.text
                    color: Theme.textOnAccent
                    font.bold: true
                }
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
