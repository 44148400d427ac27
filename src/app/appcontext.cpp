#include "appcontext.h"

#include "trayicon.h"

#include "connection/connectionmanager.h"
#include "connection/connectionoptions.h"
#include "delivery/actiontracker.h"
#include "delivery/outboxdrainer.h"
#include "models/agentmetrics.h"
#include "models/conversationsmodel.h"
#include "models/diagnosticsmodel.h"
#include "models/feedmodels.h"
#include "models/incidentlist.h"
#include "models/loglinesmodel.h"
#include "models/notificationsmodel.h"
#include "protocol/logging.h"
#include "relay/relay.h"
#include "storage/datadir.h"
#include "storage/notificationstatestore.h"
#include "storage/outbox.h"
#include "storage/positionstore.h"
#include "storage/preferences.h"
#include "storage/secretstore.h"
#include "ui/actions.h"
#include "ui/appearance.h"
#include "ui/chatsession.h"
#include "ui/connectionstatus.h"
#include "ui/healthmonitor.h"
#include "ui/incidentform.h"
#include "ui/logfiltersync.h"
#include "ui/lookandfeel.h"
#include "ui/operatoridentity.h"
#include "ui/queuestatus.h"
#include "ui/settingscontroller.h"
#include "ui/trafficlog.h"
#include "ui/workerthread.h"
#include "ui/workspace.h"

#include <QApplication>
#include <QQmlApplicationEngine>
#include <QQueue>
#include <QQuickWindow>
#include <QStandardPaths>

