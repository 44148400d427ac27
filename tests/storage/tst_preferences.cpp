#include "storage/preferences.h"

#include <QSettings>
#include <QTemporaryDir>
#include <QTest>

class TestPreferences : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void roundTrip();
    void badValuesFallBackToDefaults();
    void urlsAreStoredWithoutSecrets();
    void profilesWithAnyName();
};

void TestPreferences::roundTrip()
{
    QTemporaryDir dir;
    const QString path = dir.filePath("vigil.conf");
    {
        QSettings settings(path, QSettings::IniFormat);
        vigil::Preferences prefs(&settings);
        prefs.setServerUrls({QUrl("wss://a.example/ws"), QUrl("wss://b.example/ws")});
        vigil::ConnectionConfig config;
        config.heartbeatMs = 15000;
        config.reconnect.capMs = 60000;
        config.maxAttempts = 7;
        prefs.storeFrom(config);
        prefs.sync();
    }
    QSettings settings(path, QSettings::IniFormat);
    vigil::Preferences prefs(&settings);
    QCOMPARE(prefs.serverUrls(),
             (QList<QUrl>{QUrl("wss://a.example/ws"), QUrl("wss://b.example/ws")}));
    vigil::ConnectionConfig config;
    prefs.applyTo(&config);
    QCOMPARE(config.heartbeatMs, 15000);
    QCOMPARE(config.reconnect.capMs, 60000);
    QCOMPARE(config.maxAttempts, 7);
    QCOMPARE(config.reconnect.baseMs, 1000);
}

void TestPreferences::badValuesFallBackToDefaults()
{
    QTemporaryDir dir;
    QSettings settings(dir.filePath("vigil.conf"), QSettings::IniFormat);
    settings.setValue("connection/heartbeatMs", "soon");
    settings.setValue("connection/reconnectBaseMs", -5);
    settings.setValue("connection/maxAttempts", 99999999);
    settings.setValue("server/urls", QStringList{"http://not-websocket/", "ws://ok.example/ws"});
    vigil::Preferences prefs(&settings);
    vigil::ConnectionConfig config;
    prefs.applyTo(&config);
    QCOMPARE(config.heartbeatMs, 30000);
    QCOMPARE(config.reconnect.baseMs, 1000);
    QCOMPARE(config.maxAttempts, 0);
    QCOMPARE(prefs.serverUrls(), QList<QUrl>{QUrl("ws://ok.example/ws")});
}

void TestPreferences::urlsAreStoredWithoutSecrets()
{
    QTemporaryDir dir;
    QSettings settings(dir.filePath("vigil.conf"), QSettings::IniFormat);
    vigil::Preferences prefs(&settings);
    prefs.setServerUrls({QUrl("wss://user:pw@a.example/ws?token=s3cret")});
    prefs.sync();
    QFile file(dir.filePath("vigil.conf"));
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray content = file.readAll();
    QVERIFY(!content.contains("s3cret"));
    QVERIFY(!content.contains("pw@"));
    QCOMPARE(prefs.serverUrls(), QList<QUrl>{QUrl("wss://a.example/ws")});
}

void TestPreferences::profilesWithAnyName()
{
    QTemporaryDir dir;
    QSettings settings(dir.filePath("vigil.conf"), QSettings::IniFormat);
    vigil::Preferences prefs(&settings);
    QVERIFY(prefs.profileNames().isEmpty());
    QCOMPARE(prefs.lastProfile(), QString());
    // Names that are not valid settings keys survive the round trip.
    const QString odd = QStringLiteral("prod/eu west #1 = ü");
    prefs.setProfileUrls(odd, {QUrl("wss://eu.example/ws"), QUrl("wss://eu2.example/ws")});
    prefs.setServerUrls({QUrl("ws://local.example/ws")}); // the "default" profile
    prefs.setLastProfile(odd);
    prefs.sync();
    QCOMPARE(prefs.profileNames(), (QStringList{"default", odd}));
    QCOMPARE(prefs.profileUrls(odd).size(), 2);
    QCOMPARE(prefs.profileUrls("default"), QList<QUrl>{QUrl("ws://local.example/ws")});
    prefs.removeProfile(odd);
    QCOMPARE(prefs.profileNames(), QStringList{"default"});
    QCOMPARE(prefs.lastProfile(), QString()); // it pointed at the removed profile
    QVERIFY(prefs.profileUrls(odd).isEmpty());
    prefs.setLastPage("health");
    prefs.setWindowGeometry(QRect(1, 2, 800, 600));
    QCOMPARE(prefs.lastPage(), QStringLiteral("health"));
    QCOMPARE(prefs.windowGeometry(), QRect(1, 2, 800, 600));
}

QTEST_GUILESS_MAIN(TestPreferences)
#include "tst_preferences.moc"
