import QtQuick
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
    delegate: IncidentRow {}
}
