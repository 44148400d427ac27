#pragma once

#include "connection/settingsranges.h"
#include "models/cppownedsingleton.h"

#include <QObject>
#include <QPointer>
#include <QStringList>
#include <QtQml/qqmlregistration.h>

#include <functional>

class QQmlEngine;
class QJSEngine;

namespace vigil {

class OperatorIdentity;
class Preferences;
class Workspace;

/// \brief The Settings page's logic: server profiles (URLs in Preferences, tokens in the
/// secret store), the reconnect and heartbeat settings, the operator's name, and the checks
/// behind every field.
///
/// Every check returns a sentence for the operator, or an empty string when the input is
/// fine, so the page can show problems while the operator types and never saves bad values.
class SettingsController : public QObject, public CppOwnedSingleton<SettingsController>
{
    Q_OBJECT
    QML_ELEMENT
    QML_SINGLETON
    Q_PROPERTY(QStringList profiles READ profiles NOTIFY profilesChanged)
    Q_PROPERTY(int heartbeatMs READ heartbeatMs NOTIFY connectionChanged)
    Q_PROPERTY(int heartbeatTimeoutMs READ heartbeatTimeoutMs NOTIFY connectionChanged)
    Q_PROPERTY(int reconnectBaseMs READ reconnectBaseMs NOTIFY connectionChanged)
    Q_PROPERTY(int reconnectCapMs READ reconnectCapMs NOTIFY connectionChanged)
    Q_PROPERTY(int maxAttempts READ maxAttempts NOTIFY connectionChanged)
    /// The accepted ranges (connection/settingsranges.h), for the fields' bounds
    Q_PROPERTY(int heartbeatMinMs READ heartbeatMinMs CONSTANT)
    Q_PROPERTY(int heartbeatMaxMs READ heartbeatMaxMs CONSTANT)
    Q_PROPERTY(int heartbeatTimeoutMinMs READ heartbeatTimeoutMinMs CONSTANT)
    Q_PROPERTY(int heartbeatTimeoutMaxMs READ heartbeatTimeoutMaxMs CONSTANT)
    Q_PROPERTY(int reconnectBaseMinMs READ reconnectBaseMinMs CONSTANT)
    Q_PROPERTY(int reconnectBaseMaxMs READ reconnectBaseMaxMs CONSTANT)
    Q_PROPERTY(int reconnectCapMaxMs READ reconnectCapMaxMs CONSTANT)
    Q_PROPERTY(int maxAttemptsLimit READ maxAttemptsLimit CONSTANT)
    /// The longest operator name (Preferences::kOperatorNameMaxLength)
    Q_PROPERTY(int operatorNameMaxLength READ operatorNameMaxLength CONSTANT)
    /// The outcome of the last save, for the page to show.
    Q_PROPERTY(QString message READ message NOTIFY messageChanged)
    Q_PROPERTY(bool messageIsError READ messageIsError NOTIFY messageChanged)
    /// "keychain" or "file": where tokens are kept.
    Q_PROPERTY(QString tokenBackend READ tokenBackend NOTIFY tokenStorageChanged)
    /// Non-empty when tokens cannot go to a keychain: says where they are instead.
    Q_PROPERTY(QString tokenWarning READ tokenWarning NOTIFY tokenStorageChanged)
    /// The sidebar lists the Debug page: the operator's setting, or `vigil --debug` for this run
    Q_PROPERTY(bool debugPage READ debugPage NOTIFY debugPageChanged)
    /// The setting "Show the Debug page", kept in the preferences
    Q_PROPERTY(bool debugPageSetting READ debugPageSetting NOTIFY debugPageChanged)
    /// Lines the log viewer keeps (the oldest go first), within logCapacityMin..Max.
    Q_PROPERTY(int logCapacity READ logCapacity NOTIFY logCapacityChanged)
    Q_PROPERTY(int logCapacityMin READ logCapacityMin CONSTANT)
    Q_PROPERTY(int logCapacityMax READ logCapacityMax CONSTANT)
    /// `vigil --debug` shows the Debug page for this run, whatever the setting
    Q_PROPERTY(bool debugForced READ debugForced NOTIFY debugPageChanged)
public:
    [[nodiscard]] static int heartbeatMinMs() { return ranges::kHeartbeatMs.min; }
    [[nodiscard]] static int heartbeatMaxMs() { return ranges::kHeartbeatMs.max; }
    [[nodiscard]] static int heartbeatTimeoutMinMs() { return ranges::kHeartbeatTimeoutMs.min; }
    [[nodiscard]] static int heartbeatTimeoutMaxMs() { return ranges::kHeartbeatTimeoutMs.max; }
    [[nodiscard]] static int reconnectBaseMinMs() { return ranges::kReconnectBaseMs.min; }
    [[nodiscard]] static int reconnectBaseMaxMs() { return ranges::kReconnectBaseMs.max; }
    [[nodiscard]] static int reconnectCapMaxMs() { return ranges::kReconnectCapMs.max; }
    [[nodiscard]] static int maxAttemptsLimit() { return ranges::kMaxAttempts.max; }
    [[nodiscard]] static int operatorNameMaxLength();

