pragma Singleton
import QtQuick
import Vigil.Models

// Design tokens: every colour, spacing and font size the views use. Views never hard-code them.
QtObject {
    id: theme

    readonly property bool dark: Appearance.dark

    readonly property color window: dark ? "#15181d" : "#f4f5f7"
    readonly property color surface: dark ? "#1f242b" : "#ffffff"
    readonly property color border: dark ? "#2f3640" : "#d9dde3"
    readonly property color text: dark ? "#e6e9ee" : "#1d232b"
    readonly property color textMuted: dark ? "#98a2b0" : "#5b6573"
    readonly property color accent: dark ? "#5aa9ff" : "#1f6feb"

    // Status colours come from C++ (palette.h), shared with the tray icon.
    readonly property color ok: Appearance.okColor
    readonly property color warning: Appearance.warningColor
    readonly property color danger: Appearance.dangerColor
    readonly property color idle: Appearance.idleColor
    // Text on a filled danger or warning background (banners)
    readonly property color textOnDanger: "#ffffff"
    readonly property color textOnWarning: "#1d232b"

    readonly property color severe: "#e36209"
    readonly property color selection: dark ? "#26374d" : "#dde9fb"
    readonly property color chartIn: accent
    readonly property color chartOut: "#8957e5"

    readonly property int spacing: 8
    readonly property int padding: 16
    readonly property int radius: 6
    readonly property int tileWidth: 200
    readonly property int tileHeight: 96
    readonly property int dotSize: 12
    readonly property int sidebarWidth: 184
    readonly property int rowHeight: 40
    readonly property int chartHeight: 220
    readonly property int panelMinWidth: 280
    readonly property int buttonWidth: 220

    readonly property int fontSmall: 11
    readonly property int fontNormal: 13
    readonly property int fontLarge: 18
    readonly property int fontHuge: 28

    // Colour of a connection state name as published by ConnectionStatus.state.
    function stateColor(state) {
        switch (state) {
        case "connected": return ok
        case "connecting":
        case "reconnecting":
        case "fallback": return warning
        case "error": return danger
        default: return idle
        }
    }

    // Colour of a tone as published by ConnectionStatus.tone (ok, warning, danger, idle).
    function toneColor(tone) {
        switch (tone) {
        case "ok": return ok
        case "warning": return warning
        case "danger": return danger
        default: return idle
        }
    }

    // Colour of a connection quality grade (ConnectionManager's gradeName): unknown is idle.
    function gradeColor(grade) {
        switch (grade) {
        case "excellent":
        case "good": return ok
        case "fair": return warning
        case "poor":
        case "critical": return danger
        default: return idle
        }
    }

    // Colour of a severity or log level (critical, high, error, medium, warning, low, info...).
    function severityColor(severity) {
        switch (String(severity).toLowerCase()) { // servers may send "CRITICAL" or "Warn"
        case "critical":
        case "error": return danger
        case "high": return severe
        case "medium":
        case "warning":
        case "warn": return warning
        case "low":
        case "info": return accent
        default: return idle
        }
    }

    // Local wall-clock time of a timestamp in ms since the epoch.
    function time(ms) {
        return ms > 0 ? Qt.formatTime(new Date(ms), "hh:mm:ss") : ""
    }
}
