import QtQuick
import QtQuick.Controls
import Vigil

// A tool button with an icon from the desktop's icon theme (freedesktop name; Vigil's own
// drawing where the theme has none), a tooltip and an accessible name. With `iconOnly` the
// text shows only in the tooltip and to screen readers.
ToolButton {
    id: button
    property string iconName
    property bool iconOnly: false
    // The shortcut shown in the tooltip ("F5"), when there is one
    property string shortcutText

    icon.name: iconName
    icon.width: Theme.iconSize
    icon.height: Theme.iconSize
    icon.color: enabled ? palette.buttonText : Theme.textMuted
    display: iconOnly ? AbstractButton.IconOnly : AbstractButton.TextBesideIcon
    font.pixelSize: Theme.fontSmall
    focusPolicy: Qt.StrongFocus
    hoverEnabled: true
    Accessible.role: Accessible.Button
    Accessible.name: text
    Accessible.description: shortcutText.length > 0 ? qsTr("Shortcut: %1").arg(shortcutText) : ""
    ToolTip.visible: hovered && (iconOnly || shortcutText.length > 0)
    ToolTip.delay: 500
    ToolTip.text: shortcutText.length > 0 ? qsTr("%1 (%2)").arg(text).arg(shortcutText) : text
}
