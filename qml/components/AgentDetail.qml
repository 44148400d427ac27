pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Layouts
import QtCharts
import Vigil
import Vigil.Models

// One agent up close: its status, when it was last seen, and its CPU and memory over the last
// minutes, live (AgentMetrics keeps the history and feeds the charts).
Rectangle {
    id: detail
    objectName: "agentDetail"
    // The agent shown: the Agents page's selected row, or null
    property AgentRow agent: null
    readonly property string agentId: agent ? agent.agentId : ""

    radius: Theme.radius
    color: Theme.surface
    border.color: Theme.border
    implicitWidth: Theme.panelMinWidth * 1.5

    // The charts follow the agent chosen (AgentMetrics replaces their points as samples come).
    function attach() {
        AgentMetrics.attachSeries(cpuSeries, agentId, "cpu")
        AgentMetrics.attachSeries(memorySeries, agentId, "memory")
    }
    onAgentIdChanged: attach()
    Component.onCompleted: attach()

    EmptyHint {
        shown: detail.agent === null
        text: qsTr("Select an agent to see its load.")
    }

    ColumnLayout {
        visible: detail.agent !== null
        anchors.fill: parent
        anchors.margins: Theme.spacing
        spacing: Theme.spacing
        RowLayout {
            spacing: Theme.spacing
            Layout.fillWidth: true
            Heading {
                objectName: "agentDetailName"
                text: detail.agent ? detail.agent.name : ""
                font.pixelSize: Theme.fontNormal
            }
            StateTag {
                objectName: "agentDetailStatus"
                text: detail.agent ? detail.agent.status : ""
                tint: Theme.agentStatusColor(text)
            }
            Mono {
                text: detail.agentId
                Layout.fillWidth: true
            }
        }
        RowLayout {
            spacing: Theme.padding
            Figure {
                objectName: "agentCpu"
                label: qsTr("CPU")
                value: detail.agent && detail.agent.cpu !== undefined
                       ? qsTr("%1%").arg(Number(detail.agent.cpu).toFixed(1)) : "-"
            }
            Figure {
                objectName: "agentMemory"
                label: qsTr("Memory")
                value: detail.agent && detail.agent.memory !== undefined
                       ? qsTr("%1%").arg(Number(detail.agent.memory).toFixed(1)) : "-"
            }
            Figure {
                objectName: "agentLastSeen"
                label: qsTr("Last seen")
                value: detail.agent ? Theme.time(detail.agent.lastSeen) : ""
            }
        }
        LiveChart {
            id: cpuChart
            objectName: "agentCpuChart"
            title: qsTr("CPU (%)")
            maximum: 100
            axisX.min: AgentMetrics.windowStart
            axisX.max: AgentMetrics.windowEnd
            legend.visible: false
            Layout.fillWidth: true
            Layout.fillHeight: true
            Layout.minimumHeight: Theme.tileHeight
            LineSeries {
                id: cpuSeries
                // Samples come every few seconds per agent: each one shows
                pointsVisible: true
                name: qsTr("CPU")
                color: Theme.chartIn
                axisX: cpuChart.axisX
                axisY: cpuChart.axisY
            }
        }
        LiveChart {
            id: memoryChart
            objectName: "agentMemoryChart"
            title: qsTr("Memory (%)")
            maximum: 100
            axisX.min: AgentMetrics.windowStart
            axisX.max: AgentMetrics.windowEnd
            legend.visible: false
            Layout.fillWidth: true
            Layout.fillHeight: true
            Layout.minimumHeight: Theme.tileHeight
            LineSeries {
                id: memorySeries
                // Samples come every few seconds per agent: each one shows
                pointsVisible: true
                name: qsTr("Memory")
                color: Theme.chartOut
                axisX: memoryChart.axisX
                axisY: memoryChart.axisY
            }
        }
    }
}
