import QtQuick
import QtQuick.Layouts
import Vigil
import Vigil.Models

// The operator's actions as the outbox holds them, newest first: queued (waiting for the
// connection or their turn), sent, accepted, confirmed, or failed (dead letters) with the
// server's reason. Retry sends a failed one again as a new action; Discard gives one up. The
// outbox's own figures sit above. The header's queued count opens this page.
ListPage {
    id: page
    objectName: "queuePage"
    heading: qsTr("Queue")
    summary: qsTr("%n action(s) - %1 not confirmed yet", "", Actions.count).arg(Actions.openCount)
    emptyText: qsTr("No actions this session. What you do on incidents, alerts and chat waits here until the server confirms it.")
    model: Actions
    delegate: QueueRow {}

    // QueueStatus's lifetime figures are 64-bit integers, a type qmllint 6.4 does not know;
    // QML reads them as numbers.
    // qmllint disable type
    filters: [
        Figure {
            objectName: "queueDepth"
            label: qsTr("Waiting")
            value: QueueStatus.depth
        },
        Figure {
            objectName: "queueDeadLetters"
            label: qsTr("Dead letters")
            value: QueueStatus.deadLetters
        },
        Figure {
            label: qsTr("Oldest waiting since")
            value: QueueStatus.oldestEnqueuedAt > 0 ? Theme.time(QueueStatus.oldestEnqueuedAt)
                                                    : qsTr("-")
        },
        Figure {
            label: qsTr("Queued")
            value: QueueStatus.enqueued
        },
        Figure {
            label: qsTr("Sent")
            value: QueueStatus.sent
        },
        Figure {
            label: qsTr("Acknowledged")
            value: QueueStatus.acked
        },
        Figure {
            label: qsTr("Retries")
            value: QueueStatus.retried
        },
        Figure {
            label: qsTr("Expired")
            value: QueueStatus.expired
        },
        Figure {
            label: qsTr("Evicted")
            value: QueueStatus.evicted
        }
    ]
    // qmllint enable type

    noticesShown: QueueStatus.notice.length > 0
    notices: Body {
        objectName: "queueNotice"
        text: QueueStatus.notice
        color: Theme.danger
        wrapMode: Text.Wrap
        Layout.fillWidth: true
    }
}
