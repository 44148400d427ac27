import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Vigil

// A figure that changes while shown (a count, a round trip) in a box as wide as the widest
// value it is expected to take, so what stands beside it never moves when it changes.
// `widest` is that value's text ("0000 ms"); digits are measured as zeros, the widest digit
// of the fonts Vigil uses, so the box holds any value of as many digits.
Label {
    id: figure
    property string widest: Theme.figureDigits

    horizontalAlignment: Text.AlignRight
    font.pixelSize: Theme.fontSmall
    color: Theme.textMuted
    Layout.minimumWidth: metrics.advanceWidth
    Layout.preferredWidth: Math.max(metrics.advanceWidth, implicitWidth)
    Layout.maximumWidth: Math.max(metrics.advanceWidth, implicitWidth)

    TextMetrics {
        id: metrics
        font: figure.font
        text: figure.widest.replace(/[0-9]/g, "0")
    }
}
