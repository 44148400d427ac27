#include "storage/preferences.h"
#include "ui/appearance.h"

#include <QGuiApplication>
#include <QPalette>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

class TestAppearance : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void choiceIsRememberedAndApplied();
    void systemFollowsThePalette();
    void chooseNextCycles();
    void coloursFollowLightAndDark();
    void densityIsRemembered();
    void fontSizeFollowsTheSystemFont_data();
    void fontSizeFollowsTheSystemFont();
};

void TestAppearance::choiceIsRememberedAndApplied()
{
    QTemporaryDir dir;
    const QString path = dir.filePath("vigil.conf");
    {
        QSettings settings(path, QSettings::IniFormat);
        vigil::Preferences prefs(&settings);
        vigil::Appearance appearance(&prefs, nullptr);
        QCOMPARE(appearance.theme(), QStringLiteral("system"));
        QCOMPARE(appearance.choice(), vigil::Appearance::System);
        QSignalSpy changed(&appearance, &vigil::Appearance::changed);
        appearance.setTheme("dark");
        QCOMPARE(changed.size(), 1);
        QVERIFY(appearance.dark());
        QCOMPARE(appearance.choice(), vigil::Appearance::Dark);
        QTest::ignoreMessage(QtWarningMsg, "unknown theme purple");
        appearance.setTheme("purple"); // ignored
        QCOMPARE(appearance.theme(), QStringLiteral("dark"));
        QCOMPARE(changed.size(), 1);
        appearance.choose(vigil::Appearance::Dark); // already: no change
        QCOMPARE(changed.size(), 1);
    }
    QSettings settings(path, QSettings::IniFormat);
    vigil::Preferences prefs(&settings);
    vigil::Appearance appearance(&prefs, nullptr);
    QCOMPARE(appearance.theme(), QStringLiteral("dark"));
    QCOMPARE(appearance.choice(), vigil::Appearance::Dark);
    appearance.choose(vigil::Appearance::Light);
    QVERIFY(!appearance.dark());
    QCOMPARE(prefs.theme(), QStringLiteral("light"));
}

void TestAppearance::systemFollowsThePalette()
{
    vigil::Appearance appearance(nullptr, nullptr);
    QPalette light;
    light.setColor(QPalette::Window, Qt::white);
    QGuiApplication::setPalette(light);
    QVERIFY(!appearance.dark());
    QSignalSpy changed(&appearance, &vigil::Appearance::changed);
    QPalette dark;
    dark.setColor(QPalette::Window, QColor(20, 20, 24));
    QGuiApplication::setPalette(dark);
    QTRY_VERIFY(changed.size() >= 1);
    QVERIFY(appearance.dark());
}

// The header's one-click switch: system, light, dark, and round again, each remembered.
void TestAppearance::chooseNextCycles()
{
    QTemporaryDir dir;
    QSettings settings(dir.filePath("vigil.conf"), QSettings::IniFormat);
    vigil::Preferences prefs(&settings);
    vigil::Appearance appearance(&prefs, nullptr);
    QSignalSpy changed(&appearance, &vigil::Appearance::changed);
    QStringList seen;
    for (int i = 0; i < 4; ++i) {
        appearance.chooseNext();
        seen << appearance.theme();
        QCOMPARE(prefs.theme(), appearance.theme());
    }
    QCOMPARE(seen, (QStringList{"light", "dark", "system", "light"}));
    QCOMPARE(changed.size(), 4);
}

