// The session: welcome until a choice is made, the demo started at run time, profiles with
// tokens, switching without mixing two servers' data, and the remembered page and geometry.
#include "connection/connectionoptions.h"
#include "helpers/testsupport.h"
#include "models/feedmodels.h"
#include "models/notificationsmodel.h"
#include "relay/relay.h"
#include "storage/outbox.h"
#include "storage/preferences.h"
#include "ui/workspace.h"

#include <QFile>
#include <QJSEngine>
#include <QSet>
#include <QSettings>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using vigil::ConnectionManager;
using vigil::Workspace;

namespace {
using vigil::test::kWaitMs;
}

class TestWorkspace : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void welcomeUntilTheDemoStarts();
    void onePageListForEverything();
    void demoThatCannotStartSaysWhy();
    void profileConnectsWithItsToken();
    void profileWithoutAddressIsAnError();
    void switchingEmptiesTheFeeds();
    void pageAndGeometryAreRemembered();
    void viewStateIsRemembered();
    void laterTokenReadOfAnOldSwitchIsIgnored();

private:
    Workspace::Parts prefsOnly() const
    {
        Workspace::Parts parts;
        parts.preferences = m_prefs.get();
        return parts;
    }
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<QSettings> m_settings;
    std::unique_ptr<vigil::Preferences> m_prefs;
};

void TestWorkspace::init()
{
    m_prefs.reset();
    m_settings.reset();
    m_dir = std::make_unique<QTemporaryDir>();
    m_settings = std::make_unique<QSettings>(m_dir->filePath("vigil.conf"), QSettings::IniFormat);
    m_prefs = std::make_unique<vigil::Preferences>(m_settings.get());
}

void TestWorkspace::welcomeUntilTheDemoStarts()
{
    vigil::Relay relay{[] {
        vigil::RelayConfig c;
        c.demo = true;
        return c;
    }()};
    vigil::IncidentsModel incidents(nullptr);
    vigil::AgentsModel agents(nullptr);
    Workspace::Parts parts;
    parts.preferences = m_prefs.get();
    parts.feeds = {&incidents, &agents};
    vigil::ConnectionConfig base;
    base.channels = vigil::knownChannels();
    base.replayHistory = true;
    Workspace ws(nullptr, base, parts);
    int starts = 0;
    ws.setDemoStarter([&](QString *error) -> QUrl {
        ++starts;
        return relay.start(error) ? relay.url() : QUrl();
    });
    QVERIFY(ws.welcomeNeeded());
    QCOMPARE(ws.profile(), QString());

    QSignalSpy session(&ws, &Workspace::sessionChanged);
    QVERIFY(ws.startDemo());
    QCOMPARE(session.count(), 1);
    QVERIFY(!ws.welcomeNeeded());
    QVERIFY(ws.demo());
    QCOMPARE(ws.queueProfile(), QStringLiteral("demo"));
    QTRY_COMPARE_WITH_TIMEOUT(ws.manager()->state(), ConnectionManager::State::Connected, kWaitMs);
    QTRY_VERIFY_WITH_TIMEOUT(agents.totalCount() > 0, kWaitMs);
    QTRY_VERIFY_WITH_TIMEOUT(incidents.count() > 0, kWaitMs);
    QCOMPARE(m_prefs->lastProfile(), QStringLiteral("demo"));
    // The demo's heartbeat is quick so its charts move.
    QVERIFY(ws.manager()->config().heartbeatMs <= 2000);

    // A second "Try the demo" reuses the running relay.
    QVERIFY(ws.startDemo());
    QCOMPARE(starts, 1);
}

void TestWorkspace::demoThatCannotStartSaysWhy()
{
    Workspace::Parts parts;
    parts.preferences = m_prefs.get();
    Workspace ws(nullptr, {}, parts);
    QVERIFY(!ws.startDemo());
    QVERIFY(!ws.errorMessage().isEmpty()); // no starter at all
    ws.setDemoStarter([](QString *error) {
        *error = QStringLiteral("port in use");
        return QUrl();
    });
    QSignalSpy errors(&ws, &Workspace::errorMessageChanged);
    QVERIFY(!ws.startDemo());
    QCOMPARE(ws.errorMessage(), QStringLiteral("The demo server could not start: port in use"));
    QVERIFY(ws.welcomeNeeded());
    QCOMPARE(errors.count(), 1);
    ws.dismissError();
    QCOMPARE(ws.errorMessage(), QString());
}

