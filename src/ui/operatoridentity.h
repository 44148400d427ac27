#pragma once

#include "models/cppownedsingleton.h"

#include <QJsonObject>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QtQml/qqmlregistration.h>

class QQmlEngine;
class QJSEngine;

namespace vigil {

class ConnectionView;
class Preferences;

/// \brief Who the operator is, in one place: the name colleagues see in the chat (a message's
/// `senderId`, a receipt's `by`) and the one "Assign to me" assigns.
///
/// The name comes, first that is known, from the setting "Operator name" (Preferences), from
/// the user the server knows this session as (its `welcome`), or from the desktop account.
/// The server's name is kept until another server names the operator.
class OperatorIdentity : public QObject, public CppOwnedSingleton<OperatorIdentity>
{
    Q_OBJECT
    QML_ELEMENT
    QML_SINGLETON
    /// The operator's name as it is used: never empty.
    Q_PROPERTY(QString name READ name NOTIFY nameChanged)
    /// Where `name` comes from.
    Q_PROPERTY(Source source READ source NOTIFY nameChanged)
    /// The same for people ("your setting", "the server", "your account").
    Q_PROPERTY(QString sourceText READ sourceText NOTIFY nameChanged)
    /// The setting "Operator name" ("" when it is not set).
    Q_PROPERTY(QString configuredName READ configuredName NOTIFY nameChanged)
    /// The name without the setting: the server's, else the account's (what "" falls back to).
    Q_PROPERTY(QString fallbackName READ fallbackName NOTIFY nameChanged)
public:
    enum class Source { Setting, Server, Account };
    Q_ENUM(Source)

    // No default argument: see ConnectionStatus.
    /// Reads the setting from `preferences` (not owned; null: no setting).
    OperatorIdentity(QObject *parent, Preferences *preferences);

    /// Learns the operator's name from `connection`'s welcome (not owned; null: keep the name).
    void attach(ConnectionView *connection);

    [[nodiscard]] QString name() const;
    [[nodiscard]] Source source() const;
    [[nodiscard]] QString sourceText() const;
    [[nodiscard]] QString configuredName() const { return m_configured; }
    [[nodiscard]] QString fallbackName() const;
    [[nodiscard]] QString serverName() const { return m_server; }

    /// The setting "Operator name", stored in the preferences; "" removes it. The caller checks
    /// it first (SettingsController::validateOperatorName()); an unusable name is not stored.
    bool setConfiguredName(const QString &name);
    /// What a server said the user is ("" forgets it).
    void setServerName(const QString &name);

    /// The desktop account's name (never empty).
    [[nodiscard]] static QString accountName();

Q_SIGNALS:
    void nameChanged();

private:
    void onWelcome(const QJsonObject &welcome);

    Preferences *m_preferences;
    QPointer<ConnectionView> m_connection;
    QString m_configured;
    QString m_server;
};

} // namespace vigil
