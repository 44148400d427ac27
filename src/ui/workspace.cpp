#include "workspace.h"

#include "workerthread.h"

#include "connection/connectionoptions.h"
#include "delivery/outboxdrainer.h"
#include "delivery/positionkeeper.h"
#include "models/livelistmodel.h"
#include "models/loglinesmodel.h"
#include "protocol/logging.h"
#include "storage/outbox.h"
#include "storage/positionstore.h"
#include "storage/preferences.h"

#include <QDir>
#include <QJSValue>

namespace vigil {

namespace {
const QString kDemo = QStringLiteral("demo");
// The console's pages, in sidebar order: the one list the sidebar, the shortcuts, the page
// stack, --page and the remembered page all come from.
struct PageEntry
{
    const char *key;
    const char *title; // translated in pages()
    const char *shortcut;
    const char *icon;         // a freedesktop icon name (resources/icons has each one)
    bool unreadBadge = false; // the sidebar shows the unread notifications beside it
    bool debugOnly = false;   // listed only when the Debug page is on (SettingsController)
};
constexpr PageEntry kPageEntries[] = {
    {"dashboard", QT_TRANSLATE_NOOP("Workspace", "Dashboard"), "Ctrl+1", "view-grid"},
    {"incidents", QT_TRANSLATE_NOOP("Workspace", "Incidents"), "Ctrl+2", "dialog-warning"},
    {"agents", QT_TRANSLATE_NOOP("Workspace", "Agents"), "Ctrl+3", "network-server"},
    {"chat", QT_TRANSLATE_NOOP("Workspace", "Chat"), "Ctrl+4", "internet-group-chat"},
    {"activity", QT_TRANSLATE_NOOP("Workspace", "Activity"), "Ctrl+5", "appointment-soon"},
    {"logs", QT_TRANSLATE_NOOP("Workspace", "Logs"), "Ctrl+6", "text-x-generic"},
    {"health", QT_TRANSLATE_NOOP("Workspace", "Health"), "Ctrl+7", "utilities-system-monitor"},
    {"notifications", QT_TRANSLATE_NOOP("Workspace", "Notifications"), "Ctrl+8",
     "preferences-desktop-notification", true},
    {"alerts", QT_TRANSLATE_NOOP("Workspace", "Alerts"), "Ctrl+9", "dialog-error"},
    {"queue", QT_TRANSLATE_NOOP("Workspace", "Queue"), "Ctrl+0", "mail-outbox"},
    {"settings", QT_TRANSLATE_NOOP("Workspace", "Settings"), "Ctrl+,", "preferences-system"},
    {"debug", QT_TRANSLATE_NOOP("Workspace", "Debug"), "Ctrl+Shift+D", "applications-development",
     false, true},
};

const QStringList kPages = [] {
    QStringList keys;
    for (const PageEntry &entry : kPageEntries)
        keys.append(QString::fromLatin1(entry.key));
    return keys;
}();
} // namespace

QStringList Workspace::pageNames()
{
    return kPages;
}

QVariantList Workspace::pages() const
{
    QVariantList out;
    for (const PageEntry &entry : kPageEntries) {
        const QString key = QString::fromLatin1(entry.key);
        QString component = key;
        component[0] = component.at(0).toUpper();
        out.append(QVariantMap{{QStringLiteral("key"), key},
                               {QStringLiteral("title"), tr(entry.title)},
                               {QStringLiteral("shortcut"), QString::fromLatin1(entry.shortcut)},
                               {QStringLiteral("icon"), QString::fromLatin1(entry.icon)},
                               {QStringLiteral("component"), component + QStringLiteral("Page")},
                               {QStringLiteral("unreadBadge"), entry.unreadBadge},
                               {QStringLiteral("debugOnly"), entry.debugOnly}});
    }
    return out;
}

// Made, used and destroyed on the ingest thread. The stores are the session's own
// connections to the files the window also has open (SQLite in WAL mode serves both).
struct Workspace::Session
{
    std::unique_ptr<Outbox> outbox;
    std::unique_ptr<PositionStore> positions;
    std::unique_ptr<ConnectionManager> manager;
    std::unique_ptr<OutboxDrainer> drainer;
    std::unique_ptr<PositionKeeper> keeper;

