import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Vigil
import Vigil.Models

// The log viewer's status line: lines held against the capacity, the memory they take, a
// filter or search pass running, an export running and how the last one went.
RowLayout {
    id: line
    // How the last export went ("" before the first)
    property string exportMessage
    property bool exportFailed: false

    // "12.3 MB": bytes for people
    function dataSize(bytes) {
        const units = [qsTr("B"), qsTr("KB"), qsTr("MB"), qsTr("GB")]
        let value = bytes
        let unit = 0
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024
            unit += 1
        }
        return qsTr("%1 %2").arg(Number(value).toLocaleString(Qt.locale(), "f", unit === 0 ? 0 : 1))
                             .arg(units[unit])
    }
    function number(n) {
        return Number(n).toLocaleString(Qt.locale(), "f", 0)
    }

    spacing: Theme.spacing

    Caption {
        objectName: "logStored"
        text: qsTr("%1 of %2 lines stored").arg(line.number(LogLinesModel.storedCount))
                                           .arg(line.number(LogLinesModel.capacity))
    }
    Caption {
        objectName: "logMemory"
        text: qsTr("%1 in memory").arg(line.dataSize(LogLinesModel.memoryBytes))
    }
    BusyIndicator {
        objectName: "logBusy"
        visible: running
        running: LogLinesModel.busy || LogLinesModel.exporting
        Layout.preferredWidth: Theme.dotSize * 2
        Layout.preferredHeight: Theme.dotSize * 2
        Accessible.name: busyText.text
    }
    Caption {
        id: busyText
        objectName: "logBusyText"
        visible: LogLinesModel.busy || LogLinesModel.exporting
        text: LogLinesModel.exporting ? qsTr("Exporting…") : qsTr("Filtering…")
    }
    Caption {
        objectName: "logExportMessage"
        visible: !LogLinesModel.exporting && line.exportMessage.length > 0
        text: line.exportMessage
        color: line.exportFailed ? Theme.danger : Theme.textMuted
        elide: Text.ElideMiddle
        Layout.fillWidth: true
    }
    Item { Layout.fillWidth: true }
}
