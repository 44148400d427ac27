import QtQuick
import Vigil

// One update in an incident's timeline: when, what kind (a plain word), who acted and what
// changed; the updates that confirmed the operator's own actions say so.
FeedRow {
    required property var at
    required property string kind
    required property string actor
    required property string changes
    required property string requestId

    timeText: Theme.time(at)
    badge: kind
    badgeTint: Theme.accent
    badgeStyle: "plain"
    badgeWords: [qsTr("acknowledged"), qsTr("escalated"), qsTr("resolved")]
    text: changes
    detail: actor.length > 0 && requestId.length > 0 ? qsTr("by %1, confirming an action").arg(actor)
          : actor.length > 0 ? qsTr("by %1").arg(actor)
          : requestId.length > 0 ? qsTr("confirming an action") : ""
}
