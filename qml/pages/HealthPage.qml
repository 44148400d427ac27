pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import QtCharts
import Vigil
import Vigil.Models

// The connection health monitor: every figure, five minutes of charts, diagnostics and the
// connection timeline.
Page {
    id: page
    objectName: "healthPage"
    background: Rectangle { color: Theme.window }
    readonly property var f: HealthMonitor.figures

    function ms(value) {
        return value === undefined || value < 0 ? "-" : qsTr("%1 ms").arg(Math.round(value))
    }
    function duration(msValue) {
        if (msValue === undefined || msValue < 0)
            return "-"
        const s = Math.floor(msValue / 1000)
        return s >= 3600 ? qsTr("%1 h %2 min").arg(Math.floor(s / 3600)).arg(Math.floor(s % 3600 / 60))
             : s >= 60 ? qsTr("%1 min %2 s").arg(Math.floor(s / 60)).arg(s % 60)
             : qsTr("%1 s").arg(s)
    }

    ScrollView {
        id: scroll
        anchors.fill: parent
        contentWidth: availableWidth

        ColumnLayout {
            width: scroll.availableWidth - Theme.padding * 2
            x: Theme.padding
            spacing: Theme.padding

            Item { Layout.preferredHeight: 1 }
            RowLayout {
                Layout.fillWidth: true
                spacing: Theme.spacing
                Label {
                    text: qsTr("Connection health")
                    font.pixelSize: Theme.fontLarge
                    font.bold: true
                    color: Theme.text
                }
                Badge {
                    objectName: "healthGrade"
                    text: page.f.quality ?? ""
                    tint: Theme.gradeColor(text)
                }
                Label {
                    objectName: "healthRecommendation"
                    text: page.f.recommendation ?? ""
                    color: Theme.textMuted
                    font.pixelSize: Theme.fontNormal
                    wrapMode: Text.Wrap
                    Layout.fillWidth: true
                }
            }

            GridLayout {
                objectName: "healthFigures"
                Layout.fillWidth: true
                columns: Math.max(2, Math.floor(scroll.availableWidth / (Theme.tileWidth * 0.9)))
                columnSpacing: Theme.padding
                rowSpacing: Theme.spacing
                Figure { objectName: "figState"; label: qsTr("State"); value: (page.f.state ?? "") + " / " + (page.f.transport ?? "") }
                Figure { objectName: "figRttLast"; label: qsTr("RTT last"); value: page.ms(page.f.rttLastMs) }
                Figure { objectName: "figRttAvg"; label: qsTr("RTT average"); value: page.ms(page.f.rttAvgMs) }
                Figure { objectName: "figRttP95"; label: qsTr("RTT p95"); value: page.ms(page.f.rttP95Ms) }
                Figure { objectName: "figJitter"; label: qsTr("Jitter"); value: page.ms(page.f.jitterMs) }
                Figure { objectName: "figLoss"; label: qsTr("Loss"); value: qsTr("%1 %").arg(Number(page.f.lossPercent ?? 0).toFixed(1)) }
                Figure { objectName: "figUptime"; label: qsTr("Uptime"); value: page.duration(page.f.uptimeMs) }
                Figure { objectName: "figReconnects"; label: qsTr("Reconnects"); value: page.f.reconnects ?? 0 }
                Figure { objectName: "figIn"; label: qsTr("Messages in"); value: qsTr("%1 (%2/s)").arg(page.f.messagesIn ?? 0).arg(Number(page.f.messagesInPerSec ?? 0).toFixed(1)) }
                Figure { objectName: "figOut"; label: qsTr("Messages out"); value: qsTr("%1 (%2/s)").arg(page.f.messagesOut ?? 0).arg(Number(page.f.messagesOutPerSec ?? 0).toFixed(1)) }
                Figure { objectName: "figDuplicates"; label: qsTr("Duplicates filtered"); value: page.f.duplicatesDropped ?? 0 }
                Figure { objectName: "figQueue"; label: qsTr("Queue depth"); value: page.f.queueDepth ?? 0 }
                Figure { objectName: "figErrors"; label: qsTr("Errors by category"); value: HealthMonitor.errorSummary; Layout.columnSpan: 2 }
            }

            GridLayout {
                Layout.fillWidth: true
                columns: page.width > Theme.panelMinWidth * 2 + Theme.padding * 3 ? 2 : 1
                columnSpacing: Theme.spacing
                rowSpacing: Theme.spacing

                LiveChart {
                    id: rttChart
                    objectName: "rttChart"
                    title: qsTr("Round trip and jitter (ms)")
                    maximum: HealthMonitor.rttAxisMax
                    Layout.fillWidth: true
                    Layout.preferredWidth: Theme.panelMinWidth
                    Layout.preferredHeight: Theme.chartHeight
                    LineSeries {
                        id: rttSeries
                        name: qsTr("RTT")
                        color: Theme.chartIn
                        axisX: rttChart.axisX
                        axisY: rttChart.axisY
                        Component.onCompleted: HealthMonitor.attachSeries("rtt", rttSeries)
                    }
                    LineSeries {
                        id: jitterSeries
                        name: qsTr("Jitter")
                        color: Theme.chartOut
                        axisX: rttChart.axisX
                        axisY: rttChart.axisY
                        Component.onCompleted: HealthMonitor.attachSeries("jitter", jitterSeries)
                    }
                    ScatterSeries {
                        id: reconnectSeries
                        name: qsTr("Reconnect")
                        color: Theme.danger
                        markerSize: Theme.dotSize
                        axisX: rttChart.axisX
                        axisY: rttChart.axisY
                        Component.onCompleted: HealthMonitor.attachSeries("reconnects", reconnectSeries)
                    }
                    ScatterSeries {
                        id: silentSeries
                        objectName: "silentSeries"
                        name: qsTr("No answer")
                        color: Theme.warning
                        markerSize: Theme.dotSize / 2
                        axisX: rttChart.axisX
                        axisY: rttChart.axisY
                        Component.onCompleted: HealthMonitor.attachSeries("silent", silentSeries)
                    }
                }
                LiveChart {
                    id: throughputChart
                    objectName: "throughputChart"
                    title: qsTr("Throughput (messages/s)")
                    maximum: HealthMonitor.throughputAxisMax
                    Layout.fillWidth: true
                    Layout.preferredWidth: Theme.panelMinWidth
                    Layout.preferredHeight: Theme.chartHeight
                    LineSeries {
                        id: inSeries
                        name: qsTr("In")
                        color: Theme.chartIn
                        axisX: throughputChart.axisX
                        axisY: throughputChart.axisY
                        Component.onCompleted: HealthMonitor.attachSeries("in", inSeries)
                    }
                    LineSeries {
                        id: outSeries
                        name: qsTr("Out")
                        color: Theme.chartOut
                        axisX: throughputChart.axisX
                        axisY: throughputChart.axisY
                        Component.onCompleted: HealthMonitor.attachSeries("out", outSeries)
                    }
                }
                LiveChart {
                    id: queueChart
                    objectName: "queueChart"
                    title: qsTr("Queue depth")
                    maximum: HealthMonitor.queueAxisMax
                    Layout.fillWidth: true
                    Layout.preferredWidth: Theme.panelMinWidth
                    Layout.preferredHeight: Theme.chartHeight
                    LineSeries {
                        id: queueSeries
                        name: qsTr("Queued actions")
                        color: Theme.warning
                        axisX: queueChart.axisX
                        axisY: queueChart.axisY
                        Component.onCompleted: HealthMonitor.attachSeries("queue", queueSeries)
                    }
                }
                DiagnosticsPanel {
                    Layout.fillWidth: true
                    Layout.preferredWidth: Theme.panelMinWidth
                    Layout.preferredHeight: Theme.chartHeight
                }
            }

            Panel {
                title: qsTr("Connection timeline")
                subtitle: HealthMonitor.exportMessage
                Layout.fillWidth: true
                Layout.preferredHeight: Theme.chartHeight * 1.5
                ListView {
                    id: timeline
                    objectName: "timelineList"
                    anchors.fill: parent
                    anchors.bottomMargin: exportButton.height + Theme.spacing
                    clip: true
                    model: HealthMonitor.timeline
                    delegate: FeedRow {
                        required property var timestamp
                        required property string kind
                        required property string message
                        width: ListView.view.width
                        timeText: Theme.time(timestamp)
                        badge: kind
                        badgeTint: kind === "error" || kind === "missed" ? Theme.danger : Theme.accent
                        text: message
                    }
                }
                Button {
                    id: exportButton
                    objectName: "exportTimelineButton"
                    anchors.bottom: parent.bottom
                    anchors.right: parent.right
                    text: qsTr("Export timeline")
                    onClicked: HealthMonitor.exportTimeline()
                }
            }
            Item { Layout.preferredHeight: 1 }
        }
    }
}