// The surfaces follow light and dark; the status colours are the palette's in both.
void TestAppearance::coloursFollowLightAndDark()
{
    vigil::Appearance appearance(nullptr, nullptr);
    appearance.choose(vigil::Appearance::Light);
    QCOMPARE(appearance.windowColor(), QColor::fromRgb(vigil::palette::kWindow.light));
    QCOMPARE(appearance.textColor(), QColor::fromRgb(vigil::palette::kText.light));
    QCOMPARE(appearance.accentColor(), QColor::fromRgb(vigil::palette::kAccent.light));
    const QColor lightSurface = appearance.surfaceColor();
    appearance.choose(vigil::Appearance::Dark);
    QCOMPARE(appearance.windowColor(), QColor::fromRgb(vigil::palette::kWindow.dark));
    QCOMPARE(appearance.textColor(), QColor::fromRgb(vigil::palette::kText.dark));
    QCOMPARE(appearance.accentColor(), QColor::fromRgb(vigil::palette::kAccent.dark));
    QVERIFY(appearance.surfaceColor() != lightSurface);
    // The tray icon's mark is drawn in the dark surface and accent.
    QCOMPARE(QColor::fromRgb(vigil::palette::kMark), appearance.surfaceColor());
    QCOMPARE(QColor::fromRgb(vigil::palette::kMarkEye), appearance.accentColor());
    // Status colours are the mode's: brighter on dark surfaces, darker on light ones.
    for (const bool dark : {false, true}) {
        appearance.choose(dark ? vigil::Appearance::Dark : vigil::Appearance::Light);
        QCOMPARE(appearance.okColor(), vigil::palette::toneColor(vigil::Tone::Ok, dark));
        QCOMPARE(appearance.warningColor(), vigil::palette::toneColor(vigil::Tone::Warning, dark));
        QCOMPARE(appearance.dangerColor(), vigil::palette::toneColor(vigil::Tone::Danger, dark));
        QCOMPARE(appearance.idleColor(), vigil::palette::toneColor(vigil::Tone::Idle, dark));
    }
    QVERIFY(vigil::palette::toneColor(vigil::Tone::Ok, false) !=
            vigil::palette::toneColor(vigil::Tone::Ok, true));
}

// Compact or comfortable: remembered, and anything else refused.
void TestAppearance::densityIsRemembered()
{
    QTemporaryDir dir;
    const QString path = dir.filePath("vigil.conf");
    {
        QSettings settings(path, QSettings::IniFormat);
        vigil::Preferences prefs(&settings);
        vigil::Appearance appearance(&prefs, nullptr);
        QCOMPARE(appearance.density(), QStringLiteral("comfortable"));
        QVERIFY(!appearance.compact());
        QSignalSpy changed(&appearance, &vigil::Appearance::changed);
        appearance.setDensity("compact");
        QCOMPARE(changed.size(), 1);
        QVERIFY(appearance.compact());
        QTest::ignoreMessage(QtWarningMsg, "unknown density roomy");
        appearance.setDensity("roomy");
        QCOMPARE(appearance.density(), QStringLiteral("compact"));
        appearance.setDensity("compact"); // no change
        QCOMPARE(changed.size(), 1);
    }
    QSettings settings(path, QSettings::IniFormat);
    vigil::Preferences prefs(&settings);
    vigil::Appearance appearance(&prefs, nullptr);
    QVERIFY(appearance.compact());
    // A hand-edited file with an unknown value reads as the default.
    settings.setValue("ui/density", "huge");
    QCOMPARE(prefs.density(), QStringLiteral("comfortable"));
}

void TestAppearance::fontSizeFollowsTheSystemFont_data()
{
    QTest::addColumn<int>("pixels");
    QTest::addColumn<int>("expected");
    QTest::newRow("13 px") << 13 << 13;
    QTest::newRow("large") << 20 << 20;
    QTest::newRow("too small to read") << 6 << 9;
}

void TestAppearance::fontSizeFollowsTheSystemFont()
{
    QFETCH(int, pixels);
    QFETCH(int, expected);
    const QFont before = QGuiApplication::font();
    vigil::Appearance appearance(nullptr, nullptr);
    QSignalSpy changed(&appearance, &vigil::Appearance::changed);
    QFont font = before;
    font.setPixelSize(pixels);
    QGuiApplication::setFont(font);
    QTRY_VERIFY(changed.size() >= 1);
    QCOMPARE(appearance.fontPixelSize(), expected);
    QGuiApplication::setFont(before);
}

QTEST_MAIN(TestAppearance)
#include "tst_appearance.moc"
