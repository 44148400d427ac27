import QtQuick
import Vigil

// A row of ActivityModel: on the Activity page, and (compact) on the dashboard.
FeedRow {
    required property string actor
    required property string action
    required property string target
    required property string summary
    required property var timestamp
    // The dashboard's short form: no badge, "actor action" as the detail
    property bool compact: false

    width: ListView.view ? ListView.view.width : implicitWidth
    badge: compact ? "" : action
    badgeTint: Theme.accent
    text: summary
    detail: compact ? qsTr("%1 %2").arg(actor).arg(action) : qsTr("%1 on %2").arg(actor).arg(target)
    timeText: Theme.time(timestamp)
}
