import QtQuick
import QtQuick.Controls
import Vigil
import Vigil.Models

// How many operator actions wait in the outbox; a warning when it cannot be used.
Caption {
    objectName: "queueIndicator"
    visible: QueueStatus.depth > 0 || QueueStatus.deadLetters > 0 || QueueStatus.notice.length > 0
    text: QueueStatus.notice.length > 0
          ? qsTr("Outbox problem")
          : QueueStatus.deadLetters > 0
            ? qsTr("%1 queued, %2 failed").arg(QueueStatus.depth).arg(QueueStatus.deadLetters)
            : qsTr("%1 queued").arg(QueueStatus.depth)
    color: QueueStatus.notice.length > 0 || QueueStatus.deadLetters > 0 ? Theme.danger : Theme.textMuted
    ToolTip.visible: hover.hovered && QueueStatus.notice.length > 0
    ToolTip.text: QueueStatus.notice
    HoverHandler { id: hover }
}
