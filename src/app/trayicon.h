#pragma once

#include "connection/connectionmanager.h"
#include "ui/tone.h"

#include <QIcon>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QWindow>

#include <memory>

class QMenu;
class QSystemTrayIcon;

namespace vigil {
class ConnectionStatus;
class NotificationsModel;
} // namespace vigil

namespace vigil::app {

/// \brief The tray icon: its colour follows the connection state (green connected, amber
/// connecting / reconnecting / fallback or a silent link, red error, grey otherwise; the
/// window's colours, palette.h), its tooltip says the state in words, and critical alerts
/// raise a desktop notification through it.
///
/// On a desktop without a tray (or offscreen) nothing is shown, but the state and the last
/// notification are still tracked, so the in-window notifications centre stays the one
/// complete record.
class TrayIcon : public QObject
{
    Q_OBJECT
public:
    TrayIcon(ConnectionStatus *status, NotificationsModel *notifications,
             QObject *parent = nullptr);
    ~TrayIcon() override;

    /// The window to raise when the icon is clicked.
    void setWindow(QWindow *window) { m_window = window; }

    /// The tone of the icon now.
    [[nodiscard]] Tone::Value tone() const { return m_tone; }
    [[nodiscard]] QIcon icon() const { return m_icon; }
    [[nodiscard]] QString toolTip() const { return m_toolTip; }
    /// Title and message of the last desktop notification requested, and how many there were.
    [[nodiscard]] QString lastNotification() const { return m_lastNotification; }
    [[nodiscard]] int notificationCount() const { return m_notificationCount; }
    /// True when the desktop has a tray and the icon is shown.
    [[nodiscard]] bool visible() const;

    /// The icon for a tone, drawn (no image plugin needed): the app's mark with a dot in the
    /// tone's colour.
    [[nodiscard]] static QIcon iconFor(Tone::Value tone);
    /// The tone of a connection state (a silent link is Warning whatever its state).
    [[nodiscard]] static Tone::Value toneFor(ConnectionManager::State state);

Q_SIGNALS:
    void changed();
    void quitRequested();

private:
    void update();
    void notify(const QString &title, const QString &message);
    void raiseWindow();

    QPointer<ConnectionStatus> m_status;
    QPointer<QWindow> m_window;
    std::unique_ptr<QMenu> m_menu;
    std::unique_ptr<QSystemTrayIcon> m_tray;
    Tone::Value m_tone = Tone::Idle;
    bool m_drawn = false; ///< the icon exists
    QIcon m_icon;
    QString m_toolTip;
    QString m_lastNotification;
    int m_notificationCount = 0;
};

} // namespace vigil::app
