#pragma once

#include <QColor>

namespace vigil::palette {

// The status colours of the console, in one place: the QML Theme reads them through
// Appearance, and the tray icon draws with them, so the window and the tray always agree.
inline constexpr QRgb kOk = 0xff2da44e;
inline constexpr QRgb kWarning = 0xffd29922;
inline constexpr QRgb kDanger = 0xffcf222e;
inline constexpr QRgb kIdle = 0xff8c959f;

} // namespace vigil::palette