void TestWorkspace::profileConnectsWithItsToken()
{
    QTemporaryDir tokensDir;
    QFile tokens(tokensDir.filePath("tokens.json"));
    QVERIFY(tokens.open(QIODevice::WriteOnly));
    tokens.write(R"({"tokens":[{"token":"s3cret","user":"op","read":["*"],"write":["*"]}]})");
    tokens.close();
    vigil::RelayConfig rc;
    rc.tokensFile = tokens.fileName();
    vigil::Relay relay(rc);
    QString error;
    QVERIFY2(relay.start(&error), qPrintable(error));
    m_prefs->setProfileUrls("prod", {relay.url()});
    QTemporaryDir dataDir;
    vigil::Outbox outbox;
    QVERIFY(outbox.open(dataDir.filePath("outbox.sqlite"), &error));
    Workspace::Parts parts;
    parts.preferences = m_prefs.get();
    parts.outbox = &outbox;
    vigil::ConnectionConfig base;
    base.channels = {"chat"};
    Workspace ws(nullptr, base, parts);
    QString asked;
    ws.setTokenReader([&](const QString &profile, std::function<void(const QString &)> done) {
        asked = profile;
        // Asynchronous, like a keychain job.
        QMetaObject::invokeMethod(
            &ws, [done] { done(QStringLiteral("s3cret")); }, Qt::QueuedConnection);
    });
    QVERIFY(ws.connectProfile("prod"));
    QCOMPARE(asked, QStringLiteral("prod"));
    QTRY_VERIFY_WITH_TIMEOUT(ws.manager() != nullptr, kWaitMs);
    QTRY_COMPARE_WITH_TIMEOUT(ws.manager()->state(), ConnectionManager::State::Connected, kWaitMs);
    QCOMPARE(ws.profile(), QStringLiteral("prod"));
    QVERIFY(ws.drainer() != nullptr);
    QCOMPARE(ws.queueProfile(), vigil::profileKey({relay.url()}));
    QCOMPARE(m_prefs->lastProfile(), QStringLiteral("prod"));
}

void TestWorkspace::profileWithoutAddressIsAnError()
{
    Workspace::Parts parts;
    parts.preferences = m_prefs.get();
    Workspace ws(nullptr, {}, parts);
    QVERIFY(!ws.connectProfile("nowhere"));
    QVERIFY2(ws.errorMessage().contains("\"nowhere\" has no server address"),
             qPrintable(ws.errorMessage()));
    QVERIFY(ws.welcomeNeeded());
}

void TestWorkspace::switchingEmptiesTheFeeds()
{
    vigil::Relay relay{[] {
        vigil::RelayConfig c;
        c.demo = true;
        return c;
    }()};
    QString error;
    QVERIFY(relay.start(&error));
    vigil::AgentsModel agents(nullptr);
    vigil::NotificationsModel notifications(nullptr);
    Workspace::Parts parts;
    parts.preferences = m_prefs.get();
    parts.feeds = {&agents, &notifications};
    vigil::ConnectionConfig base;
    base.channels = vigil::knownChannels();
    base.replayHistory = true;
    Workspace ws(nullptr, base, parts);
    ws.connectTo("first", {relay.url()}, QString());
    QTRY_VERIFY_WITH_TIMEOUT(agents.totalCount() > 0, kWaitMs);

    QSignalSpy managers(&ws, &Workspace::managerChanged);
    QTcpServer silent; // a second "server" that never answers
    QVERIFY(silent.listen(QHostAddress::LocalHost));
    ws.connectTo("second", {QUrl(QStringLiteral("ws://127.0.0.1:%1/ws").arg(silent.serverPort()))},
                 QString());
    QCOMPARE(managers.count(), 1);
    QCOMPARE(agents.rowCount(), 0); // nothing of the first server remains
    QCOMPARE(notifications.rowCount(), 0);
    QCOMPARE(ws.profile(), QStringLiteral("second"));
}

