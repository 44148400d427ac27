import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Vigil
import Vigil.Models

// About Vigil: version, the licences of Vigil and what it is built with, and where it keeps
// its data and settings (what support asks for first).
Dialog {
    id: dialog
    objectName: "aboutDialog"
    readonly property var info: Workspace.about

    parent: Overlay.overlay
    anchors.centerIn: parent
    width: Math.min(parent ? parent.width - Theme.padding * 2 : 0, Theme.welcomeWidth)
    // On a small window the content scrolls inside the dialog instead of overflowing it.
    height: Math.min(parent ? parent.height - Theme.padding * 2 : 0, implicitHeight)
    modal: true
    padding: Theme.padding
    title: qsTr("About Vigil")
    standardButtons: Dialog.Close

    ScrollView {
        id: scroll
        anchors.fill: parent
        contentWidth: availableWidth
        implicitHeight: content.implicitHeight
        clip: true

        ColumnLayout {
            id: content
            width: scroll.availableWidth
            spacing: Theme.spacing
            Accessible.role: Accessible.Dialog
            Accessible.name: dialog.title
            Body {
                objectName: "aboutVersion"
                text: qsTr("Vigil %1, a real-time operations console. Built with Qt %2.")
                      .arg(dialog.info.version).arg(dialog.info.qtVersion)
                wrapMode: Text.Wrap
                Layout.fillWidth: true
            }
            Body {
                text: qsTr("Where Vigil keeps things")
                font.bold: true
                Layout.topMargin: Theme.spacing
            }
            Caption { text: qsTr("Data (outbox, positions)") }
            TextEdit {
                objectName: "aboutDataDir"
                text: dialog.info.dataDir
                readOnly: true
                selectByMouse: true
                wrapMode: TextEdit.WrapAnywhere
                color: Theme.text
                font.pixelSize: Theme.fontSmall
                font.family: Theme.monospace
                Layout.fillWidth: true
                Accessible.role: Accessible.EditableText
                Accessible.name: qsTr("Data folder")
            }
            Caption { text: qsTr("Settings file") }
            TextEdit {
                objectName: "aboutConfigFile"
                text: dialog.info.configFile
                readOnly: true
                selectByMouse: true
                wrapMode: TextEdit.WrapAnywhere
                color: Theme.text
                font.pixelSize: Theme.fontSmall
                font.family: Theme.monospace
                Layout.fillWidth: true
                Accessible.role: Accessible.EditableText
                Accessible.name: qsTr("Settings file")
            }
            Body {
                text: qsTr("Licences")
                font.bold: true
                Layout.topMargin: Theme.spacing
            }
            Repeater {
                model: dialog.info.licences
                RowLayout {
                    id: licenceRow
                    required property var modelData
                    spacing: Theme.padding
                    Layout.fillWidth: true
                    Body {
                        text: licenceRow.modelData.component
                        Layout.preferredWidth: Theme.selectorWidth
                        wrapMode: Text.Wrap
                    }
                    Caption {
                        text: licenceRow.modelData.licence
                        wrapMode: Text.Wrap
                        Layout.fillWidth: true
                    }
                }
            }
        }
    }
}
