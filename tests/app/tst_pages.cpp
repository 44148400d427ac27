// Every page of the real window, rendered offscreen against a real relay: populated, not
// blank, with its key texts; the banners follow the relay going away and coming back; the
// welcome screen starts the demo.
#include "appcontext.h"
#include "helpers/testsupport.h"
#include "trayicon.h"

#include "connection/connectionmanager.h"
#include "models/diagnosticsmodel.h"
#include "models/feedmodels.h"
#include "models/notificationsmodel.h"
#include "relay/relay.h"
#include "ui/connectionstatus.h"
#include "ui/healthmonitor.h"
#include "ui/workspace.h"

#include <QApplication>
#include <QDir>
#include <QFile>
#include <QQmlApplicationEngine>
#include <QQuickItem>
#include <QQuickWindow>
#include <QRegularExpression>
#include <QSet>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QtQml/qqmlextensionplugin.h>

#include <memory>

Q_IMPORT_QML_PLUGIN(Vigil_ModelsPlugin)
Q_IMPORT_QML_PLUGIN(VigilPlugin)

using vigil::app::AppContext;

namespace {
using vigil::test::kWaitMs;

vigil::RelayConfig demoRelay(quint16 port = 0)
{
    vigil::RelayConfig c;
    c.port = port;
    c.demo = true;
    c.demoSeed = 1;
    return c;
}

// Renders the window now and returns the frame.
QImage render(QQuickWindow *window)
{
    window->update();
    QSignalSpy swapped(window, &QQuickWindow::frameSwapped);
    swapped.wait(2000); // a frame usually comes at once; the grab below renders anyway
    return window->grabWindow();
}

int distinctColours(const QImage &image)
{
    QSet<QRgb> colours;
    for (int y = 0; y < image.height(); y += 4) {
        for (int x = 0; x < image.width(); x += 4)
            colours.insert(image.pixel(x, y));
    }
    return int(colours.size());
}

// Searches the visual tree as well as the object tree: the pages are created by a Repeater
// and Loaders, whose items are children of their visual parents only.
QQuickItem *findItem(QQuickItem *root, const QString &name)
{
    if (!root)
        return nullptr;
    if (root->objectName() == name)
        return root;
    if (auto *found = root->findChild<QQuickItem *>(name))
        return found;
    for (QQuickItem *child : root->childItems()) {
        if (QQuickItem *found = findItem(child, name))
            return found;
    }
    return nullptr;
}

QQuickItem *item(QQuickWindow *window, const QString &name)
{
    if (auto *found = window->findChild<QQuickItem *>(name))
        return found;
    return findItem(window->contentItem(), name);
}

bool shown(QQuickItem *it)
{
    return it && it->isVisible() && it->width() > 0 && it->height() > 0;
}

void click(QQuickWindow *window, QQuickItem *it)
{
    const QPointF centre = it->mapToScene(QPointF(it->width() / 2, it->height() / 2));
    QTest::mouseClick(window, Qt::LeftButton, {}, centre.toPoint());
}
} // namespace

class TestPages : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void welcomeScreenStartsTheDemo();
    void welcomeConnectsToAServerWithAToken();
    void everyPageIsPopulated_data();
    void everyPageIsPopulated();
    void bannersFollowTheRelay();
    void diagnosticsFromTheHealthPage();
    void pageAndGeometrySurviveARestart();

private:
    void startOn(const QUrl &url, bool resize = true);
    QTemporaryDir m_home;
    std::unique_ptr<QTemporaryDir> m_data;
    std::unique_ptr<AppContext> m_context;
};

void TestPages::initTestCase()
{
    // No desktop session: tokens take the file fallback, as on a bare machine, and a
    // developer's own keychain is never touched.
    qunsetenv("DBUS_SESSION_BUS_ADDRESS");
    qunsetenv("DISPLAY");
    // Settings and token files of this run only (before the first QSettings reads the path).
    QVERIFY(m_home.isValid());
    qputenv("XDG_CONFIG_HOME", QFile::encodeName(m_home.filePath("config")));
    qputenv("XDG_DATA_HOME", QFile::encodeName(m_home.filePath("data")));
    qputenv("XDG_DOCUMENTS_DIR", QFile::encodeName(m_home.filePath("documents")));
}

void TestPages::init()
{
    m_context.reset();
    QSettings().clear(); // every case starts as a first run
    m_data = std::make_unique<QTemporaryDir>();
}

void TestPages::startOn(const QUrl &url, bool resize)
{
    vigil::app::AppOptions options;
    if (!url.isEmpty())
        options.urls = {url};
    options.dataDir = m_data->path();
    m_context = std::make_unique<AppContext>(options);
    QString error;
    QVERIFY2(m_context->start(&error), qPrintable(error));
    QVERIFY(m_context->window());
    if (resize)
        m_context->window()->resize(1280, 860);
}

