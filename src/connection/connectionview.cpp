#include "connectionview.h"

#include <QJsonArray>
#include <QThread>

namespace vigil {

ConnectionSnapshot ConnectionSnapshot::of(const ConnectionManager &manager)
{
    ConnectionSnapshot s;
    s.state = manager.state();
    s.transportName = manager.transportName();
    s.fallbackReason = manager.fallbackReason();
    s.transportPreference = manager.transportPreference();
    s.currentUrl = manager.currentUrl();
    s.attempt = manager.attempt();
    s.nextDelayMs = manager.nextDelayMs();
    s.unauthorized = manager.unauthorized();
    s.breakerOpen = manager.breaker().isOpen();
    s.breakerFailures = manager.breaker().failures();
    s.stalled = manager.stalled();
    s.silentForMs = manager.silentForMs();
    s.unreachableSinceMs = manager.unreachableSinceMs();
    s.quality = manager.quality();
    s.capabilities = manager.serverCapabilities();
    s.health = manager.healthJson();
    return s;
}

ConnectionTap::ConnectionTap(ConnectionManager *manager)
    : QObject(manager)
    , m_manager(manager)
{
    connect(manager, &ConnectionManager::envelopeReceived, this, &ConnectionTap::take,
            Qt::DirectConnection);
    pass(&ConnectionManager::stateChanged, &ConnectionTap::stateChanged);
    pass(&ConnectionManager::welcomeReceived, &ConnectionTap::welcomeReceived);
    pass(&ConnectionManager::recoveryFailed, &ConnectionTap::recoveryFailed);
    pass(&ConnectionManager::historyReset, &ConnectionTap::historyReset);
    pass(&ConnectionManager::reloadFinished, &ConnectionTap::reloadFinished);
    pass(&ConnectionManager::messageSkipped, &ConnectionTap::messageSkipped);
    pass(&ConnectionManager::stalledChanged, &ConnectionTap::stalledChanged);
    pass(&ConnectionManager::serverError, &ConnectionTap::serverError);
    pass(&ConnectionManager::protocolError, &ConnectionTap::protocolError);
    pass(&ConnectionManager::rttMeasured, &ConnectionTap::rttMeasured);
    pass(&ConnectionManager::reconnectScheduled, &ConnectionTap::reconnectScheduled);
    pass(&ConnectionManager::transportChanged, &ConnectionTap::transportChanged);
    pass(&ConnectionManager::logFilterApplied, &ConnectionTap::logFilterApplied);
    m_refresh.setInterval(1000);
    connect(&m_refresh, &QTimer::timeout, this, &ConnectionTap::snapshot);
    m_refresh.start();
}

template<typename Signal, typename Emit> void ConnectionTap::pass(Signal signal, Emit emitter)
{
    connect(
        m_manager, signal, this,
        [this, emitter](auto &&...args) {
            flush();
            snapshot();
            Q_EMIT(this->*emitter)(args...);
        },
        Qt::DirectConnection);
}

void ConnectionTap::setTrafficWanted(bool wanted)
{
    if (wanted == bool(m_traffic))
        return;
    if (wanted) {
        // Raw frames keep their place among the envelopes: the batch so far goes first.
        m_traffic = connect(
            m_manager, &ConnectionManager::traffic, this,
            [this](bool outbound, const Envelope &envelope, qint64 bytes) {
                flush();
                Q_EMIT traffic(outbound, envelope, bytes);
            },
            Qt::DirectConnection);
    } else {
        disconnect(m_traffic);
        m_traffic = {};
    }
}

void ConnectionTap::take(const Envelope &envelope)
{
    m_pending.append(envelope);
    if (m_flushPosted)
        return;
    // Runs once the manager is done with what it is reading now: one batch per turn.
    m_flushPosted = true;
    QMetaObject::invokeMethod(this, &ConnectionTap::flush, Qt::QueuedConnection);
}

void ConnectionTap::flush()
{
    m_flushPosted = false;
    if (m_pending.isEmpty())
        return;
    Q_EMIT envelopes(std::exchange(m_pending, {}));
}

void ConnectionTap::snapshot()
{
    Q_EMIT snapshotTaken(ConnectionSnapshot::of(*m_manager));
}

ConnectionView::ConnectionView(ConnectionManager *manager, QObject *parent)
    : QObject(parent)
    , m_manager(manager)
    , m_config(manager->config())
{
    qRegisterMetaType<ConnectionSnapshot>();
    qRegisterMetaType<QList<Envelope>>();
    qRegisterMetaType<LogFilter>();
    // The tap must be made on the manager's thread, as its child.
    ConnectionTap *tap = nullptr;
    const auto make = [&tap, manager] { tap = new ConnectionTap(manager); };
    if (manager->thread() == QThread::currentThread())
        make();
    else
        QMetaObject::invokeMethod(manager, make, Qt::BlockingQueuedConnection);
    m_tap = tap;
    m_snapshot = ConnectionSnapshot::of(*manager); // nothing runs yet: safe to read once

    connect(tap, &ConnectionTap::snapshotTaken, this, [this](const ConnectionSnapshot &s) {
        m_snapshot = s;
        Q_EMIT snapshotChanged();
    });
    connect(tap, &ConnectionTap::envelopes, this, &ConnectionView::envelopesReceived);
    connect(tap, &ConnectionTap::stateChanged, this, &ConnectionView::stateChanged);
    connect(tap, &ConnectionTap::welcomeReceived, this, &ConnectionView::welcomeReceived);
    connect(tap, &ConnectionTap::recoveryFailed, this, &ConnectionView::recoveryFailed);
    connect(tap, &ConnectionTap::historyReset, this, &ConnectionView::historyReset);
    connect(tap, &ConnectionTap::reloadFinished, this, &ConnectionView::reloadFinished);
    connect(tap, &ConnectionTap::messageSkipped, this, &ConnectionView::messageSkipped);
    connect(tap, &ConnectionTap::stalledChanged, this, &ConnectionView::stalledChanged);
    connect(tap, &ConnectionTap::serverError, this, &ConnectionView::serverError);
    connect(tap, &ConnectionTap::protocolError, this, &ConnectionView::protocolError);
    connect(tap, &ConnectionTap::rttMeasured, this, &ConnectionView::rttMeasured);
    connect(tap, &ConnectionTap::reconnectScheduled, this, &ConnectionView::reconnectScheduled);
    connect(tap, &ConnectionTap::transportChanged, this, &ConnectionView::transportChanged);
    connect(tap, &ConnectionTap::traffic, this, &ConnectionView::traffic);
    connect(tap, &ConnectionTap::logFilterApplied, this, &ConnectionView::logFilterApplied);
}

ConnectionView::~ConnectionView()
{
    setTrafficWanted(false);
}

template<typename Functor> void ConnectionView::command(Functor &&functor)
{
    if (!m_manager)
        return;
    // Same thread: at once; the ingest thread: queued behind what it is doing, in order.
    QMetaObject::invokeMethod(m_manager.data(), std::forward<Functor>(functor), Qt::AutoConnection);
}

void ConnectionView::open()
{
    command([m = m_manager.data()] { m->open(); });
}

void ConnectionView::close()
{
    command([m = m_manager.data()] { m->close(); });
}

void ConnectionView::reconnectNow()
{
    command([m = m_manager.data()] { m->reconnectNow(); });
}

void ConnectionView::setToken(const QString &token)
{
    command([m = m_manager.data(), token] { m->setToken(token); });
}

void ConnectionView::probeNow(const QString &reason)
{
    command([m = m_manager.data(), reason] { m->probeNow(reason); });
}

void ConnectionView::setTransportPreference(TransportPreference preference)
{
    m_snapshot.transportPreference = preference; // shown at once; the manager confirms
    command([m = m_manager.data(), preference] { m->setTransportPreference(preference); });
}

void ConnectionView::reload(const QStringList &channels)
{
    command([m = m_manager.data(), channels] { m->reload(channels); });
}

void ConnectionView::setLogFilter(const LogFilter &filter)
{
    m_config.logFilter = filter;
    command([m = m_manager.data(), filter] { m->setLogFilter(filter); });
}

void ConnectionView::setTrafficWanted(bool wanted)
{
    if (!m_tap)
        return;
    QMetaObject::invokeMethod(
        m_tap.data(), [t = m_tap.data(), wanted] { t->setTrafficWanted(wanted); },
        Qt::AutoConnection);
}

} // namespace vigil
