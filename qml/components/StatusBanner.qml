import QtQuick
import Vigil
import Vigil.Models

// The truth about the connection when it is not simply fine: offline with queued actions,
// reconnecting (with its countdown), gave up, unauthorized, missed messages, reloading, a
// server that lost its history. Each with its action. The HTTP fallback has its own banner.
Banner {
    objectName: "statusBanner"
    readonly property string kind: ConnectionStatus.banner
    tone: kind === "unauthorized" || kind === "gave-up" ? "danger" : "warning"
    text: kind.length > 0 && kind !== "fallback" ? ConnectionStatus.bannerText : ""
    actionText: ConnectionStatus.bannerAction
    onActionTriggered: ConnectionStatus.triggerBannerAction()
}
