#pragma once

#include "connectionconfig.h"
#include "connectionmanager.h"
#include "protocol/envelope.h"
#include "quality.h"

#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QStringList>
#include <QTimer>
#include <QUrl>

namespace vigil {

/// \brief Everything the window reads about a connection, copied in one piece on the thread
/// that runs the ConnectionManager. Values, so it crosses threads safely.
struct ConnectionSnapshot
{
    ConnectionManager::State state = ConnectionManager::State::Disconnected;
    QString transportName = QStringLiteral("websocket");
    QString fallbackReason;
    TransportPreference transportPreference = TransportPreference::Auto;
    QUrl currentUrl;
    int attempt = 0;
    int nextDelayMs = 0;
    bool unauthorized = false;
    bool breakerOpen = false;
    int breakerFailures = 0;
    bool stalled = false;
    qint64 silentForMs = 0;
    qint64 unreachableSinceMs = -1;
    QStringList capabilities; ///< from the server's welcome; empty before one
    QualityGrade quality = QualityGrade::Unknown;
    QJsonObject health; ///< ConnectionManager::healthJson()

    [[nodiscard]] static ConnectionSnapshot of(const ConnectionManager &manager);
};

/// \brief Lives on the manager's thread (a child of the manager): copies its state after every
/// change and gathers the envelopes of one event-loop turn (one frame, or the frames read
/// together) into one list. Only ConnectionView uses it.
///
/// Envelopes and control signals keep their order: before any control signal is passed on,
/// the envelopes gathered so far are sent, so a reload's replay arrives before reloadFinished.
class ConnectionTap : public QObject
{
    Q_OBJECT
public:
    explicit ConnectionTap(ConnectionManager *manager);

    /// Starts or stops passing on the raw traffic (the Debug page); off by default so the
    /// manager builds nothing for it.
    void setTrafficWanted(bool wanted);

Q_SIGNALS:
    void snapshotTaken(const vigil::ConnectionSnapshot &snapshot);
    void envelopes(const QList<vigil::Envelope> &batch);
    void stateChanged(vigil::ConnectionManager::State state, const QString &reason);
    void welcomeReceived(const QJsonObject &payload);
    void recoveryFailed(const QString &channel);
    void historyReset(const QStringList &channels, const QString &epoch);
    void reloadFinished(const QString &channel);
    void messageSkipped(const QString &channel, qint64 seq, const QString &reason);
    void stalledChanged(bool stalled);
    void serverError(const QString &code, const QString &message, const QString &ref);
    void protocolError(const QString &message);
    void rttMeasured(qint64 ms);
    void reconnectScheduled(int attempt, int delayMs);
    void transportChanged(const QString &transport, const QString &reason);
    void traffic(bool outbound, const vigil::Envelope &envelope, qint64 bytes);
    void logFilterApplied(const vigil::LogFilter &applied, bool onServer);

private:
    void take(const Envelope &envelope);
    void flush();
    void snapshot();
    /// Connects `signal` of the manager so that the tap flushes, snapshots and re-emits.
    template<typename Signal, typename Emit> void pass(Signal signal, Emit emitter);

    ConnectionManager *m_manager;
    QList<Envelope> m_pending;
    bool m_flushPosted = false;
    QTimer m_refresh; ///< time-dependent figures (silent for, uptime) once a second
    QMetaObject::Connection m_traffic;
};

/// \brief The window's side of a connection whose ConnectionManager may run on another thread
/// (the ingest thread): the same signals, delivered on the view's thread, envelopes in batches
/// of one event-loop turn, and a copy of the manager's state to read without locks. Commands
/// (open, reload, ...) are passed to the manager's thread in order.
///
/// With the manager on the same thread everything is delivered the same way, only directly,
/// which is how the tests drive it.
class ConnectionView : public QObject
{
    Q_OBJECT
public:
    /// `manager` must outlive the view's use of it; construct the view on the thread that
    /// reads it (the UI thread) after the manager exists on its own thread.
    explicit ConnectionView(ConnectionManager *manager, QObject *parent = nullptr);
    ~ConnectionView() override;