void TestPages::welcomeScreenStartsTheDemo()
{
    startOn({});
    QQuickWindow *window = m_context->window();
    QTRY_VERIFY_WITH_TIMEOUT(window->isExposed(), kWaitMs);
    QVERIFY(m_context->workspace()->welcomeNeeded());
    QVERIFY(shown(item(window, "welcomePage")));
    QVERIFY(!shown(item(window, "sidebar")));
    QQuickItem *demo = item(window, "tryDemoButton");
    QVERIFY(shown(demo));
    QVERIFY(shown(item(window, "connectServerButton")));
    const QImage welcome = render(window);
    QVERIFY(distinctColours(welcome) > 10);
    welcome.save(QDir::current().filePath("page-welcome.png"));

    click(window, demo);
    QTRY_VERIFY_WITH_TIMEOUT(!m_context->workspace()->welcomeNeeded(), kWaitMs);
    QVERIFY(m_context->workspace()->demo());
    QTRY_VERIFY_WITH_TIMEOUT(m_context->status()->connected(), kWaitMs);
    QTRY_VERIFY_WITH_TIMEOUT(shown(item(window, "sidebar")), kWaitMs);
    QVERIFY(!shown(item(window, "welcomePage")));
    // The choice is remembered: the next start goes straight to the demo.
    QCOMPARE(QSettings().value("ui/lastProfile").toString(), QStringLiteral("demo"));
}

void TestPages::welcomeConnectsToAServerWithAToken()
{
    QTemporaryDir tokensDir;
    QFile tokens(tokensDir.filePath("tokens.json"));
    QVERIFY(tokens.open(QIODevice::WriteOnly));
    tokens.write(R"({"tokens":[{"token":"op-token-1","user":"op","read":["*"],"write":["*"]}]})");
    tokens.close();
    vigil::RelayConfig rc = demoRelay();
    rc.tokensFile = tokens.fileName();
    vigil::Relay relay(rc);
    QString error;
    QVERIFY2(relay.start(&error), qPrintable(error));

    startOn({});
    QQuickWindow *window = m_context->window();
    QTRY_VERIFY_WITH_TIMEOUT(window->isExposed(), kWaitMs);
    click(window, item(window, "connectServerButton"));
    // The welcome screen's editor is the first one in the window.
    QQuickItem *name = item(window, "profileNameField");
    QTRY_VERIFY_WITH_TIMEOUT(shown(name), kWaitMs);
    name->setProperty("text", "lab");
    item(window, "profileUrlsField")->setProperty("text", "ftp://wrong");
    QQuickItem *problem = item(window, "profileProblem");
    QTRY_VERIFY_WITH_TIMEOUT(shown(problem), kWaitMs);
    QVERIFY(problem->property("text").toString().startsWith("Address 1: "));
    QQuickItem *save = item(window, "saveProfileButton");
    QVERIFY(!save->property("enabled").toBool());

    item(window, "profileUrlsField")->setProperty("text", relay.url().toString());
    item(window, "profileTokenField")->setProperty("text", "op-token-1");
    QTRY_VERIFY_WITH_TIMEOUT(!shown(problem), kWaitMs);
    QTRY_VERIFY_WITH_TIMEOUT(save->property("enabled").toBool(), kWaitMs);
    // Without a keychain service the token goes to a private file, and the page says so.
    QTRY_VERIFY_WITH_TIMEOUT(shown(item(window, "tokenStorageWarning")), kWaitMs);
    click(window, save);
    QTRY_VERIFY_WITH_TIMEOUT(!m_context->workspace()->welcomeNeeded(), kWaitMs);
    QCOMPARE(m_context->workspace()->profile(), QStringLiteral("lab"));
    QTRY_VERIFY_WITH_TIMEOUT(m_context->status()->connected(), kWaitMs);
    QTRY_VERIFY_WITH_TIMEOUT(m_context->incidents()->count() > 0, kWaitMs);
    QVERIFY(!QSettings().allKeys().join(' ').contains("op-token-1"));
    for (const QString &key : QSettings().allKeys())
        QVERIFY(!QSettings().value(key).toString().contains("op-token-1"));

    // The next start reads the token back from the store and connects again.
    m_context.reset();
    startOn({});
    QTRY_VERIFY_WITH_TIMEOUT(m_context->status()->connected(), kWaitMs);
    QCOMPARE(m_context->workspace()->profile(), QStringLiteral("lab"));
}

