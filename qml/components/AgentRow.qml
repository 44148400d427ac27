import QtQuick
import Vigil

// A row of AgentsModel: status (a state: a neutral chip with a dot in its colour), load and when
// the agent was last seen.
FeedRow {
    required property string agentId
    required property string name
    required property string status
    required property var cpu
    required property var memory
    required property var lastSeen

    badge: status
    badgeTint: Theme.agentStatusColor(status)
    badgeStyle: "state"
    badgeWords: [qsTr("online"), qsTr("offline"), qsTr("away"), qsTr("busy")]
    text: name
    detail: qsTr("%1 - CPU %2% - memory %3%").arg(agentId)
        .arg(cpu !== undefined ? Number(cpu).toFixed(1) : "-")
        .arg(memory !== undefined ? Number(memory).toFixed(1) : "-")
    timeText: Theme.time(lastSeen)
    dimmed: Theme.agentOffline(status)
    spokenText: timeText.length > 0
                ? qsTr("Agent %1, %2, %3, last seen %4").arg(name).arg(status).arg(detail).arg(timeText)
                : qsTr("Agent %1, %2, %3").arg(name).arg(status).arg(detail)
}
