import QtQuick
import Vigil

// A row of LogModel: level, message, service and task.
FeedRow {
    required property string level
    required property string message
    required property string source
    required property string taskId
    required property var timestamp

    width: ListView.view ? ListView.view.width : implicitWidth
    badge: level
    text: message
    detail: qsTr("%1 - %2").arg(source).arg(taskId)
    timeText: Theme.time(timestamp)
}
