#include "appearance.h"

#include "protocol/logging.h"
#include "storage/preferences.h"

#include <QEvent>
#include <QGuiApplication>
#include <QPalette>

namespace vigil {

Appearance::Appearance(Preferences *preferences, QObject *parent)
    : QObject(parent)
    , m_preferences(preferences)
    , m_theme(preferences ? preferences->theme() : QStringLiteral("system"))
{
    // Qt 6.4 has no color-scheme API: the application palette tells light from dark, and a
    // palette change means the system switched.
    if (qApp)
        qApp->installEventFilter(this);
}

bool Appearance::dark() const
{
    if (m_theme == u"dark")
        return true;
    if (m_theme == u"light")
        return false;
    return QGuiApplication::palette().color(QPalette::Window).lightness() < 128;
}

void Appearance::setTheme(const QString &theme)
{
    if (theme != u"system" && theme != u"light" && theme != u"dark") {
        qCWarning(lcUi).noquote() << "unknown theme" << theme;
        return;
    }
    if (theme == m_theme)
        return;
    m_theme = theme;
    if (m_preferences) {
        m_preferences->setTheme(theme);
        m_preferences->sync();
    }
    Q_EMIT changed();
}

bool Appearance::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == qApp && event->type() == QEvent::ApplicationPaletteChange &&
        m_theme == u"system")
        Q_EMIT changed();
    return QObject::eventFilter(watched, event);
}

} // namespace vigil
