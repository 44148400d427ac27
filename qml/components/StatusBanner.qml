import QtQuick
import Vigil
import Vigil.Models

// The truth about the connection when it is not simply fine: offline with queued actions,
// reconnecting (with its countdown), gave up, unauthorized, missed messages, reloading, a
// server that lost its history. Each with its action. The HTTP fallback has its own banner.
Banner {
    objectName: "statusBanner"
    tone: ConnectionStatus.bannerTone
    text: ConnectionStatus.banner === ConnectionStatus.Fallback ? "" : ConnectionStatus.bannerText
    actionText: ConnectionStatus.bannerAction
    onActionTriggered: ConnectionStatus.triggerBannerAction()
}
