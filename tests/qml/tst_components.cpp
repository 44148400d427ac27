// Qt Quick Test runner for the components of the QML module Vigil (the tst_*.qml files next to
// this one). The C++-owned singletons the components read are real instances, built and
// registered the way AppContext does it, but never attached to a connection.
#include "connection/connectionmanager.h"
#include "delivery/actiontracker.h"
#include "models/agentmetrics.h"
#include "models/conversationsmodel.h"
#include "models/feedmodels.h"
#include "models/incidentlist.h"
#include "models/loglinesmodel.h"
#include "models/notificationsmodel.h"
#include "storage/outbox.h"
#include "storage/preferences.h"
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
#include "ui/workspace.h"

#include <QDir>
#include <QFile>
#include <QJsonObject>
#include <QQmlEngine>
#include <QSettings>
#include <QTemporaryDir>
#include <QtQml/qqmlextensionplugin.h>
#include <QtQuickTest/quicktest.h>

#include <algorithm>
#include <memory>

Q_IMPORT_QML_PLUGIN(Vigil_ModelsPlugin)
Q_IMPORT_QML_PLUGIN(VigilPlugin)
Q_IMPORT_QML_PLUGIN(VigilStylePlugin)

namespace {

// The outbox profile of the test's actions.
const QString kProfile = QStringLiteral("test");

/// \brief What the QML tests need to trigger on the C++ side and QML itself may not do.
/// Available to the tests as the singleton TestHelper of the module Vigil.Testing.
class TestHelper : public QObject
{
    Q_OBJECT
public:
    TestHelper(vigil::Workspace *workspace, QList<vigil::LiveListModel *> feeds,
               vigil::LogLinesModel *logLines, vigil::Outbox *outbox, vigil::ActionTracker *tracker,
               QString scratchDir)
        : m_workspace(workspace)
        , m_feeds(std::move(feeds))
        , m_logLines(logLines)
        , m_outbox(outbox)
        , m_tracker(tracker)
        , m_scratchDir(std::move(scratchDir))
    {}

    /// What a service does when, say, the outbox cannot open.
    Q_INVOKABLE void reportError(const QString &message) { m_workspace->reportError(message); }

    /// An envelope from the server: the models of its channel take it, and show it at once.
    Q_INVOKABLE void feed(const QString &type, const QString &channel, const QVariantMap &payload)
    {
        vigil::Envelope envelope =
            vigil::Envelope::create(type, channel, QJsonObject::fromVariantMap(payload));
        for (vigil::LiveListModel *model : std::as_const(m_feeds)) {
            if (model->channels().contains(channel)) {
                model->record(envelope);
                model->flush();
            }
        }
    }
    /// Empties every model (a new session).
    Q_INVOKABLE void clearFeeds()
    {
        for (vigil::LiveListModel *model : std::as_const(m_feeds))
            model->clear();
    }

    /// Log lines as the session brings them: `{level, source, taskId, message, timestamp}` each,
    /// oldest first, in one batch, shown at once.
    Q_INVOKABLE void feedLogs(const QVariantList &lines)
    {
        QList<vigil::LogEntryIn> entries;
        entries.reserve(lines.size());
        for (const QVariant &line : lines) {
            const QVariantMap map = line.toMap();
            vigil::LogEntryIn entry;
            entry.level = map.value(QStringLiteral("level")).toString();
            entry.source = map.value(QStringLiteral("source")).toString();
            entry.taskId = map.value(QStringLiteral("taskId")).toString();
            entry.message = map.value(QStringLiteral("message")).toString();
            entry.timestamp = map.value(QStringLiteral("timestamp")).toLongLong();
            entries.append(entry);
        }
        m_logLines->append(entries);
        m_logLines->flush();
    }
    /// A path for `name` in a folder of this run, and what a file holds (exports).
    Q_INVOKABLE QString scratchPath(const QString &name) const
    {
        return QDir(m_scratchDir).filePath(name);
    }
    Q_INVOKABLE QString readFile(const QString &path) const
    {
        QFile file(path);
        return file.open(QIODevice::ReadOnly) ? QString::fromUtf8(file.readAll()) : QString();
    }
    /// The log viewer as at start: no line, no filter, no search.
    Q_INVOKABLE void resetLogs()
    {
        m_logLines->setFilter({});
        m_logLines->setSearch(QString(), false, false);
        m_logLines->setShowOnlyMatches(false);
        m_logLines->clear();
    }

