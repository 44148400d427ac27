pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls
import Vigil
import Vigil.Models

// The agents: status and when each was last seen, filtered by status or searched by name; the
// one selected (click, or Up and Down) shows its CPU and memory live beside the list.
Page {
    id: view
    objectName: "agentsView"
    background: Rectangle { color: Theme.window }

    // Side by side with anchors, not a layout: a page's implicit size depends on its width.
    Item {
        anchors.fill: parent
        ListPage {
            id: page
            objectName: "agentsPage"
            anchors.left: parent.left
            anchors.top: parent.top
            anchors.bottom: parent.bottom
            anchors.right: detail.left
            heading: qsTr("Agents")
            summary: statusChoice.value.length > 0
                     ? qsTr("%1 %2 of %3").arg(filter.count).arg(statusChoice.value)
                                          .arg(AgentsModel.totalCount)
                     : qsTr("%1 of %2 online").arg(AgentsModel.onlineCount)
                                              .arg(AgentsModel.totalCount)
            emptyText: statusChoice.value.length > 0 ? qsTr("No agent is %1.").arg(statusChoice.value)
                                                     : qsTr("No agents have reported yet.")
            searchable: true
            searchHint: qsTr("Search agents (Ctrl+F)")
            model: AgentsFilter {
                id: filter
                sourceModel: AgentsModel
                status: statusChoice.value
                search: page.searchText
            }

            FilterChoice {
                id: statusChoice
                objectName: "agentStatusFilter"
                label: qsTr("Status")
                allText: qsTr("All statuses")
                choices: filter.statuses
            }

            delegate: AgentRow {}
        }
        AgentDetail {
            id: detail
            agent: page.list.currentItem as AgentRow
            anchors.right: parent.right
            anchors.top: parent.top
            anchors.bottom: parent.bottom
            anchors.margins: Theme.padding
            width: Math.min(view.width / 2, implicitWidth)
        }
    }
}
