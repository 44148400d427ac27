import QtQuick
import QtQuick.Controls
import Vigil
import Vigil.Models

// Every incident seen this session, newest first; resolved ones dimmed.
ListPage {
    objectName: "incidentsPage"
    heading: qsTr("Incidents")
    summary: qsTr("%1 open - %2 critical, %3 high, %4 medium, %5 low")
        .arg(IncidentsModel.openCount).arg(IncidentsModel.criticalCount)
        .arg(IncidentsModel.highCount).arg(IncidentsModel.mediumCount).arg(IncidentsModel.lowCount)
    emptyText: qsTr("No incidents yet.")
    model: IncidentsModel
    delegate: FeedRow {
        required property string incidentId
        required property string title
        required property string severity
        required property string status
        required property string assignedTo
        required property var updatedAt
        width: ListView.view.width
        badge: severity
        text: title
        detail: assignedTo.length > 0 ? qsTr("%1 - %2 - %3").arg(incidentId).arg(status).arg(assignedTo)
                                      : qsTr("%1 - %2 - unassigned").arg(incidentId).arg(status)
        timeText: Theme.time(updatedAt)
        dimmed: status === "resolved"
    }
}
