#pragma once

#include "tone.h"

#include <QColor>

namespace vigil::palette {

// Every colour of the console, in one place. The QML Theme reads them through Appearance and
// gives them semantic names; the tray icon draws with them. So the window and the tray always
// agree, and no view holds a colour of its own.

/// A colour that differs between the light and the dark theme.
struct Shade
{
    QRgb light;
    QRgb dark;
    [[nodiscard]] constexpr QRgb in(bool isDark) const { return isDark ? dark : light; }
};

// Surfaces and text. Every colour used as text reaches WCAG AA (4.5:1) on the window, the
// surface and the selection of its mode; tests/ui/tst_palette.cpp checks each pair.
inline constexpr Shade kWindow{0xfff4f5f7, 0xff15181d};
inline constexpr Shade kSurface{0xffffffff, 0xff1f242b};
/// Input fields and list backgrounds inside a surface
inline constexpr Shade kBase{0xffffffff, 0xff181c22};
/// Buttons and other raised controls
inline constexpr Shade kButton{0xfff6f8fa, 0xff2a313b};
inline constexpr Shade kBorder{0xffd0d5dc, 0xff3a434f};
inline constexpr Shade kText{0xff1d232b, 0xffe6e9ee};
inline constexpr Shade kTextMuted{0xff5b6573, 0xff98a2b0};
inline constexpr Shade kAccent{0xff0b5cd5, 0xff5aa9ff};
/// Text on the accent (a default button, a highlighted menu entry)
inline constexpr Shade kTextOnAccent{0xffffffff, 0xff15181d};
inline constexpr Shade kSelection{0xffdde9fb, 0xff26374d};
/// A row under the mouse pointer
inline constexpr Shade kHover{0xffeef1f5, 0xff262c34};

// Status colours, as text and indicators: darker in light mode and brighter in dark mode, so
// each reads as text on the mode's surfaces (AA) and an alarm looks like one in both.
inline constexpr Shade kOk{0xff1a7f37, 0xff3fb950};
inline constexpr Shade kWarning{0xff8a5c00, 0xffd29922};
inline constexpr Shade kDanger{0xffcf222e, 0xfff85149};
inline constexpr Shade kIdle{0xff5b6573, 0xff8b949e};
/// Between warning and danger: a "high" severity.
inline constexpr Shade kSevere{0xffbc4c00, 0xffdb6d28};

// Filled backgrounds (banners) and the text on them: the same in both modes.
inline constexpr QRgb kDangerFill = 0xffcf222e;
inline constexpr QRgb kWarningFill = 0xffd29922;
inline constexpr QRgb kTextOnDanger = 0xffffffff;
inline constexpr QRgb kTextOnWarning = 0xff1d232b;
/// The second line of a chart (the first is the accent).
inline constexpr QRgb kChartSecond = 0xff8957e5;

// The application's mark (the tray icon): a tile in the dark theme's surface with an eye in
// its accent, and a ring around the state dot.
inline constexpr QRgb kMark = kSurface.dark;
inline constexpr QRgb kMarkEye = kAccent.dark;
inline constexpr QRgb kMarkRing = 0xffffffff;

/// The colour of a tone in light or dark mode.
[[nodiscard]] inline QColor toneColor(Tone::Value tone, bool dark)
{
    switch (tone) {
    case Tone::Ok:
        return QColor::fromRgb(kOk.in(dark));
    case Tone::Warning:
        return QColor::fromRgb(kWarning.in(dark));
    case Tone::Danger:
        return QColor::fromRgb(kDanger.in(dark));
    case Tone::Idle:
        break;
    }
    return QColor::fromRgb(kIdle.in(dark));
}

/// The tray's state dot: drawn on the mark, which is the dark theme's surface in both modes.
[[nodiscard]] inline QColor toneColor(Tone::Value tone)
{
    return toneColor(tone, true);
}

} // namespace vigil::palette
