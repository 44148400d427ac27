#include "models/appearance.h"
#include "storage/preferences.h"

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
        QSignalSpy changed(&appearance, &vigil::Appearance::changed);
        appearance.setTheme("dark");
        QCOMPARE(changed.size(), 1);
        QVERIFY(appearance.dark());
        appearance.setTheme("purple"); // ignored
        QCOMPARE(appearance.theme(), QStringLiteral("dark"));
    }
    QSettings settings(path, QSettings::IniFormat);
    vigil::Preferences prefs(&settings);
    vigil::Appearance appearance(&prefs, nullptr);
    QCOMPARE(appearance.theme(), QStringLiteral("dark"));
    appearance.setTheme("light");
    QVERIFY(!appearance.dark());
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

QTEST_MAIN(TestAppearance)
#include "tst_appearance.moc"
