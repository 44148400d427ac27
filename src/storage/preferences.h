#pragma once

#include "connection/connectionmanager.h"

#include <QList>
#include <QRect>
#include <QStringList>
#include <QUrl>
#include <QVariant>

#include <memory>

class QSettings;

namespace vigil {

/// \brief The operator's preferences, kept in QSettings: the server profile (its URLs) and the
/// connection's heartbeat and reconnect settings. Tokens are never stored here.
///
/// Values read back are checked: a value out of range or of the wrong kind (a hand-edited
/// file) is ignored with a warning and the default applies.
class Preferences
{
public:
    /// Uses `settings` when given (tests), else the application's default QSettings.
    explicit Preferences(QSettings *settings = nullptr);
    ~Preferences();

    /// The URLs of the profile "default" (the one `vigil --url` remembers).
    [[nodiscard]] QList<QUrl> serverUrls() const;
    void setServerUrls(const QList<QUrl> &urls);

    /// Server profiles: a name and one or more URLs (failover order). Tokens live in the
    /// SecretStore under the profile's name, never here.
    [[nodiscard]] QStringList profileNames() const;
    [[nodiscard]] QList<QUrl> profileUrls(const QString &name) const;
    void setProfileUrls(const QString &name, const QList<QUrl> &urls);
    void removeProfile(const QString &name);
    /// The profile used last: a profile name, "demo" for the embedded demo, or empty on the
    /// very first run (the welcome screen).
    [[nodiscard]] QString lastProfile() const;
    void setLastProfile(const QString &name);

    /// The page the window showed last, and its geometry (empty when never saved).
    [[nodiscard]] QString lastPage() const;
    void setLastPage(const QString &page);
    [[nodiscard]] QRect windowGeometry() const;
    void setWindowGeometry(const QRect &geometry);

    /// Overrides the heartbeat and reconnect fields of `config` with the stored ones.
    void applyTo(ConnectionConfig *config) const;
    /// Stores the heartbeat and reconnect fields of `config`.
    void storeFrom(const ConnectionConfig &config);

    /// "system" (default), "light" or "dark".
    [[nodiscard]] QString theme() const;
    void setTheme(const QString &theme);
    /// "comfortable" (default) or "compact": how much room rows and controls take.
    [[nodiscard]] QString density() const;
    void setDensity(const QString &density);

    /// How a view was left (column widths, a sort order), by the view's key such as
    /// "logs/columns"; an invalid QVariant when never stored.
    [[nodiscard]] QVariant viewState(const QString &key) const;
    void setViewState(const QString &key, const QVariant &value);

    /// The longest operator name kept: it is also an incident's assignee (see IncidentForm).
    static constexpr int kOperatorNameMaxLength = 128;
    /// The setting "Operator name": what colleagues see in the chat and what Assign to me
    /// assigns. Empty when not set (and for a stored value that is no usable name).
    [[nodiscard]] QString operatorName() const;
    /// Stores `name`, trimmed; an empty one removes the setting.
    void setOperatorName(const QString &name);
    /// Whether `name` (trimmed) can be stored as the operator's name: not longer than
    /// kOperatorNameMaxLength, no line breaks or other control characters. Empty is fine.
    [[nodiscard]] static bool isUsableOperatorName(const QString &name);

    /// Whether the sidebar lists the Debug page (raw frames); off by default.
    [[nodiscard]] bool showDebugPage() const;
    void setShowDebugPage(bool show);

    /// How many lines the log viewer keeps (ranges::kLogCapacity; 1,000,000 by default).
    [[nodiscard]] int logCapacity() const;
    void setLogCapacity(int lines);
    /// The Logs page's "Filter on server" switch; off by default.
    [[nodiscard]] bool logFilterOnServer() const;
    void setLogFilterOnServer(bool on);

    /// The settings file (shown in About).
    [[nodiscard]] QString fileName() const;

    void sync();

private:
    int readInt(const QString &key, int min, int max, int fallback) const;

    std::unique_ptr<QSettings> m_owned;
    QSettings *m_settings;
};

} // namespace vigil
