#pragma once

#include "models/cppownedsingleton.h"

#include <QObject>
#include <QPointer>
#include <QStringList>
#include <QtQml/qqmlregistration.h>

class QQmlEngine;
class QJSEngine;

namespace vigil {

class OperatorIdentity;

/// \brief What the operator types about incidents, checked before it goes out, with the limits
/// the server enforces (docs/protocol.md, "Refusals"): a new incident's title, severity and
/// description, an assignee, a resolution note. Each check returns the problem as a sentence
/// for the field, or "" when the value is fine. It also says who "me" is for Assign to me (the
/// OperatorIdentity's name).
class IncidentForm : public QObject, public CppOwnedSingleton<IncidentForm>
{
    Q_OBJECT
    QML_ELEMENT
    QML_SINGLETON
    /// Who "Assign to me" assigns: the operator's name (OperatorIdentity)
    Q_PROPERTY(QString me READ me NOTIFY meChanged)
    /// The severities a new incident may have, lowest first
    Q_PROPERTY(QStringList severities READ severities CONSTANT)
    /// The severity a new incident starts with in the form
    Q_PROPERTY(QString defaultSeverity READ defaultSeverity CONSTANT)
    Q_PROPERTY(int titleMaxLength READ titleMaxLength CONSTANT)
    Q_PROPERTY(int descriptionMaxLength READ descriptionMaxLength CONSTANT)
public:
    static constexpr int kTitleMax = 200;
    static constexpr int kTextMax = 4000; ///< a description or a note
    static constexpr int kAssigneeMax = 128;

    // No default argument: see ConnectionStatus.
    explicit IncidentForm(QObject *parent);

    /// Takes "me" from `identity` (not owned; null: the desktop account's name).
    void setIdentity(OperatorIdentity *identity);

    [[nodiscard]] QString me() const;
    [[nodiscard]] static QStringList severities();
    [[nodiscard]] static QString defaultSeverity() { return QStringLiteral("medium"); }
    [[nodiscard]] static int titleMaxLength() { return kTitleMax; }
    [[nodiscard]] static int descriptionMaxLength() { return kTextMax; }

    Q_INVOKABLE QString titleProblem(const QString &title) const;
    Q_INVOKABLE QString severityProblem(const QString &severity) const;
    Q_INVOKABLE QString descriptionProblem(const QString &description) const;
    Q_INVOKABLE QString assigneeProblem(const QString &assignee) const;
    Q_INVOKABLE QString noteProblem(const QString &note) const;
    /// The first problem of a new incident's three fields, or "".
    Q_INVOKABLE QString createProblem(const QString &title, const QString &severity,
                                      const QString &description) const;

Q_SIGNALS:
    void meChanged();

private:
    QPointer<OperatorIdentity> m_identity;
};

} // namespace vigil
