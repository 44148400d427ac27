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
    readonly property healthFigures f: HealthMonitor.figures

    ScrollView {
        id: scroll
        objectName: "healthScroll"
        anchors.fill: parent
        contentWidth: availableWidth
        contentHeight: content.implicitHeight + Theme.padding * 2

        ColumnLayout {
            id: content
            x: Theme.padding
            y: Theme.padding
            width: scroll.availableWidth - Theme.padding * 2
            spacing: Theme.padding

            RowLayout {
                Layout.fillWidth: true
                spacing: Theme.spacing
                Heading {
                    text: qsTr("Connection health")
                }
                Badge {
                    objectName: "healthGrade"
                    text: page.f.quality
                    tint: Theme.toneColor(page.f.qualityTone)
                }
                Body {
                    objectName: "healthRecommendation"
                    text: page.f.recommendation
                    color: Theme.textMuted
                    wrapMode: Text.Wrap
                    Layout.fillWidth: true
                }
            }

            // Columns of one width (Figure), as many as the page holds: a changing value
            // never moves the figures beside it
            GridLayout {
                objectName: "healthFigures"
                Layout.fillWidth: true
                columns: Math.max(2, Math.floor((content.width + columnSpacing)
                                                / (Theme.figureWidth + columnSpacing)))
                columnSpacing: Theme.padding
                rowSpacing: Theme.spacing
                Figure { objectName: "figState"; label: qsTr("State"); value: page.f.stateText }
                Figure { objectName: "figRttLast"; label: qsTr("RTT last"); value: page.f.rttLastText }
                Figure { objectName: "figRttAvg"; label: qsTr("RTT average"); value: page.f.rttAvgText }
                Figure { objectName: "figRttP95"; label: qsTr("RTT p95"); value: page.f.rttP95Text }
                Figure { objectName: "figJitter"; label: qsTr("Jitter"); value: page.f.jitterText }
                Figure { objectName: "figLoss"; label: qsTr("Loss"); value: page.f.lossText }
                Figure { objectName: "figUptime"; label: qsTr("Uptime"); value: page.f.uptimeText }
                Figure { objectName: "figReconnects"; label: qsTr("Reconnects"); value: page.f.reconnects }
                Figure { objectName: "figIn"; label: qsTr("Messages in"); value: page.f.messagesInText }
                Figure { objectName: "figOut"; label: qsTr("Messages out"); value: page.f.messagesOutText }
                Figure { objectName: "figDuplicates"; label: qsTr("Duplicates filtered"); value: page.f.duplicatesDropped }
                Figure { objectName: "figQueue"; label: qsTr("Queue depth"); value: page.f.queueDepth }
                Figure { objectName: "figErrors"; label: qsTr("Errors by category"); value: HealthMonitor.errorSummary; Layout.columnSpan: 2 }
            }

            // Three charts abreast on a wide page; two (the third below, full width) on a
            // narrower one; one above the other on a narrow one. A chart is never narrower
            // than its legend needs.
            GridLayout {
                id: charts
                objectName: "healthCharts"
                readonly property real chartMinWidth: Theme.panelMinWidth * 1.2
                Layout.fillWidth: true
                columns: content.width >= chartMinWidth * 3 + columnSpacing * 2 ? 3
                       : content.width >= chartMinWidth * 2 + columnSpacing ? 2 : 1
                columnSpacing: Theme.spacing
                rowSpacing: Theme.spacing

                LiveChart {
                    id: rttChart
                    objectName: "rttChart"
                    title: qsTr("Round trip and jitter (ms)")
                    maximum: HealthMonitor.rttAxisMax
                    Layout.fillWidth: true
                    Layout.preferredWidth: charts.chartMinWidth
                    Layout.minimumHeight: implicitHeight
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
                    Layout.preferredWidth: charts.chartMinWidth
                    Layout.minimumHeight: implicitHeight
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
                    Layout.columnSpan: charts.columns === 2 ? 2 : 1
                    Layout.fillWidth: true
                    Layout.preferredWidth: charts.chartMinWidth
                    Layout.minimumHeight: implicitHeight
                    LineSeries {
                        id: queueSeries
                        name: qsTr("Queued actions")
                        color: Theme.warning
                        axisX: queueChart.axisX
                        axisY: queueChart.axisY
                        Component.onCompleted: HealthMonitor.attachSeries("queue", queueSeries)
                    }
                }
            }

            // As tall as its steps: every row whole
            DiagnosticsPanel {
                Layout.fillWidth: true
                Layout.preferredHeight: implicitHeight
            }

            Panel {
                objectName: "timelinePanel"
                title: qsTr("Connection timeline")
                subtitle: HealthMonitor.exportMessage
                contentHeight: Theme.timelineHeight
                Layout.fillWidth: true
                Layout.preferredHeight: implicitHeight
                ListView {
                    id: timeline
                    objectName: "timelineList"
                    anchors.fill: parent
                    anchors.bottomMargin: exportButton.height + Theme.spacing
                    clip: true
                    model: HealthMonitor.timeline
                    Accessible.role: Accessible.List
                    Accessible.name: qsTr("Connection timeline")
                    ScrollBar.vertical: ScrollBar {}
                    delegate: TimelineRow {}
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
        }
    }
}
