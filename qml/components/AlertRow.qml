import QtQuick
import Vigil

// A row of AlertsModel; a cleared alert stays, faded.
FeedRow {
    required property string title
    required property string severity
    required property string source
    required property bool active
    required property var raisedAt

    width: ListView.view ? ListView.view.width : implicitWidth
    badge: severity
    text: title
    detail: active ? source : qsTr("%1 - cleared").arg(source)
    timeText: Theme.time(raisedAt)
    dimmed: !active
}
