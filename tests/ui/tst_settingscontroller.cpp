// The Settings page's checks and saves: clear sentences for bad input, URLs in the settings,
// tokens only through the secret store, connection settings applied to the running session, the
// operator's name checked and stored.
#include "storage/preferences.h"
#include "ui/operatoridentity.h"
#include "ui/settingscontroller.h"
#include "ui/workspace.h"

#include <QSettings>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using vigil::SettingsController;

class TestSettingsController : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void validateProfile_data();
    void validateProfile();
    void saveProfileStoresUrlsAndTokenSeparately();
    void saveProfileRefusesBadInput();
    void tokenFailureIsReported();
    void removeProfileForgetsTokenToo();
    void validateConnection_data();
    void validateConnection();
    void saveConnectionReconnectsWithNewSettings();
    void validateOperatorName_data();
    void validateOperatorName();
    void tokenStorageWarningIsPublished();
    void debugPageFollowsTheSettingAndTheOption();
    void logCapacityIsKeptWithinItsRange();
    void hiddenDebugPageCannotBeShown();

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<QSettings> m_settings;
    std::unique_ptr<vigil::Preferences> m_prefs;
};

void TestSettingsController::init()
{
    m_prefs.reset();
    m_settings.reset();
    m_dir = std::make_unique<QTemporaryDir>();
    m_settings = std::make_unique<QSettings>(m_dir->filePath("vigil.conf"), QSettings::IniFormat);
    m_prefs = std::make_unique<vigil::Preferences>(m_settings.get());
}

void TestSettingsController::validateProfile_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("urls");
    QTest::addColumn<QString>("problem"); // the start of the sentence; empty: valid
    QTest::newRow("ok") << "prod"
                        << "wss://vigil.example.com/ws"
                        << "";
    QTest::newRow("two urls, blank lines") << "prod"
                                           << "ws://a:1/ws\n\n  wss://b/ws  \n"
                                           << "";
    QTest::newRow("no name") << "  "
                             << "ws://a/ws"
                             << "Give the profile a name.";
    QTest::newRow("reserved") << "demo"
                              << "ws://a/ws"
                              << "\"demo\" is reserved";
    QTest::newRow("too long") << QString(65, 'x') << "ws://a/ws"
                              << "The profile name is too long";
    QTest::newRow("no url") << "prod"
                            << " \n "
                            << "Enter at least one server address";
    QTest::newRow("bad scheme") << "prod"
                                << "ftp://a/ws"
                                << "Address 1: ";
    QTest::newRow("second bad") << "prod"
                                << "ws://a/ws\nnot a url"
                                << "Address 2: 'not a url' is not a ws:// or wss:// URL";
    // An address QUrl cannot even parse is quoted as typed, not as '' (less any user info).
    QTest::newRow("unparsable") << "prod"
                                << "ws://user:secret@[::1"
                                << "Address 1: '[::1' is not a ws:// or wss:// URL";
}

void TestSettingsController::validateProfile()
{
    QFETCH(QString, name);
    QFETCH(QString, urls);
    QFETCH(QString, problem);
    SettingsController c(nullptr, m_prefs.get(), nullptr);
    const QString result = c.validateProfile(name, urls);
    if (problem.isEmpty())
        QCOMPARE(result, QString());
    else
        QVERIFY2(result.startsWith(problem), qPrintable(result));
}

void TestSettingsController::saveProfileStoresUrlsAndTokenSeparately()
{
    SettingsController c(nullptr, m_prefs.get(), nullptr);
    QString writtenProfile, writtenToken;
    c.setTokenWriter([&](const QString &p, const QString &t, auto done) {
        writtenProfile = p;
        writtenToken = t;
        done(QString());
    });
    QSignalSpy profiles(&c, &SettingsController::profilesChanged);
    QVERIFY(c.saveProfile(" prod ", "wss://a.example/ws\nwss://b.example/ws", "tok-123", false));
    QCOMPARE(profiles.count(), 1);
    QCOMPARE(c.profiles(), QStringList{"prod"});
    QCOMPARE(c.urlsText("prod"), QStringLiteral("wss://a.example/ws\nwss://b.example/ws"));
    QCOMPARE(writtenProfile, QStringLiteral("prod"));
    QCOMPARE(writtenToken, QStringLiteral("tok-123"));
    QCOMPARE(c.message(), QStringLiteral("Saved \"prod\"."));
    QVERIFY(!c.messageIsError());
    // The token never reaches the settings file.
    m_settings->sync();
    QFile file(m_dir->filePath("vigil.conf"));
    QVERIFY(file.open(QIODevice::ReadOnly));
    QVERIFY(!file.readAll().contains("tok-123"));

    // An empty token keeps the stored one: the writer is not asked.
    writtenToken.clear();
    QVERIFY(c.saveProfile("prod", "wss://a.example/ws", QString(), false));
    QCOMPARE(writtenToken, QString());
}

