pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Vigil
import Vigil.Models

// What an operator sees first: the figures that matter and what just happened.
//
// The tiles share their rows evenly: as few rows as the width allows, the same number of tiles
// in each (one more in the first ones where they do not divide), every row filled edge to
// edge. The panels stand three abreast on a wide window, two (the third below, full width) on
// a narrower one, one above the other on a narrow one; each keeps room for a few rows, and the
// page scrolls when the window is too short for them.
Page {
    id: page
    objectName: "dashboardPage"
    background: Rectangle { color: Theme.window }

    // Rows each list panel keeps room for, however short the window
    readonly property int panelRows: 5

    ScrollView {
        id: scroll
        objectName: "dashboardScroll"
        anchors.fill: parent
        // The view takes the page's size: what it holds must not size it (the content's
        // height follows the view's, see below)
        implicitWidth: 0
        implicitHeight: 0
        contentWidth: availableWidth
        contentHeight: content.height + Theme.padding * 2

        Item {
            id: content
            x: Theme.padding
            y: Theme.padding
            width: scroll.availableWidth - Theme.padding * 2
            // The panels share the height the view has; no less than they need
            height: Math.max(scroll.availableHeight - Theme.padding * 2,
                             tiles.height + Theme.padding + panels.neededHeight)

            Flow {
                id: tiles
                objectName: "dashboardTiles"
                readonly property real available: content.width
                width: content.width
                spacing: Theme.spacing

                // The narrowest a tile may be: the widest any tile asks for, so every tile
                // keeps its title, figure and caption whole and all are the same width per row
                readonly property real minimumTileWidth: {
                    let widest = 0
                    for (let i = 0; i < children.length; ++i)
                        widest = Math.max(widest, children[i].implicitWidth)
                    return widest
                }
                readonly property int count: children.length
                // As many tiles a row as fit; then as few rows as that makes, shared evenly
                readonly property int fitting: Math.max(1, Math.floor((available + spacing)
                                                                      / (minimumTileWidth + spacing)))
                readonly property int rows: Math.ceil(count / Math.min(fitting, Math.max(1, count)))
                readonly property int perRow: Math.floor(count / Math.max(1, rows))
                // The first `longRows` rows hold one tile more
                readonly property int longRows: count % Math.max(1, rows)

                // How many tiles share the row of tile `index`, and where it is in that row
                function place(index) {
                    const inLongRows = longRows * (perRow + 1)
                    if (index < inLongRows)
                        return { size: perRow + 1, column: index % (perRow + 1) }
                    return { size: perRow, column: (index - inLongRows) % Math.max(1, perRow) }
                }
                // Tile `index`'s width: its row's share of the width, the last one taking
                // what rounding leaves, so the row ends at the edge
                function tileWidth(index) {
                    if (index < 0 || available <= 0)
                        return minimumTileWidth
                    const p = place(index)
                    const share = Math.floor((available - spacing * (p.size - 1)) / p.size)
                    return p.column === p.size - 1 ? available - (share + spacing) * (p.size - 1)
                                                   : share
                }

                StatTile {
                    objectName: "tileOpenIncidents"
                    width: tiles.tileWidth(Positioner.index)
                    title: qsTr("Open incidents")
                    value: IncidentsModel.openCount
                    caption: qsTr("%1 in the list").arg(incidents.count)
                }
                StatTile {
                    objectName: "tileCritical"
                    width: tiles.tileWidth(Positioner.index)
                    title: qsTr("Critical")
                    value: IncidentsModel.criticalCount
                    accentColor: IncidentsModel.criticalCount > 0 ? Theme.danger : Theme.text
                    caption: qsTr("open incidents")
                }
                StatTile {
                    objectName: "tileHigh"
                    width: tiles.tileWidth(Positioner.index)
                    title: qsTr("High")
                    value: IncidentsModel.highCount
                    accentColor: IncidentsModel.highCount > 0 ? Theme.severe : Theme.text
                    caption: qsTr("open incidents")
                }
                StatTile {
                    objectName: "tileMedium"
                    width: tiles.tileWidth(Positioner.index)
                    title: qsTr("Medium")
                    value: IncidentsModel.mediumCount
                    caption: qsTr("open incidents")
                }
                StatTile {
                    objectName: "tileLow"
                    width: tiles.tileWidth(Positioner.index)
                    title: qsTr("Low")
                    value: IncidentsModel.lowCount
                    caption: qsTr("open incidents")
                }
                StatTile {
                    objectName: "tileAgents"
                    width: tiles.tileWidth(Positioner.index)
                    title: qsTr("Agents online")
                    value: qsTr("%1/%2").arg(AgentsModel.onlineCount).arg(AgentsModel.totalCount)
                    widest: qsTr("%1/%2").arg("000").arg("000")
                    caption: qsTr("%1 offline").arg(AgentsModel.totalCount - AgentsModel.onlineCount)
                }
                StatTile {
                    objectName: "tileUnread"
                    width: tiles.tileWidth(Positioner.index)
                    title: qsTr("Unread")
                    value: NotificationsModel.unreadCount
                    accentColor: NotificationsModel.unreadCount > 0 ? Theme.accent : Theme.text
                    caption: qsTr("notifications")
                }
                StatTile {
                    objectName: "tileQueued"
                    width: tiles.tileWidth(Positioner.index)
                    title: qsTr("Queued")
                    value: QueueStatus.depth
                    accentColor: QueueStatus.depth > 0 ? Theme.warning : Theme.text
                    caption: qsTr("actions waiting to be sent")
                }
                StatTile {
                    objectName: "tileLatency"
                    width: tiles.tileWidth(Positioner.index)
                    title: qsTr("Latency")
                    value: ConnectionStatus.rttMs >= 0 ? qsTr("%1 ms").arg(ConnectionStatus.rttMs) : "-"
                    widest: qsTr("%1 ms").arg("0000")
                    caption: HealthMonitor.figures.quality
                }
            }

            GridLayout {
                id: panels
                objectName: "dashboardPanels"
                anchors.top: tiles.bottom
                anchors.topMargin: Theme.padding
                anchors.left: parent.left
                anchors.right: parent.right
                anchors.bottom: parent.bottom
                columns: content.width >= Theme.panelMinWidth * 3 + columnSpacing * 2 ? 3
                       : content.width >= Theme.panelMinWidth * 2 + columnSpacing ? 2 : 1
                columnSpacing: Theme.spacing
                rowSpacing: Theme.spacing
                // The panels' rows (three panels: one row, two, or three) at their least
                readonly property int panelRows: Math.ceil(3 / columns)
                readonly property real neededHeight: panelRows * incidentsPanel.implicitHeight
                                                     + (panelRows - 1) * rowSpacing

                Panel {
                    id: incidentsPanel
                    objectName: "recentIncidentsPanel"
                    title: qsTr("Recent incidents")
                    subtitle: qsTr("%1 open").arg(IncidentsModel.openCount)
                    rows: page.panelRows
                    Layout.fillWidth: true
                    Layout.fillHeight: true
                    Layout.minimumHeight: implicitHeight
                    Layout.preferredWidth: Theme.panelMinWidth
                    ListView {
                        id: incidents
                        objectName: "recentIncidents"
                        anchors.fill: parent
                        model: IncidentsModel
                        Accessible.role: Accessible.List
                        Accessible.name: qsTr("Recent incidents")
                        ScrollBar.vertical: ScrollBar {}
                        delegate: IncidentRow { compact: true }
                        EmptyHint {
                            shown: incidents.count === 0
                            text: qsTr("No incidents yet.")
                        }
                    }
                }
                Panel {
                    objectName: "latestAlertsPanel"
                    title: qsTr("Latest alerts")
                    subtitle: qsTr("%1 active").arg(AlertsModel.activeCount)
                    rows: page.panelRows
                    Layout.fillWidth: true
                    Layout.fillHeight: true
                    Layout.minimumHeight: implicitHeight
                    Layout.preferredWidth: Theme.panelMinWidth
                    ListView {
                        id: alerts
                        objectName: "latestAlerts"
                        anchors.fill: parent
                        model: AlertsModel
                        Accessible.role: Accessible.List
                        Accessible.name: qsTr("Latest alerts")
                        ScrollBar.vertical: ScrollBar {}
                        delegate: AlertRow {}
                        EmptyHint {
                            shown: alerts.count === 0
                            text: qsTr("No alerts.")
                        }
                    }
                }
                Panel {
                    objectName: "activityPanel"
                    title: qsTr("Activity")
                    rows: page.panelRows
                    // Two abreast: this one takes the whole row below them
                    Layout.columnSpan: panels.columns === 2 ? 2 : 1
                    Layout.fillWidth: true
                    Layout.fillHeight: true
                    Layout.minimumHeight: implicitHeight
                    Layout.preferredWidth: Theme.panelMinWidth
                    ListView {
                        id: activity
                        objectName: "activityFeed"
                        anchors.fill: parent
                        model: ActivityModel
                        Accessible.role: Accessible.List
                        Accessible.name: qsTr("Activity")
                        ScrollBar.vertical: ScrollBar {}
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
}
