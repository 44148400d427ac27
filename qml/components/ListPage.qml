import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Vigil

// A page holding one live list: a heading with a count, optional tools and the list itself.
Page {
    id: page
    property string heading
    property string summary
    property alias model: list.model
    property alias delegate: list.delegate
    property alias list: list
    // The rows the list holds now
    readonly property alias count: list.count
    property string emptyText: qsTr("Nothing here yet.")
    default property alias tools: toolRow.data

    background: Rectangle { color: Theme.window }

    ColumnLayout {
        anchors.fill: parent
        anchors.margins: Theme.padding
        spacing: Theme.spacing
        RowLayout {
            Layout.fillWidth: true
            spacing: Theme.spacing
            Heading {
                objectName: page.objectName + "Heading"
                text: page.heading
            }
            Body {
                objectName: page.objectName + "Summary"
                text: page.summary
                color: Theme.textMuted
                Layout.fillWidth: true
            }
            RowLayout {
                id: toolRow
                spacing: Theme.spacing
            }
        }
        Rectangle {
            Layout.fillWidth: true
            Layout.fillHeight: true
            radius: Theme.radius
            color: Theme.surface
            border.color: Theme.border
            ListView {
                id: list
                objectName: page.objectName + "List"
                anchors.fill: parent
                anchors.margins: Theme.spacing
                clip: true
                keyNavigationEnabled: true
                ScrollBar.vertical: ScrollBar {}
                EmptyHint {
                    shown: list.count === 0
                    text: page.emptyText
                }
            }
        }
    }
}