void TestSettingsController::saveProfileRefusesBadInput()
{
    SettingsController c(nullptr, m_prefs.get(), nullptr);
    QVERIFY(!c.saveProfile("prod", "http://x", "t", false));
    QVERIFY(c.messageIsError());
    QVERIFY2(c.message().startsWith("Address 1: "), qPrintable(c.message()));
    QVERIFY(c.profiles().isEmpty());
}

void TestSettingsController::tokenFailureIsReported()
{
    QTcpServer silent;
    QVERIFY(silent.listen(QHostAddress::LocalHost));
    vigil::Workspace::Parts parts;
    parts.preferences = m_prefs.get();
    vigil::Workspace ws(nullptr, {}, parts);
    SettingsController c(nullptr, m_prefs.get(), &ws);
    c.setTokenWriter([](const QString &, const QString &, auto done) {
        done(QStringLiteral("the keychain is locked"));
    });
    const QString url = QStringLiteral("ws://127.0.0.1:%1/ws").arg(silent.serverPort());
    QVERIFY(c.saveProfile("prod", url, "tok", true));
    QVERIFY(c.messageIsError());
    QVERIFY2(c.message().contains("the keychain is locked"), qPrintable(c.message()));
    QVERIFY(ws.welcomeNeeded()); // not connected with a token that was not stored

    c.setTokenWriter([](const QString &, const QString &, auto done) { done(QString()); });
    QVERIFY(c.saveProfile("prod", url, "tok", true));
    QVERIFY(!ws.welcomeNeeded());
    QCOMPARE(ws.profile(), QStringLiteral("prod"));
}

void TestSettingsController::removeProfileForgetsTokenToo()
{
    SettingsController c(nullptr, m_prefs.get(), nullptr);
    QString removed;
    c.setTokenRemover([&](const QString &p) { removed = p; });
    QVERIFY(c.saveProfile("old", "ws://a/ws", QString(), false));
    c.removeProfile("old");
    QCOMPARE(removed, QStringLiteral("old"));
    QVERIFY(c.profiles().isEmpty());
}

void TestSettingsController::validateConnection_data()
{
    QTest::addColumn<QList<int>>("values"); // heartbeat, timeout, base, cap, attempts
    QTest::addColumn<QString>("problem");
    QTest::newRow("defaults") << QList<int>{30000, 10000, 1000, 30000, 0} << "";
    QTest::newRow("heartbeat too short")
        << QList<int>{50, 10000, 1000, 30000, 0} << "The heartbeat interval";
    QTest::newRow("timeout too long for interval")
        << QList<int>{1000, 20000, 1000, 30000, 0} << "A heartbeat timeout longer";
    QTest::newRow("cap below base")
        << QList<int>{30000, 10000, 5000, 1000, 0} << "The longest retry delay";
    QTest::newRow("negative attempts") << QList<int>{30000, 10000, 1000, 30000, -1} << "Attempts";
    QTest::newRow("base too small")
        << QList<int>{30000, 10000, 1, 30000, 3} << "The first retry delay";
    // The bounds are the shared ranges (connection/settingsranges.h), inclusive.
    QTest::newRow("heartbeat at its minimum")
        << QList<int>{vigil::ranges::kHeartbeatMs.min, 100, 1000, 30000, 0} << "";
    QTest::newRow("heartbeat just below")
        << QList<int>{vigil::ranges::kHeartbeatMs.min - 1, 100, 1000, 30000, 0}
        << "The heartbeat interval must be between 100 ms and 3600000 ms";
}

