#include "connectionstatus.h"

#include "connection/connectionmanager.h"
#include "protocol/logging.h"

#include <QJSEngine>

namespace vigil {

namespace {
QPointer<ConnectionStatus> s_instance;
} // namespace

ConnectionStatus::ConnectionStatus(QObject *parent)
    : QObject(parent)
    , m_summary(tr("Not connected"))
{}

void ConnectionStatus::setInstance(ConnectionStatus *instance)
{
    s_instance = instance;
}

ConnectionStatus *ConnectionStatus::create(QQmlEngine *, QJSEngine *)
{
    Q_ASSERT(s_instance);
    QJSEngine::setObjectOwnership(s_instance, QJSEngine::CppOwnership);
    return s_instance;
}

void ConnectionStatus::attach(ConnectionManager *manager)
{
    m_manager = manager;
    connect(manager, &ConnectionManager::stateChanged, this,
            [this](ConnectionManager::State, const QString &reason) { update(reason); });
    connect(manager, &ConnectionManager::rttMeasured, this, [this](qint64 ms) {
        m_rttMs = int(ms);
        Q_EMIT rttChanged();
    });
    connect(manager, &ConnectionManager::transportChanged, this,
            [this](const QString &, const QString &reason) { update(reason); });
    update(QString());
}

QString ConnectionStatus::transport() const
{
    return m_manager ? m_manager->transportName() : QStringLiteral("websocket");
}

QString ConnectionStatus::fallbackReason() const
{
    return m_manager ? m_manager->fallbackReason() : QString();
}

QString ConnectionStatus::transportPreference() const
{
    return m_manager ? transportPreferenceName(m_manager->transportPreference())
                     : QStringLiteral("auto");
}

void ConnectionStatus::setTransportPreference(const QString &name)
{
    const auto preference = transportPreferenceFromName(name);
    if (!m_manager || !preference) {
        qCWarning(lcUi).noquote() << "unknown transport" << name;
        return;
    }
    m_manager->setTransportPreference(*preference);
    update(tr("transport set to %1").arg(name));
}

void ConnectionStatus::reconnect()
{
    if (m_manager)
        m_manager->reconnectNow();
}

void ConnectionStatus::update(const QString &reason)
{
    if (!m_manager)
        return;
    using State = ConnectionManager::State;
    const State state = m_manager->state();
    m_state = ConnectionManager::stateName(state);
    m_detail = reason;
    m_url = m_manager->currentUrl()
                .adjusted(QUrl::RemoveUserInfo | QUrl::RemoveQuery | QUrl::RemoveFragment)
                .toString();
    switch (state) {
    case State::Connected:
        m_summary = tr("Connected");
        break;
    case State::Connecting:
        m_summary = tr("Connecting");
        break;
    case State::Reconnecting:
        m_summary = tr("Reconnecting - attempt %1, next try in %2 s")
                        .arg(m_manager->attempt())
                        .arg((m_manager->nextDelayMs() + 999) / 1000);
        break;
    case State::Disconnected:
        m_summary = tr("Disconnected");
        break;
    case State::Error:
        m_summary = tr("Connection error");
        break;
    case State::Closed:
        m_summary = tr("Closed");
        break;
    case State::Fallback:
        m_summary = tr("Using HTTP fallback (%1)").arg(m_manager->transportName().toUpper());
        break;
    }
    if (state != State::Connected) {
        m_rttMs = -1;
        Q_EMIT rttChanged();
    }
    qCDebug(lcUi).noquote() << "status" << m_state << m_summary;
    Q_EMIT changed();
}

} // namespace vigil
