import QtQuick
import QtQuick.Controls
import Vigil
import Vigil.Models

// Who did what, as it happens.
ListPage {
    objectName: "activityPage"
    heading: qsTr("Activity")
    summary: qsTr("%1 events").arg(ActivityModel.count)
    emptyText: qsTr("Nothing has happened yet.")
    model: ActivityModel
    delegate: FeedRow {
        required property string actor
        required property string action
        required property string target
        required property string summary
        required property var timestamp
        width: ListView.view.width
        badge: action
        badgeTint: Theme.accent
        text: summary
        detail: qsTr("%1 on %2").arg(actor).arg(target)
        timeText: Theme.time(timestamp)
    }
}