void TestPages::everyPageIsPopulated_data()
{
    QTest::addColumn<QString>("page");
    QTest::addColumn<QStringList>("items"); // objectNames that must be visible
    QTest::addColumn<QString>("list");      // a ListView that must have rows ("" for none)
    QTest::newRow("dashboard") << "dashboard"
                               << QStringList{"dashboardPage", "tileOpenIncidents", "tileAgents",
                                              "tileUnread",    "tileQueued",        "tileLatency"}
                               << "recentIncidents";
    QTest::newRow("incidents") << "incidents" << QStringList{"incidentsPage"}
                               << "incidentsPageList";
    QTest::newRow("agents") << "agents" << QStringList{"agentsPage"} << "agentsPageList";
    QTest::newRow("chat") << "chat" << QStringList{"chatPage"} << "chatPageList";
    QTest::newRow("activity") << "activity" << QStringList{"activityPage"} << "activityPageList";
    QTest::newRow("logs") << "logs" << QStringList{"logsPage"} << "logsPageList";
    QTest::newRow("health") << "health"
                            << QStringList{"healthPage",          "rttChart",   "throughputChart",
                                           "queueChart",          "figRttLast", "healthGrade",
                                           "exportTimelineButton"}
                            << "timelineList";
    QTest::newRow("notifications")
        << "notifications" << QStringList{"notificationsPage", "markAllReadButton"}
        << "notificationsPageList";
    QTest::newRow("settings") << "settings"
                              << QStringList{"settingsPage", "profileSelector", "heartbeatField",
                                             "saveConnectionButton"}
                              << "";
}

void TestPages::everyPageIsPopulated()
{
    QFETCH(QString, page);
    QFETCH(QStringList, items);
    QFETCH(QString, list);
    vigil::Relay relay(demoRelay());
    QString error;
    QVERIFY(relay.start(&error));
    startOn(relay.url());
    QQuickWindow *window = m_context->window();
    QTRY_VERIFY_WITH_TIMEOUT(m_context->status()->connected(), kWaitMs);
    QTRY_VERIFY_WITH_TIMEOUT(m_context->incidents()->count() > 0, kWaitMs);
    QTRY_VERIFY_WITH_TIMEOUT(m_context->notifications()->rowCount() > 0, kWaitMs);
    QTRY_VERIFY_WITH_TIMEOUT(m_context->health()->points("rtt").size() >= 2, kWaitMs);

    m_context->workspace()->setPage(page);
    for (const QString &name : items)
        QTRY_VERIFY2_WITH_TIMEOUT(shown(item(window, name)), qPrintable(name), kWaitMs);
    if (!list.isEmpty()) {
        QQuickItem *view = item(window, list);
        QVERIFY2(shown(view), qPrintable(list));
        QTRY_VERIFY2_WITH_TIMEOUT(view->property("count").toInt() > 0, qPrintable(list), kWaitMs);
    }
    // The page shows live figures, not placeholders.
    if (page == u"dashboard") {
        QTRY_VERIFY_WITH_TIMEOUT(
            item(window, "tileAgentsValue")->property("text").toString().contains('/'), kWaitMs);
        QVERIFY(!item(window, "tileAgentsValue")->property("text").toString().startsWith("0/"));
    } else if (page == u"health") {
        QTRY_VERIFY_WITH_TIMEOUT(
            item(window, "figRttLastValue")->property("text").toString().endsWith("ms"), kWaitMs);
        // The charts move: a later sample adds a point at a later time.
        const auto before = m_context->health()->points("in");
        QTRY_VERIFY_WITH_TIMEOUT(
            m_context->health()->points("in").constLast().x() > before.constLast().x(), kWaitMs);
    }
    const QImage image = render(window);
    QVERIFY(!image.isNull());
    QVERIFY2(distinctColours(image) > 20, qPrintable(QString::number(distinctColours(image))));
    image.save(QDir::current().filePath(QStringLiteral("page-%1.png").arg(page)));
}