namespace vigil::app {

namespace {
// With nothing configured and no choice made, the welcome screen asks; the command line's
// --url skips it, and so does a profile used before.
constexpr auto kDemoProfile = "demo";
} // namespace

// Declaration order is construction order: storage first, then models, the session, the
// tray and the window; destruction runs the other way round.
struct AppContext::Parts
{
    Preferences preferences;
    /// The embedded demo relay runs on its own thread, as a real server would run elsewhere:
    /// its work never delays the window, and the window's never delays its answers.
    std::unique_ptr<WorkerThread> relayThread;
    std::unique_ptr<Relay> relay;
    Outbox outbox;
    bool outboxOpen = false;
    PositionStore positions;
    bool positionsOpen = false;
    NotificationStateStore notificationState;
    bool notificationStateOpen = false;
    std::unique_ptr<SecretStore> secrets;
    // The store answers in call order; these hold who is waiting for each kind of answer.
    QQueue<std::function<void(const QString &token, const QString &error)>> pendingReads;
    QQueue<std::function<void(const QString &error)>> pendingWrites;
    QueueStatus queue{nullptr};
    std::unique_ptr<ActionTracker> tracker; ///< null when the outbox could not be opened
    Actions actions{nullptr};
    ConnectionStatus status{nullptr};
    NotificationsModel notifications{nullptr};
    IncidentsModel incidents{nullptr};
    IncidentList incidentList{nullptr}; ///< the Incidents page: sorted, filtered, with actions
    OperatorIdentity identity{nullptr, &preferences}; ///< who "me" is: the chat, Assign to me
    IncidentForm incidentForm{nullptr};
    AgentsModel agents{nullptr};
    AlertsModel alerts{nullptr};
    ActivityModel activity{nullptr};
    ChatModel chat{nullptr};
    ConversationsModel conversations{nullptr, &chat};
    ChatSession chatSession{nullptr, &chat, &actions};
    /// The log viewer's ring buffer; its capacity is a setting.
    LogLinesModel logLines{nullptr, preferences.logCapacity()};
    LogFilterSync logFilterSync{nullptr, &logLines, &preferences};
    AgentMetrics agentMetrics{nullptr};
    TrafficLog traffic{nullptr};
    HealthMonitor health{nullptr};
    DiagnosticsModel diagnostics{nullptr};
    std::unique_ptr<Appearance> appearance;
    std::unique_ptr<Workspace> workspace;
    std::unique_ptr<SettingsController> settings;
    std::unique_ptr<TrayIcon> tray;
    std::unique_ptr<QQmlApplicationEngine> engine;
};

AppContext::AppContext(AppOptions options, QObject *parent)
    : QObject(parent)
    , m_options(std::move(options))
    , m_parts(std::make_unique<Parts>())
{}

AppContext::~AppContext()
{
    // The window goes first so no binding reads a model being destroyed.
    m_parts->engine.reset();
    m_parts->tray.reset();
    m_parts->settings.reset();
    m_parts->workspace.reset();
    if (m_parts->relay)
        m_parts->relayThread->run([this] { m_parts->relay.reset(); });
}

bool AppContext::start(QString *error)
{
    Parts &p = *m_parts;

    // Storage: the outbox and the channel positions live in the data directory.
    const QString dataDir = resolveDataDir(m_options.dataDir);
    QString dataDirError;
    const bool haveDataDir = ensureDataDir(dataDir, &dataDirError);
    QStringList problems;
    {
        QString why = dataDirError;
        p.outboxOpen =
            haveDataDir && p.outbox.open(dataDir + QStringLiteral("/outbox.sqlite"), &why);
        if (!p.outboxOpen) {
            qCCritical(lcUi).noquote() << "the outbox cannot be used:" << why;
            p.queue.setNotice(tr("Actions cannot be stored, so none can be sent: %1").arg(why));
        }
    }
    {
        QString why = dataDirError;
        p.positionsOpen =
            haveDataDir && p.positions.open(dataDir + QStringLiteral("/positions.sqlite"), &why);
        if (!p.positionsOpen)
            problems.append(tr("Channel positions will not be kept: %1").arg(why));
    }
    {
        // Without it the notifications centre still works; read and dismissed marks then last
        // only until the next switch or restart.
        QString why = dataDirError;
        p.notificationStateOpen =
            haveDataDir &&
            p.notificationState.open(dataDir + QStringLiteral("/notifications.sqlite"), &why);
        if (!p.notificationStateOpen)
            problems.append(
                tr("Read and dismissed notifications will not be remembered: %1").arg(why));
    }

    // QML reaches these C++-owned singletons; they must be registered before the load.
    QueueStatus::setInstance(&p.queue);
    Actions::setInstance(&p.actions);
    ConnectionStatus::setInstance(&p.status);
    NotificationsModel::setInstance(&p.notifications);
    IncidentsModel::setInstance(&p.incidents);
    IncidentList::setInstance(&p.incidentList);
    OperatorIdentity::setInstance(&p.identity);
    IncidentForm::setInstance(&p.incidentForm);
    p.incidentForm.setIdentity(&p.identity);
    p.chatSession.setIdentity(&p.identity);
    AgentsModel::setInstance(&p.agents);
    AlertsModel::setInstance(&p.alerts);
    ActivityModel::setInstance(&p.activity);
    ChatModel::setInstance(&p.chat);
    ConversationsModel::setInstance(&p.conversations);
    ChatSession::setInstance(&p.chatSession);
    LogLinesModel::setInstance(&p.logLines);
    LogFilterSync::setInstance(&p.logFilterSync);
    AgentMetrics::setInstance(&p.agentMetrics);
    TrafficLog::setInstance(&p.traffic);
    HealthMonitor::setInstance(&p.health);
    DiagnosticsModel::setInstance(&p.diagnostics);
    p.appearance = std::make_unique<Appearance>(&p.preferences, nullptr);
    Appearance::setInstance(p.appearance.get());

    ConnectionConfig base;
    base.extraCaCertificates = m_options.extraCaCertificates;
    base.channels = knownChannels();
    base.replayHistory = true;
    if (!m_options.transport.isEmpty())
        base.transport = *transportPreferenceFromName(m_options.transport);

    Workspace::Parts parts;
    parts.preferences = &p.preferences;
    parts.outbox = p.outboxOpen ? &p.outbox : nullptr;
    parts.positions = p.positionsOpen ? &p.positions : nullptr;
    parts.feeds = {&p.incidents, &p.agents, &p.alerts, &p.activity, &p.chat, &p.notifications};
    parts.feeds.append(&p.agentMetrics); // the charts' history: emptied with the feeds
    parts.logLines = &p.logLines;
    parts.dataDir = dataDir;
    p.workspace = std::make_unique<Workspace>(nullptr, base, parts);
    if (p.outboxOpen) {
        p.tracker = std::make_unique<ActionTracker>(&p.outbox, QString());
        p.actions.setTracker(p.tracker.get());
        p.chatSession.setTracker(p.tracker.get());
    }
    p.incidentList.setSources(&p.incidents, p.tracker.get());
    if (p.tracker) {
        // The header's queued count follows each action at once, offline too.
        connect(p.tracker.get(), &ActionTracker::changed, &p.queue,
                [&p] { p.queue.refreshSoon(); });
        connect(p.tracker.get(), &ActionTracker::removed, &p.queue,
                [&p] { p.queue.refreshSoon(); });
    }
    Workspace::setInstance(p.workspace.get());
    const quint32 seed = m_options.demoSeed;
    const double logRate = m_options.demoLogRate;
    p.workspace->setDemoStarter([&p, seed, logRate](QString *why) -> QUrl {
        RelayConfig config;
        config.port = 0;
        config.demo = true;
        config.demoSeed = seed;
        config.demoLogRate = logRate;
        if (!p.relayThread)
            p.relayThread = std::make_unique<WorkerThread>(QStringLiteral("vigil-demo-relay"));
        bool started = false;
        p.relayThread->run([&] {
            auto relay = std::make_unique<Relay>(config);
            started = relay->start(why);
            if (started)
                p.relay = std::move(relay);
        });
        if (!started)
            return {};
        qCInfo(lcUi).noquote() << "demo relay running at" << p.relay->url().toString();
        return p.relay->url();
    });

    p.settings = std::make_unique<SettingsController>(nullptr, &p.preferences, p.workspace.get());
    SettingsController::setInstance(p.settings.get());
    p.settings->setOperatorIdentity(&p.identity);
    // The Debug page: `--debug` or the setting; its raw frames are taken only while it is on.
    p.settings->setDebugForced(m_options.debug);
    p.traffic.setCapturing(p.settings->debugPage());
    connect(p.settings.get(), &SettingsController::debugPageChanged, &p.traffic,
            [&p] { p.traffic.setCapturing(p.settings->debugPage()); });
    connect(p.settings.get(), &SettingsController::logCapacityChanged, &p.logLines,
            [&p] { p.logLines.setCapacity(p.settings->logCapacity()); });
    connectSecrets();

    p.health.setExportDirectory(
        QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation));
    p.status.setQueuedCount([&p] { return p.queue.depth(); });
    connect(&p.queue, &QueueStatus::changed, &p.status, &ConnectionStatus::refreshBanner);
    // Every new session: the views follow its manager, the queue its profile.
    connect(p.workspace.get(), &Workspace::managerChanged, this, [&p](ConnectionView *manager) {
        p.status.attach(manager);
        p.health.attach(manager, [&p] { return p.queue.depth(); });
        p.diagnostics.setManager(manager);
        p.traffic.attach(manager);
        p.incidents.attach(manager); // where messages went missing: the list shows it
        p.identity.attach(manager);  // the server's name for the operator
        p.logFilterSync.attach(manager);
        // Read and dismissed marks belong to a server: the profile and its first address (the
        // demo is one server, whatever port it runs on this time).
        const QString server = p.workspace->demo() ? p.workspace->queueProfile()
                                                   : p.workspace->profile() + QLatin1Char(' ') +
                                                         p.workspace->queueProfile();
        p.notifications.setStateStore(p.notificationStateOpen ? &p.notificationState : nullptr,
                                      server);
        if (p.outboxOpen)
            p.queue.attach(&p.outbox, p.workspace->queueProfile(), p.workspace->drainer());
        if (p.tracker) {
            // The actions of this server's outbox, queued ones included (read back from disk).
            p.tracker->setProfile(p.workspace->queueProfile());
            p.tracker->attach(manager, p.workspace->drainer());
        }
        p.chatSession.attach(manager); // after the tracker: it shows what the outbox holds
    });