void TestSettingsController::validateConnection()
{
    QFETCH(QList<int>, values);
    QFETCH(QString, problem);
    SettingsController c(nullptr, m_prefs.get(), nullptr);
    const QString result =
        c.validateConnection(values[0], values[1], values[2], values[3], values[4]);
    if (problem.isEmpty())
        QCOMPARE(result, QString());
    else
        QVERIFY2(result.startsWith(problem), qPrintable(result));
    QCOMPARE(c.saveConnection(values[0], values[1], values[2], values[3], values[4]),
             problem.isEmpty());
}

void TestSettingsController::saveConnectionReconnectsWithNewSettings()
{
    QTcpServer silent;
    QVERIFY(silent.listen(QHostAddress::LocalHost));
    vigil::Workspace::Parts parts;
    parts.preferences = m_prefs.get();
    vigil::Workspace ws(nullptr, {}, parts);
    ws.connectTo("p", {QUrl(QStringLiteral("ws://127.0.0.1:%1/ws").arg(silent.serverPort()))},
                 QString());
    SettingsController c(nullptr, m_prefs.get(), &ws);
    QSignalSpy managers(&ws, &vigil::Workspace::managerChanged);
    QSignalSpy changed(&c, &SettingsController::connectionChanged);
    QVERIFY(c.saveConnection(5000, 2000, 250, 8000, 7));
    QCOMPARE(changed.count(), 1);
    QCOMPARE(managers.count(), 1);
    const vigil::ConnectionConfig &config = ws.manager()->config();
    QCOMPARE(config.heartbeatMs, 5000);
    QCOMPARE(config.heartbeatTimeoutMs, 2000);
    QCOMPARE(config.reconnect.baseMs, 250);
    QCOMPARE(config.reconnect.capMs, 8000);
    QCOMPARE(config.maxAttempts, 7);
    QCOMPARE(c.heartbeatMs(), 5000);
    QCOMPARE(c.maxAttempts(), 7);
}

void TestSettingsController::validateOperatorName_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("problem"); // the start of the sentence; empty: valid
    QTest::addColumn<QString>("stored");  // what the setting holds after a save
    QTest::newRow("a name") << "Dana Ruiz"
                            << ""
                            << "Dana Ruiz";
    QTest::newRow("trimmed") << "  Dana  "
                             << ""
                             << "Dana";
    QTest::newRow("empty: not set") << ""
                                    << ""
                                    << "";
    QTest::newRow("blank: not set") << " \t "
                                    << ""
                                    << "";
    QTest::newRow("the longest") << QString(vigil::Preferences::kOperatorNameMaxLength, 'x') << ""
                                 << QString(vigil::Preferences::kOperatorNameMaxLength, 'x');
    QTest::newRow("too long") << QString(vigil::Preferences::kOperatorNameMaxLength + 1, 'x')
                              << "The name is 129 characters long; at most 128 fit."
                              << "before";
    QTest::newRow("two lines") << "Dana\nRuiz"
                               << "The name must be on one line"
                               << "before";
    QTest::newRow("a tab inside") << "Dana\tRuiz"
                                  << "The name must be on one line"
                                  << "before";
}

void TestSettingsController::validateOperatorName()
{
    QFETCH(QString, name);
    QFETCH(QString, problem);
    QFETCH(QString, stored);
    SettingsController c(nullptr, m_prefs.get(), nullptr);
    const QString result = c.validateOperatorName(name);
    if (problem.isEmpty())
        QCOMPARE(result, QString());
    else
        QVERIFY2(result.startsWith(problem), qPrintable(result));
    // Without an identity to take it, nothing is saved.
    QVERIFY(!c.saveOperatorName(name));
    QVERIFY(c.messageIsError());
    vigil::OperatorIdentity identity(nullptr, m_prefs.get());
    QVERIFY(identity.setConfiguredName("before"));
    c.setOperatorIdentity(&identity);
    QSignalSpy message(&c, &SettingsController::messageChanged);
    QCOMPARE(c.saveOperatorName(name), problem.isEmpty());
    QCOMPARE(message.size(), 1);
    QCOMPARE(c.messageIsError(), !problem.isEmpty());
    QCOMPARE(m_prefs->operatorName(), stored);
    QCOMPARE(identity.configuredName(), stored);
    QCOMPARE(c.operatorNameMaxLength(), vigil::Preferences::kOperatorNameMaxLength);
}