    /// Stores (or, with an empty token, keeps) a profile's token; calls `done` with an error
    /// sentence, empty on success.
    using TokenWriter = std::function<void(const QString &profile, const QString &token,
                                           std::function<void(const QString &error)> done)>;
    using TokenRemover = std::function<void(const QString &profile)>;

    // No default argument: see ConnectionStatus.
    SettingsController(QObject *parent, Preferences *preferences, Workspace *workspace);

    void setTokenWriter(TokenWriter writer) { m_writeToken = std::move(writer); }
    void setTokenRemover(TokenRemover remover) { m_removeToken = std::move(remover); }
    void setTokenStorage(const QString &backend, const QString &warning);
    /// Where the setting "Operator name" takes effect (not owned; null: it cannot be saved).
    void setOperatorIdentity(OperatorIdentity *identity);

    [[nodiscard]] QStringList profiles() const;
    [[nodiscard]] int heartbeatMs() const;
    [[nodiscard]] int heartbeatTimeoutMs() const;
    [[nodiscard]] int reconnectBaseMs() const;
    [[nodiscard]] int reconnectCapMs() const;
    [[nodiscard]] int maxAttempts() const;
    [[nodiscard]] QString message() const { return m_message; }
    [[nodiscard]] bool messageIsError() const { return m_messageIsError; }
    [[nodiscard]] QString tokenBackend() const { return m_tokenBackend; }
    [[nodiscard]] QString tokenWarning() const { return m_tokenWarning; }
    [[nodiscard]] bool debugPage() const { return m_debugForced || debugPageSetting(); }
    [[nodiscard]] bool debugPageSetting() const;
    [[nodiscard]] bool debugForced() const { return m_debugForced; }
    /// `vigil --debug`: the Debug page is shown for this run. Also checks, once, that a hidden
    /// Debug page is not the page shown (the one remembered from a run with --debug).
    void setDebugForced(bool forced);
    /// The setting "Show the Debug page". Hiding it while it is shown leaves it for Settings.
    Q_INVOKABLE void setShowDebugPage(bool show);
    [[nodiscard]] int logCapacity() const;
    [[nodiscard]] static int logCapacityMin();
    [[nodiscard]] static int logCapacityMax();
    /// Stores the log viewer's capacity (clamped to the range) and applies it at once.
    Q_INVOKABLE void setLogCapacity(int lines);

    /// The profile's URLs, one per line.
    Q_INVOKABLE QString urlsText(const QString &name) const;
    /// Checks a profile: a name (not "demo"), one or more ws:// or wss:// URLs, one per line.
    Q_INVOKABLE QString validateProfile(const QString &name, const QString &urlsText) const;
    /// Saves the profile (URLs now, the token through the secret store) and, when asked,
    /// connects to it once the token is stored.
    Q_INVOKABLE bool saveProfile(const QString &name, const QString &urlsText, const QString &token,
                                 bool connect);
    Q_INVOKABLE void removeProfile(const QString &name);

    /// Checks the connection settings (ranges, and that they make sense together).
    Q_INVOKABLE QString validateConnection(int heartbeatMs, int heartbeatTimeoutMs,
                                           int reconnectBaseMs, int reconnectCapMs,
                                           int maxAttempts) const;
    /// Saves them and reconnects the running session with them.
    Q_INVOKABLE bool saveConnection(int heartbeatMs, int heartbeatTimeoutMs, int reconnectBaseMs,
                                    int reconnectCapMs, int maxAttempts);

    /// Checks the setting "Operator name" (empty is fine: the name then comes from the server
    /// or the account).
    Q_INVOKABLE QString validateOperatorName(const QString &name) const;
    /// Stores it (trimmed) and uses it at once: the chat and Assign to me take the new name.
    Q_INVOKABLE bool saveOperatorName(const QString &name);

Q_SIGNALS:
    void profilesChanged();
    void connectionChanged();
    void messageChanged();
    void tokenStorageChanged();
    void debugPageChanged();
    void logCapacityChanged();

private:
    void setMessage(const QString &message, bool error);
    void keepDebugPageHidden();

    Preferences *m_preferences;
    Workspace *m_workspace;
    QPointer<OperatorIdentity> m_identity;
    TokenWriter m_writeToken;
    TokenRemover m_removeToken;
    QString m_message;
    bool m_messageIsError = false;
    QString m_tokenBackend;
    QString m_tokenWarning;
    bool m_debugForced = false;
    QString m_pageBeforeDebug = QStringLiteral("dashboard");
};

} // namespace vigil
