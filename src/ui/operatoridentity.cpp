#include "operatoridentity.h"

#include "incidentform.h"

#include "connection/connectionview.h"
#include "storage/preferences.h"

namespace vigil {

// Assign to me sends the name as the assignee: the form must take any name that can be set.
static_assert(Preferences::kOperatorNameMaxLength <= IncidentForm::kAssigneeMax);

OperatorIdentity::OperatorIdentity(QObject *parent, Preferences *preferences)
    : QObject(parent)
    , m_preferences(preferences)
    , m_configured(preferences ? preferences->operatorName() : QString())
{}

void OperatorIdentity::attach(ConnectionView *connection)
{
    if (m_connection)
        m_connection->disconnect(this);
    m_connection = connection;
    if (connection)
        connect(connection, &ConnectionView::welcomeReceived, this, &OperatorIdentity::onWelcome);
}

void OperatorIdentity::onWelcome(const QJsonObject &welcome)
{
    // A server that names nobody (no authentication) leaves the name as it is.
    const QString user = welcome.value(QStringLiteral("user")).toString().trimmed();
    if (!user.isEmpty())
        setServerName(user);
}

QString OperatorIdentity::name() const
{
    return m_configured.isEmpty() ? fallbackName() : m_configured;
}

OperatorIdentity::Source OperatorIdentity::source() const
{
    if (!m_configured.isEmpty())
        return Source::Setting;
    return m_server.isEmpty() ? Source::Account : Source::Server;
}

QString OperatorIdentity::sourceText() const
{
    switch (source()) {
    case Source::Setting:
        return tr("your setting");
    case Source::Server:
        return tr("the server");
    case Source::Account:
        break;
    }
    return tr("your account");
}

QString OperatorIdentity::fallbackName() const
{
    return m_server.isEmpty() ? accountName() : m_server;
}

bool OperatorIdentity::setConfiguredName(const QString &name)
{
    const QString trimmed = name.trimmed();
    if (!Preferences::isUsableOperatorName(trimmed))
        return false;
    if (m_preferences)
        m_preferences->setOperatorName(trimmed);
    if (trimmed != m_configured) {
        m_configured = trimmed;
        Q_EMIT nameChanged();
    }
    return true;
}

void OperatorIdentity::setServerName(const QString &name)
{
    // Every property follows from the setting and the server's name (the account's is fixed).
    const QString trimmed = name.trimmed();
    if (trimmed == m_server)
        return;
    m_server = trimmed;
    Q_EMIT nameChanged();
}

QString OperatorIdentity::accountName()
{
    for (const char *variable : {"USER", "USERNAME", "LOGNAME"}) {
        const QString name = qEnvironmentVariable(variable).trimmed();
        if (!name.isEmpty())
            return name;
    }
    return QStringLiteral("operator");
}

} // namespace vigil
