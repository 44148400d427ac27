import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Vigil
import Vigil.Models

// A row of AlertsModel: severity, title, source and where the alert stands; a cleared alert
// stays, faded. On the Alerts page (`actionable`) also what the operator can do about it -
// Acknowledge, Silence for a while - and how that action is going.
Item {
    id: entry
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
    // The alert's state came with the confirmation of an action, and none is open
    readonly property bool confirmed: !actionOpen && requestId.length > 0 && active
    readonly property bool canAcknowledge: status === AlertsModel.Active && !actionOpen
    readonly property bool canSilence: status !== AlertsModel.Cleared && !actionOpen
    readonly property alias detail: row.detail
    readonly property alias dimmed: row.dimmed

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

    width: ListView.view ? ListView.view.width : implicitWidth
    implicitWidth: layout.implicitWidth
    implicitHeight: Math.max(Theme.rowHeight, layout.implicitHeight)

    RowLayout {
        id: layout
        anchors.fill: parent
        spacing: Theme.spacing
        FeedRow {
            id: row
            Layout.fillWidth: true
            Layout.fillHeight: true
            badge: entry.severity
            text: entry.title
            detail: entry.statusText().length > 0
                    ? qsTr("%1 - %2").arg(entry.source).arg(entry.statusText()) : entry.source
            timeText: Theme.time(entry.raisedAt)
            dimmed: !entry.active
        }
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
            canRetry: entry.actionOpen && entry.action.state === Actions.Failed
        }
        Button {
            objectName: "acknowledgeAlert_" + entry.alertId
            visible: entry.actionable
            enabled: entry.canAcknowledge
            text: qsTr("Acknowledge")
            font.pixelSize: Theme.fontSmall
            Accessible.description: qsTr("Acknowledge the alert %1").arg(entry.title)
            onClicked: entry.acknowledge()
        }
        Button {
            id: silenceButton
            objectName: "silenceAlert_" + entry.alertId
            visible: entry.actionable
            enabled: entry.canSilence
            text: qsTr("Silence")
            font.pixelSize: Theme.fontSmall
            Accessible.description: qsTr("Silence the alert %1 for a while").arg(entry.title)
            onClicked: silenceMenu.open()
            Menu {
                id: silenceMenu
                objectName: "silenceMenu_" + entry.alertId
                y: silenceButton.height
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
    }
}
