import QtQuick
import QtQuick.Controls
import Vigil
import Vigil.Models

// A row of AlertsModel: severity, title, source and where the alert stands; a cleared alert
// stays, faded. On the Alerts page (`actionable`) also what the operator can do about it -
// Acknowledge (A), Silence for a while (S) - as buttons over the row under the pointer or
// current and in its context menu, and how that action is going.
FeedRow {
    id: entry
    objectName: "alertRow_" + alertId
    required property string alertId
    required property string title
    required property string severity
    required property string source
    required property bool active
    required property var raisedAt
    required property int status
    required property string acknowledgedBy
    required property var silencedUntil
    required property string requestId
    // The Alerts page's form: the actions and their progress (the dashboard's list has none)
    property bool actionable: false

    // The newest action on this alert the server has not confirmed yet ({} when none), as
    // Actions.stateFor() gives it
    property var action: actionable && Actions.revision >= 0
                                  ? Actions.stateFor(alertId) : ({})
    readonly property bool actionOpen: action.actionId !== undefined
    readonly property bool actionFailed: actionOpen && action.state === Actions.Failed
    // The alert's state came with the confirmation of an action, and none is open
    readonly property bool confirmed: !actionOpen && requestId.length > 0 && active
    readonly property bool canAcknowledge: status === AlertsModel.Active && !actionOpen
    readonly property bool canSilence: status !== AlertsModel.Cleared && !actionOpen

    // Where the alert stands, in words ("" while simply active)
    function statusText() {
        switch (status) {
        case AlertsModel.Acknowledged:
            return acknowledgedBy.length > 0 ? qsTr("acknowledged by %1").arg(acknowledgedBy)
                                             : qsTr("acknowledged")
        case AlertsModel.Silenced:
            return qsTr("silenced until %1").arg(Theme.time(silencedUntil))
        case AlertsModel.Cleared:
            return qsTr("cleared")
        default:
            return ""
        }
    }
    // The operator's actions: into the outbox, confirmed by the server's alert update
    function acknowledge() {
        return Actions.submit("alert.acknowledge", { alertId: alertId })
    }
    function silence(minutes) {
        return Actions.submit("alert.silence", { alertId: alertId, minutes: minutes })
    }
    // The choice of how long, under the row's right end
    function chooseSilence() {
        silenceMenu.popup(entry.width - silenceMenu.implicitWidth, entry.height)
    }

    badge: severity
    badgeWords: [qsTr("critical"), qsTr("high"), qsTr("warning"), qsTr("medium"), qsTr("low")]
    text: title
    detail: statusText().length > 0 ? qsTr("%1 - %2").arg(source).arg(statusText()) : source
    timeText: Theme.time(raisedAt)
    dimmed: !active
    // "Critical alert: CPU high, db-1 - acknowledged by ana, 05:09:00"
    spokenText: {
        const sev = severity.length > 0 ? severity.charAt(0).toUpperCase() + severity.slice(1) : ""
        const parts = [qsTr("%1 alert: %2").arg(sev).arg(title), detail]
        if (timeText.length > 0)
            parts.push(timeText)
        if (actionable && (actionOpen || confirmed))
            parts.push(actionOpen ? action.stateText : qsTr("Confirmed"))
        return parts.join(", ")
    }

    rowActions: [
        RowAction {
            name: "acknowledgeAlert_" + entry.alertId
            text: qsTr("Acknowledge")
            iconName: "object-select"
            shown: entry.actionable
            enabled: entry.canAcknowledge
            keys: [Qt.Key_A]
            shortcutText: "A"
            description: qsTr("Acknowledge the alert %1").arg(entry.title)
            onTriggered: entry.acknowledge()
        },
        RowAction {
            name: "silenceAlert_" + entry.alertId
            text: qsTr("Silence…")
            iconName: "appointment-soon"
            shown: entry.actionable
            enabled: entry.canSilence
            // The menu lists the durations themselves
            inMenu: false
            keys: [Qt.Key_S]
            shortcutText: "S"
            description: qsTr("Silence the alert %1 for a while").arg(entry.title)
            onTriggered: entry.chooseSilence()
        },
        RowAction {
            name: "silenceAlert15_" + entry.alertId
            text: qsTr("Silence for 15 minutes")
            inButtons: false
            shown: entry.actionable
            enabled: entry.canSilence
            onTriggered: entry.silence(15)
        },
        RowAction {
            name: "silenceAlert60_" + entry.alertId
            text: qsTr("Silence for 1 hour")
            inButtons: false
            shown: entry.actionable
            enabled: entry.canSilence
            onTriggered: entry.silence(60)
        },
        RowAction {
            name: "silenceAlert240_" + entry.alertId
            text: qsTr("Silence for 4 hours")
            inButtons: false
            shown: entry.actionable
            enabled: entry.canSilence
            onTriggered: entry.silence(240)
        },
        RowAction {
            name: "retryAlertAction_" + entry.alertId
            text: qsTr("Retry the failed action")
            iconName: "view-refresh"
            // The progress chip has the Retry button already
            inButtons: false
            shown: entry.actionable && entry.actionFailed
            keys: [Qt.Key_R]
            shortcutText: "R"
            onTriggered: Actions.retry(entry.action.actionId)
        }
    ]

    // How the action is going: queued (offline), sent, accepted, failed with the server's
    // reason and Retry; "Confirmed" once the alert's update carrying it has arrived.
    ActionChip {
        objectName: "alertAction_" + entry.alertId
        visible: entry.actionable && (entry.actionOpen || entry.confirmed)
        text: entry.actionOpen ? entry.action.stateText : qsTr("Confirmed")
        tone: entry.actionOpen ? entry.action.tone : Tone.Ok
        reason: entry.actionOpen ? entry.action.reason : ""
        actionId: entry.actionOpen ? entry.action.actionId : ""
        actionState: entry.actionOpen ? entry.action.state : -1
        canRetry: entry.actionFailed
    }

    Menu {
        id: silenceMenu
        objectName: "silenceMenu_" + entry.alertId
        parent: entry
        MenuItem {
            objectName: "silence15"
            text: qsTr("For 15 minutes")
            onTriggered: entry.silence(15)
        }
        MenuItem {
            objectName: "silence60"
            text: qsTr("For 1 hour")
            onTriggered: entry.silence(60)
        }
        MenuItem {
            objectName: "silence240"
            text: qsTr("For 4 hours")
            onTriggered: entry.silence(240)
        }
    }
}
