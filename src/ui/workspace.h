#pragma once

#include "models/cppownedsingleton.h"
#include "models/feedrouter.h"

#include "connection/connectionmanager.h"
#include "connection/connectionview.h"

#include <QObject>
#include <QPointer>
#include <QRect>
#include <QVariant>
#include <QtQml/qqmlregistration.h>

#include <functional>
#include <memory>

class QQmlEngine;
class QJSEngine;

namespace vigil {

class LiveListModel;
class LogLinesModel;
class Outbox;
class OutboxDrainer;
class PositionKeeper;
class PositionStore;
class Preferences;
class WorkerThread;

/// \brief The console's session: which server (or the embedded demo) it is connected to, and
/// the window's remembered state (page, geometry). It owns the current ConnectionManager and
/// what delivers through it (outbox drainer, channel positions), and rebuilds them when the
/// operator switches profile or starts the demo from the welcome screen.
///
/// Views, models and services that follow the connection subscribe to managerChanged() and
/// re-attach; the feed models are emptied on each switch so two servers' data never mix.
///
/// The session runs on the ingest thread: the ConnectionManager (sockets, frame parsing,
/// de-duplication, heartbeats), the outbox drainer and the position keeper, each with its own
/// database connection. The window reads it through a ConnectionView, which hands the models
/// one batch of envelopes per read; a flood that keeps the UI thread busy therefore does not
/// delay heartbeats, acks or reconnects.
class Workspace : public QObject, public CppOwnedSingleton<Workspace>
{
    Q_OBJECT
    QML_ELEMENT
    QML_SINGLETON
    /// Nothing configured yet and no demo running: show the welcome screen.
    Q_PROPERTY(bool welcomeNeeded READ welcomeNeeded NOTIFY sessionChanged)
    Q_PROPERTY(bool demo READ demo NOTIFY sessionChanged)
    /// The profile in use: a name, "demo", or empty before the first choice.
    Q_PROPERTY(QString profile READ profile NOTIFY sessionChanged)
    /// The page shown (dashboard, incidents, ...), remembered across starts.
    /// The pages in sidebar order: {key, title, shortcut, icon, component, unreadBadge, debugOnly}
    /// (component: the QML file name under pages/ without ".qml"; unreadBadge: the sidebar
    /// shows the unread notifications beside the entry; debugOnly: listed only while the Debug
    /// page is on)
    Q_PROPERTY(QVariantList pages READ pages CONSTANT)
    Q_PROPERTY(QString page READ page WRITE setPage NOTIFY pageChanged)
    /// The window geometry saved last (empty: let the window decide).
    Q_PROPERTY(QRect windowGeometry READ windowGeometry CONSTANT)
    /// A problem the operator must see (the demo could not start, a profile is empty...).
    Q_PROPERTY(QString errorMessage READ errorMessage NOTIFY errorMessageChanged)
    /// What the About dialog shows: version, qtVersion, dataDir, configFile and licences (a
    /// list of {component, licence})
    Q_PROPERTY(QVariantMap about READ about CONSTANT)
public:
    /// Starts the embedded demo relay; returns its URL, or an empty URL with `error` set.
    using DemoStarter = std::function<QUrl(QString *error)>;
    /// Reads a profile's token, asynchronously; calls `done` with it (empty when none).
    using TokenReader =
        std::function<void(const QString &profile, std::function<void(const QString &)> done)>;

    struct Parts
    {
        Preferences *preferences = nullptr;
        Outbox *outbox = nullptr;           ///< null when the outbox could not be opened
        PositionStore *positions = nullptr; ///< null: positions are not kept
        QList<LiveListModel *> feeds; ///< fed their channels (FeedRouter), emptied on every switch
        LogLinesModel *logLines = nullptr; ///< the log viewer: one append per batch, emptied too
        QString dataDir; ///< where the outbox and the other databases live (About)
    };

    // No default argument: see ConnectionStatus.
    Workspace(QObject *parent, ConnectionConfig base, Parts parts);
    ~Workspace() override;

    /// The page names, in sidebar order.
    [[nodiscard]] static QStringList pageNames();
    [[nodiscard]] QVariantList pages() const;

    void setDemoStarter(DemoStarter starter) { m_demoStarter = std::move(starter); }
    void setTokenReader(TokenReader reader) { m_tokenReader = std::move(reader); }

    [[nodiscard]] bool welcomeNeeded() const { return !m_view; }
    [[nodiscard]] bool demo() const { return m_profile == u"demo"; }
    [[nodiscard]] QString profile() const { return m_profile; }
    [[nodiscard]] QString page() const { return m_page; }
    void setPage(const QString &page);
    [[nodiscard]] QRect windowGeometry() const;
    [[nodiscard]] QString errorMessage() const { return m_error; }
    [[nodiscard]] QVariantMap about() const;
    /// The window's view of the session's connection (null before the first session).
    [[nodiscard]] ConnectionView *manager() const { return m_view.get(); }
    /// The outbox profile key of the session (what QueueStatus and the drainer use).
    [[nodiscard]] QString queueProfile() const { return m_queueProfile; }
    /// Lives on the ingest thread: connect to its signals, call it through the event loop.
    [[nodiscard]] OutboxDrainer *drainer() const;
    /// The ingest thread (for tests and diagnostics).
    [[nodiscard]] QThread *ingestThread() const;

    /// "Try the demo": starts the embedded relay (once) and connects to it.
    Q_INVOKABLE bool startDemo();
    /// Connects to a saved profile (its URLs from Preferences, its token from the reader).
    Q_INVOKABLE bool connectProfile(const QString &name);
    /// Connects to `urls` with `token` (the command line's --url/--token-file).
    void connectTo(const QString &profile, const QList<QUrl> &urls, const QString &token);
    /// The connection settings of the running session changed: reconnect with them.
    Q_INVOKABLE void reapplySettings();
    Q_INVOKABLE void saveWindowGeometry(int x, int y, int width, int height);
    /// How a view was left, kept across runs: column widths, a sort order. `key` names the
    /// view and what is kept ("logs/columns"); `fallback` when nothing usable was stored.
    Q_INVOKABLE QVariant viewState(const QString &key, const QVariant &fallback = {}) const;
    Q_INVOKABLE void saveViewState(const QString &key, const QVariant &value);
    Q_INVOKABLE void dismissError();
    /// Shows `message` in the window (and logs it).
    void reportError(const QString &message);

Q_SIGNALS:
    void sessionChanged();
    /// A new session replaced the old one (which is already gone); re-attach to its view.
    void managerChanged(vigil::ConnectionView *manager);
    void pageChanged();
    void errorMessageChanged();

private:
    void startSession(const QString &profile, const QList<QUrl> &urls, const QString &token,
                      bool keepPositions);
    void endSession();

    ConnectionConfig m_base;
    Parts m_parts;
    FeedRouter m_router; ///< every session's envelopes to the feeds of their channel
    DemoStarter m_demoStarter;
    TokenReader m_tokenReader;
    QUrl m_demoUrl;
    QString m_profile;
    QString m_queueProfile;
    QString m_page;
    QString m_error;
    QString m_token;
    QList<QUrl> m_urls;
    struct Session; ///< what runs on the ingest thread; made and destroyed there
    std::unique_ptr<WorkerThread> m_ingest;
    std::unique_ptr<Session> m_session;
    std::unique_ptr<ConnectionView> m_view;
    quint64 m_generation = 0; ///< ignores token reads that finish after a newer switch
};

} // namespace vigil
