import QtQuick
import Vigil
import Vigil.Models

// Says so when messages travel over HTTP instead of WebSocket, and why.
Banner {
    objectName: "fallbackBanner"
    textObjectName: "fallbackText"
    tone: "warning"
    text: ConnectionStatus.transport === "websocket" ? ""
          : ConnectionStatus.transportPreference === "auto"
            ? qsTr("Using HTTP fallback - WebSocket is blocked")
            : qsTr("Using HTTP (%1), as chosen").arg(ConnectionStatus.transport.toUpperCase())
    detail: ConnectionStatus.fallbackReason
}
