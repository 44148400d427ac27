#include "screenshot.h"

#include "connection/connectionview.h"
#include "protocol/logging.h"
#include "ui/connectionstatus.h"
#include "ui/workspace.h"

#include <QCoreApplication>
#include <QImage>
#include <QQuickWindow>
#include <QTimer>

namespace vigil::app {

namespace {
// Enough envelopes that several channels have data on screen, not just the first frame.
constexpr qint64 kMinimumMessages = 10;
} // namespace

ScreenshotOnConnect::ScreenshotOnConnect(QQuickWindow *window, ConnectionStatus *status,
                                         Workspace *workspace, QString path, int timeoutMs,
                                         int delayMs, QObject *parent)
    : QObject(parent)
    , m_window(window)
    , m_status(status)
    , m_path(std::move(path))
    , m_delayMs(delayMs)
{
    connect(status, &ConnectionStatus::changed, this, &ScreenshotOnConnect::check);
    if (workspace->manager())
        follow(workspace->manager());
    connect(workspace, &Workspace::managerChanged, this,
            [this](ConnectionView *manager) { follow(manager); });
    QTimer::singleShot(timeoutMs, this, [this, timeoutMs] {
        qCCritical(lcUi).noquote() << "no connected window with data within" << timeoutMs
                                   << "ms; state:" << m_status->state() << m_status->detail();
        QCoreApplication::exit(1);
    });
}

void ScreenshotOnConnect::follow(ConnectionView *manager)
{
    connect(manager, &ConnectionView::envelopesReceived, this,
            [this](const QList<Envelope> &batch) {
                m_messages += int(batch.size());
                check();
            });
}

void ScreenshotOnConnect::check()
{
    if (m_capturing || !m_status->connected() || m_messages < kMinimumMessages)
        return;
    m_capturing = true;
    QTimer::singleShot(m_delayMs, this, [this] {
        // Let the scene graph render the latest data before grabbing.
        connect(m_window, &QQuickWindow::frameSwapped, this, &ScreenshotOnConnect::capture,
                Qt::SingleShotConnection);
        m_window->update();
    });
}

void ScreenshotOnConnect::capture()
{
    const QImage image = m_window->grabWindow();
    if (image.isNull() || !image.save(m_path)) {
        qCCritical(lcUi).noquote() << "could not save the screenshot to" << m_path;
        QCoreApplication::exit(1);
        return;
    }
    qCInfo(lcUi).noquote() << "screenshot saved to" << m_path << "after" << m_messages
                           << "messages";
    QCoreApplication::exit(0);
}

} // namespace vigil::app
