#include "trayicon.h"

#include "models/notificationsmodel.h"
#include "ui/connectionstatus.h"
#include "ui/palette.h"

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

Tone::Value TrayIcon::toneFor(ConnectionManager::State state)
{
    // The state's class only: amber while trying, whatever the wait. The header's tone
    // (ConnectionStatus::tone) also tells how long the server has been gone, in red.
    using State = ConnectionManager::State;
    switch (state) {
    case State::Connected:
        return Tone::Ok;
    case State::Connecting:
    case State::Reconnecting:
    case State::Fallback:
        return Tone::Warning;
    case State::Error:
        return Tone::Danger;
    case State::Disconnected:
    case State::Closed:
        break;
    }
    return Tone::Idle;
}

QIcon TrayIcon::iconFor(Tone::Value tone)
{
    QIcon icon;
    for (int size : {16, 22, 32, 64}) {
        QPixmap pixmap(size, size);
        pixmap.fill(Qt::transparent);
        QPainter p(&pixmap);
        p.setRenderHint(QPainter::Antialiasing);
        // The mark: a dark rounded square with an open eye (a watch kept).
        p.setPen(Qt::NoPen);
        p.setBrush(QColor::fromRgb(palette::kMark));
        p.drawRoundedRect(QRectF(0, 0, size, size), size * 0.2, size * 0.2);
        p.setBrush(QColor::fromRgb(palette::kMarkEye));
        p.drawEllipse(QRectF(size * 0.15, size * 0.3, size * 0.7, size * 0.4));
        p.setBrush(QColor::fromRgb(palette::kMark));
        p.drawEllipse(QRectF(size * 0.38, size * 0.38, size * 0.24, size * 0.24));
        // The state: a dot in the lower right corner.
        p.setBrush(palette::toneColor(tone));
        p.setPen(QPen(QColor::fromRgb(palette::kMarkRing), std::max(1.0, size / 16.0)));
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
    const Tone::Value tone = m_status->stalled() ? Tone::Warning : toneFor(m_status->stateValue());
    QString tip = tr("Vigil - %1")
                      .arg(m_status->summary().isEmpty() ? m_status->state() : m_status->summary());
    if (m_status->connected() && m_status->rttMs() >= 0 && !m_status->stalled())
        tip += tr(" (%1, %2 ms)").arg(m_status->transport()).arg(m_status->rttMs());
    const bool iconChanged = !m_drawn || tone != m_tone;
    if (!iconChanged && tip == m_toolTip)
        return;
    if (iconChanged) {
        m_tone = tone;
        m_drawn = true;
        m_icon = iconFor(tone);
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
