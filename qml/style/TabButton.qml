import QtQuick
import QtQuick.Controls.Fusion as Fusion
import Vigil.Models

// Fusion's tab with the same room around its text as Button.
Fusion.TabButton {
    horizontalPadding: Math.round(Appearance.fontPixelSize * (Appearance.compact ? 0.75 : 1))
    verticalPadding: Math.round(Appearance.fontPixelSize * (Appearance.compact ? 0.25 : 0.4))
}
