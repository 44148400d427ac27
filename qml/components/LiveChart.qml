import QtQuick
import QtCharts
import Vigil
import Vigil.Models

// A time chart whose series the HealthMonitor feeds (QXYSeries::replace, no animation).
// It asks for Theme.chartHeight at least: a chart squashed flatter cannot be read. The time
// axis has as many labels as its width holds without crowding them.
ChartView {
    id: chart
    property alias axisX: timeAxis
    // The base type, so the series' bindings are checked; qmllint cannot see that a ValueAxis
    // is one (see below), hence the one exception on this line.
    readonly property AbstractAxis axisY: valueAxis // qmllint disable type
    property real maximum: 10

    implicitWidth: Theme.panelMinWidth
    implicitHeight: Theme.chartHeight
    antialiasing: true
    animationOptions: ChartView.NoAnimation
    legend.alignment: Qt.AlignBottom
    legend.labelColor: Theme.text
    backgroundColor: Theme.surface
    titleColor: Theme.text
    margins.top: 0
    margins.bottom: 0
    margins.left: 0
    margins.right: 0

    DateTimeAxis {
        id: timeAxis
        format: "hh:mm:ss"
        // A label ("00:00:00": eight characters, about five ems of digits) and as much room
        // again beside it; two at least, five at most
        tickCount: Math.max(2, Math.min(5, Math.floor(chart.plotArea.width
                                                       / (Theme.fontSmall * 10)) + 1))
        min: HealthMonitor.windowStart
        max: HealthMonitor.windowEnd
        labelsColor: Theme.textMuted
        gridLineColor: Theme.border
        labelsFont.pixelSize: Theme.fontSmall
    }
    // qmllint disable import type property unqualified
    // Qt 6.4's QtCharts type information declares QValueAxis twice (as ValueAxis and as the
    // old ValuesAxis) and qmllint keeps only the second, so it cannot see ValueAxis: the type
    // itself is fine at run time (tst_pages renders these charts). Checks resume below it.
    ValueAxis {
        id: valueAxis
        min: 0
        max: chart.maximum
        // The maximum is a 1-2-5 step of at least 10: six ticks, or three, or two, are always
        // whole numbers. Six where the plot is tall enough for their labels (about two lines
        // of small text each), fewer on a flatter one.
        tickCount: {
            const slots = Math.floor(chart.plotArea.height / (Theme.fontSmall * 2))
            return slots >= 5 ? 6 : slots >= 2 ? 3 : 2
        }
        labelFormat: "%.0f"
        labelsColor: Theme.textMuted
        gridLineColor: Theme.border
        labelsFont.pixelSize: Theme.fontSmall
    }
    // qmllint enable import type property unqualified
}
