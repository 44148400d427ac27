import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Vigil
import Vigil.Models

// The truth about the connection when it is not simply fine: offline with queued actions,
// reconnecting (with its countdown), gave up, unauthorized, missed messages. Each with its
// action. The HTTP fallback has its own banner.
Rectangle {
    id: banner
    objectName: "statusBanner"
    readonly property string kind: ConnectionStatus.banner
    visible: kind.length > 0 && kind !== "fallback"
    implicitHeight: visible ? row.implicitHeight + Theme.spacing * 2 : 0
    color: kind === "unauthorized" || kind === "gave-up" ? Theme.danger : Theme.warning
    Accessible.role: Accessible.AlertMessage
    Accessible.name: ConnectionStatus.bannerText

    RowLayout {
        id: row
        anchors.fill: parent
        anchors.leftMargin: Theme.padding
        anchors.rightMargin: Theme.padding
        Label {
            objectName: "statusBannerText"
            text: ConnectionStatus.bannerText
            font.bold: true
            font.pixelSize: Theme.fontNormal
            color: "white"
            elide: Text.ElideRight
            Layout.fillWidth: true
        }
        Button {
            objectName: "statusBannerAction"
            visible: ConnectionStatus.bannerAction.length > 0
            text: ConnectionStatus.bannerAction
            onClicked: ConnectionStatus.triggerBannerAction()
        }
    }
}
