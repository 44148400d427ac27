import QtQuick
import QtQuick.Controls
import Vigil
import Vigil.Models

// The alerts: active or cleared, of one severity or all; acknowledge or silence one, and see
// the action go from queued to confirmed.
ListPage {
    id: page
    objectName: "alertsPage"
    heading: qsTr("Alerts")
    summary: filter.cleared ? qsTr("%1 cleared").arg(filter.count)
                            : qsTr("%1 active").arg(filter.count)
    emptyText: filter.cleared ? qsTr("No cleared alerts.") : qsTr("No active alerts.")
    searchable: true
    searchHint: qsTr("Search alerts (Ctrl+F)")
    model: AlertsFilter {
        id: filter
        sourceModel: AlertsModel
        cleared: stateTabs.currentIndex === 1
        severity: severityChoice.value
        search: page.searchText
    }

    // Under the heading: the heading keeps room for its count
    filters: [
        TabBar {
            id: stateTabs
            objectName: "alertStateTabs"
            TabButton {
                objectName: "activeAlertsTab"
                text: qsTr("Active (%1)").arg(AlertsModel.activeCount)
                width: implicitWidth
            }
            TabButton {
                objectName: "clearedAlertsTab"
                text: qsTr("Cleared (%1)").arg(AlertsModel.count - AlertsModel.activeCount)
                width: implicitWidth
            }
        },
        FilterChoice {
            id: severityChoice
            objectName: "alertSeverityFilter"
            label: qsTr("Severity")
            allText: qsTr("All severities")
            choices: filter.severities
        }
    ]

    delegate: AlertRow {
        actionable: true
    }
}