    p.tray = std::make_unique<TrayIcon>(&p.status, &p.notifications);
    connect(p.tray.get(), &TrayIcon::quitRequested, qApp, &QApplication::quit);

    // Which session to start: the command line first, then the last profile used, else the
    // welcome screen decides.
    if (!problems.isEmpty())
        p.workspace->reportError(problems.join(QLatin1Char('\n')));
    if (m_options.demo) {
        p.workspace->startDemo();
    } else if (!m_options.urls.isEmpty()) {
        p.preferences.setServerUrls(m_options.urls); // the "default" profile, for next time
        p.workspace->connectTo(QStringLiteral("default"), m_options.urls, m_options.token);
    } else if (const QString last = p.preferences.lastProfile(); !last.isEmpty()) {
        if (last == QLatin1String(kDemoProfile) || !p.preferences.profileUrls(last).isEmpty())
            p.workspace->connectProfile(last);
    } else if (!p.preferences.serverUrls().isEmpty()) {
        p.workspace->connectProfile(QStringLiteral("default")); // saved by an older version
    }
    if (p.pendingReads.isEmpty()) {
        // Nothing asked the store yet: find out now whether a keychain is there, so Settings
        // shows the right storage (and its warning) before the operator types a token.
        p.pendingReads.enqueue([](const QString &, const QString &) {});
        p.secrets->readToken(QStringLiteral("default"));
    }

