import QtQuick
import QtQuick.Controls.Fusion as Fusion
import Vigil.Models

// Fusion's tool button with the same room around text and icon as Button.
Fusion.ToolButton {
    horizontalPadding: Math.round(Appearance.fontPixelSize * (Appearance.compact ? 0.5 : 0.6))
    verticalPadding: Math.round(Appearance.fontPixelSize * (Appearance.compact ? 0.25 : 0.4))
}
