pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Vigil
import Vigil.Models

// The log viewer's source filter: a button naming the sources shown, opening a list of every
// source held with a check box each (any number of them; none checked means every source).
Button {
    id: button
    readonly property var chosen: LogLinesModel.sources

    function toggle(source, on) {
        const next = chosen.filter(s => s !== source)
        if (on)
            next.push(source)
        LogLinesModel.setSources(next)
    }

    text: chosen.length === 0 ? qsTr("All sources")
          : chosen.length === 1 ? qsTr("Source: %1").arg(chosen[0])
          : qsTr("%n sources", "", chosen.length)
    font.pixelSize: Theme.fontSmall
    Accessible.name: qsTr("Sources: %1").arg(text)
    Accessible.description: qsTr("Choose the sources shown")
    onClicked: popup.opened ? popup.close() : popup.open()

    Popup {
        id: popup
        objectName: "logSourcePopup"
        y: button.height
        padding: Theme.spacing
        focus: true
        ColumnLayout {
            spacing: Theme.tightSpacing
            CheckBox {
                objectName: "logSourceAll"
                text: qsTr("All sources")
                checked: button.chosen.length === 0
                font.pixelSize: Theme.fontSmall
                onToggled: LogLinesModel.setSources([])
            }
            ListView {
                id: sourceList
                objectName: "logSourceList"
                model: LogLinesModel.knownSources
                clip: true
                implicitWidth: Theme.buttonWidth
                implicitHeight: Math.min(contentHeight, Theme.tileHeight * 3)
                Layout.fillWidth: true
                ScrollBar.vertical: ScrollBar {}
                delegate: CheckBox {
                    required property string modelData
                    objectName: "logSource_" + modelData
                    width: ListView.view ? ListView.view.width : implicitWidth
                    text: modelData
                    checked: button.chosen.includes(modelData)
                    font.pixelSize: Theme.fontSmall
                    onToggled: button.toggle(modelData, checked)
                }
            }
            Caption {
                visible: sourceList.count === 0
                text: qsTr("No sources yet.")
            }
        }
    }
}
