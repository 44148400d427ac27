import QtQuick
import QtQuick.Controls
import Vigil
import Vigil.Models

// The agents and their load.
ListPage {
    objectName: "agentsPage"
    heading: qsTr("Agents")
    summary: qsTr("%1 of %2 online").arg(AgentsModel.onlineCount).arg(AgentsModel.totalCount)
    emptyText: qsTr("No agents have reported yet.")
    model: AgentsModel
    delegate: FeedRow {
        required property string agentId
        required property string name
        required property string status
        required property var cpu
        required property var memory
        required property var lastSeen
        width: ListView.view.width
        badge: status
        badgeTint: status === "online" ? Theme.ok : status === "offline" ? Theme.idle : Theme.warning
        text: name
        detail: qsTr("%1 - CPU %2% - memory %3%").arg(agentId)
            .arg(cpu !== undefined ? Number(cpu).toFixed(1) : "-")
            .arg(memory !== undefined ? Number(memory).toFixed(1) : "-")
        timeText: Theme.time(lastSeen)
        dimmed: status === "offline"
    }
}
