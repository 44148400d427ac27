import QtQuick
import QtQuick.Controls
import Vigil
import Vigil.Models

// The operator's manual toggle between WebSocket (with automatic fallback) and HTTP.
ComboBox {
    id: selector
    objectName: "transportSelector"
    model: ConnectionStatus.transportChoices
    currentIndex: ConnectionStatus.transportChoice
    implicitWidth: Theme.selectorWidth
    font.pixelSize: Theme.fontSmall
    Accessible.name: qsTr("Transport")
    ToolTip.visible: hovered
    ToolTip.text: qsTr("auto: WebSocket, HTTP fallback when blocked")
    onActivated: ConnectionStatus.setTransportPreference(currentText)
}
