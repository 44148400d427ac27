import QtQuick
import QtTest
import Vigil
import Vigil.Models

// The design tokens' functions: every severity, level and state the models publish has its
// colour, unknown ones fall back to the idle grey, and times are local wall-clock times.
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

    function test_stateColor_data() {
        return [
            { tag: "connected", state: "connected", token: "ok" },
            { tag: "connecting", state: "connecting", token: "warning" },
            { tag: "reconnecting", state: "reconnecting", token: "warning" },
            { tag: "fallback", state: "fallback", token: "warning" },
            { tag: "error", state: "error", token: "danger" },
            { tag: "disconnected", state: "disconnected", token: "idle" },
            { tag: "closed", state: "closed", token: "idle" },
            { tag: "unknown", state: "unknown", token: "idle" },
            { tag: "empty", state: "", token: "idle" }
        ]
    }

    function test_stateColor(data) {
        compare(String(Theme.stateColor(data.state)), String(Theme[data.token]))
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

    // The accent (low, info) follows light and dark; the alarm colours do not.
    function test_darkFollowsAppearance() {
        compare(Theme.dark, false)
        const lightAccent = String(Theme.accent)
        const lightText = String(Theme.text)
        const danger = String(Theme.danger)
        Appearance.setTheme("dark")
        compare(Theme.dark, true)
        verify(String(Theme.accent) !== lightAccent)
        verify(String(Theme.text) !== lightText)
        compare(String(Theme.severityColor("info")), String(Theme.accent))
        compare(String(Theme.severityColor("critical")), danger)
    }

    function test_gradeColor_data() {
        return [
            { tag: "excellent", grade: "excellent", token: "ok" },
            { tag: "good", grade: "good", token: "ok" },
            { tag: "fair", grade: "fair", token: "warning" },
            { tag: "poor", grade: "poor", token: "danger" },
            { tag: "critical", grade: "critical", token: "danger" },
            { tag: "unknown", grade: "unknown", token: "idle" },
            { tag: "empty", grade: "", token: "idle" }
        ]
    }

    function test_gradeColor(data) {
        compare(String(Theme.gradeColor(data.grade)), String(Theme[data.token]))
    }

    // The window and the tray icon draw status with the same colours (palette.h).
    function test_statusColoursComeFromThePalette() {
        compare(String(Theme.ok), String(Appearance.okColor))
        compare(String(Theme.warning), String(Appearance.warningColor))
        compare(String(Theme.danger), String(Appearance.dangerColor))
        compare(String(Theme.idle), String(Appearance.idleColor))
        compare(String(Theme.ok), "#2da44e")
    }
}
