import QtQuick
import Vigil

// A row of IncidentsModel: on the Incidents page, and (compact) on the dashboard.
FeedRow {
    required property string incidentId
    required property string title
    required property string severity
    required property string status
    required property string assignedTo
    required property var updatedAt
    // The dashboard's short form: the status alone as the detail
    property bool compact: false

    width: ListView.view ? ListView.view.width : implicitWidth
    badge: severity
    text: title
    detail: compact ? status
          : assignedTo.length > 0 ? qsTr("%1 - %2 - %3").arg(incidentId).arg(status).arg(assignedTo)
          : qsTr("%1 - %2 - unassigned").arg(incidentId).arg(status)
    timeText: Theme.time(updatedAt)
    dimmed: Theme.incidentResolved(status)
}