    [[nodiscard]] ConnectionManager *manager() const { return m_manager; }
    [[nodiscard]] const ConnectionConfig &config() const { return m_config; }
    [[nodiscard]] const ConnectionSnapshot &snapshot() const { return m_snapshot; }

    [[nodiscard]] ConnectionManager::State state() const { return m_snapshot.state; }
    [[nodiscard]] QString transportName() const { return m_snapshot.transportName; }
    [[nodiscard]] QString fallbackReason() const { return m_snapshot.fallbackReason; }
    [[nodiscard]] TransportPreference transportPreference() const
    {
        return m_snapshot.transportPreference;
    }
    [[nodiscard]] QUrl currentUrl() const { return m_snapshot.currentUrl; }
    [[nodiscard]] int attempt() const { return m_snapshot.attempt; }
    [[nodiscard]] int nextDelayMs() const { return m_snapshot.nextDelayMs; }
    [[nodiscard]] bool unauthorized() const { return m_snapshot.unauthorized; }
    [[nodiscard]] bool breakerOpen() const { return m_snapshot.breakerOpen; }
    [[nodiscard]] int breakerFailures() const { return m_snapshot.breakerFailures; }
    [[nodiscard]] bool stalled() const { return m_snapshot.stalled; }
    [[nodiscard]] qint64 silentForMs() const { return m_snapshot.silentForMs; }
    [[nodiscard]] qint64 unreachableSinceMs() const { return m_snapshot.unreachableSinceMs; }
    [[nodiscard]] QualityGrade quality() const { return m_snapshot.quality; }
    [[nodiscard]] QJsonObject healthJson() const { return m_snapshot.health; }
    [[nodiscard]] bool serverSupports(const QString &capability) const
    {
        return m_snapshot.capabilities.contains(capability);
    }

    // Commands, run on the manager's thread in the order given.
    void open();
    void close();
    void reconnectNow();
    void setToken(const QString &token);
    void probeNow(const QString &reason);
    void setTransportPreference(TransportPreference preference);
    void reload(const QStringList &channels);
    /// What the `logs` channel should carry (ConnectionManager::setLogFilter());
    /// logFilterApplied() says where it applies.
    void setLogFilter(const LogFilter &filter);
    /// The Debug page's raw frames: taken on the manager's thread only while wanted.
    void setTrafficWanted(bool wanted);

Q_SIGNALS:
    /// The envelopes of one event-loop turn on the manager's thread, in order, no duplicates.
    void envelopesReceived(const QList<vigil::Envelope> &batch);
    void stateChanged(vigil::ConnectionManager::State state, const QString &reason);
    void welcomeReceived(const QJsonObject &payload);
    void recoveryFailed(const QString &channel);
    void historyReset(const QStringList &channels, const QString &epoch);
    void reloadFinished(const QString &channel);
    void messageSkipped(const QString &channel, qint64 seq, const QString &reason);
    void stalledChanged(bool stalled);
    void serverError(const QString &code, const QString &message, const QString &ref);
    void protocolError(const QString &message);
    void rttMeasured(qint64 ms);
    void reconnectScheduled(int attempt, int delayMs);
    void transportChanged(const QString &transport, const QString &reason);
    void traffic(bool outbound, const vigil::Envelope &envelope, qint64 bytes);
    /// ConnectionManager::logFilterApplied(), after the envelopes that came before it.
    void logFilterApplied(const vigil::LogFilter &applied, bool onServer);
    /// The copy of the manager's state was renewed (after each change, and once a second).
    void snapshotChanged();

private:
    template<typename Functor> void command(Functor &&functor);

    QPointer<ConnectionManager> m_manager;
    QPointer<ConnectionTap> m_tap;
    ConnectionConfig m_config;
    ConnectionSnapshot m_snapshot;
};

} // namespace vigil

Q_DECLARE_METATYPE(vigil::ConnectionSnapshot)
