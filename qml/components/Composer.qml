import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Vigil
import Vigil.Models

// Where the operator writes a chat message: Enter sends, Shift+Enter starts a new line. A
// counter shows the bytes used of what the server accepts (maxBytes, from C++); Send is off
// while there is nothing to send or too much. Sending is the page's: it gets sendRequested()
// and calls clear() once the message is queued.
ColumnLayout {
    id: composer
    // The most the content may take, in bytes as sent (ChatSession.maxContentBytes; 0: none)
    property int maxBytes: 0
    // Off while there is nowhere to send to (no conversation chosen)
    property bool ready: true
    property alias text: field.text
    property alias placeholderText: field.placeholderText
    readonly property bool canSend: ready && budget.sendable
    readonly property alias usedBytes: budget.used
    readonly property alias overLimit: budget.over
    readonly property string keysHint: qsTr("Enter sends, Shift+Enter starts a new line")

    signal sendRequested(string text)

    function send() {
        if (canSend)
            sendRequested(field.text)
    }
    function clear() {
        field.clear()
    }
    function focusField() {
        field.forceActiveFocus()
    }

    spacing: Theme.tightSpacing

    MessageBudget {
        id: budget
        text: field.text
        limit: composer.maxBytes
    }

    RowLayout {
        spacing: Theme.spacing
        Layout.fillWidth: true
        ScrollView {
            Layout.fillWidth: true
            // Grows with the text up to a few lines, then scrolls
            Layout.preferredHeight: Math.min(field.implicitHeight, Theme.rowHeight * 4)
            TextArea {
                id: field
                objectName: "composerField"
                wrapMode: TextEdit.Wrap
                textFormat: TextEdit.PlainText
                font.pixelSize: Theme.fontNormal
                placeholderText: qsTr("Write a message")
                Accessible.name: qsTr("Message")
                Accessible.description: composer.keysHint
                background: Rectangle {
                    color: Theme.surface
                    border.color: composer.overLimit ? Theme.danger
                                  : field.activeFocus ? Theme.accent : Theme.border
                    radius: Theme.radius / 2
                }
                Keys.onPressed: event => {
                    if (event.key !== Qt.Key_Return && event.key !== Qt.Key_Enter)
                        return
                    event.accepted = true
                    if (event.modifiers & Qt.ShiftModifier) {
                        // A new line where the cursor is, replacing what is selected
                        field.remove(field.selectionStart, field.selectionEnd)
                        field.insert(field.cursorPosition, "\n")
                    } else {
                        composer.send()
                    }
                }
            }
        }
        Button {
            objectName: "composerSendButton"
            text: qsTr("Send")
            enabled: composer.canSend
            font.pixelSize: Theme.fontSmall
            Accessible.description: qsTr("Send the message (Enter)")
            onClicked: composer.send()
        }
    }
    RowLayout {
        spacing: Theme.spacing
        Layout.fillWidth: true
        // How Enter and Shift+Enter work: shown under the field, since a narrow window cuts a placeholder.
        Caption {
            objectName: "composerKeys"
            text: composer.keysHint
            wrapMode: Text.Wrap
            Layout.fillWidth: true
        }
        Caption {
            objectName: "composerCounter"
            Layout.alignment: Qt.AlignRight | Qt.AlignTop
            text: composer.maxBytes > 0 ? qsTr("%L1 / %L2 bytes").arg(budget.used).arg(composer.maxBytes)
                                        : qsTr("%L1 bytes").arg(budget.used)
            color: composer.overLimit ? Theme.danger : Theme.textMuted
            Accessible.name: composer.overLimit
                             ? qsTr("%L1 bytes over the limit").arg(-budget.remaining)
                             : qsTr("%L1 bytes left").arg(budget.remaining)
        }
    }
}
