// Every page of the real window, rendered offscreen against a real relay: populated, not
// blank, with its key texts; the banners follow the relay going away and coming back; the
// welcome screen starts the demo.
#include "appcontext.h"
#include "appoptions.h"
#include "helpers/testsupport.h"
#include "trayicon.h"

#include "connection/connectionmanager.h"
#include "models/diagnosticsmodel.h"
#include "models/feedmodels.h"
#include "models/loglinesmodel.h"
#include "models/notificationsmodel.h"
#include "relay/relay.h"
#include "ui/connectionstatus.h"
#include "ui/healthmonitor.h"
#include "ui/logfiltersync.h"
#include "ui/workspace.h"

#include <QAccessible>
#include <QApplication>
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
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

#include <functional>
#include <memory>

Q_IMPORT_QML_PLUGIN(Vigil_ModelsPlugin)
Q_IMPORT_QML_PLUGIN(VigilPlugin)
Q_IMPORT_QML_PLUGIN(VigilStylePlugin)

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
    void chatMessageGoesPendingSentDeliveredRead();
    void chatMessageWrittenOfflineSurvivesARestart();
    void pageAndGeometrySurviveARestart();
    void alertsPageAcknowledgesAnAlert();
    void debugPageWithTheDebugOption();
    void demoLogRateFloodsTheLogsPage();
    void debugPageHiddenUntilTheSetting();
    void createAndAcknowledgeAnIncident();
    void queueViewFromTheHeader();
    void headerMenuShortcutsAboutAndQuit();
    void everyControlIsNamedForScreenReaders();
    void settingsChooseTheTransport();
    void agentDetailBesideOrUnderTheList_data();
    void agentDetailBesideOrUnderTheList();

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
    // The keyboard left the welcome screen with it: Space does not press the hidden "Try
    // the demo" again (it restarted the session), and the page list has the focus.
    QQuickItem *welcomePage = item(window, "welcomePage");
    QTRY_VERIFY_WITH_TIMEOUT(window->activeFocusItem() &&
                                 !welcomePage->isAncestorOf(window->activeFocusItem()),
                             kWaitMs);
    QVERIFY(item(window, "sidebar")->isAncestorOf(window->activeFocusItem()));
    QSignalSpy sessions(m_context->workspace(), &vigil::Workspace::sessionChanged);
    QTest::keyClick(window, Qt::Key_Space);
    QTest::keyClick(window, Qt::Key_Return);
    QCoreApplication::processEvents();
    QCOMPARE(sessions.size(), 0);
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
    // The welcome screen's editor is the first one in the window. A first run: the form says
    // nothing about what is missing until something is typed.
    QQuickItem *name = item(window, "profileNameField");
    QTRY_VERIFY_WITH_TIMEOUT(shown(name), kWaitMs);
    QQuickItem *problem = item(window, "profileUrlsProblem");
    QVERIFY(problem);
    QVERIFY(!shown(problem));
    QVERIFY(!shown(item(window, "profileNameProblem")));
    QCOMPARE(item(window, "profileTokenLabel")->property("text").toString(),
             QStringLiteral("Token (optional)"));
    name->setProperty("text", "lab");
    item(window, "profileUrlsField")->setProperty("text", "ftp://wrong");
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
    QTest::newRow("logs") << "logs"
                          << QStringList{"logsPage",        "logHeader",         "logLevelFilter",
                                         "logSourceFilter", "logFilterOnServer", "logSearchField",
                                         "logPauseButton",  "logExportButton",   "logStatusLine"}
                          << "logsPageList";
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
    } else if (page == u"logs") {
        // The demo's lines, one dense row each, the newest in sight; the status line counts them.
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                QQuickItem *message = item(window, "logMessage");
                return message && !message->property("text").toString().isEmpty();
            }(),
            kWaitMs);
        QTRY_VERIFY_WITH_TIMEOUT(item(window, "logsPageList")->property("atYEnd").toBool(),
                                 kWaitMs);
        const QString stored = item(window, "logStored")->property("text").toString();
        QVERIFY2(QRegularExpression(R"(^[1-9][\d,.\s]* of [\d,.\s]+ lines stored$)")
                     .match(stored)
                     .hasMatch(),
                 qPrintable(stored));
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
    QCOMPARE(item(window, "qualityLabel")->property("text").toString(), QString());
    QCOMPARE(item(window, "rttLabel")->property("text").toString(), QString());
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
    // Every step shows whole: the panel is as tall as its rows, with nothing to scroll.
    render(window);
    QVERIFY2(steps->height() >= steps->property("contentHeight").toReal(),
             qPrintable(QStringLiteral("%1 < %2")
                            .arg(steps->height())
                            .arg(steps->property("contentHeight").toReal())));
    QVERIFY2(m_context->diagnostics()->summary().endsWith(" checks passed, 1 skipped"),
             qPrintable(m_context->diagnostics()->summary()));
    render(window).save(QDir::current().filePath("page-health-diagnostics.png"));
}

