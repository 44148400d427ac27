// The operator's promise end to end: an incident resolved and a chat message sent while the
// server is down are kept through a quit, delivered exactly once when the server is back, and
// shown confirmed; another client (vigil-cli tail) sees each exactly once.
//
// Real processes where it matters: vigil-relay (stopped, then started again on the same port
// with the same data directory) and vigil-cli. The window is the real one (AppContext, as
// main() builds it), created twice over the same data directory: the quit and the restart.
#include "app/appcontext.h"
#include "delivery/actiontracker.h"
#include "helpers/childprocess.h"
#include "helpers/loopback.h"
#include "helpers/testsupport.h"
#include "models/feedmodels.h"
#include "ui/actions.h"

#include <QFile>
#include <QJsonDocument>
#include <QQuickWindow>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using vigil::Actions;
using vigil::app::AppContext;
using vigil::test::ChildProcess;
using vigil::test::kWaitMs;

namespace {

/// The state of the action `id` as the Queue view shows it (-1: not listed).
int stateOf(Actions *actions, const QString &id)
{
    for (int row = 0; row < actions->rowCount(); ++row) {
        const QModelIndex i = actions->index(row);
        if (i.data(Actions::IdRole).toString() == id)
            return int(i.data(Actions::StateRole).value<Actions::ActionState>());
    }
    return -1;
}

QStringList linesOf(const QByteArray &out)
{
    QStringList lines;
    for (const QByteArray &line : out.split('\n')) {
        if (!line.trimmed().isEmpty())
            lines.append(QString::fromUtf8(line));
    }
    return lines;
}

} // namespace

class TestOfflineDelivery : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void actionsTakenOfflineSurviveAQuitAndArriveOnce();

private:
    std::unique_ptr<AppContext> startApp(const QUrl &url);
    std::unique_ptr<ChildProcess> startRelay();
    /// Runs vigil-cli `args` against the relay and returns its stdout (the test fails when it
    /// does not exit 0).
    QByteArray cli(const QStringList &args);

    QTemporaryDir m_home;
    QTemporaryDir m_appData;
    QTemporaryDir m_relayData;
    QTemporaryDir m_cliData;
    quint16 m_port = 0;
};

void TestOfflineDelivery::initTestCase()
{
    qunsetenv("DBUS_SESSION_BUS_ADDRESS");
    qunsetenv("DISPLAY");
    QVERIFY(m_home.isValid() && m_appData.isValid() && m_relayData.isValid() &&
            m_cliData.isValid());
    qputenv("XDG_CONFIG_HOME", QFile::encodeName(m_home.filePath("config")));
    qputenv("XDG_DATA_HOME", QFile::encodeName(m_home.filePath("data")));
    QSettings().clear();
    m_port = vigil::test::closedPort(); // the relay comes back on this one
}

std::unique_ptr<AppContext> TestOfflineDelivery::startApp(const QUrl &url)
{
    vigil::app::AppOptions options;
    options.urls = {url};
    options.dataDir = m_appData.path();
    auto context = std::make_unique<AppContext>(options);
    QString error;
    if (!context->start(&error)) {
        qWarning().noquote() << "the window did not start:" << error;
        return nullptr;
    }
    return context;
}

std::unique_ptr<ChildProcess> TestOfflineDelivery::startRelay()
{
    quint16 port = 0;
    auto relay = vigil::test::startRelayProcess(
        {"--port", QString::number(m_port), "--data-dir", m_relayData.path()}, &port);
    if (relay && port != m_port)
        return nullptr;
    return relay;
}

QByteArray TestOfflineDelivery::cli(const QStringList &args)
{
    const auto r = vigil::test::runProcess(VIGIL_CLI_BIN,
                                           QStringList(args)
                                               << "--url" << vigil::test::wsUrl(m_port).toString()
                                               << "--data-dir" << m_cliData.path(),
                                           kWaitMs);
    if (!r.finished || r.exitCode != 0)
        qWarning().noquote() << "vigil-cli" << args << "failed:" << r.err;
    return r.finished && r.exitCode == 0 ? r.out : QByteArray();
}