void TestPages::bannersFollowTheRelay()
{
    // The relay keeps its history on disk, as a production relay does, so the restart below
    // can replay what the window missed and no "missed messages" banner is due.
    QTemporaryDir relayData;
    vigil::RelayConfig config = demoRelay();
    config.dataDir = relayData.path();
    auto relay = std::make_unique<vigil::Relay>(config);
    QString error;
    QVERIFY(relay->start(&error));
    const quint16 port = relay->port();
    startOn(relay->url());
    QQuickWindow *window = m_context->window();
    QTRY_VERIFY_WITH_TIMEOUT(m_context->status()->connected(), kWaitMs);
    QQuickItem *banner = item(window, "statusBanner");
    QVERIFY(banner);
    QVERIFY(!banner->isVisible());

    relay.reset(); // stop the relay: the window says so
    QTRY_VERIFY_WITH_TIMEOUT(banner->isVisible(), kWaitMs);
    const QString text = item(window, "statusBannerText")->property("text").toString();
    QVERIFY2(text.startsWith("Reconnecting in") || text.startsWith("Offline"), qPrintable(text));
    QTRY_COMPARE_WITH_TIMEOUT(m_context->tray()->tone(), vigil::Tone::Warning, kWaitMs);
    // The header agrees: unreachable since when, the same countdown as the banner, red, no
    // grade and no round trip, and never an HTTP transport while nothing answers.
    QTRY_COMPARE_WITH_TIMEOUT(m_context->status()->state(), QStringLiteral("reconnecting"),
                              kWaitMs);
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            const QString header = item(window, "stateLabel")->property("text").toString();
            const QString bannerText =
                item(window, "statusBannerText")->property("text").toString();
            const auto seconds = [](const QString &t) {
                const auto m = QRegularExpression(R"(in (\d+) s)").match(t);
                return m.hasMatch() ? m.captured(1) : QString();
            };
            return header.contains(QRegularExpression(
                       R"(^Server unreachable since \d\d:\d\d:\d\d - retrying in \d+ s$)")) &&
                   !seconds(header).isEmpty() && seconds(header) == seconds(bannerText);
        }(),
        kWaitMs);
    QVERIFY(!item(window, "qualityLabel")->isVisible());
    QVERIFY(!item(window, "rttLabel")->isVisible());
    QCOMPARE(item(window, "transportLabel")->property("text").toString(),
             QStringLiteral("websocket"));
    QCOMPARE(m_context->status()->toneValue(), vigil::Tone::Danger);
    render(window).save(QDir::current().filePath("page-offline-banner.png"));

    config.port = port;
    relay = std::make_unique<vigil::Relay>(config); // back: the banner goes
    QVERIFY(relay->start(&error));
    QTRY_VERIFY_WITH_TIMEOUT(m_context->status()->connected(), kWaitMs);
    QTRY_VERIFY_WITH_TIMEOUT(!banner->isVisible(), kWaitMs);
    QCOMPARE(m_context->tray()->tone(), vigil::Tone::Ok);
}

void TestPages::diagnosticsFromTheHealthPage()
{
    vigil::Relay relay(demoRelay());
    QString error;
    QVERIFY(relay.start(&error));
    startOn(relay.url());
    QQuickWindow *window = m_context->window();
    QTRY_VERIFY_WITH_TIMEOUT(m_context->status()->connected(), kWaitMs);
    m_context->workspace()->setPage("health");
    QQuickItem *button = item(window, "diagnoseButton");
    QTRY_VERIFY_WITH_TIMEOUT(shown(button), kWaitMs);
    // The Health page scrolls; the button is reachable by keyboard and by click.
    QMetaObject::invokeMethod(button, "forceActiveFocus");
    QSignalSpy finished(m_context->diagnostics(), &vigil::DiagnosticsModel::finished);
    QTest::keyClick(window, Qt::Key_Space);
    QVERIFY(finished.wait(kWaitMs));
    QCOMPARE(finished.at(0).at(0).toBool(), true);
    QQuickItem *steps = item(window, "diagnosticsSteps");
    QCOMPARE(steps->property("count").toInt(), 8);
    QVERIFY(m_context->diagnostics()->summary().startsWith("All "));
    render(window).save(QDir::current().filePath("page-health-diagnostics.png"));
}

void TestPages::pageAndGeometrySurviveARestart()
{
    vigil::Relay relay(demoRelay());
    QString error;
    QVERIFY(relay.start(&error));
    startOn(relay.url());
    QQuickWindow *window = m_context->window();
    // Keyboard: Ctrl+7 opens the Health page.
    QTRY_VERIFY_WITH_TIMEOUT(window->isExposed(), kWaitMs);
    window->requestActivate();
    QTest::keyClick(window, Qt::Key_7, Qt::ControlModifier);
    QTRY_COMPARE_WITH_TIMEOUT(m_context->workspace()->page(), QStringLiteral("health"), kWaitMs);
    QTest::keyClick(window, Qt::Key_2, Qt::ControlModifier);
    QTRY_COMPARE_WITH_TIMEOUT(m_context->workspace()->page(), QStringLiteral("incidents"), kWaitMs);
    window->setGeometry(40, 50, 1010, 707);
    window->close(); // onClosing saves the geometry
    m_context.reset();

    startOn(QUrl(), false); // no --url: the last profile ("default", from the first start) is used
    window = m_context->window();
    QCOMPARE(m_context->workspace()->page(), QStringLiteral("incidents"));
    QTRY_VERIFY_WITH_TIMEOUT(shown(item(window, "incidentsPage")), kWaitMs);
    QCOMPARE(window->width(), 1010);
    QCOMPARE(window->height(), 707);
    QVERIFY(!m_context->workspace()->welcomeNeeded());
    QTRY_VERIFY_WITH_TIMEOUT(m_context->status()->connected(), kWaitMs);
}

QTEST_MAIN(TestPages)
#include "tst_pages.moc"
