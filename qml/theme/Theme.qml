pragma Singleton
import QtQuick
import Vigil.Models

// Design tokens: every colour, spacing, size and font size the views use. Views never hard-code
// them. The colours come from C++ (palette.h through Appearance), shared with the tray icon;
// fonts and sizes derive from the system font, so the console follows the desktop's text size.
QtObject {
    id: theme

    readonly property bool dark: Appearance.dark

    readonly property color window: Appearance.windowColor
    readonly property color surface: Appearance.surfaceColor
    readonly property color border: Appearance.borderColor
    readonly property color text: Appearance.textColor
    readonly property color textMuted: Appearance.textMutedColor
    readonly property color accent: Appearance.accentColor
    readonly property color selection: Appearance.selectionColor
    readonly property color hover: Appearance.hoverColor
    // Input fields and list backgrounds; buttons and other raised controls
    readonly property color base: Appearance.baseColor
    readonly property color button: Appearance.buttonColor
    readonly property color textOnAccent: Appearance.textOnAccentColor

    readonly property color ok: Appearance.okColor
    readonly property color warning: Appearance.warningColor
    readonly property color danger: Appearance.dangerColor
    readonly property color idle: Appearance.idleColor
    readonly property color severe: Appearance.severeColor
    // Filled danger and warning backgrounds (banners) and the text on them
    readonly property color dangerFill: Appearance.dangerFillColor
    readonly property color warningFill: Appearance.warningFillColor
    readonly property color textOnDanger: Appearance.textOnDangerColor
    readonly property color textOnWarning: Appearance.textOnWarningColor
    readonly property color chartIn: accent
    readonly property color chartOut: Appearance.chartSecondColor

    // Fonts: the body text is the system font; the others keep their proportions to it.
    readonly property int fontNormal: Appearance.fontPixelSize
    readonly property int fontSmall: Math.round(fontNormal * 11 / 13)
    readonly property int fontLarge: Math.round(fontNormal * 18 / 13)
    readonly property int fontHuge: Math.round(fontNormal * 28 / 13)
    readonly property string monospace: "monospace"
    // Figures that change while shown (counts, round trips) keep their width: reserve room
    // for this many digits, measured in the font that shows them (see FixedFigure).
    readonly property string figureDigits: "0000"

    // Sizes: drawn for a 13 px body font, and growing and shrinking with it. The compact
    // density (Settings > Appearance) tightens rows, spacing and padding.
    readonly property bool compact: Appearance.compact
    readonly property real scale: fontNormal / 13
    readonly property real density: compact ? 0.75 : 1
    readonly property int hairline: 1
    readonly property int tightSpacing: Math.max(1, Math.round(2 * scale))
    readonly property int spacing: Math.round(8 * scale * density)
    readonly property int padding: Math.round(16 * scale * density)
    readonly property int iconSize: Math.round(16 * scale)
    readonly property int focusWidth: 2
    readonly property int radius: Math.round(6 * scale)
    readonly property int tileWidth: Math.round(200 * scale)
    readonly property int tileHeight: Math.round(96 * scale)
    readonly property int statTileWidth: Math.round(150 * scale)
    readonly property int figureWidth: Math.round(180 * scale)
    readonly property int dotSize: Math.round(12 * scale)
    readonly property int sidebarWidth: Math.round(184 * scale)
    readonly property int rowHeight: Math.round(40 * scale * density)
    readonly property int chartHeight: Math.round(220 * scale)
    readonly property int timelineHeight: Math.round(330 * scale)
    readonly property int panelMinWidth: Math.round(280 * scale)
    readonly property int buttonWidth: Math.round(220 * scale)
    readonly property int selectorWidth: Math.round(130 * scale)
    readonly property int urlMaxWidth: Math.round(320 * scale)
    readonly property int contentMaxWidth: tileWidth * 4
    readonly property int welcomeWidth: tileWidth * 3

    // The window's first and smallest size (the window manager scales for the screen).
    readonly property int windowWidth: 1200
    readonly property int windowHeight: 760
    readonly property int windowMinWidth: 800
    readonly property int windowMinHeight: 600
    // From this window width the header also shows the server address.
    readonly property int wideWindowWidth: Math.round(1100 * scale)

    // How much a row that no longer matters (resolved, offline, read) fades.
    readonly property real dimmedOpacity: 0.55

    // Colour of a Tone (ConnectionStatus.tone, figures.qualityTone, a banner's tone...).
    function toneColor(tone) {
        switch (tone) {
        case Tone.Ok: return ok
        case Tone.Warning: return warning
        case Tone.Danger: return danger
        default: return idle
        }
    }

    // The filled background of a banner of a tone, and the text that reads on it.
    function fillColor(tone) {
        return tone === Tone.Danger ? dangerFill : warningFill
    }
    function textOnTone(tone) {
        return tone === Tone.Danger ? textOnDanger : textOnWarning
    }

    // The pairs of colours text is drawn with, for the contrast check of the visual tests
    // (tests/ui/tst_palette.cpp checks the same pairs in palette.h).
    readonly property var contrastPairs: [
        { name: "text on window", fg: text, bg: window },
        { name: "text on surface", fg: text, bg: surface },
        { name: "text on base", fg: text, bg: base },
        { name: "text on button", fg: text, bg: button },
        { name: "text on selection", fg: text, bg: selection },
        { name: "muted on window", fg: textMuted, bg: window },
        { name: "muted on surface", fg: textMuted, bg: surface },
        { name: "accent on surface", fg: accent, bg: surface },
        { name: "accent on selection", fg: accent, bg: selection },
        { name: "text on accent", fg: textOnAccent, bg: accent },
        { name: "ok on surface", fg: ok, bg: surface },
        { name: "warning on surface", fg: warning, bg: surface },
        { name: "danger on surface", fg: danger, bg: surface },
        { name: "severe on surface", fg: severe, bg: surface },
        { name: "idle on surface", fg: idle, bg: surface },
        { name: "text on danger fill", fg: textOnDanger, bg: dangerFill },
        { name: "text on warning fill", fg: textOnWarning, bg: warningFill }
    ]

    // The list rows' values come from the server as words; each word list is mapped here,
    // once, and nowhere else.

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

    // Colour of an agent's status: online, offline, or anything in between (away, busy...).
    function agentStatusColor(status) {
        switch (status) {
        case "online": return ok
        case "offline": return idle
        default: return warning
        }
    }

    // An agent that is offline: its row fades.
    function agentOffline(status) {
        return status === "offline"
    }

    // An incident that is resolved: its row fades.
    function incidentResolved(status) {
        return status === "resolved"
    }

    // Colour of a diagnostics step's status (pending, running, passed, failed, skipped).
    function stepColor(status) {
        switch (status) {
        case "passed": return ok
        case "failed": return danger
        case "running": return warning
        default: return idle
        }
    }

    // Local wall-clock time of a timestamp in ms since the epoch.
    function time(ms) {
        return ms > 0 ? Qt.formatTime(new Date(ms), "hh:mm:ss") : ""
    }
}
