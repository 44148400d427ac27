import QtQuick
import QtQuick.Controls.Fusion as Fusion
import Vigil.Models

// Fusion's button with room around its text: a padding that follows the system font and the
// density setting, so labels never touch the border.
Fusion.Button {
    horizontalPadding: Math.round(Appearance.fontPixelSize * (Appearance.compact ? 0.75 : 1))
    verticalPadding: Math.round(Appearance.fontPixelSize * (Appearance.compact ? 0.25 : 0.4))
}