    ~Session()
    {
        keeper.reset(); // saves the last positions
        drainer.reset();
        manager.reset();
    }
};

Workspace::Workspace(QObject *parent, ConnectionConfig base, Parts parts)
    : QObject(parent)
    , m_base(std::move(base))
    , m_parts(std::move(parts))
    , m_router(m_parts.feeds)
    , m_ingest(std::make_unique<WorkerThread>(QStringLiteral("vigil-ingest")))
{
    if (LogLinesModel *lines = m_parts.logLines)
        m_router.addBatchSink(QStringLiteral("logs"),
                              [lines](const QList<Envelope> &batch) { lines->ingest(batch); });
    const QString saved = m_parts.preferences ? m_parts.preferences->lastPage() : QString();
    m_page = kPages.contains(saved) ? saved : QStringLiteral("dashboard");
}

Workspace::~Workspace()
{
    endSession();
}

void Workspace::setPage(const QString &page)
{
    if (page == m_page || !kPages.contains(page))
        return;
    m_page = page;
    if (m_parts.preferences)
        m_parts.preferences->setLastPage(page);
    Q_EMIT pageChanged();
}

QVariantMap Workspace::about() const
{
    const auto licence = [](const QString &component, const QString &licence) {
        return QVariantMap{{QStringLiteral("component"), component},
                           {QStringLiteral("licence"), licence}};
    };
    const QVariantList licences{
        licence(tr("Vigil"), tr("Not yet published under a licence: see the copyright file "
                                "(/usr/share/doc/vigil/copyright)")),
        licence(tr("Vigil's icons"), tr("Drawn for Vigil; under Vigil's licence")),
        licence(QStringLiteral("Qt %1").arg(QString::fromLatin1(qVersion())),
                QStringLiteral("LGPL-3.0-only")),
        licence(QStringLiteral("QtKeychain"), QStringLiteral("BSD-3-Clause")),
        licence(QStringLiteral("SQLite"), tr("Public domain")),
    };
    return {{QStringLiteral("version"), QStringLiteral(VIGIL_VERSION)},
            {QStringLiteral("qtVersion"), QString::fromLatin1(qVersion())},
            {QStringLiteral("dataDir"), QDir::toNativeSeparators(m_parts.dataDir)},
            {QStringLiteral("configFile"),
             m_parts.preferences ? QDir::toNativeSeparators(m_parts.preferences->fileName())
                                 : QString()},
            {QStringLiteral("licences"), licences}};
}

QRect Workspace::windowGeometry() const
{
    return m_parts.preferences ? m_parts.preferences->windowGeometry() : QRect();
}

void Workspace::saveWindowGeometry(int x, int y, int width, int height)
{
    if (m_parts.preferences) {
        m_parts.preferences->setWindowGeometry(QRect(x, y, width, height));
        m_parts.preferences->sync();
    }
}

QVariant Workspace::viewState(const QString &key, const QVariant &fallback) const
{
    if (!m_parts.preferences || key.isEmpty())
        return fallback;
    QVariant value = m_parts.preferences->viewState(key);
    // An INI file gives lists and numbers back as strings: the view converts, but a stored
    // value of another kind than the fallback (a hand-edited file) is not used.
    if (!value.isValid() || (fallback.isValid() && !value.canConvert(fallback.metaType())))
        return fallback;
    return value;
}

void Workspace::saveViewState(const QString &key, const QVariant &value)
{
    if (!m_parts.preferences || key.isEmpty())
        return;
    // A list or object from QML arrives as a script value, which QSettings cannot write.
    const QVariant plain = value.metaType() == QMetaType::fromType<QJSValue>()
                               ? value.value<QJSValue>().toVariant()
                               : value;
    m_parts.preferences->setViewState(key, plain);
    m_parts.preferences->sync();
}

void Workspace::reportError(const QString &message)
{
    qCWarning(lcUi).noquote() << message;
    if (message == m_error)
        return;
    m_error = message;
    Q_EMIT errorMessageChanged();
}

void Workspace::dismissError()
{
    if (m_error.isEmpty())
        return;
    m_error.clear();
    Q_EMIT errorMessageChanged();
}

bool Workspace::startDemo()
{
    if (m_demoUrl.isEmpty()) {
        if (!m_demoStarter) {
            reportError(tr("The demo is not available in this build."));
            return false;
        }
        QString error;
        m_demoUrl = m_demoStarter(&error);
        if (m_demoUrl.isEmpty()) {
            reportError(tr("The demo server could not start: %1").arg(error));
            return false;
        }
    }
    dismissError();
    // The demo relay is new on every start (on a new port): positions are not kept, they
    // would only cause false gap alarms.
    startSession(kDemo, {m_demoUrl}, QString(), false);
    return true;
}

bool Workspace::connectProfile(const QString &name)
{
    if (name == kDemo)
        return startDemo();
    const QList<QUrl> urls =
        m_parts.preferences ? m_parts.preferences->profileUrls(name) : QList<QUrl>{};
    if (urls.isEmpty()) {
        reportError(tr("The profile \"%1\" has no server address. Add one in Settings.").arg(name));
        return false;
    }
    dismissError();
    if (!m_tokenReader) {
        startSession(name, urls, QString(), true);
        return true;
    }
    const quint64 generation = ++m_generation;
    m_tokenReader(name, [this, generation, name, urls](const QString &token) {
        if (generation == m_generation) // a newer switch happened meanwhile
            startSession(name, urls, token, true);
    });
    return true;
}

void Workspace::connectTo(const QString &profile, const QList<QUrl> &urls, const QString &token)
{
    startSession(profile, urls, token, true);
}

void Workspace::reapplySettings()
{
    if (!m_view)
        return;
    startSession(m_profile, m_urls, m_token, m_profile != kDemo);
}

OutboxDrainer *Workspace::drainer() const
{
    return m_session ? m_session->drainer.get() : nullptr;
}

QThread *Workspace::ingestThread() const
{
    return m_ingest->thread();
}

void Workspace::endSession()
{
    m_router.attach(nullptr);
    m_view.reset();
    if (m_session)
        m_ingest->run([this] { m_session.reset(); });
}

void Workspace::startSession(const QString &profile, const QList<QUrl> &urls, const QString &token,
                             bool keepPositions)
{
    ++m_generation;
    endSession();
    for (LiveListModel *feed : std::as_const(m_parts.feeds))
        feed->clear();
    if (m_parts.logLines)
        m_parts.logLines->clear();

    ConnectionConfig config = m_base;
    config.urls = urls;
    config.token = token;
    if (m_parts.preferences)
        m_parts.preferences->applyTo(&config);
    if (profile == kDemo) // frequent heartbeats, so the demo's Health charts show a live line
        config.heartbeatMs = std::min(config.heartbeatMs, 2000);
    m_profile = profile;
    m_urls = urls;
    m_token = token;
    m_queueProfile = profile == kDemo ? kDemo : profileKey(urls);
    if (m_parts.preferences && !profile.isEmpty()) {
        m_parts.preferences->setLastProfile(profile);
        m_parts.preferences->sync();
    }

    const QString outboxPath = m_parts.outbox ? m_parts.outbox->path() : QString();
    const QString positionsPath =
        keepPositions && m_parts.positions ? m_parts.positions->path() : QString();
    QStringList problems;
    m_ingest->run([&] {
        auto session = std::make_unique<Session>();
        session->manager = std::make_unique<ConnectionManager>(config);
        QString why;
        if (!positionsPath.isEmpty()) {
            session->positions = std::make_unique<PositionStore>();
            if (session->positions->open(positionsPath, &why))
                session->keeper = std::make_unique<PositionKeeper>(
                    session->manager.get(), session->positions.get(), m_queueProfile);
            else
                problems.append(tr("Channel positions will not be kept: %1").arg(why));
        }
        if (!outboxPath.isEmpty()) {
            session->outbox = std::make_unique<Outbox>();
            if (session->outbox->open(outboxPath, &why))
                session->drainer = std::make_unique<OutboxDrainer>(
                    session->manager.get(), session->outbox.get(), m_queueProfile);
            else
                problems.append(tr("Queued actions cannot be sent: %1").arg(why));
        }
        m_session = std::move(session);
    });
    if (!problems.isEmpty())
        reportError(problems.join(QLatin1Char('\n')));
    m_view = std::make_unique<ConnectionView>(m_session->manager.get());
    m_router.attach(m_view.get());
    qCInfo(lcUi).noquote() << "session"
                           << (profile.isEmpty() ? QStringLiteral("(command line)") : profile);
    Q_EMIT managerChanged(m_view.get());
    Q_EMIT sessionChanged();
    m_view->open();
}

} // namespace vigil
