pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls
import Vigil
import Vigil.Models

// The agents: status and when each was last seen, filtered by status or searched by name; the
// one selected (click, or Up and Down) shows its CPU and memory live beside the list, or under
// it when the window is too narrow for both side by side.
Page {
    id: view
    objectName: "agentsView"
    background: Rectangle { color: Theme.window }

    // Room for the list and the detail side by side; otherwise the detail goes under the list
    readonly property bool sideBySide: width >= Theme.panelMinWidth * 1.5 + detail.implicitWidth
                                                + Theme.padding

    // Placed by hand, not with a layout (a page's implicit size depends on its width) nor
    // with anchors (anchors that come and go with the width do not reliably let go).
    Item {
        id: area
        anchors.fill: parent
        ListPage {
            id: page
            objectName: "agentsPage"
            // The list's own padding keeps it clear of the detail
            x: 0
            y: 0
            width: view.sideBySide ? detail.x : area.width
            height: view.sideBySide ? area.height : detail.y
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

            // Under the heading: the heading keeps room for its count
            filters: [
                FilterChoice {
                    id: statusChoice
                    objectName: "agentStatusFilter"
                    label: qsTr("Status")
                    allText: qsTr("All statuses")
                    choices: filter.statuses
                }
            ]

            delegate: AgentRow {}
        }
        AgentDetail {
            id: detail
            agent: page.list.currentItem as AgentRow
            // Beside the list: its share of the width, full height; under it: the full width,
            // the lower part of the page (room for the two charts at their least)
            width: view.sideBySide ? Math.min(view.width / 2, implicitWidth)
                                   : area.width - Theme.padding * 2
            height: view.sideBySide ? area.height - Theme.padding * 2
                                    : Math.max(area.height * 0.6, Theme.tileHeight * 3)
            x: area.width - Theme.padding - width
            y: view.sideBySide ? Theme.padding : area.height - Theme.padding - height
        }
    }
}