void TestWorkspace::pageAndGeometryAreRemembered()
{
    {
        Workspace ws(nullptr, {}, prefsOnly());
        QCOMPARE(ws.page(), QStringLiteral("dashboard"));
        QSignalSpy page(&ws, &Workspace::pageChanged);
        ws.setPage("health");
        ws.setPage("no-such-page"); // ignored
        QCOMPARE(page.count(), 1);
        ws.saveWindowGeometry(10, 20, 900, 700);
    }
    Workspace again(nullptr, {}, prefsOnly());
    QCOMPARE(again.page(), QStringLiteral("health"));
    QCOMPARE(again.windowGeometry(), QRect(10, 20, 900, 700));
    // A nonsense geometry in the file is ignored.
    m_settings->setValue("ui/geometry", QRect(0, 0, 5, 5));
    QCOMPARE(again.windowGeometry(), QRect());
    m_settings->setValue("ui/page", "garbage");
    QCOMPARE(Workspace(nullptr, {}, prefsOnly()).page(), QStringLiteral("dashboard"));
}

// Column widths and sort orders: kept across runs, also when QML hands over a script array,
// and a missing or unusable value gives the view's own default.
void TestWorkspace::viewStateIsRemembered()
{
    {
        Workspace ws(nullptr, {}, prefsOnly());
        QCOMPARE(ws.viewState("logs/columns", QStringLiteral("none")).toString(),
                 QStringLiteral("none"));
        QJSEngine engine;
        ws.saveViewState("logs/columns", QVariant::fromValue(engine.evaluate("[12, 8, 30]")));
        ws.saveViewState("incidents/sort", QStringLiteral("severity"));
        ws.saveViewState("", QStringLiteral("ignored"));
    }
    m_settings->sync();
    Workspace again(nullptr, {}, prefsOnly());
    QCOMPARE(again.viewState("logs/columns").toList(), (QVariantList{12, 8, 30}));
    QCOMPARE(again.viewState("incidents/sort").toString(), QStringLiteral("severity"));
    QCOMPARE(again.viewState("").toString(), QString());
    // Without preferences (a test window) nothing is kept and the default is used.
    Workspace bare(nullptr, {}, {});
    bare.saveViewState("logs/columns", QStringLiteral("x"));
    QCOMPARE(bare.viewState("logs/columns", 7).toInt(), 7);
}

void TestWorkspace::laterTokenReadOfAnOldSwitchIsIgnored()
{
    m_prefs->setProfileUrls("slow", {QUrl("ws://127.0.0.1:9/ws")});
    Workspace ws(nullptr, {}, prefsOnly());
    std::function<void(const QString &)> pending;
    ws.setTokenReader([&](const QString &, std::function<void(const QString &)> done) {
        pending = std::move(done);
    });
    QVERIFY(ws.connectProfile("slow"));
    QVERIFY(ws.manager() == nullptr); // waiting for the keychain
    QTcpServer silent;
    QVERIFY(silent.listen(QHostAddress::LocalHost));
    ws.connectTo("other", {QUrl(QStringLiteral("ws://127.0.0.1:%1/ws").arg(silent.serverPort()))},
                 QString());
    pending(QStringLiteral("late")); // the keychain answers after the operator moved on
    QCOMPARE(ws.profile(), QStringLiteral("other"));
}

void TestWorkspace::onePageListForEverything()
{
    // The sidebar, the shortcuts, the page stack and --page all read this one list.
    Workspace ws(nullptr, {}, {});
    const QVariantList pages = ws.pages();
    QStringList keys;
    QSet<QString> shortcuts;
    QStringList withUnreadBadge;
    for (const QVariant &page : pages) {
        const QVariantMap entry = page.toMap();
        keys.append(entry.value("key").toString());
        if (entry.value("unreadBadge").toBool())
            withUnreadBadge.append(entry.value("key").toString());
        QVERIFY(!entry.value("title").toString().isEmpty());
        QVERIFY(entry.value("component").toString().endsWith("Page"));
        shortcuts.insert(entry.value("shortcut").toString());
    }
    QCOMPARE(keys, Workspace::pageNames());
    QCOMPARE(shortcuts.size(), pages.size()); // no shortcut twice
    QCOMPARE(withUnreadBadge, QStringList{"notifications"});
    QCOMPARE(pages.first().toMap().value("component").toString(), QStringLiteral("DashboardPage"));
    ws.setPage("no-such-page");
    QCOMPARE(ws.page(), QStringLiteral("dashboard"));
}

QTEST_GUILESS_MAIN(TestWorkspace)
#include "tst_workspace.moc"
