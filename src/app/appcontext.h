#pragma once

#include "appoptions.h"

#include <QObject>
#include <QString>

#include <memory>

class QQmlApplicationEngine;
class QQuickWindow;

namespace vigil {
class AgentsModel;
class ActivityModel;
class AlertsModel;
class ChatModel;
class ConnectionStatus;
class DiagnosticsModel;
class HealthMonitor;
class Actions;
class ChatModel;
class IncidentsModel;
class NotificationsModel;
class QueueStatus;
class Workspace;
} // namespace vigil

namespace vigil::app {

class TrayIcon;

/// \brief The application's composition root: builds the storage, the models, the session
/// (Workspace), the tray icon and the QML window, and wires them together. main() and the
/// per-page GUI test both use it, so the test exercises exactly what operators run.
class AppContext : public QObject
{
    Q_OBJECT
public:
    explicit AppContext(AppOptions options, QObject *parent = nullptr);
    ~AppContext() override;

    /// Builds everything and loads the window; false with `error` set when the UI cannot load.
    bool start(QString *error);

    [[nodiscard]] QQuickWindow *window() const;
    [[nodiscard]] QQmlApplicationEngine *engine() const;
    [[nodiscard]] Workspace *workspace() const;
    [[nodiscard]] ConnectionStatus *status() const;
    [[nodiscard]] HealthMonitor *health() const;
    [[nodiscard]] DiagnosticsModel *diagnostics() const;
    [[nodiscard]] IncidentsModel *incidents() const;
    [[nodiscard]] ChatModel *chat() const;
    [[nodiscard]] Actions *actions() const;
    [[nodiscard]] NotificationsModel *notifications() const;
    [[nodiscard]] TrayIcon *tray() const;

private:
    void connectSecrets();
    struct Parts;
    AppOptions m_options;
    std::unique_ptr<Parts> m_parts;
};

} // namespace vigil::app
