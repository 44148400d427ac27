import QtQuick
import QtQuick.Controls
import Vigil
import Vigil.Models

// The log viewer's filter: minimum level, sources, task id, and whether the server applies it
// too (LogFilterSync). The filter lives in LogLinesModel; this only shows and sets it. The
// controls flow onto a second line where the window is narrow, rather than being squeezed.
Flow {
    id: bar
    spacing: Theme.spacing

    readonly property bool filtered: LogLinesModel.minLevel > 0 || LogLinesModel.sources.length > 0
                                     || LogLinesModel.taskFilter.length > 0

    // Typing in the task field replaces its binding: it follows the model again when the filter
    // changes elsewhere (Clear filters).
    Connections {
        target: LogLinesModel
        function onFilterChanged() {
            if (!taskField.activeFocus)
                taskField.text = LogLinesModel.taskFilter
        }
    }

    ComboBox {
        id: levelChoice
        objectName: "logLevelFilter"
        // By rank: 0 debug .. 3 error
        model: [qsTr("All levels"), qsTr("Info and above"), qsTr("Warnings and errors"),
                qsTr("Errors only")]
        currentIndex: Math.max(0, Math.min(3, LogLinesModel.minLevel))
        font.pixelSize: Theme.fontSmall
        Accessible.name: qsTr("Minimum level: %1").arg(displayText)
        onActivated: index => {
            LogLinesModel.setMinLevel(index)
            currentIndex = Qt.binding(() => Math.max(0, Math.min(3, LogLinesModel.minLevel)))
        }
    }
    LogSourceFilter {
        objectName: "logSourceFilter"
    }
    TextField {
        id: taskField
        objectName: "logTaskFilter"
        placeholderText: qsTr("Task id")
        text: LogLinesModel.taskFilter
        font.pixelSize: Theme.fontSmall
        font.family: Theme.monospace
        selectByMouse: true
        width: Theme.selectorWidth
        Accessible.name: qsTr("Task id filter")
        Accessible.description: qsTr("Enter applies it, Escape clears it")
        onEditingFinished: LogLinesModel.setTaskFilter(text.trim())
        Keys.onEscapePressed: event => {
            event.accepted = text.length > 0
            clear()
            LogLinesModel.setTaskFilter("")
        }
    }
    Button {
        objectName: "logClearFilter"
        visible: bar.filtered
        text: qsTr("Clear filters")
        flat: true
        font.pixelSize: Theme.fontSmall
        onClicked: {
            taskField.clear()
            LogLinesModel.clearFilter()
        }
    }
    Switch {
        id: serverSwitch
        objectName: "logFilterOnServer"
        text: qsTr("Filter on server")
        checked: LogFilterSync.pushToServer
        enabled: LogFilterSync.available
        font.pixelSize: Theme.fontSmall
        Accessible.description: LogFilterSync.statusText
        onToggled: {
            LogFilterSync.pushToServer = checked
            checked = Qt.binding(() => LogFilterSync.pushToServer)
        }
    }
    Caption {
        objectName: "logFilterStatus"
        // On the switch's line where it fits, else on the next, wrapped if need be
        width: Math.min(implicitWidth, bar.width)
        height: Math.max(implicitHeight, serverSwitch.height)
        verticalAlignment: Text.AlignVCenter
        text: LogFilterSync.statusText
        wrapMode: Text.Wrap
    }
}
