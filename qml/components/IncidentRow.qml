import QtQuick
import Vigil
import Vigil.Models

// A row of IncidentsModel: on the Incidents page (IncidentListRow: with the operator's action
// over it) and, compact, on the dashboard. The severity is the row's tag and left bar; the
// status is plain text in the detail. While an action is on its way the row shows what it will
// change, marked pending; its progress (queued, sent, confirmed, failed) sits on the right, and
// a failed one can be retried from the row's context menu (or R).
FeedRow {
    id: row
    objectName: "incidentRow_" + incidentId
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
    readonly property string shownSeverity: pendingSeverity.length > 0 ? pendingSeverity : severity
    readonly property string shownStatus: pendingStatus.length > 0
                                          ? qsTr("%1 (pending)").arg(pendingStatus) : status
    readonly property string shownAssignee: pendingAssignee.length > 0
                                            ? qsTr("%1 (pending)").arg(pendingAssignee)
                                            : assignedTo.length > 0 ? assignedTo : qsTr("unassigned")

    function capitalized(word) {
        return word.length > 0 ? word.charAt(0).toUpperCase() + word.slice(1) : word
    }

    badge: shownSeverity
    text: title
    detail: compact ? shownStatus
                    : qsTr("%1 - %2 - %3").arg(incidentId).arg(shownStatus).arg(shownAssignee)
    timeText: Theme.time(updatedAt)
    dimmed: Theme.incidentResolved(pendingStatus.length > 0 ? pendingStatus : status)
    // "Critical incident: Disk full, investigating, ana, 05:09:00"
    spokenText: {
        const parts = [qsTr("%1 incident: %2").arg(capitalized(shownSeverity)).arg(title), shownStatus]
        if (!compact)
            parts.push(shownAssignee)
        for (const part of [timeText, actionText]) {
            if (part.length > 0)
                parts.push(part)
        }
        return parts.join(", ")
    }

    rowActions: [
        RowAction {
            name: "retryIncidentAction_" + row.incidentId
            text: qsTr("Retry the failed action")
            iconName: "view-refresh"
            // The progress chip has the Retry button already
            inButtons: false
            shown: !row.compact && row.canRetry
            keys: [Qt.Key_R]
            shortcutText: "R"
            description: qsTr("Send the failed action again")
            onTriggered: Actions.retry(row.actionId)
        }
    ]

    ActionChip {
        objectName: "incidentAction_" + row.incidentId
        visible: !row.compact && row.actionText.length > 0
        text: row.actionText
        tone: row.actionTone
        reason: row.actionReason
        actionId: row.actionId
        actionState: row.actionState
        canRetry: row.canRetry
    }
}
