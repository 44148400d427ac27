#include "incidentform.h"

#include "operatoridentity.h"

namespace vigil {

IncidentForm::IncidentForm(QObject *parent)
    : QObject(parent)
{}

void IncidentForm::setIdentity(OperatorIdentity *identity)
{
    if (m_identity == identity)
        return;
    if (m_identity)
        m_identity->disconnect(this);
    const QString before = me();
    m_identity = identity;
    if (identity)
        connect(identity, &OperatorIdentity::nameChanged, this, &IncidentForm::meChanged);
    if (me() != before)
        Q_EMIT meChanged();
}

QString IncidentForm::me() const
{
    return m_identity ? m_identity->name() : OperatorIdentity::accountName();
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