    /// The server refused the action `actionId` for good: the outbox moves it to its dead
    /// letters, as the drainer does, and the tracker reads the outbox back, as it does at start,
    /// so the action is Failed with `reason`. False when the outbox does not hold it.
    Q_INVOKABLE bool failAction(const QString &actionId, const QString &reason)
    {
        if (!m_outbox || !m_tracker || !m_outbox->contains(actionId))
            return false;
        if (!m_outbox->recordFailure(actionId, reason, {}, 1))
            return false;
        // Another profile and back: the tracker forgets what it holds and reads it all again.
        m_tracker->setProfile(QStringLiteral("elsewhere"));
        m_tracker->setProfile(kProfile);
        return true;
    }

    /// Where the outbox holds the action `actionId`: "queued" (waiting to be sent), "dead" (a
    /// dead letter), or "" (not there).
    Q_INVOKABLE QString outboxState(const QString &actionId) const
    {
        if (!m_outbox || !m_tracker)
            return {};
        const QList<vigil::OutboxEntry> queued = m_outbox->pending(kProfile);
        const auto has = [&actionId](const auto &entry) { return entry.envelope.id == actionId; };
        if (std::any_of(queued.cbegin(), queued.cend(), has))
            return QStringLiteral("queued");
        const QList<vigil::DeadLetter> dead = m_outbox->deadLetters(kProfile);
        if (std::any_of(dead.cbegin(), dead.cend(), has))
            return QStringLiteral("dead");
        return {};
    }

private:
    vigil::Workspace *m_workspace;
    QList<vigil::LiveListModel *> m_feeds;
    vigil::LogLinesModel *m_logLines;
    vigil::Outbox *m_outbox;
    vigil::ActionTracker *m_tracker;
    QString m_scratchDir;
};

// Declaration order is construction order, as in AppContext: settings first, the services
// that read them last.
struct Services
{
    QTemporaryDir dir;
    QSettings settings{dir.filePath(QStringLiteral("vigil.conf")), QSettings::IniFormat};
    vigil::Preferences preferences{&settings};
    vigil::QueueStatus queue{nullptr};
    vigil::ConnectionStatus status{nullptr};
    vigil::NotificationsModel notifications{nullptr};
    vigil::IncidentsModel incidents{nullptr};
    vigil::AgentsModel agents{nullptr};
    vigil::AlertsModel alerts{nullptr};
    vigil::ActivityModel activity{nullptr};
    vigil::ChatModel chat{nullptr};
    vigil::ConversationsModel conversations{nullptr, &chat};
    vigil::LogModel logs{nullptr};
    vigil::LogLinesModel logLines{nullptr};
    // Never attached to a session: the server's filtering is not available.
    vigil::LogFilterSync logFilterSync{nullptr, &logLines, &preferences};
    vigil::AgentMetrics agentMetrics{nullptr};
    vigil::TrafficLog traffic{nullptr};
    // Actions go into a real outbox, which is never drained: they stay queued.
    vigil::Outbox outbox;
    std::unique_ptr<vigil::ActionTracker> tracker;
    vigil::Actions actions{nullptr};
    vigil::IncidentList incidentList{nullptr};
    vigil::IncidentForm incidentForm{nullptr};
    vigil::OperatorIdentity identity{nullptr, &preferences};
    vigil::ChatSession chatSession{nullptr, &chat, &actions};
    vigil::HealthMonitor health{nullptr};
    vigil::Appearance appearance{&preferences, nullptr};
    std::unique_ptr<vigil::Workspace> workspace;
    std::unique_ptr<vigil::SettingsController> settingsController;
    std::unique_ptr<TestHelper> helper;
};

class Setup : public QObject
{
    Q_OBJECT
public Q_SLOTS:
    // The services need the application object (Appearance watches its palette).
    void applicationAvailable()
    {
        vigil::setUpLookAndFeel(); // the window's style and icons
        m_services = std::make_unique<Services>();
        Services &s = *m_services;
        // Every test file starts from the same look, whatever the machine's palette.
        s.appearance.setTheme(QStringLiteral("light"));

        vigil::Workspace::Parts parts;
        parts.preferences = &s.preferences;
        parts.feeds = {&s.incidents, &s.agents, &s.alerts,       &s.activity,
                       &s.chat,      &s.logs,   &s.notifications};
        parts.logLines = &s.logLines;
        s.workspace = std::make_unique<vigil::Workspace>(nullptr, vigil::ConnectionConfig{}, parts);
        s.settingsController =
            std::make_unique<vigil::SettingsController>(nullptr, &s.preferences, s.workspace.get());
        QString why;
        if (s.outbox.open(s.dir.filePath(QStringLiteral("outbox.sqlite")), &why)) {
            s.tracker = std::make_unique<vigil::ActionTracker>(&s.outbox, kProfile);
            s.actions.setTracker(s.tracker.get());
            s.incidentList.setSources(&s.incidents, s.tracker.get());
            s.chatSession.setTracker(s.tracker.get());
        } else {
            qWarning("the outbox cannot open: %s", qPrintable(why));
        }
        s.helper = std::make_unique<TestHelper>(
            s.workspace.get(), QList<vigil::LiveListModel *>{parts.feeds} << &s.agentMetrics,
            &s.logLines, &s.outbox, s.tracker.get(), s.dir.path());
        s.incidentForm.setIdentity(&s.identity);
        s.chatSession.setIdentity(&s.identity);
        s.settingsController->setOperatorIdentity(&s.identity);

        vigil::QueueStatus::setInstance(&s.queue);
        vigil::ConnectionStatus::setInstance(&s.status);
        vigil::NotificationsModel::setInstance(&s.notifications);
        vigil::IncidentsModel::setInstance(&s.incidents);
        vigil::AgentsModel::setInstance(&s.agents);
        vigil::AlertsModel::setInstance(&s.alerts);
        vigil::ActivityModel::setInstance(&s.activity);
        vigil::ChatModel::setInstance(&s.chat);
        vigil::ConversationsModel::setInstance(&s.conversations);
        vigil::ChatSession::setInstance(&s.chatSession);
        vigil::OperatorIdentity::setInstance(&s.identity);
        vigil::LogModel::setInstance(&s.logs);
        vigil::LogLinesModel::setInstance(&s.logLines);
        vigil::LogFilterSync::setInstance(&s.logFilterSync);
        vigil::AgentMetrics::setInstance(&s.agentMetrics);
        vigil::TrafficLog::setInstance(&s.traffic);
        vigil::Actions::setInstance(&s.actions);
        vigil::IncidentList::setInstance(&s.incidentList);
        vigil::IncidentForm::setInstance(&s.incidentForm);
        vigil::HealthMonitor::setInstance(&s.health);
        vigil::Appearance::setInstance(&s.appearance);
        vigil::Workspace::setInstance(s.workspace.get());
        vigil::SettingsController::setInstance(s.settingsController.get());

        // Not qmlRegisterSingletonInstance(): that binds the object to the first engine that
        // asks for it, and Qt Quick Test builds a new engine for every tst_*.qml file.
        TestHelper *helper = s.helper.get();
        qmlRegisterSingletonType<TestHelper>(
            "Vigil.Testing", 1, 0, "TestHelper", [helper](QQmlEngine *, QJSEngine *) -> QObject * {
                QJSEngine::setObjectOwnership(helper, QJSEngine::CppOwnership);
                return helper;
            });
    }

    // The modules are linked in statically; their qmldir files live in the resources.
    void qmlEngineAvailable(QQmlEngine *engine)
    {
        engine->addImportPath(QStringLiteral("qrc:/qt/qml"));
    }

    // Runs after the last engine is gone and before the application object is.
    void cleanupTestCase() { m_services.reset(); }

private:
    std::unique_ptr<Services> m_services;
};

} // namespace

QUICK_TEST_MAIN_WITH_SETUP(tst_components, Setup)

#include "tst_components.moc"
