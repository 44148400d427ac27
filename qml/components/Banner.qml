import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Vigil
import Vigil.Models

// One banner under the header: a sentence, an optional detail and an optional action, on the
// colour of its tone. StatusBanner, FallbackBanner and ErrorBanner are this component with
// their own source of truth.
Rectangle {
    id: banner

    // A Tone (Danger or Warning): the background, and the text colour that reads on it
    property int tone: Tone.Warning
    property string text
    property string detail
    property string actionText
    // objectNames of the parts, so tests and accessibility tools can find them
    property string textObjectName: objectName + "Text"
    property string actionObjectName: objectName + "Action"
    property bool wrap: false

    signal actionTriggered()

    readonly property color foreground: Theme.textOnTone(tone)

    visible: text.length > 0
    implicitHeight: visible ? row.implicitHeight + Theme.spacing * 2 : 0
    color: Theme.fillColor(tone)
    Accessible.role: Accessible.AlertMessage
    Accessible.name: detail.length > 0 ? text + ". " + detail : text

    RowLayout {
        id: row
        anchors.fill: parent
        anchors.leftMargin: Theme.padding
        anchors.rightMargin: Theme.padding
        spacing: Theme.spacing
        Body {
            objectName: banner.textObjectName
            text: banner.text
            font.bold: true
            color: banner.foreground
            wrapMode: banner.wrap ? Text.Wrap : Text.NoWrap
            elide: banner.wrap ? Text.ElideNone : Text.ElideRight
            Layout.fillWidth: banner.detail.length === 0
        }
        Caption {
            visible: banner.detail.length > 0
            text: banner.detail
            color: banner.foreground
            elide: Text.ElideRight
            Layout.fillWidth: true
        }
        Button {
            objectName: banner.actionObjectName
            visible: banner.actionText.length > 0
            text: banner.actionText
            onClicked: banner.actionTriggered()
        }
    }
}
