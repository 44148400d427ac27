import QtQuick
import Vigil

// A row of IncidentList (the Incidents page): an IncidentRow with the operator's newest action
// on the incident and what it is expected to change, from the list's own roles.
IncidentRow {
    required actionId
    required actionState
    required actionText
    required actionTone
    required actionReason
    required canRetry
    required pendingStatus
    required pendingAssignee
    required pendingSeverity
}
