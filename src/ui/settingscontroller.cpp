#include "settingscontroller.h"

#include "connection/connectionmanager.h"
#include "connection/connectionoptions.h"
#include "connection/settingsranges.h"

#include "operatoridentity.h"
#include "storage/preferences.h"
#include "workspace.h"
#include <algorithm>

namespace vigil {

namespace {

QStringList urlLines(const QString &text)
{
    QStringList lines;
    const QStringList raw = text.split(QLatin1Char('\n'));
    for (const QString &line : raw) {
        if (!line.trimmed().isEmpty())
            lines.append(line.trimmed());
    }
    return lines;
}

ConnectionConfig storedConfig(const Preferences *preferences)
{
    ConnectionConfig config;
    if (preferences)
        preferences->applyTo(&config);
    return config;
}

} // namespace

SettingsController::SettingsController(QObject *parent, Preferences *preferences,
                                       Workspace *workspace)
    : QObject(parent)
    , m_preferences(preferences)
    , m_workspace(workspace)
{
    // A session started from the command line may have added a profile.
    if (workspace) {
        connect(workspace, &Workspace::sessionChanged, this, &SettingsController::profilesChanged);
        // Hidden means unreachable: --page, a second launch or a stale preference cannot open it.
        connect(workspace, &Workspace::pageChanged, this, &SettingsController::keepDebugPageHidden);
        if (workspace->page() != u"debug")
            m_pageBeforeDebug = workspace->page();
    }
}

bool SettingsController::debugPageSetting() const
{
    return m_preferences && m_preferences->showDebugPage();
}

void SettingsController::setDebugForced(bool forced)
{
    if (forced != m_debugForced) {
        m_debugForced = forced;
        Q_EMIT debugPageChanged();
    }
    keepDebugPageHidden();
}

int SettingsController::logCapacity() const
{
    return m_preferences ? m_preferences->logCapacity() : ranges::kDefaultLogCapacity;
}

int SettingsController::logCapacityMin()
{
    return ranges::kLogCapacity.min;
}

int SettingsController::logCapacityMax()
{
    return ranges::kLogCapacity.max;
}

void SettingsController::setLogCapacity(int lines)
{
    if (!m_preferences)
        return;
    const int clamped = std::clamp(lines, logCapacityMin(), logCapacityMax());
    if (clamped == logCapacity())
        return;
    m_preferences->setLogCapacity(clamped);
    m_preferences->sync();
    Q_EMIT logCapacityChanged();
}

void SettingsController::setShowDebugPage(bool show)
{
    if (!m_preferences || show == debugPageSetting())
        return;
    const bool before = debugPage();
    m_preferences->setShowDebugPage(show);
    Q_EMIT debugPageChanged();
    if (before && !debugPage() && m_workspace && m_workspace->page() == u"debug")
        m_workspace->setPage(QStringLiteral("settings"));
    keepDebugPageHidden();
}

void SettingsController::keepDebugPageHidden()
{
    if (!m_workspace)
        return;
    if (m_workspace->page() != u"debug")
        m_pageBeforeDebug = m_workspace->page();
    else if (!debugPage()) // back to where the operator was (its shortcut does nothing then)
        m_workspace->setPage(m_pageBeforeDebug);
}

void SettingsController::setTokenStorage(const QString &backend, const QString &warning)
{
    if (backend == m_tokenBackend && warning == m_tokenWarning)
        return;
    m_tokenBackend = backend;
    m_tokenWarning = warning;
    Q_EMIT tokenStorageChanged();
}

QStringList SettingsController::profiles() const
{
    return m_preferences->profileNames();
}

int SettingsController::heartbeatMs() const
{
    return storedConfig(m_preferences).heartbeatMs;
}

int SettingsController::heartbeatTimeoutMs() const
{
    return storedConfig(m_preferences).heartbeatTimeoutMs;
}

int SettingsController::reconnectBaseMs() const
{
    return storedConfig(m_preferences).reconnect.baseMs;
}

int SettingsController::reconnectCapMs() const
{
    return storedConfig(m_preferences).reconnect.capMs;
}

int SettingsController::maxAttempts() const
{
    return storedConfig(m_preferences).maxAttempts;
}

QString SettingsController::urlsText(const QString &name) const
{
    QStringList lines;
    const QList<QUrl> urls = m_preferences->profileUrls(name);
    for (const QUrl &url : urls)
        lines.append(url.toString());
    return lines.join(QLatin1Char('\n'));
}

QString SettingsController::validateProfile(const QString &name, const QString &text) const
{
    const QString trimmed = name.trimmed();
    if (trimmed.isEmpty())
        return tr("Give the profile a name.");
    if (trimmed == u"demo")
        return tr("\"demo\" is reserved for the built-in demo; choose another name.");
    if (trimmed.size() > 64)
        return tr("The profile name is too long (at most 64 characters).");
    const QStringList lines = urlLines(text);
    if (lines.isEmpty())
        return tr("Enter at least one server address, e.g. wss://vigil.example.com/ws.");
    for (int i = 0; i < lines.size(); ++i) {
        QUrl url;
        QString error;
        if (!parseServerUrl(lines.at(i), &url, &error))
            return tr("Address %1: %2").arg(i + 1).arg(error);
    }
    return {};
}

bool SettingsController::saveProfile(const QString &name, const QString &text, const QString &token,
                                     bool connect)
{
    const QString problem = validateProfile(name, text);
    if (!problem.isEmpty()) {
        setMessage(problem, true);
        return false;
    }
    const QString profile = name.trimmed();
    QList<QUrl> urls;
    for (const QString &line : urlLines(text)) {
        QUrl url;
        QString error;
        parseServerUrl(line, &url, &error);
        urls.append(url);
    }
    m_preferences->setProfileUrls(profile, urls);
    m_preferences->sync();
    Q_EMIT profilesChanged();

    auto finish = [this, profile, connect](const QString &error) {
        if (!error.isEmpty()) {
            setMessage(
                tr("Saved \"%1\", but the token could not be stored: %2").arg(profile, error),
                true);
            return;
        }
        setMessage(tr("Saved \"%1\".").arg(profile), false);
        if (connect && m_workspace)
            m_workspace->connectProfile(profile);
    };
    if (token.isEmpty() || !m_writeToken)
        finish(token.isEmpty() ? QString() : tr("no secret store is available"));
    else
        m_writeToken(profile, token, finish);
    return true;
}

void SettingsController::removeProfile(const QString &name)
{
    if (name.isEmpty())
        return;
    m_preferences->removeProfile(name);
    m_preferences->sync();
    if (m_removeToken)
        m_removeToken(name);
    setMessage(tr("Removed \"%1\".").arg(name), false);
    Q_EMIT profilesChanged();
}

QString SettingsController::validateConnection(int heartbeat, int timeout, int base, int cap,
                                               int attempts) const
{
    using namespace ranges;
    if (!kHeartbeatMs.contains(heartbeat))
        return tr("The heartbeat interval must be between %1 ms and %2 ms.")
            .arg(kHeartbeatMs.min)
            .arg(kHeartbeatMs.max);
    if (!kHeartbeatTimeoutMs.contains(timeout))
        return tr("The heartbeat timeout must be between %1 ms and %2 ms.")
            .arg(kHeartbeatTimeoutMs.min)
            .arg(kHeartbeatTimeoutMs.max);
    if (timeout > heartbeat * 10)
        return tr("A heartbeat timeout longer than ten intervals would hide a dead link.");
    if (!kReconnectBaseMs.contains(base))
        return tr("The first retry delay must be between %1 ms and %2 ms.")
            .arg(kReconnectBaseMs.min)
            .arg(kReconnectBaseMs.max);
    if (cap < base || !kReconnectCapMs.contains(cap))
        return tr("The longest retry delay must be at least the first one and at most %1 ms.")
            .arg(kReconnectCapMs.max);
    if (!kMaxAttempts.contains(attempts))
        return tr("Attempts must be 0 (never give up) or a number up to %1.").arg(kMaxAttempts.max);
    return {};
}

bool SettingsController::saveConnection(int heartbeat, int timeout, int base, int cap, int attempts)
{
    const QString problem = validateConnection(heartbeat, timeout, base, cap, attempts);
    if (!problem.isEmpty()) {
        setMessage(problem, true);
        return false;
    }
    ConnectionConfig config = storedConfig(m_preferences);
    config.heartbeatMs = heartbeat;
    config.heartbeatTimeoutMs = timeout;
    config.reconnect.baseMs = base;
    config.reconnect.capMs = cap;
    config.maxAttempts = attempts;
    m_preferences->storeFrom(config);
    m_preferences->sync();
    Q_EMIT connectionChanged();
    setMessage(tr("Connection settings saved."), false);
    if (m_workspace)
        m_workspace->reapplySettings();
    return true;
}

void SettingsController::setOperatorIdentity(OperatorIdentity *identity)
{
    m_identity = identity;
}

int SettingsController::operatorNameMaxLength()
{
    return Preferences::kOperatorNameMaxLength;
}

QString SettingsController::validateOperatorName(const QString &name) const
{
    const QString trimmed = name.trimmed();
    if (trimmed.size() > Preferences::kOperatorNameMaxLength)
        return tr("The name is %1 characters long; at most %2 fit.")
            .arg(trimmed.size())
            .arg(Preferences::kOperatorNameMaxLength);
    if (!Preferences::isUsableOperatorName(trimmed))
        return tr("The name must be on one line, without tabs or other control characters.");
    return {};
}

bool SettingsController::saveOperatorName(const QString &name)
{
    const QString problem = validateOperatorName(name);
    if (!problem.isEmpty()) {
        setMessage(problem, true);
        return false;
    }
    if (!m_identity || !m_identity->setConfiguredName(name)) {
        setMessage(tr("The operator name cannot be changed here."), true);
        return false;
    }
    m_preferences->sync();
    const QString trimmed = name.trimmed();
    setMessage(trimmed.isEmpty() ? tr("Operator name cleared: you are %1, as %2 says.")
                                       .arg(m_identity->name(), m_identity->sourceText())
                                 : tr("Operator name saved: you are %1.").arg(trimmed),
               false);
    return true;
}

void SettingsController::setMessage(const QString &message, bool error)
{
    m_message = message;
    m_messageIsError = error;
    Q_EMIT messageChanged();
}

} // namespace vigil