    setUpLookAndFeel();
    p.engine = std::make_unique<QQmlApplicationEngine>();
    p.engine->addImportPath(QStringLiteral("qrc:/qt/qml"));
    p.engine->load(QUrl(QStringLiteral("qrc:/qt/qml/Vigil/Main.qml")));
    if (p.engine->rootObjects().isEmpty()) {
        *error = tr("the user interface failed to load (see the messages above; a missing "
                    "qml6-module-* package is the usual cause)");
        return false;
    }
    p.tray->setWindow(window());
    if (!m_options.page.isEmpty())
        p.workspace->setPage(m_options.page);

    return true;
}

void AppContext::connectSecrets()
{
    Parts &p = *m_parts;
    // Tokens live in the desktop keychain; without one, in files only the user can read, with a
    // warning on the Settings page.
    p.secrets = std::make_unique<SecretStore>(
        QStandardPaths::writableLocation(QStandardPaths::GenericConfigLocation) +
            QStringLiteral("/vigil/tokens"),
        createSystemKeychain());
    auto publish = [&p] {
        p.settings->setTokenStorage(p.secrets->backend(), p.secrets->warning());
    };
    connect(p.secrets.get(), &SecretStore::backendChanged, this, publish);
    publish();
    connect(p.secrets.get(), &SecretStore::tokenRead, this,
            [&p](const QString &profile, const QString &token, bool ok, const QString &error) {
                if (p.pendingReads.isEmpty())
                    return;
                const auto done = p.pendingReads.dequeue();
                done(token,
                     ok ? QString()
                        : tr("The token of \"%1\" could not be read: %2").arg(profile, error));
            });
    connect(p.secrets.get(), &SecretStore::tokenWritten, this,
            [&p](const QString &, bool ok, const QString &error) {
                if (!p.pendingWrites.isEmpty())
                    p.pendingWrites.dequeue()(ok ? QString() : error);
            });
    p.workspace->setTokenReader([&p](const QString &profile, auto done) {
        p.pendingReads.enqueue([&p, done](const QString &token, const QString &error) {
            if (!error.isEmpty())
                p.workspace->reportError(error); // connect anyway: the server will say 4401
            done(token);
        });
        p.secrets->readToken(profile);
    });
    p.settings->setTokenWriter([&p](const QString &profile, const QString &token, auto done) {
        p.pendingWrites.enqueue(std::move(done));
        p.secrets->writeToken(profile, token);
    });
    p.settings->setTokenRemover([&p](const QString &profile) { p.secrets->removeToken(profile); });
}

QQuickWindow *AppContext::window() const
{
    if (!m_parts->engine || m_parts->engine->rootObjects().isEmpty())
        return nullptr;
    return qobject_cast<QQuickWindow *>(m_parts->engine->rootObjects().constFirst());
}

QQmlApplicationEngine *AppContext::engine() const
{
    return m_parts->engine.get();
}

Workspace *AppContext::workspace() const
{
    return m_parts->workspace.get();
}

ConnectionStatus *AppContext::status() const
{
    return &m_parts->status;
}

HealthMonitor *AppContext::health() const
{
    return &m_parts->health;
}

DiagnosticsModel *AppContext::diagnostics() const
{
    return &m_parts->diagnostics;
}

IncidentsModel *AppContext::incidents() const
{
    return &m_parts->incidents;
}

ChatModel *AppContext::chat() const
{
    return &m_parts->chat;
}

Actions *AppContext::actions() const
{
    return &m_parts->actions;
}

NotificationsModel *AppContext::notifications() const
{
    return &m_parts->notifications;
}

TrayIcon *AppContext::tray() const
{
    return m_parts->tray.get();
}

} // namespace vigil::app
