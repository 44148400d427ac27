import QtQuick
import Vigil
import Vigil.Models

// The agents and their load.
ListPage {
    objectName: "agentsPage"
    heading: qsTr("Agents")
    summary: qsTr("%1 of %2 online").arg(AgentsModel.onlineCount).arg(AgentsModel.totalCount)
    emptyText: qsTr("No agents have reported yet.")
    model: AgentsModel
    delegate: AgentRow {}
}
