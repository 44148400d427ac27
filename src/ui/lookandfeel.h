#pragma once

namespace vigil {

/// \brief Sets up how every control of the window looks, before the first QML engine.
///
/// The Qt Quick Controls style is VigilStyle (qml/style): Fusion, the one style whose every
/// control draws with the palette the Theme gives the window, so light and dark reach buttons,
/// fields, menus and dialogs, with more room around text. Icons are looked up by their
/// freedesktop names in the desktop's icon theme, with Vigil's own drawings
/// (resources/icons/hicolor) where the theme has none. QT_QUICK_CONTROLS_STYLE, when set,
/// still wins: an operator's explicit choice.
void setUpLookAndFeel();

} // namespace vigil