void TestSettingsController::tokenStorageWarningIsPublished()
{
    SettingsController c(nullptr, m_prefs.get(), nullptr);
    QSignalSpy spy(&c, &SettingsController::tokenStorageChanged);
    c.setTokenStorage("file", "No keychain service is available");
    c.setTokenStorage("file", "No keychain service is available");
    QCOMPARE(spy.count(), 1);
    QCOMPARE(c.tokenBackend(), QStringLiteral("file"));
    QVERIFY(!c.tokenWarning().isEmpty());
}

void TestSettingsController::debugPageFollowsTheSettingAndTheOption()
{
    SettingsController c(nullptr, m_prefs.get(), nullptr);
    QSignalSpy changed(&c, &SettingsController::debugPageChanged);
    QVERIFY(!c.debugPage()); // off by default
    c.setShowDebugPage(true);
    QVERIFY(c.debugPage());
    QVERIFY(c.debugPageSetting());
    QCOMPARE(changed.count(), 1);
    c.setShowDebugPage(true);
    QCOMPARE(changed.count(), 1);
    // Kept in the preferences: the next start shows it too.
    QVERIFY(vigil::Preferences(m_settings.get()).showDebugPage());
    SettingsController next(nullptr, m_prefs.get(), nullptr);
    QVERIFY(next.debugPage());

    // `vigil --debug`: on for this run, whatever the setting, which it does not change.
    c.setShowDebugPage(false);
    QVERIFY(!c.debugPage());
    c.setDebugForced(true);
    QVERIFY(c.debugPage());
    QVERIFY(c.debugForced());
    QVERIFY(!c.debugPageSetting());
    QVERIFY(!m_prefs->showDebugPage());
    QCOMPARE(changed.count(), 3);
}

void TestSettingsController::logCapacityIsKeptWithinItsRange()
{
    SettingsController c(nullptr, m_prefs.get(), nullptr);
    QSignalSpy changed(&c, &SettingsController::logCapacityChanged);
    QCOMPARE(c.logCapacity(), 1000000); // the default
    c.setLogCapacity(250000);
    QCOMPARE(c.logCapacity(), 250000);
    QCOMPARE(changed.count(), 1);
    c.setLogCapacity(250000);
    QCOMPARE(changed.count(), 1);
    c.setLogCapacity(5); // below the range: the smallest allowed
    QCOMPARE(c.logCapacity(), c.logCapacityMin());
    c.setLogCapacity(999999999);
    QCOMPARE(c.logCapacity(), c.logCapacityMax());
    QCOMPARE(changed.count(), 3);
    // Kept for the next start; a hand-edited value out of range reads as the default.
    QCOMPARE(vigil::Preferences(m_settings.get()).logCapacity(), c.logCapacityMax());
    m_settings->setValue("logs/capacity", 12);
    QCOMPARE(vigil::Preferences(m_settings.get()).logCapacity(), 1000000);
}

void TestSettingsController::hiddenDebugPageCannotBeShown()
{
    vigil::Workspace::Parts parts;
    parts.preferences = m_prefs.get();
    m_prefs->setLastPage("debug"); // remembered from a run with --debug
    vigil::Workspace ws(nullptr, {}, parts);
    QCOMPARE(ws.page(), QStringLiteral("debug"));
    SettingsController c(nullptr, m_prefs.get(), &ws);
    c.setDebugForced(false); // the app says how it was started: not with --debug
    QCOMPARE(ws.page(), QStringLiteral("dashboard"));

    // Its shortcut, --page or a second launch: refused, the operator stays where they were.
    ws.setPage("alerts");
    ws.setPage("debug");
    QCOMPARE(ws.page(), QStringLiteral("alerts"));

    // Shown: reachable. Hidden while it is on screen: back to Settings, where it was hidden.
    c.setShowDebugPage(true);
    ws.setPage("debug");
    QCOMPARE(ws.page(), QStringLiteral("debug"));
    c.setShowDebugPage(false);
    QCOMPARE(ws.page(), QStringLiteral("settings"));

    // With --debug it stays reachable whatever the setting.
    c.setDebugForced(true);
    ws.setPage("debug");
    QCOMPARE(ws.page(), QStringLiteral("debug"));
}

QTEST_GUILESS_MAIN(TestSettingsController)
#include "tst_settingscontroller.moc"
