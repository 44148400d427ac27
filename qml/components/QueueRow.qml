import QtQuick
import Vigil
import Vigil.Models

// One operator action in the Queue view (the Actions model): when, how far it got (a state: a
// neutral chip with a dot in its tone), what, and the server's reason when it failed. Retry (R)
// and Discard (Delete or D), where they apply, show as buttons over the row under the pointer
// or current and in its context menu.
FeedRow {
    id: row
    objectName: "queueRow_" + actionId
    required property string actionId
    required property string type
    required property string target
    required property string stateText
    required property int tone
    required property string reason
    required property var createdAt
    required property string summary
    required property bool canRetry
    required property bool canDiscard
    // Still in the outbox, not written yet (what can be discarded and has not failed)
    readonly property bool queued: canDiscard && !canRetry

    timeText: Theme.time(createdAt)
    badge: stateText
    badgeTint: Theme.toneColor(tone)
    badgeStyle: "state"
    badgeWords: [qsTr("Queued"), qsTr("Sent"), qsTr("Accepted"), qsTr("Confirmed"), qsTr("Failed")]
    text: summary
    detail: reason.length > 0 ? reason
          : queued && !ConnectionStatus.connected
            ? qsTr("%1 - waiting for the connection").arg(type) : type
    spokenText: reason.length > 0 ? qsTr("%1, %2: %3").arg(summary).arg(stateText).arg(reason)
                                  : qsTr("%1, %2").arg(summary).arg(stateText)

    rowActions: [
        RowAction {
            name: "queueRetry_" + row.actionId
            text: qsTr("Retry")
            iconName: "view-refresh"
            shown: row.canRetry
            keys: [Qt.Key_R]
            shortcutText: "R"
            description: qsTr("Send %1 again").arg(row.summary)
            onTriggered: Actions.retry(row.actionId)
        },
        RowAction {
            name: "queueDiscard_" + row.actionId
            text: qsTr("Discard")
            iconName: "edit-delete"
            shown: row.canDiscard
            keys: [Qt.Key_Delete, Qt.Key_D]
            shortcutText: qsTr("Del")
            description: qsTr("Give up %1").arg(row.summary)
            onTriggered: Actions.discard(row.actionId)
        }
    ]
}
