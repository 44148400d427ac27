import QtQuick
import Vigil
import Vigil.Models

// The log viewer's columns: the monospace font its rows use, the height of a row and the widths
// of the time, level, source and task columns (the message takes the rest). One instance is
// shared by the header, which resizes them, and every row, so the columns line up.
//
// The widths the operator gave are kept across runs (Workspace.viewState under stateKey), in
// characters of the font, so they still fit when the font size or the density changes.
QtObject {
    id: columns

    // Where the widths are kept ("" keeps nothing)
    property string stateKey: "logs/columns"
    readonly property var keys: ["time", "level", "source", "task"]

    readonly property font font: Qt.font({ family: Theme.monospace, pixelSize: Theme.fontSmall })
    readonly property FontMetrics metrics: FontMetrics { font: columns.font }
    readonly property real charWidth: Math.max(1, metrics.averageCharacterWidth)

    // Between two columns, and before the first (where a row shows its level's marker)
    readonly property int gap: Theme.spacing
    readonly property int leading: Theme.spacing
    readonly property int rowHeight: Math.ceil(metrics.height) + Theme.tightSpacing * 2
    // No column gets narrower than a few characters
    readonly property real minimumWidth: charWidth * 3

    // Milliseconds the pointer rests on a cut message before its tooltip shows
    readonly property int hintDelay: 700

    // Widths in characters of the font, until the operator drags them
    property real timeWidth: metrics.advanceWidth("00:00:00.000") + charWidth
    property real levelWidth: charWidth * 6
    property real sourceWidth: charWidth * 12
    property real taskWidth: charWidth * 12

    // Where the message column starts in a row
    readonly property real messageX: leading + timeWidth + levelWidth + sourceWidth + taskWidth
                                     + gap * 4

    // Sets the width of column `key` (time, level, source, task), never under minimumWidth.
    function resize(key, width) {
        const w = Math.max(minimumWidth, width)
        switch (key) {
        case "time": timeWidth = w; break
        case "level": levelWidth = w; break
        case "source": sourceWidth = w; break
        case "task": taskWidth = w; break
        }
    }
    // The widths kept last time, if any: "time,level,source,task" in characters. (Kept as a
    // string: a JavaScript array would reach Workspace as a script value, not a list.)
    function restore() {
        if (stateKey.length === 0)
            return
        const stored = Workspace.viewState(stateKey, "")
        const widths = Array.isArray(stored) ? stored : String(stored).split(",")
        if (widths.length !== keys.length)
            return
        for (let i = 0; i < keys.length; ++i) {
            const chars = Number(widths[i])
            if (Number.isFinite(chars) && chars > 0)
                resize(keys[i], chars * charWidth)
        }
    }
    // Keeps the widths as they are now (the header calls it once a resize is done).
    function save() {
        if (stateKey.length === 0)
            return
        Workspace.saveViewState(stateKey,
                                keys.map(key => Math.round(widthOf(key) / charWidth * 10) / 10)
                                    .join(","))
    }
    Component.onCompleted: restore()

    function widthOf(key) {
        switch (key) {
        case "time": return timeWidth
        case "level": return levelWidth
        case "source": return sourceWidth
        case "task": return taskWidth
        }
        return 0
    }
}
