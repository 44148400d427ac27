import QtQuick
import Vigil

// A row of ActivityModel: on the Activity page, and (compact) on the dashboard. What was done
// (the action) is a plain word in its column: not a severity, not a state.
FeedRow {
    required property string actor
    required property string action
    required property string target
    required property string summary
    required property var timestamp
    // The dashboard's short form: no action column, "actor action" as the detail
    property bool compact: false

    badge: compact ? "" : action
    badgeTint: Theme.accent
    badgeStyle: "plain"
    badgeColumn: !compact
    badgeWords: [qsTr("acknowledged"), qsTr("escalated"), qsTr("resolved"), qsTr("opened")]
    text: summary
    detail: compact ? qsTr("%1 %2").arg(actor).arg(action) : qsTr("%1 on %2").arg(actor).arg(target)
    timeText: Theme.time(timestamp)
    spokenText: timeText.length > 0 ? qsTr("%1, by %2, %3").arg(summary).arg(actor).arg(timeText)
                                    : qsTr("%1, by %2").arg(summary).arg(actor)
}
