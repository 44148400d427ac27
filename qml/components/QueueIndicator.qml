import QtQuick
import QtQuick.Controls
import Vigil
import Vigil.Models

// How many operator actions wait in the outbox; a warning when it cannot be used. A click (or
// Enter, Space) opens the Queue page.
Caption {
    id: indicator
    objectName: "queueIndicator"
    visible: QueueStatus.depth > 0 || QueueStatus.deadLetters > 0 || QueueStatus.notice.length > 0
    text: QueueStatus.notice.length > 0
          ? qsTr("Outbox problem")
          : QueueStatus.deadLetters > 0
            ? qsTr("%1 queued, %2 failed").arg(QueueStatus.depth).arg(QueueStatus.deadLetters)
            : qsTr("%1 queued").arg(QueueStatus.depth)
    color: QueueStatus.notice.length > 0 || QueueStatus.deadLetters > 0 ? Theme.danger : Theme.textMuted
    font.underline: hover.hovered || activeFocus
    activeFocusOnTab: true
    Accessible.role: Accessible.Button
    Accessible.name: text
    Accessible.description: qsTr("Show the queued actions")
    Accessible.onPressAction: indicator.openQueue()
    ToolTip.visible: hover.hovered && QueueStatus.notice.length > 0
    ToolTip.text: QueueStatus.notice

    function openQueue() {
        Workspace.page = "queue"
    }

    Keys.onReturnPressed: openQueue()
    Keys.onEnterPressed: openQueue()
    Keys.onSpacePressed: openQueue()
    HoverHandler {
        id: hover
        cursorShape: Qt.PointingHandCursor
    }
    TapHandler {
        onTapped: indicator.openQueue()
    }
}
