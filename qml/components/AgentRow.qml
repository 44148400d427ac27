import QtQuick
import Vigil

// A row of AgentsModel: status, load and when the agent was last seen.
FeedRow {
    required property string agentId
    required property string name
    required property string status
    required property var cpu
    required property var memory
    required property var lastSeen

    width: ListView.view ? ListView.view.width : implicitWidth
    badge: status
    badgeTint: Theme.agentStatusColor(status)
    text: name
    detail: qsTr("%1 - CPU %2% - memory %3%").arg(agentId)
        .arg(cpu !== undefined ? Number(cpu).toFixed(1) : "-")
        .arg(memory !== undefined ? Number(memory).toFixed(1) : "-")
    timeText: Theme.time(lastSeen)
    dimmed: Theme.agentOffline(status)
}
