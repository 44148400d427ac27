#pragma once

#include <QObject>
#include <QString>

class QQuickWindow;

namespace vigil {
class ChannelCountsModel;
class ConnectionStatus;
} // namespace vigil

namespace vigil::app {

/// \brief `vigil --screenshot FILE`: once the window is connected and has counted data, saves
/// it as an image and quits (exit 0), or gives up after a timeout (exit 1). Proves end to end
/// that a real window renders live data, with no test hooks inside the app itself.
class ScreenshotOnConnect : public QObject
{
    Q_OBJECT
public:
    ScreenshotOnConnect(QQuickWindow *window, ConnectionStatus *status, ChannelCountsModel *counts,
                        QString path, int timeoutMs, int delayMs = 0, QObject *parent = nullptr);

private:
    void check();
    void capture();

    QQuickWindow *m_window;
    ConnectionStatus *m_status;
    ChannelCountsModel *m_counts;
    QString m_path;
    int m_delayMs = 0;
    bool m_capturing = false;
};

} // namespace vigil::app
