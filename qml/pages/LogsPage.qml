import QtQuick
import Vigil
import Vigil.Models

// The latest log lines from every service.
ListPage {
    objectName: "logsPage"
    heading: qsTr("Logs")
    summary: qsTr("latest %1 lines").arg(count)
    emptyText: qsTr("No log lines yet.")
    model: LogModel
    delegate: LogRow {}
}
