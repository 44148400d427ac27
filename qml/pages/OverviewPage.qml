pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Vigil
import Vigil.Models

// What has arrived on each channel since the window opened.
Page {
    id: page
    objectName: "overviewPage"
    background: Rectangle { color: Theme.window }

    ColumnLayout {
        anchors.fill: parent
        anchors.margins: Theme.padding
        spacing: Theme.spacing

        Label {
            objectName: "totalLabel"
            text: qsTr("%1 messages received").arg(ChannelCountsModel.total)
            font.pixelSize: Theme.fontLarge
            color: Theme.text
        }
        Label {
            visible: !ConnectionStatus.connected && ConnectionStatus.detail.length > 0
            text: ConnectionStatus.detail
            font.pixelSize: Theme.fontNormal
            color: Theme.danger
            wrapMode: Text.Wrap
            Layout.fillWidth: true
        }
        Label {
            objectName: "outboxNotice"
            visible: QueueStatus.notice.length > 0
            text: QueueStatus.notice
            font.pixelSize: Theme.fontNormal
            color: Theme.danger
            wrapMode: Text.Wrap
            Layout.fillWidth: true
        }
        GridView {
            id: grid
            objectName: "channelGrid"
            Layout.fillWidth: true
            Layout.fillHeight: true
            clip: true
            cellWidth: Theme.tileWidth + Theme.spacing
            cellHeight: Theme.tileHeight + Theme.spacing
            model: ChannelCountsModel
            delegate: ChannelTile {}
        }
    }
}
