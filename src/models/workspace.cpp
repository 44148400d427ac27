#include "workspace.h"

#include "connection/connectionoptions.h"
#include "livelistmodel.h"
#include "outboxdrainer.h"
#include "positionkeeper.h"
#include "preferences.h"
#include "protocol/logging.h"

namespace vigil {

namespace {
const QString kDemo = QStringLiteral("demo");
const QStringList kPages = {QStringLiteral("dashboard"), QStringLiteral("incidents"),
                            QStringLiteral("agents"),    QStringLiteral("chat"),
                            QStringLiteral("activity"),  QStringLiteral("logs"),
                            QStringLiteral("health"),    QStringLiteral("notifications"),
                            QStringLiteral("settings")};
} // namespace

QStringList Workspace::pageNames()
{
    return kPages;
}

Workspace::Workspace(QObject *parent, ConnectionConfig base, Parts parts)
    : QObject(parent)
    , m_base(std::move(base))
    , m_parts(std::move(parts))
{
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
    const QList<QUrl> urls = m_parts.preferences ? m_parts.preferences->profileUrls(name)
                                                 : QList<QUrl>{};
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
    if (!m_manager)
        return;
    startSession(m_profile, m_urls, m_token, m_profile != kDemo);
}

void Workspace::endSession()
{
    m_keeper.reset(); // saves the last positions
    m_drainer.reset();
    m_manager.reset();
}

void Workspace::startSession(const QString &profile, const QList<QUrl> &urls,
                             const QString &token, bool keepPositions)
{
    ++m_generation;
    endSession();
    for (LiveListModel *feed : std::as_const(m_parts.feeds))
        feed->clear();

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

    m_manager = std::make_unique<ConnectionManager>(config);
    for (LiveListModel *feed : std::as_const(m_parts.feeds))
        connect(m_manager.get(), &ConnectionManager::envelopeReceived, feed, &LiveListModel::record);
    if (keepPositions && m_parts.positions)
        m_keeper = std::make_unique<PositionKeeper>(m_manager.get(), m_parts.positions,
                                                    m_queueProfile);
    if (m_parts.outbox)
        m_drainer = std::make_unique<OutboxDrainer>(m_manager.get(), m_parts.outbox,
                                                    m_queueProfile);
    qCInfo(lcUi).noquote() << "session" << (profile.isEmpty() ? QStringLiteral("(command line)")
                                                              : profile);
    Q_EMIT managerChanged(m_manager.get());
    Q_EMIT sessionChanged();
    m_manager->open();
}

} // namespace vigil
