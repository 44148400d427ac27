#include "trayicon.h"

#include "models/connectionstatus.h"
#include "models/notificationsmodel.h"
#include "models/palette.h"

#include <QMenu>
#include <QPainter>
#include <QPixmap>
#include <QSystemTrayIcon>
#include <QWindow>

namespace vigil::app {

TrayIcon::TrayIcon(ConnectionStatus *status, NotificationsModel *notifications, QObject *parent)
    : QObject(parent)
    , m_status(status)
{
    if (QSystemTrayIcon::isSystemTrayAvailable()) {
        m_menu = std::make_unique<QMenu>();
        m_menu->addAction(tr("Show Vigil"), this, &TrayIcon::raiseWindow);
        m_menu->addAction(tr("Reconnect"), this, [this] {
            if (m_status)
                m_status->reconnect();
        });
        m_menu->addSeparator();
        m_menu->addAction(tr("Quit"), this, &TrayIcon::quitRequested);
        m_tray = std::make_unique<QSystemTrayIcon>();
        m_tray->setContextMenu(m_menu.get());
        connect(m_tray.get(), &QSystemTrayIcon::activated, this,
                [this](QSystemTrayIcon::ActivationReason reason) {
                    if (reason == QSystemTrayIcon::Trigger ||
                        reason == QSystemTrayIcon::DoubleClick)
                        raiseWindow();
                });
        connect(m_tray.get(), &QSystemTrayIcon::messageClicked, this, &TrayIcon::raiseWindow);
    }
    connect(status, &ConnectionStatus::changed, this, &TrayIcon::update);
    connect(status, &ConnectionStatus::rttChanged, this, &TrayIcon::update);
    if (notifications)
        connect(notifications, &NotificationsModel::criticalArrived, this, &TrayIcon::notify);
    update();
    if (m_tray)
        m_tray->show();
}

TrayIcon::~TrayIcon() = default;

bool TrayIcon::visible() const
{
    return m_tray && m_tray->isVisible();
}

QString TrayIcon::stateClassFor(const QString &state)
{
    if (state == u"connected")
        return QStringLiteral("ok");
    if (state == u"connecting" || state == u"reconnecting" || state == u"fallback")
        return QStringLiteral("busy");
    if (state == u"error")
        return QStringLiteral("error");
    return QStringLiteral("idle");
}

QColor TrayIcon::colorFor(const QString &stateClass)
{
    // The window's colours (palette.h, which Theme reads too).
    if (stateClass == u"ok")
        return QColor::fromRgb(palette::kOk);
    if (stateClass == u"busy")
        return QColor::fromRgb(palette::kWarning);
    if (stateClass == u"error")
        return QColor::fromRgb(palette::kDanger);
    return QColor::fromRgb(palette::kIdle);
}

QIcon TrayIcon::iconFor(const QString &stateClass)
{
    QIcon icon;
    for (int size : {16, 22, 32, 64}) {
        QPixmap pixmap(size, size);
        pixmap.fill(Qt::transparent);
        QPainter p(&pixmap);
        p.setRenderHint(QPainter::Antialiasing);
        // The mark: a dark rounded square with an open eye (a watch kept).
        p.setPen(Qt::NoPen);
        p.setBrush(QColor(0x1f, 0x24, 0x2b));
        p.drawRoundedRect(QRectF(0, 0, size, size), size * 0.2, size * 0.2);
        p.setBrush(QColor(0x5a, 0xa9, 0xff));
        p.drawEllipse(QRectF(size * 0.15, size * 0.3, size * 0.7, size * 0.4));
        p.setBrush(QColor(0x1f, 0x24, 0x2b));
        p.drawEllipse(QRectF(size * 0.38, size * 0.38, size * 0.24, size * 0.24));
        // The state: a dot in the lower right corner.
        p.setBrush(colorFor(stateClass));
        p.setPen(QPen(Qt::white, std::max(1.0, size / 16.0)));
        p.drawEllipse(QRectF(size * 0.55, size * 0.55, size * 0.42, size * 0.42));
        p.end();
        icon.addPixmap(pixmap);
    }
    return icon;
}

void TrayIcon::update()
{
    if (!m_status)
        return;
    // A silent link is not "ok", whatever its state says.
    const QString cls =
        m_status->stalled() ? QStringLiteral("busy") : stateClassFor(m_status->state());
    QString tip = tr("Vigil - %1")
                      .arg(m_status->summary().isEmpty() ? m_status->state() : m_status->summary());
    if (m_status->connected() && m_status->rttMs() >= 0 && !m_status->stalled())
        tip += tr(" (%1, %2 ms)").arg(m_status->transport()).arg(m_status->rttMs());
    const bool iconChanged = cls != m_stateClass;
    if (!iconChanged && tip == m_toolTip)
        return;
    if (iconChanged) {
        m_stateClass = cls;
        m_icon = iconFor(cls);
        if (m_tray)
            m_tray->setIcon(m_icon);
    }
    m_toolTip = tip;
    if (m_tray)
        m_tray->setToolTip(tip);
    Q_EMIT changed();
}

void TrayIcon::notify(const QString &title, const QString &message)
{
    m_lastNotification = title + QStringLiteral(": ") + message;
    ++m_notificationCount;
    if (m_tray && m_tray->isVisible())
        m_tray->showMessage(title, message, QSystemTrayIcon::Critical, 10000);
    Q_EMIT changed();
}

void TrayIcon::raiseWindow()
{
    if (!m_window)
        return;
    m_window->show();
    m_window->raise();
    m_window->requestActivate();
}

} // namespace vigil::app
