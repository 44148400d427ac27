pragma ComponentBehavior: Bound
import QtQuick
import Vigil

// The log viewer's column titles. The handle at the right of each title resizes its column for
// every row: drag it, or Tab to it and press Left or Right. The widths are kept (LogColumns.save)
// once a drag ends or a key changes them.
Rectangle {
    id: header
    required property LogColumns columns

    implicitHeight: columns.rowHeight + Theme.tightSpacing
    color: Theme.surface

    Row {
        x: header.columns.leading
        height: parent.height
        spacing: header.columns.gap
        Repeater {
            model: [
                { key: "time", title: qsTr("Time") },
                { key: "level", title: qsTr("Level") },
                { key: "source", title: qsTr("Source") },
                { key: "task", title: qsTr("Task") }
            ]
            delegate: Item {
                id: cell
                required property var modelData
                readonly property string key: modelData.key
                width: header.columns.widthOf(key)
                height: header.height
                Caption {
                    anchors.verticalCenter: parent.verticalCenter
                    width: parent.width
                    text: cell.modelData.title
                    font.bold: true
                    elide: Text.ElideRight
                }
                // The resize handle, over the gap after the title
                MouseArea {
                    id: handle
                    objectName: "logColumnHandle_" + cell.key
                    property real pressX: 0
                    property real startWidth: 0
                    x: parent.width
                    width: header.columns.gap
                    height: parent.height
                    cursorShape: Qt.SplitHCursor
                    hoverEnabled: true
                    preventStealing: true
                    activeFocusOnTab: true
                    Accessible.role: Accessible.Grip
                    Accessible.name: qsTr("Width of the %1 column").arg(cell.modelData.title)
                    Accessible.description: qsTr("Left and Right change it")
                    onPressed: mouse => {
                        pressX = mapToItem(header, mouse.x, 0).x
                        startWidth = cell.width
                    }
                    onPositionChanged: mouse => {
                        if (pressed)
                            header.columns.resize(cell.key,
                                                  startWidth + mapToItem(header, mouse.x, 0).x - pressX)
                    }
                    onReleased: header.columns.save()
                    Keys.onLeftPressed: {
                        header.columns.resize(cell.key, cell.width - header.columns.charWidth)
                        header.columns.save()
                    }
                    Keys.onRightPressed: {
                        header.columns.resize(cell.key, cell.width + header.columns.charWidth)
                        header.columns.save()
                    }
                    Rectangle {
                        anchors.horizontalCenter: parent.horizontalCenter
                        width: handle.activeFocus ? Theme.hairline * 2 : Theme.hairline
                        height: parent.height
                        color: handle.activeFocus || handle.containsMouse || handle.pressed
                               ? Theme.accent : Theme.border
                    }
                }
            }
        }
        Caption {
            anchors.verticalCenter: parent.verticalCenter
            text: qsTr("Message")
            font.bold: true
        }
    }
    Rectangle {
        anchors.bottom: parent.bottom
        width: parent.width
        height: Theme.hairline
        color: Theme.border
    }
}
