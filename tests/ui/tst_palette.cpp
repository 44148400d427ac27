// Every colour pair the console draws text with reaches WCAG 2 AA (4.5:1) in light and dark:
// text and muted text on the window, the surface, the input base and the selection; the
// status colours as text; the text on the accent, the buttons and the filled banners.
#include "ui/palette.h"

#include <QColor>
#include <QTest>

#include <algorithm>
#include <cmath>

namespace {
using vigil::palette::Shade;

double channel(double c)
{
    return c <= 0.03928 ? c / 12.92 : std::pow((c + 0.055) / 1.055, 2.4);
}

double luminance(QRgb rgb)
{
    return 0.2126 * channel(qRed(rgb) / 255.0) + 0.7152 * channel(qGreen(rgb) / 255.0) +
           0.0722 * channel(qBlue(rgb) / 255.0);
}

double contrast(QRgb a, QRgb b)
{
    const double la = luminance(a);
    const double lb = luminance(b);
    return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

constexpr double kAA = 4.5;
} // namespace

class TestPalette : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void contrastFormula();
    void textPairsReachAA_data();
    void textPairsReachAA();
};

// The formula against known values: black on white is 21:1, a colour on itself 1:1, and
// #767676 on white is the well-known smallest grey that passes AA (4.54:1).
void TestPalette::contrastFormula()
{
    QCOMPARE(std::round(contrast(0xff000000, 0xffffffff) * 100) / 100, 21.0);
    QCOMPARE(contrast(0xff336699, 0xff336699), 1.0);
    QVERIFY(contrast(0xff767676, 0xffffffff) >= kAA);
    QVERIFY(contrast(0xff777777, 0xffffffff) < kAA);
}

void TestPalette::textPairsReachAA_data()
{
    using namespace vigil::palette;
    QTest::addColumn<QRgb>("foreground");
    QTest::addColumn<QRgb>("background");
    struct Pair
    {
        const char *name;
        Shade fg;
        Shade bg;
    };
    const Pair pairs[] = {
        {"text on window", kText, kWindow},
        {"text on surface", kText, kSurface},
        {"text on base", kText, kBase},
        {"text on button", kText, kButton},
        {"text on selection", kText, kSelection},
        {"text on hover", kText, kHover},
        {"muted on window", kTextMuted, kWindow},
        {"muted on surface", kTextMuted, kSurface},
        {"muted on base", kTextMuted, kBase},
        {"muted on button", kTextMuted, kButton},
        {"accent on window", kAccent, kWindow},
        {"accent on surface", kAccent, kSurface},
        {"accent on selection", kAccent, kSelection},
        {"text on accent", kTextOnAccent, kAccent},
        {"ok on surface", kOk, kSurface},
        {"ok on window", kOk, kWindow},
        {"warning on surface", kWarning, kSurface},
        {"warning on window", kWarning, kWindow},
        {"danger on surface", kDanger, kSurface},
        {"danger on window", kDanger, kWindow},
        {"severe on surface", kSevere, kSurface},
        {"severe on window", kSevere, kWindow},
        {"idle on surface", kIdle, kSurface},
        {"idle on window", kIdle, kWindow},
    };
    for (const Pair &pair : pairs) {
        for (const bool dark : {false, true}) {
            QTest::addRow("%s, %s", pair.name, dark ? "dark" : "light")
                << pair.fg.in(dark) << pair.bg.in(dark);
        }
    }
    QTest::newRow("text on danger banner") << kTextOnDanger << kDangerFill;
    QTest::newRow("text on warning banner") << kTextOnWarning << kWarningFill;
}

void TestPalette::textPairsReachAA()
{
    QFETCH(QRgb, foreground);
    QFETCH(QRgb, background);
    const double ratio = contrast(foreground, background);
    QVERIFY2(ratio >= kAA, qPrintable(QStringLiteral("%1 on %2: %3:1, below 4.5:1")
                                          .arg(QColor::fromRgb(foreground).name(),
                                               QColor::fromRgb(background).name())
                                          .arg(ratio, 0, 'f', 2)));
}

QTEST_APPLESS_MAIN(TestPalette)
#include "tst_palette.moc"
