import QtQuick
import Vigil
import Vigil.Models

// A row of the connection timeline (HealthMonitor.timeline): what kind of event, as a neutral
// chip whose dot has the event's tone (from C++), and what happened.
FeedRow {
    required property var timestamp
    required property string kind
    required property string message
    required property int tone

    timeText: Theme.time(timestamp)
    badge: kind
    // Errors and missed messages in their tone; every other event in the accent
    badgeTint: tone === Tone.Idle ? Theme.accent : Theme.toneColor(tone)
    badgeStyle: "state"
    badgeWords: ["state", "transport", "retry", "error", "missed"]
    text: message
}
