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

// Surfaces and text.
inline constexpr Shade kWindow{0xfff4f5f7, 0xff15181d};
inline constexpr Shade kSurface{0xffffffff, 0xff1f242b};
inline constexpr Shade kBorder{0xffd9dde3, 0xff2f3640};
inline constexpr Shade kText{0xff1d232b, 0xffe6e9ee};
inline constexpr Shade kTextMuted{0xff5b6573, 0xff98a2b0};
inline constexpr Shade kAccent{0xff1f6feb, 0xff5aa9ff};
inline constexpr Shade kSelection{0xffdde9fb, 0xff26374d};

// Status colours: the same in light and dark, so an alarm looks like one in both.
inline constexpr QRgb kOk = 0xff2da44e;
inline constexpr QRgb kWarning = 0xffd29922;
inline constexpr QRgb kDanger = 0xffcf222e;
inline constexpr QRgb kIdle = 0xff8c959f;
/// Between warning and danger: a "high" severity.
inline constexpr QRgb kSevere = 0xffe36209;
/// Text on a filled danger or warning background (banners).
inline constexpr QRgb kTextOnDanger = 0xffffffff;
inline constexpr QRgb kTextOnWarning = 0xff1d232b;
/// The second line of a chart (the first is the accent).
inline constexpr QRgb kChartSecond = 0xff8957e5;

// The application's mark (the tray icon): a tile in the dark theme's surface with an eye in
// its accent, and a ring around the state dot.
inline constexpr QRgb kMark = kSurface.dark;
inline constexpr QRgb kMarkEye = kAccent.dark;
inline constexpr QRgb kMarkRing = 0xffffffff;

/// The colour of a tone.
[[nodiscard]] inline QColor toneColor(Tone::Value tone)
{
    switch (tone) {
    case Tone::Ok:
        return QColor::fromRgb(kOk);
    case Tone::Warning:
        return QColor::fromRgb(kWarning);
    case Tone::Danger:
        return QColor::fromRgb(kDanger);
    case Tone::Idle:
        break;
    }
    return QColor::fromRgb(kIdle);
}

} // namespace vigil::palette
