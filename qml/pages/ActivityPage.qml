import QtQuick
import Vigil
import Vigil.Models

// Who did what, as it happens.
ListPage {
    objectName: "activityPage"
    heading: qsTr("Activity")
    summary: qsTr("%1 events").arg(count)
    emptyText: qsTr("Nothing has happened yet.")
    model: ActivityModel
    delegate: ActivityRow {}
}