void TestPages::chatMessageGoesPendingSentDeliveredRead()
{
    // The relay keeps its history on disk, so its restart resumes the same conversation.
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
    m_context->workspace()->setPage("chat");
    // The conversation with the newest activity opens by itself.
    QQuickItem *view = item(window, "chatPageList");
    QTRY_VERIFY_WITH_TIMEOUT(shown(view) && view->property("count").toInt() > 0, kWaitMs);
    auto *messages = qobject_cast<QAbstractItemModel *>(view->property("model").value<QObject *>());
    QVERIFY(messages);
    // What it shows is read: its unread count is gone (others' messages were in it).
    const QString open = item(window, "chatConversationTitle")->property("text").toString();
    QQuickItem *unread = item(window, "unreadCount_" + open);
    QVERIFY2(unread, qPrintable(open));
    QTRY_VERIFY_WITH_TIMEOUT(!unread->isVisible(), kWaitMs);

    // Offline: the message is kept in the outbox and shown at once, pending, at the bottom.
    relay.reset();
    QTRY_VERIFY_WITH_TIMEOUT(!m_context->status()->connected(), kWaitMs);
    QQuickItem *field = item(window, "composerField");
    QVERIFY(shown(field));
    window->requestActivate();
    QMetaObject::invokeMethod(field, "forceActiveFocus");
    QTRY_VERIFY_WITH_TIMEOUT(field->hasActiveFocus(), kWaitMs);
    const auto type = [window](const char *text) {
        for (const char *c = text; *c; ++c)
            QTest::keyClick(window, *c);
    };
    type("taking the checkout incident");
    QTest::keyClick(window, Qt::Key_Return, Qt::ShiftModifier); // a new line, not sent
    type("back in 10 min");
    QTest::keyClick(window, Qt::Key_Return);
    QTRY_COMPARE_WITH_TIMEOUT(field->property("text").toString(), QString(), kWaitMs);

    using vigil::ChatModel;
    const auto last = [messages] { return messages->index(messages->rowCount() - 1, 0); };
    QTRY_COMPARE_WITH_TIMEOUT(last().data(ChatModel::ContentRole).toString(),
                              QStringLiteral("taking the checkout incident\nback in 10 min"),
                              kWaitMs);
    const QString id = last().data(ChatModel::IdRole).toString();
    QCOMPARE(last().data(ChatModel::DeliveryRole).toString(), QStringLiteral("pending"));
    QCOMPARE(last().data(ChatModel::OwnRole).toBool(), true);
    // Every state the view shows for it, in order.
    QStringList states{"pending"};
    int rows = 1;
    const auto note = [&] {
        rows = 0;
        for (int row = 0; row < messages->rowCount(); ++row) {
            const QModelIndex index = messages->index(row, 0);
            if (index.data(ChatModel::IdRole).toString() != id)
                continue;
            ++rows;
            const QString state = index.data(ChatModel::DeliveryRole).toString();
            if (states.constLast() != state)
                states.append(state);
        }
    };
    connect(messages, &QAbstractItemModel::dataChanged, this, note);
    connect(messages, &QAbstractItemModel::layoutChanged, this, note);
    connect(messages, &QAbstractItemModel::rowsInserted, this, note);
    render(window).save(QDir::current().filePath("page-chat-pending.png"));

    // Back online: the demo's colleague receives it, then reads it.
    config.port = port;
    relay = std::make_unique<vigil::Relay>(config);
    QVERIFY(relay->start(&error));
    QTRY_COMPARE_WITH_TIMEOUT(states.constLast(), QStringLiteral("read"), kWaitMs);
    QCOMPARE(states, (QStringList{"pending", "sent", "delivered", "read"}));
    QCOMPARE(rows, 1); // its fan-out updated the row, never added one
    render(window).save(QDir::current().filePath("page-chat-read.png"));
}

