#pragma once

#include <QObject>
#include <QString>

class QQuickWindow;

namespace vigil {
class ConnectionView;
class ConnectionStatus;
class Workspace;
} // namespace vigil

namespace vigil::app {

/// \brief `vigil --screenshot FILE`: once the window is connected and has counted data, saves
/// it as an image and quits (exit 0), or gives up after a timeout (exit 1). Proves end to end
/// that a real window renders live data, with no test hooks inside the app itself.
class ScreenshotOnConnect : public QObject
{
    Q_OBJECT
public:
    ScreenshotOnConnect(QQuickWindow *window, ConnectionStatus *status, Workspace *workspace,
                        QString path, int timeoutMs, int delayMs = 0, QObject *parent = nullptr);

private:
    void follow(ConnectionView *manager);
    void check();
    void capture();

    QQuickWindow *m_window;
    ConnectionStatus *m_status;
    qint64 m_messages = 0; ///< envelopes received since the window started
    QString m_path;
    int m_delayMs = 0;
    bool m_capturing = false;
};

} // namespace vigil::app
