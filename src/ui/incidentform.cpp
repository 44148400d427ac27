#include "incidentform.h"

#include "connection/connectionmanager.h"

namespace vigil {

namespace {

// Before a server said who the operator is: the account's name, as the desktop knows it.
QString localUserName()
{
    for (const char *variable : {"USER", "USERNAME", "LOGNAME"}) {
        const QString name = qEnvironmentVariable(variable).trimmed();
        if (!name.isEmpty())
            return name;
    }
    return QStringLiteral("operator");
}

} // namespace

IncidentForm::IncidentForm(QObject *parent)
    : QObject(parent)
    , m_me(localUserName())
{}

void IncidentForm::attach(ConnectionManager *manager)
{
    if (m_manager)
        m_manager->disconnect(this);
    m_manager = manager;
    if (!manager)
        return;
    connect(manager, &ConnectionManager::welcomeReceived, this, [this](const QJsonObject &welcome) {
        const QString user = welcome.value(QStringLiteral("user")).toString().trimmed();
        if (!user.isEmpty())
            setMe(user);
    });
}

void IncidentForm::setMe(const QString &name)
{
    if (name == m_me)
        return;
    m_me = name;
    Q_EMIT meChanged();
}

QStringList IncidentForm::severities()
{
    return {QStringLiteral("low"), QStringLiteral("medium"), QStringLiteral("high"),
            QStringLiteral("critical")};
}

QString IncidentForm::titleProblem(const QString &title) const
{
    const QString trimmed = title.trimmed();
    if (trimmed.isEmpty())
        return tr("A title is needed.");
    if (trimmed.size() > kTitleMax)
        return tr("The title is %1 characters long; at most %2 fit.")
            .arg(trimmed.size())
            .arg(kTitleMax);
    return {};
}

QString IncidentForm::severityProblem(const QString &severity) const
{
    if (!severities().contains(severity))
        return tr("Choose a severity: low, medium, high or critical.");
    return {};
}

QString IncidentForm::descriptionProblem(const QString &description) const
{
    if (description.size() > kTextMax)
        return tr("The description is %1 characters long; at most %2 fit.")
            .arg(description.size())
            .arg(kTextMax);
    return {};
}

QString IncidentForm::assigneeProblem(const QString &assignee) const
{
    const QString trimmed = assignee.trimmed();
    if (trimmed.isEmpty())
        return tr("Name someone to assign it to.");
    if (trimmed.size() > kAssigneeMax)
        return tr("A name fits in %1 characters.").arg(kAssigneeMax);
    return {};
}

QString IncidentForm::noteProblem(const QString &note) const
{
    if (note.size() > kTextMax)
        return tr("The note is %1 characters long; at most %2 fit.").arg(note.size()).arg(kTextMax);
    return {};
}

QString IncidentForm::createProblem(const QString &title, const QString &severity,
                                    const QString &description) const
{
    for (const QString &problem :
         {titleProblem(title), severityProblem(severity), descriptionProblem(description)}) {
        if (!problem.isEmpty())
            return problem;
    }
    return {};
}

} // namespace vigil
