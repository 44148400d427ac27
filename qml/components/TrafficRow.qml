import QtQuick
import Vigil

// A row of TrafficLog: one frame in or out, its time, channel, type and size.
FeedRow {
    required property string frameId
    required property var time
    required property bool outbound
    required property string channel
    required property string type
    required property var bytes
    required property string json

    timeText: Theme.time(time)
    badge: outbound ? qsTr("out") : qsTr("in")
    badgeTint: outbound ? Theme.chartOut : Theme.chartIn
    badgeStyle: "plain"
    badgeWords: [qsTr("out"), qsTr("in")]
    text: type
    detail: qsTr("%1 - %2 bytes").arg(channel.length > 0 ? channel : qsTr("no channel")).arg(bytes)
}
