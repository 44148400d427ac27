import QtQuick
import QtTest
import Vigil
import Vigil.Models

// The design tokens' functions: every tone C++ publishes and every word the list rows carry
// (severities, levels, statuses) has its colour, unknown ones fall back to the idle grey, and
// times are local wall-clock times.
TestCase {
    name: "Theme"

    function cleanup() {
        Appearance.setTheme("light")
    }

    function test_severityColor_data() {
        return [
            { tag: "critical", severity: "critical", token: "danger" },
            { tag: "error", severity: "error", token: "danger" },
            { tag: "high", severity: "high", token: "severe" },
            { tag: "medium", severity: "medium", token: "warning" },
            { tag: "warning", severity: "warning", token: "warning" },
            { tag: "warn", severity: "warn", token: "warning" },
            { tag: "low", severity: "low", token: "accent" },
            { tag: "info", severity: "info", token: "accent" },
            { tag: "debug", severity: "debug", token: "idle" },
            { tag: "empty", severity: "", token: "idle" },
            { tag: "upper case", severity: "CRITICAL", token: "danger" },
            { tag: "mixed case", severity: "Warn", token: "warning" },
            { tag: "unknown", severity: "purple", token: "idle" }
        ]
    }

    function test_severityColor(data) {
        compare(String(Theme.severityColor(data.severity)), String(Theme[data.token]))
    }

    function test_toneColor_data() {
        return [
            { tag: "ok", tone: Tone.Ok, token: "ok" },
            { tag: "warning", tone: Tone.Warning, token: "warning" },
            { tag: "danger", tone: Tone.Danger, token: "danger" },
            { tag: "idle", tone: Tone.Idle, token: "idle" },
            { tag: "unknown", tone: 42, token: "idle" }
        ]
    }

    function test_toneColor(data) {
        compare(String(Theme.toneColor(data.tone)), String(Theme[data.token]))
    }

    // A banner's text reads on its background: white on red, dark on amber.
    function test_textOnTone() {
        compare(String(Theme.textOnTone(Tone.Danger)), String(Theme.textOnDanger))
        compare(String(Theme.textOnTone(Tone.Warning)), String(Theme.textOnWarning))
        verify(String(Theme.textOnDanger) !== String(Theme.textOnWarning))
    }

    function test_agentStatusColor_data() {
        return [
            { tag: "online", status: "online", token: "ok", offline: false },
            { tag: "offline", status: "offline", token: "idle", offline: true },
            { tag: "away", status: "away", token: "warning", offline: false },
            { tag: "busy", status: "busy", token: "warning", offline: false }
        ]
    }

    function test_agentStatusColor(data) {
        compare(String(Theme.agentStatusColor(data.status)), String(Theme[data.token]))
        compare(Theme.agentOffline(data.status), data.offline)
    }

    function test_stepColor_data() {
        return [
            { tag: "passed", status: "passed", token: "ok" },
            { tag: "failed", status: "failed", token: "danger" },
            { tag: "running", status: "running", token: "warning" },
            { tag: "pending", status: "pending", token: "idle" },
            { tag: "skipped", status: "skipped", token: "idle" }
        ]
    }

    function test_stepColor(data) {
        compare(String(Theme.stepColor(data.status)), String(Theme[data.token]))
    }

    function test_incidentResolved() {
        compare(Theme.incidentResolved("resolved"), true)
        compare(Theme.incidentResolved("investigating"), false)
        compare(Theme.incidentResolved(""), false)
    }

    // Fonts and sizes come from the system font, in the proportions of the 13 px design.
    function test_sizesFollowTheSystemFont() {
        compare(Theme.fontNormal, Appearance.fontPixelSize)
        verify(Theme.fontSmall < Theme.fontNormal)
        verify(Theme.fontNormal < Theme.fontLarge)
        verify(Theme.fontLarge < Theme.fontHuge)
        compare(Theme.fontLarge, Math.round(Theme.fontNormal * 18 / 13))
        compare(Theme.spacing, Math.round(8 * Theme.fontNormal / 13))
        compare(Theme.rowHeight, Math.round(40 * Theme.fontNormal / 13))
        verify(Theme.rowHeight > Theme.fontNormal * 2, "a row holds its two lines")
    }

    function test_time_data() {
        return [
            { tag: "afternoon", ms: new Date(2024, 0, 2, 13, 4, 5).getTime(), text: "13:04:05" },
            { tag: "midnight", ms: new Date(2024, 5, 30, 0, 0, 0).getTime(), text: "00:00:00" },
            { tag: "milliseconds dropped", ms: new Date(2024, 5, 30, 23, 59, 59, 999).getTime(),
              text: "23:59:59" },
            { tag: "zero", ms: 0, text: "" },
            { tag: "negative", ms: -1000, text: "" }
        ]
    }

    function test_time(data) {
        compare(Theme.time(data.ms), data.text)
    }

    // The accent and the alarm colours follow light and dark (each readable as text on the
    // mode's surfaces); the filled banners' colours do not.
    function test_darkFollowsAppearance() {
        compare(Theme.dark, false)
        const lightAccent = String(Theme.accent)
        const lightText = String(Theme.text)
        const lightDanger = String(Theme.danger)
        const dangerFill = String(Theme.dangerFill)
        Appearance.setTheme("dark")
        compare(Theme.dark, true)
        verify(String(Theme.accent) !== lightAccent)
        verify(String(Theme.text) !== lightText)
        verify(String(Theme.danger) !== lightDanger)
        compare(String(Theme.dangerFill), dangerFill)
        compare(String(Theme.severityColor("info")), String(Theme.accent))
        compare(String(Theme.severityColor("critical")), String(Theme.danger))
    }

    // The window and the tray icon draw status with the same colours (palette.h).
    function test_statusColoursComeFromThePalette() {
        compare(String(Theme.ok), String(Appearance.okColor))
        compare(String(Theme.warning), String(Appearance.warningColor))
        compare(String(Theme.danger), String(Appearance.dangerColor))
        compare(String(Theme.idle), String(Appearance.idleColor))
        compare(String(Theme.ok), Theme.dark ? "#3fb950" : "#1a7f37")
        compare(String(Theme.severe), String(Appearance.severeColor))
    }

    // Every surface and text colour is the palette's (through Appearance), in light and dark.
    function test_surfacesComeFromThePalette() {
        for (const theme of ["light", "dark"]) {
            Appearance.setTheme(theme)
            compare(String(Theme.window), String(Appearance.windowColor))
            compare(String(Theme.surface), String(Appearance.surfaceColor))
            compare(String(Theme.border), String(Appearance.borderColor))
            compare(String(Theme.text), String(Appearance.textColor))
            compare(String(Theme.textMuted), String(Appearance.textMutedColor))
            compare(String(Theme.accent), String(Appearance.accentColor))
            compare(String(Theme.selection), String(Appearance.selectionColor))
            compare(String(Theme.base), String(Appearance.baseColor))
            compare(String(Theme.button), String(Appearance.buttonColor))
            compare(String(Theme.hover), String(Appearance.hoverColor))
            compare(String(Theme.textOnAccent), String(Appearance.textOnAccentColor))
        }
        compare(String(Theme.window), "#15181d")
    }
}
