import QtQuick
import Vigil
import Vigil.Models

// Says so when messages travel over HTTP instead of WebSocket, and why.
Banner {
    objectName: "fallbackBanner"
    textObjectName: "fallbackText"
    tone: Tone.Warning
    text: ConnectionStatus.transportNotice
    detail: ConnectionStatus.fallbackReason
}
