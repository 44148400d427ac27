import QtQuick
import QtQuick.Controls
import Vigil
import Vigil.Models

// The latest log lines from every service.
ListPage {
    objectName: "logsPage"
    heading: qsTr("Logs")
    summary: qsTr("latest %1 lines").arg(LogModel.count)
    emptyText: qsTr("No log lines yet.")
    model: LogModel
    delegate: FeedRow {
        required property string level
        required property string message
        required property string source
        required property string taskId
        required property var timestamp
        width: ListView.view.width
        badge: level
        text: message
        detail: qsTr("%1 - %2").arg(source).arg(taskId)
        timeText: Theme.time(timestamp)
    }
}
