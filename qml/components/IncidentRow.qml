import QtQuick
import QtQuick.Layouts
import Vigil
import Vigil.Models

// A row of IncidentsModel: on the Incidents page (IncidentListRow: with the operator's action
// over it) and, compact, on the dashboard. While an action is on its way the row shows what it
// will change, marked pending; its progress (queued, sent, confirmed, failed) sits on the right.
Item {
    id: row
    required property string incidentId
    required property string title
    required property string severity
    required property string status
    required property string assignedTo
    required property var updatedAt
    // The dashboard's short form: the status alone as the detail
    property bool compact: false

    // The operator's newest action on the incident ("" for none; IncidentListRow sets these)
    property string actionId
    property int actionState: -1
    property string actionText
    property int actionTone: Tone.Idle
    property string actionReason
    property bool canRetry: false
    // What that action, still on its way, is expected to set ("" where nothing changes)
    property string pendingStatus
    property string pendingAssignee
    property string pendingSeverity

    // What the row shows, readable by tests and screen readers
    readonly property string shownStatus: pendingStatus.length > 0
                                          ? qsTr("%1 (pending)").arg(pendingStatus) : status
    readonly property string shownAssignee: pendingAssignee.length > 0
                                            ? qsTr("%1 (pending)").arg(pendingAssignee)
                                            : assignedTo.length > 0 ? assignedTo : qsTr("unassigned")
    readonly property alias text: feed.text
    readonly property alias badge: feed.badge
    readonly property alias badgeTint: feed.badgeTint
    readonly property alias detail: feed.detail
    readonly property alias dimmed: feed.dimmed

    width: ListView.view ? ListView.view.width : implicitWidth
    implicitWidth: layout.implicitWidth
    implicitHeight: Theme.rowHeight
    Accessible.role: Accessible.ListItem
    Accessible.name: actionText.length > 0 ? feed.accessibleName() + ", " + actionText
                                           : feed.accessibleName()

    RowLayout {
        id: layout
        anchors.fill: parent
        spacing: Theme.spacing
        FeedRow {
            id: feed
            Layout.fillWidth: true
            Layout.fillHeight: true
            badge: row.pendingSeverity.length > 0 ? row.pendingSeverity : row.severity
            text: row.title
            detail: row.compact ? row.shownStatus
                                : qsTr("%1 - %2 - %3").arg(row.incidentId).arg(row.shownStatus)
                                                      .arg(row.shownAssignee)
            timeText: Theme.time(row.updatedAt)
            dimmed: Theme.incidentResolved(row.pendingStatus.length > 0 ? row.pendingStatus : row.status)
        }
        ActionChip {
            objectName: "incidentAction_" + row.incidentId
            visible: !row.compact && row.actionText.length > 0
            text: row.actionText
            tone: row.actionTone
            reason: row.actionReason
            actionId: row.actionId
            actionState: row.actionState
            canRetry: row.canRetry
            Layout.rightMargin: Theme.spacing / 2
        }
    }
}
