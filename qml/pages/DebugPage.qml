pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Vigil
import Vigil.Models

// SentinelOps' debug mode: the last raw frames in and out of the connection, with the JSON of
// the one selected. Tokens never show (TrafficLog redacts them before they are kept). Listed
// only with `vigil --debug` or the setting "Show the Debug page".
Page {
    id: view
    objectName: "debugView"
    background: Rectangle { color: Theme.window }

    ColumnLayout {
        anchors.fill: parent
        spacing: 0
        ListPage {
            id: page
            objectName: "debugPage"
            heading: qsTr("Debug")
            summary: TrafficLog.paused
                     ? qsTr("Paused - %1 frames seen, %2 not shown yet").arg(TrafficLog.seenCount)
                                                                         .arg(TrafficLog.heldCount)
                     : qsTr("%1 frames shown, %2 seen (the last %3 are kept)")
                           .arg(filter.count).arg(TrafficLog.seenCount).arg(TrafficLog.capacity)
            emptyText: TrafficLog.capturing ? qsTr("No frames yet.")
                                            : qsTr("Frames are taken while the Debug page is on.")
            model: TrafficFilter {
                id: filter
                sourceModel: TrafficLog
                direction: directionChoice.currentIndex === 1 ? TrafficFilter.Inbound
                         : directionChoice.currentIndex === 2 ? TrafficFilter.Outbound
                                                              : TrafficFilter.Both
                channel: channelChoice.value
                typeText: page.searchText
            }
            // The search field filters by type: Ctrl+F, Escape clears it.
            searchable: true
            searchHint: qsTr("Type contains (Ctrl+F)")
            Layout.fillWidth: true
            Layout.fillHeight: true
            // No frame is selected until the operator picks one (the newest keep arriving).
            Component.onCompleted: list.currentIndex = -1

            // Under the heading: the heading keeps room for its count
            filters: [
                ComboBox {
                    id: directionChoice
                    objectName: "debugDirectionFilter"
                    model: [qsTr("In and out"), qsTr("In"), qsTr("Out")]
                    font.pixelSize: Theme.fontSmall
                    Accessible.name: qsTr("Direction: %1").arg(displayText)
                },
                FilterChoice {
                    id: channelChoice
                    objectName: "debugChannelFilter"
                    label: qsTr("Channel")
                    allText: qsTr("All channels")
                    choices: TrafficLog.channels
                }
            ]
            Button {
                objectName: "debugPauseButton"
                text: TrafficLog.paused ? qsTr("Resume") : qsTr("Pause")
                font.pixelSize: Theme.fontSmall
                onClicked: TrafficLog.paused ? TrafficLog.resume() : TrafficLog.pause()
            }
            Button {
                objectName: "debugClearButton"
                text: qsTr("Clear")
                font.pixelSize: Theme.fontSmall
                Accessible.description: qsTr("Forget the frames kept so far")
                onClicked: TrafficLog.clearFrames()
            }

            delegate: TrafficRow {}
        }
        Rectangle {
            Layout.fillWidth: true
            Layout.preferredHeight: Theme.chartHeight
            Layout.leftMargin: Theme.padding
            Layout.rightMargin: Theme.padding
            Layout.bottomMargin: Theme.padding
            radius: Theme.radius
            color: Theme.surface
            border.color: Theme.border
            ScrollView {
                anchors.fill: parent
                anchors.margins: Theme.spacing
                TextArea {
                    objectName: "debugFrameJson"
                    readOnly: true
                    selectByMouse: true
                    wrapMode: TextEdit.WrapAnywhere
                    font.family: Theme.monospace
                    font.pixelSize: Theme.fontSmall
                    color: Theme.text
                    placeholderText: qsTr("Select a frame to see its JSON.")
                    text: (page.list.currentItem as TrafficRow)?.json ?? ""
                    Accessible.name: qsTr("The selected frame as JSON")
                }
            }
        }
    }
}
