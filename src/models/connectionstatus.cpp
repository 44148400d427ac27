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
    update(QString());
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
        m_summary = tr("Connected over HTTP fallback");
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
