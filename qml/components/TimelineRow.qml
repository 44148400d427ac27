import QtQuick
import Vigil
import Vigil.Models

// A row of the connection timeline (HealthMonitor.timeline); its tone comes from C++.
FeedRow {
    required property var timestamp
    required property string kind
    required property string message
    required property int tone

    width: ListView.view ? ListView.view.width : implicitWidth
    timeText: Theme.time(timestamp)
    badge: kind
    // Errors and missed messages in their tone; every other event in the accent
    badgeTint: tone === Tone.Idle ? Theme.accent : Theme.toneColor(tone)
    text: message
}