void TestPages::chatMessageWrittenOfflineSurvivesARestart()
{
    QTemporaryDir relayData;
    vigil::RelayConfig config = demoRelay();
    config.dataDir = relayData.path();
    auto relay = std::make_unique<vigil::Relay>(config);
    QString error;
    QVERIFY(relay->start(&error));
    const quint16 port = relay->port();
    const QUrl url = relay->url();
    startOn(url);
    QQuickWindow *window = m_context->window();
    QTRY_VERIFY_WITH_TIMEOUT(m_context->status()->connected(), kWaitMs);
    m_context->workspace()->setPage("chat");
    QTRY_VERIFY_WITH_TIMEOUT(item(window, "chatPageList")->property("count").toInt() > 0, kWaitMs);

    // Offline: written, then Vigil quits before the server is back.
    relay.reset();
    QTRY_VERIFY_WITH_TIMEOUT(!m_context->status()->connected(), kWaitMs);
    QQuickItem *field = item(window, "composerField");
    window->requestActivate();
    QMetaObject::invokeMethod(field, "forceActiveFocus");
    QTRY_VERIFY_WITH_TIMEOUT(field->hasActiveFocus(), kWaitMs);
    for (const char *c = "written offline"; *c; ++c)
        QTest::keyClick(window, *c);
    QTest::keyClick(window, Qt::Key_Return);
    QTRY_COMPARE_WITH_TIMEOUT(field->property("text").toString(), QString(), kWaitMs);
    m_context.reset();

    // Started again, still offline: the message is there, pending, in its conversation.
    startOn(url);
    window = m_context->window();
    QCOMPARE(m_context->workspace()->page(), QStringLiteral("chat"));
    QQuickItem *view = item(window, "chatPageList");
    QTRY_VERIFY_WITH_TIMEOUT(view->property("count").toInt() == 1, kWaitMs);
    auto *messages = qobject_cast<QAbstractItemModel *>(view->property("model").value<QObject *>());
    QVERIFY(messages);
    using vigil::ChatModel;
    const QModelIndex row = messages->index(0, 0);
    QCOMPARE(row.data(ChatModel::ContentRole).toString(), QStringLiteral("written offline"));
    QCOMPARE(row.data(ChatModel::DeliveryRole).toString(), QStringLiteral("pending"));
    const QString id = row.data(ChatModel::IdRole).toString();

    // The server is back: it goes out once, and the colleague reads it.
    config.port = port;
    relay = std::make_unique<vigil::Relay>(config);
    QVERIFY(relay->start(&error));
    const auto state = [messages, &id] {
        int rows = 0;
        QString delivery;
        for (int r = 0; r < messages->rowCount(); ++r) {
            const QModelIndex index = messages->index(r, 0);
            if (index.data(ChatModel::IdRole).toString() == id) {
                ++rows;
                delivery = index.data(ChatModel::DeliveryRole).toString();
            }
        }
        return rows == 1 ? delivery : QStringLiteral("%1 rows").arg(rows);
    };
    QTRY_COMPARE_WITH_TIMEOUT(state(), QStringLiteral("read"), kWaitMs);
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

void TestPages::createAndAcknowledgeAnIncident()
{
    // The operator creates an incident and acknowledges it, through the window and the
    // keyboard, against the demo relay. (The demo's own story never touches an incident an
    // operator created, so nothing else changes it meanwhile.)
    vigil::Relay relay(demoRelay());
    QString error;
    QVERIFY(relay.start(&error));
    startOn(relay.url());
    QQuickWindow *window = m_context->window();
    QTRY_VERIFY_WITH_TIMEOUT(m_context->status()->connected(), kWaitMs);
    m_context->workspace()->setPage("incidents");
    window->requestActivate();
    QTRY_VERIFY_WITH_TIMEOUT(window->isActive(), kWaitMs);
    QQuickItem *list = item(window, "incidentsPageList");
    QTRY_VERIFY_WITH_TIMEOUT(shown(list), kWaitMs);

    // New incident: the dialog checks the title, Create queues it, the server confirms it.
    click(window, item(window, "newIncidentButton"));
    QQuickItem *title = item(window, "incidentTitleField");
    QTRY_VERIFY_WITH_TIMEOUT(shown(title) && title->hasActiveFocus(), kWaitMs);
    QVERIFY(!item(window, "createIncidentButton")->property("enabled").toBool());
    const auto type = [window](const char *text) {
        for (const char *c = text; *c; ++c)
            QTest::keyClick(window, *c);
    };
    type("Printer on fire in room 4");
    QTRY_VERIFY_WITH_TIMEOUT(item(window, "createIncidentButton")->property("enabled").toBool(),
                             kWaitMs);
    click(window, item(window, "createIncidentButton"));
    const auto created = [this]() -> QString {
        for (const vigil::Incident &row : m_context->incidents()->rows().all()) {
            if (row.title == u"Printer on fire in room 4")
                return row.id;
        }
        return {};
    };
    QTRY_VERIFY_WITH_TIMEOUT(!created().isEmpty(), kWaitMs);
    const QString id = created();
    QTRY_VERIFY_WITH_TIMEOUT(!shown(item(window, "creatingIncidents")), kWaitMs);

    // Ctrl+F, its title, Enter: the list shows it alone; Enter opens it.
    QTest::keyClick(window, Qt::Key_F, Qt::ControlModifier);
    QQuickItem *search = item(window, "incidentsPageSearch");
    QTRY_VERIFY_WITH_TIMEOUT(search->hasActiveFocus(), kWaitMs);
    type("printer on fire");
    QTRY_COMPARE_WITH_TIMEOUT(list->property("count").toInt(), 1, kWaitMs);
    QTest::keyClick(window, Qt::Key_Return); // to the list
    QTRY_VERIFY_WITH_TIMEOUT(list->hasActiveFocus(), kWaitMs);
    render(window); // the list lays out the filtered rows (as the next frame does)
    QTest::keyClick(window, Qt::Key_Down);
    QTest::keyClick(window, Qt::Key_Return); // opens the detail
    QQuickItem *detail = item(window, "incidentDetail");
    QTRY_VERIFY_WITH_TIMEOUT(shown(detail), kWaitMs);
    QTRY_COMPARE_WITH_TIMEOUT(item(window, "detailId")->property("text").toString(), id, kWaitMs);
    QCOMPARE(item(window, "detailStatus")->property("text").toString(), QStringLiteral("new"));

    // Acknowledge: pending at once, then confirmed by the server's update.
    QQuickItem *acknowledge = item(window, "acknowledgeButton");
    QVERIFY(acknowledge->property("enabled").toBool());
    click(window, acknowledge);
    QQuickItem *state = findItem(item(window, "detailAction"), "actionState");
    QVERIFY(state);
    QTRY_COMPARE_WITH_TIMEOUT(state->property("text").toString(),
                              QStringLiteral("Acknowledge: Confirmed"), kWaitMs);
    QTRY_COMPARE_WITH_TIMEOUT(item(window, "detailStatus")->property("text").toString(),
                              QStringLiteral("acknowledged"), kWaitMs);
    QCOMPARE(m_context->incidents()->rows().find(id)->status, QStringLiteral("acknowledged"));
    // The timeline has the confirming update on top.
    QQuickItem *timeline = item(window, "incidentTimeline");
    QTRY_COMPARE_WITH_TIMEOUT(timeline->property("count").toInt(), 2, kWaitMs);
    render(window).save(QDir::current().filePath("page-incidents-detail.png"));

    // Escape clears the search and the whole list is back.
    QMetaObject::invokeMethod(search, "forceActiveFocus");
    QTest::keyClick(window, Qt::Key_Escape);
    QTRY_COMPARE_WITH_TIMEOUT(search->property("text").toString(), QString(), kWaitMs);
    QTRY_VERIFY_WITH_TIMEOUT(list->property("count").toInt() > 1, kWaitMs);
    // Back in the list, Escape closes the detail.
    QTRY_VERIFY_WITH_TIMEOUT(list->hasActiveFocus(), kWaitMs);
    QTest::keyClick(window, Qt::Key_Escape);
    QTRY_VERIFY_WITH_TIMEOUT(!shown(detail), kWaitMs);
}

void TestPages::queueViewFromTheHeader()
{
    // Offline, an action waits in the outbox: the header's count opens the Queue view, which
    // lists it with Discard; discarded, it is gone from the outbox.
    vigil::Relay relay(demoRelay());
    QString error;
    QVERIFY(relay.start(&error));
    startOn(relay.url());
    QQuickWindow *window = m_context->window();
    QTRY_VERIFY_WITH_TIMEOUT(m_context->status()->connected(), kWaitMs);
    QTRY_VERIFY_WITH_TIMEOUT(m_context->incidents()->openCount() > 0, kWaitMs);
    relay.stop();
    QTRY_VERIFY_WITH_TIMEOUT(!m_context->status()->connected(), kWaitMs);

    // An open incident, opened with a double click: resolve it.
    m_context->workspace()->setPage("incidents");
    QQuickItem *list = item(window, "incidentsPageList");
    QTRY_VERIFY_WITH_TIMEOUT(shown(list) && list->property("count").toInt() > 0, kWaitMs);
    click(window, item(window, "incidentOpenFilter"));
    QTRY_COMPARE_WITH_TIMEOUT(list->property("count").toInt(), m_context->incidents()->openCount(),
                              kWaitMs);
    render(window); // the list lays out the filtered rows (as the next frame does)
    QTest::mouseDClick(window, Qt::LeftButton, {},
                       list->mapToScene(QPointF(list->width() / 2, 10)).toPoint());
    QQuickItem *resolve = item(window, "resolveButton");
    QTRY_VERIFY_WITH_TIMEOUT(shown(resolve) && resolve->property("enabled").toBool(), kWaitMs);
    click(window, resolve);
    QQuickItem *indicator = item(window, "queueIndicator");
    QTRY_VERIFY_WITH_TIMEOUT(shown(indicator), kWaitMs);
    QCOMPARE(indicator->property("text").toString(), QStringLiteral("1 queued"));

    click(window, indicator);
    QTRY_COMPARE_WITH_TIMEOUT(m_context->workspace()->page(), QStringLiteral("queue"), kWaitMs);
    QQuickItem *queue = item(window, "queuePageList");
    QTRY_VERIFY_WITH_TIMEOUT(shown(queue) && queue->property("count").toInt() == 1, kWaitMs);
    QTRY_COMPARE_WITH_TIMEOUT(item(window, "queueDepthValue")->property("text").toString(),
                              QStringLiteral("1"), kWaitMs);
    render(window).save(QDir::current().filePath("page-queue.png"));
    // The row's Discard button (named after its action).
    std::function<QQuickItem *(QQuickItem *)> discardIn = [&](QQuickItem *parent) -> QQuickItem * {
        for (QQuickItem *child : parent->childItems()) {
            if (child->objectName().startsWith(u"queueDiscard_") && shown(child))
                return child;
            if (QQuickItem *found = discardIn(child))
                return found;
        }
        return nullptr;
    };
    QQuickItem *discard = nullptr;
    QTRY_VERIFY_WITH_TIMEOUT((discard = discardIn(queue)) != nullptr, kWaitMs);
    click(window, discard);
    QTRY_COMPARE_WITH_TIMEOUT(queue->property("count").toInt(), 0, kWaitMs);
    QTRY_VERIFY_WITH_TIMEOUT(!indicator->isVisible(), kWaitMs);
}

// The header's menu holds the less used choices and the application's commands; F1 lists
// the shortcuts; About names the version and where the data lives; Ctrl+Q quits.
void TestPages::headerMenuShortcutsAboutAndQuit()
{
    QSettings().setValue("ui/lastProfile", "demo");
    startOn({});
    QQuickWindow *window = m_context->window();
    QTRY_VERIFY_WITH_TIMEOUT(m_context->status()->connected(), kWaitMs);
    QTRY_VERIFY_WITH_TIMEOUT(window->isExposed(), kWaitMs);
    // The title names what is shown; the desktop adds "Vigil" (it read "Vigil - demo — Vigil").
    QCOMPARE(window->title(), QStringLiteral("Demo"));
    // Nothing of the old header is left: no transport box, no theme button.
    QQuickItem *header = item(window, "header");
    QVERIFY(header);
    QVERIFY(!findItem(header, "transportSelector"));
    QVERIFY(!findItem(header, "themeButton"));
    QQuickItem *menuButton = item(window, "appMenuButton");
    QVERIFY(shown(menuButton));
    QCOMPARE(menuButton->property("text").toString(), QStringLiteral("Menu"));

    // Alt+M opens the menu; Theme > Dark switches the window to dark.
    QTest::keyClick(window, Qt::Key_M, Qt::AltModifier);
    QObject *menu = window->findChild<QObject *>("appMenu");
    QVERIFY(menu);
    QTRY_VERIFY_WITH_TIMEOUT(menu->property("opened").toBool(), kWaitMs);
    QObject *dark = window->findChild<QObject *>("menuTheme_dark");
    if (!dark)
        dark = item(window, "menuTheme_dark");
    QVERIFY(dark);
    QMetaObject::invokeMethod(dark, "triggered");
    QTRY_COMPARE_WITH_TIMEOUT(QSettings().value("ui/theme").toString(), QStringLiteral("dark"),
                              kWaitMs);
    const QColor windowColour = window->color();
    QVERIFY2(windowColour.lightness() < 64, qPrintable(windowColour.name()));
    QTest::keyClick(window, Qt::Key_Escape);
    QTRY_VERIFY_WITH_TIMEOUT(!menu->property("opened").toBool(), kWaitMs);

    // F1: the shortcuts overlay lists the pages' shortcuts; Escape closes it.
    QTest::keyClick(window, Qt::Key_F1);
    QObject *overlay = window->findChild<QObject *>("shortcutsOverlay");
    QVERIFY(overlay);
    QTRY_VERIFY_WITH_TIMEOUT(overlay->property("opened").toBool(), kWaitMs);
    QTest::keyClick(window, Qt::Key_Escape);
    QTRY_VERIFY_WITH_TIMEOUT(!overlay->property("opened").toBool(), kWaitMs);

    // About (from the menu): version and the data folder this window really uses.
    QTest::keyClick(window, Qt::Key_M, Qt::AltModifier);
    QTRY_VERIFY_WITH_TIMEOUT(menu->property("opened").toBool(), kWaitMs);
    QObject *aboutEntry = window->findChild<QObject *>("menuAbout");
    if (!aboutEntry)
        aboutEntry = item(window, "menuAbout");
    QVERIFY(aboutEntry);
    QMetaObject::invokeMethod(aboutEntry, "triggered");
    QObject *about = window->findChild<QObject *>("aboutDialog");
    QVERIFY(about);
    QTRY_VERIFY_WITH_TIMEOUT(about->property("opened").toBool(), kWaitMs);
    QTRY_VERIFY_WITH_TIMEOUT(item(window, "aboutDataDir"), kWaitMs);
    QCOMPARE(item(window, "aboutDataDir")->property("text").toString(),
             QDir::toNativeSeparators(m_data->path()));
    QVERIFY(item(window, "aboutVersion")->property("text").toString().contains(VIGIL_VERSION));
    QVERIFY(item(window, "aboutConfigFile")->property("text").toString().endsWith(".conf"));
    QTest::keyClick(window, Qt::Key_Escape);
    QTRY_VERIFY_WITH_TIMEOUT(!about->property("opened").toBool(), kWaitMs);

    // Ctrl+Q closes the window (and with it the application), saving its geometry first.
    QSettings().remove("ui/geometry");
    QTest::keyClick(window, Qt::Key_Q, Qt::ControlModifier);
    QTRY_VERIFY_WITH_TIMEOUT(!window->isVisible(), kWaitMs);
    QVERIFY(QSettings().value("ui/geometry").toRect().isValid());
}

// Orca reads a control by its accessible name: every button, field, box and list of every
// page (the header and sidebar included) has one. A control that shows only an icon, or a
// field without a label of its own, needs Accessible.name.
void TestPages::everyControlIsNamedForScreenReaders()
{
    QSettings().setValue("ui/lastProfile", "demo");
    startOn({});
    QQuickWindow *window = m_context->window();
    QTRY_VERIFY_WITH_TIMEOUT(m_context->status()->connected(), kWaitMs);
    QTRY_VERIFY_WITH_TIMEOUT(m_context->incidents()->count() > 0, kWaitMs);
    const char *interactive[] = {"QQuickAbstractButton", "QQuickComboBox", "QQuickSpinBox",
                                 "QQuickTextInput",      "QQuickTextEdit", "QQuickSlider",
                                 "QQuickListView",       "QQuickTableView"};
    const auto isInteractive = [&](const QQuickItem *it) {
        for (const char *cls : interactive) {
            if (it->inherits(cls))
                return true;
        }
        return false;
    };
    QStringList unnamed;
    std::function<void(QQuickItem *, const QString &)> walk = [&](QQuickItem *it,
                                                                  const QString &page) {
        if (!it->isVisible() || it->opacity() <= 0 || it->width() <= 0 || it->height() <= 0)
            return;
        // The editor inside a control (a spin box's or combo box's field) is named by it, and
        // a tab bar's own list by the tabs.
        const QQuickItem *parent = it->parentItem();
        const bool part = parent && ((parent->inherits("QQuickControl") && isInteractive(parent)) ||
                                     parent->inherits("QQuickContainer"));
        if (isInteractive(it) && !part) {
            const bool readOnlyText =
                (it->inherits("QQuickTextEdit") || it->inherits("QQuickTextInput")) &&
                it->property("readOnly").toBool() && !it->property("activeFocusOnTab").toBool();
            QAccessibleInterface *iface = QAccessible::queryAccessibleInterface(it);
            QString name = iface ? iface->text(QAccessible::Name).trimmed() : QString();
            // No screen reader runs here, so Qt Quick has not filled in its default names yet.
            // Use the same defaults it would: a button's text, a field's placeholder, and the
            // text a combo box shows.
            for (const char *fallback : {"text", "placeholderText", "displayText"}) {
                if (name.isEmpty() && !it->inherits("QQuickTextEdit") &&
                    (it->inherits("QQuickAbstractButton") || it->inherits("QQuickTextInput") ||
                     it->inherits("QQuickComboBox")))
                    name = it->property(fallback).toString().trimmed();
            }
            if (!readOnlyText && name.isEmpty()) {
                unnamed.append(QStringLiteral("%1: %2 '%3'")
                                   .arg(page, QString::fromLatin1(it->metaObject()->className()),
                                        it->objectName()));
            }
        }
        for (QQuickItem *child : it->childItems())
            walk(child, page);
    };
    for (const QVariant &entry : m_context->workspace()->pages()) {
        const QVariantMap page = entry.toMap();
        if (page.value("debugOnly").toBool())
            continue;
        const QString key = page.value("key").toString();
        m_context->workspace()->setPage(key);
        QTRY_VERIFY_WITH_TIMEOUT(shown(item(window, "page_" + key)), kWaitMs);
        render(window);
        walk(window->contentItem(), key);
    }
    unnamed.removeDuplicates();
    QVERIFY2(
        unnamed.isEmpty(),
        qPrintable(QStringLiteral("controls without an accessible name:\n") + unnamed.join(u'\n')));
}

void TestPages::alertsPageAcknowledgesAnAlert()
{
    vigil::Relay relay(demoRelay());
    QString error;
    QVERIFY(relay.start(&error));
    startOn(relay.url());
    QQuickWindow *window = m_context->window();
    QTRY_VERIFY_WITH_TIMEOUT(m_context->status()->connected(), kWaitMs);
    // An alert of its own in the demo: the scenario never clears it under the test's feet.
    const QString id = QStringLiteral("alert-ops-1");
    relay.publish(vigil::Envelope::create("alert.raised", "alerts",
                                          QJsonObject{{"alertId", id},
                                                      {"severity", "critical"},
                                                      {"title", "Checkout error rate above 5%"},
                                                      {"source", "checkout-api"}}));
    QSignalSpy published(&relay, &vigil::Relay::published);

    m_context->workspace()->setPage("alerts");
    QQuickItem *page = item(window, "alertsPage");
    QTRY_VERIFY_WITH_TIMEOUT(shown(page), kWaitMs);
    // On the Alerts page (the dashboard lists the alert too, without actions). A row shows its
    // actions when the pointer is on it or it is selected: select it first.
    QQuickItem *alertRow = nullptr;
    QTRY_VERIFY_WITH_TIMEOUT(shown(alertRow = findItem(page, "alertRow_" + id)), kWaitMs);
    click(window, alertRow);
    QQuickItem *acknowledge = nullptr;
    QTRY_VERIFY_WITH_TIMEOUT(shown(acknowledge = findItem(page, "acknowledgeAlert_" + id)),
                             kWaitMs);
    QVERIFY(acknowledge->property("enabled").toBool());
    click(window, acknowledge);

    // The relay decided it and fanned out its update, with the action's id ...
    const auto confirmation = [&]() -> QJsonObject {
        for (const QList<QVariant> &args : std::as_const(published)) {
            const auto e = args.at(0).value<vigil::Envelope>();
            if (e.type == u"alert.acknowledged" && e.payload.toObject().value("alertId") == id)
                return e.payload.toObject();
        }
        return {};
    };
    QTRY_VERIFY_WITH_TIMEOUT(!confirmation().isEmpty(), kWaitMs);
    QVERIFY(!confirmation().value("requestId").toString().isEmpty());
    // ... and the row says it is confirmed, acknowledged, and offers no second acknowledgement.
    QQuickItem *progress = findItem(page, "alertAction_" + id);
    QVERIFY(progress);
    QQuickItem *state = findItem(progress, "actionState");
    QTRY_VERIFY_WITH_TIMEOUT(shown(progress) && shown(state), kWaitMs);
    // The relay published it; the window gets it a moment later (a slow machine: later still).
    QTRY_COMPARE_WITH_TIMEOUT(state->property("text").toString(), QStringLiteral("Confirmed"),
                              kWaitMs);
    QTRY_VERIFY_WITH_TIMEOUT(!acknowledge->property("enabled").toBool(), kWaitMs);
    QQuickItem *row = acknowledge;
    while (row && row->property("alertId").toString() != id)
        row = row->parentItem();
    QVERIFY(row);
    QVERIFY2(row->property("detail").toString().contains("acknowledged by"),
             qPrintable(row->property("detail").toString()));
    QCOMPARE(row->property("status").toInt(), int(vigil::AlertsModel::Status::Acknowledged));
    render(window).save(QDir::current().filePath("page-alerts.png"));
}

void TestPages::demoLogRateFloodsTheLogsPage()
{
    // Wrong values are usage errors (exit code 2), never a start.
    for (const char *bad : {"-1", "100001", "lots", "nan"}) {
        int exitCode = -1;
        QVERIFY2(
            !vigil::app::parseAppOptions({"vigil", "--demo", "--demo-log-rate", bad}, &exitCode),
            bad);
        QCOMPARE(exitCode, 2);
    }
    int exitCode = -1;
    const auto parsed = vigil::app::parseAppOptions(
        {"vigil", "--demo", "--demo-log-rate", "400", "--page", "logs"}, &exitCode);
    QVERIFY(parsed);
    QCOMPARE(parsed->demoLogRate, 400.0);

    vigil::app::AppOptions options = *parsed;
    options.dataDir = m_data->path();
    m_context = std::make_unique<AppContext>(options);
    QString error;
    QVERIFY2(m_context->start(&error), qPrintable(error));
    // At the demo's usual 5 lines/s this many would take over a minute; at 400/s, seconds.
    vigil::LogLinesModel *lines = vigil::LogLinesModel::create(nullptr, nullptr);
    QTRY_VERIFY_WITH_TIMEOUT(lines->storedCount() > 1000, kWaitMs);
    QVERIFY(shown(item(m_context->window(), "logsPage")));

    // The demo relay filters on request: "Filter on server" can be switched on, and then the
    // server confirms the page's filter.
    vigil::LogFilterSync *sync = vigil::LogFilterSync::create(nullptr, nullptr);
    QTRY_VERIFY_WITH_TIMEOUT(sync->available(), kWaitMs);
    lines->setMinLevel(3); // errors only
    sync->setPushToServer(true);
    QTRY_VERIFY_WITH_TIMEOUT(sync->statusText().contains(QStringLiteral("on the server")), kWaitMs);
    QVERIFY(sync->onServer());
    sync->setPushToServer(false); // remembered: leave the next case as it found it
}

void TestPages::debugPageWithTheDebugOption()
{
    // `vigil --debug`: parsed, and the Debug page listed for this run.
    int exitCode = -1;
    const auto parsed =
        vigil::app::parseAppOptions({"vigil", "--debug", "--page", "debug"}, &exitCode);
    QVERIFY(parsed);
    QVERIFY(parsed->debug);
    QCOMPARE(parsed->page, QStringLiteral("debug"));

    vigil::Relay relay(demoRelay());
    QString error;
    QVERIFY(relay.start(&error));
    vigil::app::AppOptions options = *parsed;
    options.urls = {relay.url()};
    options.dataDir = m_data->path();
    m_context = std::make_unique<AppContext>(options);
    QVERIFY2(m_context->start(&error), qPrintable(error));
    QQuickWindow *window = m_context->window();
    window->resize(1280, 860);
    QTRY_VERIFY_WITH_TIMEOUT(m_context->status()->connected(), kWaitMs);
    QCOMPARE(m_context->workspace()->page(), QStringLiteral("debug"));
    QTRY_VERIFY_WITH_TIMEOUT(shown(item(window, "nav_debug")), kWaitMs);
    QTRY_VERIFY_WITH_TIMEOUT(shown(item(window, "debugPage")), kWaitMs);

    // Frames in and out, newest first.
    QQuickItem *frames = item(window, "debugPageList");
    QTRY_VERIFY_WITH_TIMEOUT(frames->property("count").toInt() > 5, kWaitMs);
    auto *model = qobject_cast<QAbstractItemModel *>(frames->property("model").value<QObject *>());
    QVERIFY(model);
    bool in = false;
    bool out = false;
    for (int row = 0; row < model->rowCount(); ++row) {
        const QModelIndex index = model->index(row, 0);
        (index.data(model->roleNames().key("outbound")).toBool() ? out : in) = true;
    }
    QVERIFY(in);
    QVERIFY(out); // the subscription went out

    // Paused: the list stands still while frames are still counted.
    QQuickItem *pause = item(window, "debugPauseButton");
    click(window, pause);
    QTRY_COMPARE_WITH_TIMEOUT(pause->property("text").toString(), QStringLiteral("Resume"),
                              kWaitMs);
    const int shownRows = model->rowCount();
    const QString firstId = model->index(0, 0).data(model->roleNames().key("frameId")).toString();
    QQuickItem *summary = item(window, "debugPageSummary");
    QTRY_VERIFY_WITH_TIMEOUT(!summary->property("text").toString().endsWith(" 0 not shown yet"),
                             kWaitMs);
    QCOMPARE(model->rowCount(), shownRows);
    QCOMPARE(model->index(0, 0).data(model->roleNames().key("frameId")).toString(), firstId);

    // The selected frame's JSON.
    frames->setProperty("currentIndex", 0);
    QQuickItem *json = item(window, "debugFrameJson");
    const QString selected =
        model->index(0, 0).data(model->roleNames().key("json")).toString(); // still paused
    QVERIFY(QJsonDocument::fromJson(selected.toUtf8()).isObject());
    QTRY_COMPARE_WITH_TIMEOUT(json->property("text").toString(), selected, kWaitMs);
    render(window).save(QDir::current().filePath("page-debug.png"));
    click(window, pause);
    QTRY_VERIFY_WITH_TIMEOUT(model->rowCount() > shownRows, kWaitMs); // what was held shows
}

void TestPages::debugPageHiddenUntilTheSetting()
{
    vigil::Relay relay(demoRelay());
    QString error;
    QVERIFY(relay.start(&error));
    startOn(relay.url());
    QQuickWindow *window = m_context->window();
    QTRY_VERIFY_WITH_TIMEOUT(m_context->status()->connected(), kWaitMs);
    QTRY_VERIFY_WITH_TIMEOUT(shown(item(window, "nav_settings")), kWaitMs);
    QVERIFY(!shown(item(window, "nav_debug")));
    m_context->workspace()->setPage("health");
    m_context->workspace()->setPage("debug"); // its shortcut, say: refused
    QCOMPARE(m_context->workspace()->page(), QStringLiteral("health"));

    // Settings: "Show the Debug page".
    m_context->workspace()->setPage("settings");
    QQuickItem *box = item(window, "showDebugPageBox");
    QTRY_VERIFY_WITH_TIMEOUT(shown(box), kWaitMs);
    QMetaObject::invokeMethod(box, "forceActiveFocus");
    QTest::keyClick(window, Qt::Key_Space);
    QTRY_VERIFY_WITH_TIMEOUT(shown(item(window, "nav_debug")), kWaitMs);
    QVERIFY(QSettings().value("ui/showDebugPage").toBool());
    click(window, item(window, "nav_debug"));
    QTRY_COMPARE_WITH_TIMEOUT(m_context->workspace()->page(), QStringLiteral("debug"), kWaitMs);
    QTRY_VERIFY_WITH_TIMEOUT(item(window, "debugPageList")->property("count").toInt() > 0, kWaitMs);
}

void TestPages::settingsChooseTheTransport()
{
    // Settings > Connection > Transport, by keyboard: the choice reaches the connection at once.
    vigil::Relay relay(demoRelay());
    QString error;
    QVERIFY(relay.start(&error));
    startOn(relay.url());
    QQuickWindow *window = m_context->window();
    window->resize(800, 600);
    QTRY_VERIFY_WITH_TIMEOUT(m_context->status()->connected(), kWaitMs);
    m_context->workspace()->setPage("settings");
    QQuickItem *box = item(window, "transportSelector");
    QTRY_VERIFY_WITH_TIMEOUT(shown(box), kWaitMs);
    QCOMPARE(box->property("displayText").toString(),
             QStringLiteral("Automatic: WebSocket, HTTP when blocked"));
    QCOMPARE(m_context->status()->transportPreference(), QStringLiteral("auto"));
    window->requestActivate();
    QMetaObject::invokeMethod(box, "forceActiveFocus");
    QTRY_VERIFY_WITH_TIMEOUT(box->hasActiveFocus(), kWaitMs);
    QTest::keyClick(window, Qt::Key_Down);
    QTRY_COMPARE_WITH_TIMEOUT(m_context->status()->transportPreference(),
                              QStringLiteral("websocket"), kWaitMs);
    QCOMPARE(box->property("displayText").toString(), QStringLiteral("WebSocket only"));
    QTest::keyClick(window, Qt::Key_Down);
    QTRY_COMPARE_WITH_TIMEOUT(m_context->status()->transportPreference(), QStringLiteral("sse"),
                              kWaitMs);
    QCOMPARE(box->property("displayText").toString(), QStringLiteral("HTTP: server-sent events"));
    render(window).save(QDir::current().filePath("page-settings-800x600.png"));
    QTest::keyClick(window, Qt::Key_Up);
    QTest::keyClick(window, Qt::Key_Up);
    QTRY_COMPARE_WITH_TIMEOUT(m_context->status()->transportPreference(), QStringLiteral("auto"),
                              kWaitMs);
}

void TestPages::agentDetailBesideOrUnderTheList_data()
{
    QTest::addColumn<QSize>("size");
    QTest::addColumn<bool>("beside");
    QTest::newRow("800x600") << QSize(800, 600) << false;
    QTest::newRow("900x600") << QSize(900, 600) << false;
    QTest::newRow("1280x800") << QSize(1280, 800) << true;
}

void TestPages::agentDetailBesideOrUnderTheList()
{
    // The selected agent's load: beside the list when both fit, under it otherwise; never
    // over it, never past the page.
    QFETCH(QSize, size);
    QFETCH(bool, beside);
    vigil::Relay relay(demoRelay());
    QString error;
    QVERIFY(relay.start(&error));
    startOn(relay.url());
    QQuickWindow *window = m_context->window();
    window->resize(size);
    QTRY_VERIFY_WITH_TIMEOUT(m_context->status()->connected(), kWaitMs);
    m_context->workspace()->setPage("agents");
    QQuickItem *list = item(window, "agentsPageList");
    QTRY_VERIFY_WITH_TIMEOUT(shown(list) && list->property("count").toInt() > 0, kWaitMs);
    QQuickItem *view = item(window, "agentsView");
    QQuickItem *page = item(window, "agentsPage");
    QQuickItem *detail = item(window, "agentDetail");
    QVERIFY(shown(page));
    QVERIFY(shown(detail));
    render(window);
    const auto sceneRect = [](const QQuickItem *it) {
        return it->mapRectToScene(QRectF(0, 0, it->width(), it->height()));
    };
    const QRectF listRect = sceneRect(page);
    const QRectF detailRect = sceneRect(detail);
    const QString where = QStringLiteral("list %1,%2 %3x%4, detail %5,%6 %7x%8")
                              .arg(listRect.x())
                              .arg(listRect.y())
                              .arg(listRect.width())
                              .arg(listRect.height())
                              .arg(detailRect.x())
                              .arg(detailRect.y())
                              .arg(detailRect.width())
                              .arg(detailRect.height());
    QVERIFY2(!listRect.intersects(detailRect), qPrintable(where));
    QVERIFY2(sceneRect(view).contains(detailRect), qPrintable(where));
    if (beside)
        QVERIFY2(detailRect.left() >= listRect.right() - 1, qPrintable(where));
    else
        QVERIFY2(detailRect.top() >= listRect.bottom() - 1, qPrintable(where));
    render(window).save(QDir::current().filePath(
        QStringLiteral("page-agents-%1x%2.png").arg(size.width()).arg(size.height())));
}

QTEST_MAIN(TestPages)
#include "tst_pages.moc"
