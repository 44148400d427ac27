pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Vigil
import Vigil.Models

// What an operator sees first: the figures that matter and what just happened.
Page {
    id: page
    objectName: "dashboardPage"
    background: Rectangle { color: Theme.window }

    ColumnLayout {
        anchors.fill: parent
        anchors.margins: Theme.padding
        spacing: Theme.padding

        Flow {
            objectName: "dashboardTiles"
            Layout.fillWidth: true
            spacing: Theme.spacing
            StatTile {
                objectName: "tileOpenIncidents"
                title: qsTr("Open incidents")
                value: IncidentsModel.openCount
                caption: qsTr("%1 in the list").arg(incidents.count)
            }
            StatTile {
                objectName: "tileCritical"
                title: qsTr("Critical")
                value: IncidentsModel.criticalCount
                accentColor: IncidentsModel.criticalCount > 0 ? Theme.danger : Theme.text
                caption: qsTr("open incidents")
            }
            StatTile {
                objectName: "tileHigh"
                title: qsTr("High")
                value: IncidentsModel.highCount
                accentColor: IncidentsModel.highCount > 0 ? Theme.severe : Theme.text
                caption: qsTr("open incidents")
            }
            StatTile {
                objectName: "tileMedium"
                title: qsTr("Medium")
                value: IncidentsModel.mediumCount
                caption: qsTr("open incidents")
            }
            StatTile {
                objectName: "tileLow"
                title: qsTr("Low")
                value: IncidentsModel.lowCount
                caption: qsTr("open incidents")
            }
            StatTile {
                objectName: "tileAgents"
                title: qsTr("Agents online")
                value: qsTr("%1/%2").arg(AgentsModel.onlineCount).arg(AgentsModel.totalCount)
                caption: qsTr("%1 offline").arg(AgentsModel.totalCount - AgentsModel.onlineCount)
            }
            StatTile {
                objectName: "tileUnread"
                title: qsTr("Unread")
                value: NotificationsModel.unreadCount
                accentColor: NotificationsModel.unreadCount > 0 ? Theme.accent : Theme.text
                caption: qsTr("notifications")
            }
            StatTile {
                objectName: "tileQueued"
                title: qsTr("Queued")
                value: QueueStatus.depth
                accentColor: QueueStatus.depth > 0 ? Theme.warning : Theme.text
                caption: qsTr("actions waiting to be sent")
            }
            StatTile {
                objectName: "tileLatency"
                title: qsTr("Latency")
                value: ConnectionStatus.rttMs >= 0 ? qsTr("%1 ms").arg(ConnectionStatus.rttMs) : "-"
                caption: HealthMonitor.figures.quality
            }
        }

        GridLayout {
            Layout.fillWidth: true
            Layout.fillHeight: true
            columns: page.width > Theme.panelMinWidth * 3 + Theme.padding * 4 ? 3 : 1
            columnSpacing: Theme.spacing
            rowSpacing: Theme.spacing

            Panel {
                title: qsTr("Recent incidents")
                subtitle: qsTr("%1 open").arg(IncidentsModel.openCount)
                Layout.fillWidth: true
                Layout.fillHeight: true
                ListView {
                    id: incidents
                    objectName: "recentIncidents"
                    anchors.fill: parent
                    model: IncidentsModel
                    delegate: IncidentRow { compact: true }
                    EmptyHint {
                        shown: incidents.count === 0
                        text: qsTr("No incidents yet.")
                    }
                }
            }
            Panel {
                title: qsTr("Latest alerts")
                subtitle: qsTr("%1 active").arg(AlertsModel.activeCount)
                Layout.fillWidth: true
                Layout.fillHeight: true
                ListView {
                    id: alerts
                    objectName: "latestAlerts"
                    anchors.fill: parent
                    model: AlertsModel
                    delegate: AlertRow {}
                    EmptyHint {
                        shown: alerts.count === 0
                        text: qsTr("No alerts.")
                    }
                }
            }
            Panel {
                title: qsTr("Activity")
                Layout.fillWidth: true
                Layout.fillHeight: true
                ListView {
                    id: activity
                    objectName: "activityFeed"
                    anchors.fill: parent
                    model: ActivityModel
                    delegate: ActivityRow { compact: true }
                    EmptyHint {
                        shown: activity.count === 0
                        text: qsTr("Nothing has happened yet.")
                    }
                }
            }
        }
    }
}