void TestOfflineDelivery::actionsTakenOfflineSurviveAQuitAndArriveOnce()
{
    const QUrl url = vigil::test::wsUrl(m_port);
    const QJsonObject incident{{"incidentId", "inc-e2e"},
                               {"type", "created"},
                               {"data", QJsonObject{{"title", "Checkout latency"},
                                                    {"severity", "high"},
                                                    {"status", "investigating"}}}};
    {
        // The server knows the incident, then goes down.
        auto relay = startRelay();
        QVERIFY(relay);
        QVERIFY(!cli({"send", "--channel", "incidents", "--type", "incident.created", "--payload",
                      QString::fromUtf8(QJsonDocument(incident).toJson(QJsonDocument::Compact))})
                     .isEmpty());
    }

    QString resolveId;
    QString chatId;
    {
        // Offline: the operator resolves the incident and writes in the chat, then quits.
        auto app = startApp(url);
        QVERIFY(app);
        Actions *actions = app->actions();
        resolveId = actions->submit("incident.resolve",
                                    {{"incidentId", "inc-e2e"}, {"note", "rolled back"}});
        QVERIFY2(!resolveId.isEmpty(), qPrintable(actions->lastError()));
        chatId = actions->submit("chat.message", {{"id", "msg-e2e"},
                                                  {"conversationId", "ops"},
                                                  {"senderId", "operator"},
                                                  {"content", "Rolled back the release"}});
        QVERIFY2(!chatId.isEmpty(), qPrintable(actions->lastError()));
        QCOMPARE(stateOf(actions, resolveId), int(Actions::ActionState::Queued));
        QCOMPARE(stateOf(actions, chatId), int(Actions::ActionState::Queued));
        QCOMPARE(actions->openCount(), 2);
    } // quit

    // Started again: both are still there, still queued, before any server answers.
    auto app = startApp(url);
    QVERIFY(app);
    Actions *actions = app->actions();
    QTRY_COMPARE_WITH_TIMEOUT(stateOf(actions, resolveId), int(Actions::ActionState::Queued),
                              kWaitMs);
    QCOMPARE(stateOf(actions, chatId), int(Actions::ActionState::Queued));

    // The server comes back; another client watches both channels from then on.
    auto relay = startRelay();
    QVERIFY(relay);
    ChildProcess tail;
    tail.start(VIGIL_CLI_BIN, {"tail", "--channel", "incidents", "--channel", "chat", "--url",
                               url.toString(), "--data-dir", m_cliData.path()});
    QVERIFY(tail.waitForStarted(kWaitMs));
    QByteArray tailErr;
    QTRY_VERIFY_WITH_TIMEOUT((tailErr += tail.readAllStandardError()).count("\"subscribed\"") >= 2,
                             kWaitMs);

    // Delivered and confirmed: the resolution by the update naming it, the message by its
    // fan-out; the window shows the incident resolved and the message once.
    QTRY_COMPARE_WITH_TIMEOUT(stateOf(actions, resolveId), int(Actions::ActionState::Confirmed),
                              kWaitMs);
    QTRY_COMPARE_WITH_TIMEOUT(stateOf(actions, chatId), int(Actions::ActionState::Confirmed),
                              kWaitMs);
    QCOMPARE(actions->openCount(), 0);
    QTRY_COMPARE_WITH_TIMEOUT(
        app->incidents()->rows().current("inc-e2e").value_or(vigil::Incident{}).status,
        QStringLiteral("resolved"), kWaitMs);
    QVERIFY(app->chat()->rows().known("msg-e2e"));

    // Exactly once at the other client: a marker sent after both arrives after them.
    const QJsonObject markerPayload{{"id", "msg-marker"},
                                    {"conversationId", "ops"},
                                    {"senderId", "watcher"},
                                    {"content", "marker"}};
    QVERIFY(!cli({"send", "--channel", "chat", "--type", "chat.message", "--payload",
                  QString::fromUtf8(QJsonDocument(markerPayload).toJson(QJsonDocument::Compact))})
                 .isEmpty());
    QByteArray out;
    QTRY_VERIFY_WITH_TIMEOUT((out += tail.readAllStandardOutput()).contains("msg-marker"), kWaitMs);
    int resolutions = 0;
    int messages = 0;
    for (const QString &line : linesOf(out)) {
        const QJsonObject e = QJsonDocument::fromJson(line.toUtf8()).object();
        const QJsonObject payload = e.value("payload").toObject();
        if (e.value("type").toString() == "incident.resolved" &&
            payload.value("requestId").toString() == resolveId)
            ++resolutions;
        if (e.value("type").toString() == "chat.message" && e.value("id").toString() == chatId)
            ++messages;
    }
    QCOMPARE(resolutions, 1);
    QCOMPARE(messages, 1);
    // And nothing is left in the outbox of the window.
    QTRY_COMPARE_WITH_TIMEOUT(actions->openCount(), 0, kWaitMs);
}

QTEST_MAIN(TestOfflineDelivery)
#include "tst_offlinedelivery.moc"
