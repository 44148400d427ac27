#include "appearance.h"

#include "protocol/logging.h"
#include "storage/preferences.h"

#include <QEvent>
#include <QFontInfo>
#include <QGuiApplication>
#include <QPalette>
#include <QScreen>

#include <algorithm>
#include <cmath>

namespace vigil {

namespace {
// The names the preferences keep, in Choice order.
const QString kChoiceNames[] = {QStringLiteral("system"), QStringLiteral("light"),
                                QStringLiteral("dark")};

// Below this the console is unreadable whatever the system says.
constexpr int kMinimumFontPixelSize = 9;
// Without a usable font or screen (a bare test platform): the size the console was drawn for.
constexpr int kFallbackFontPixelSize = 13;
} // namespace

Appearance::Appearance(Preferences *preferences, QObject *parent)
    : QObject(parent)
    , m_preferences(preferences)
{
    const QString stored = preferences ? preferences->theme() : QString();
    for (int i = 0; i < 3; ++i) {
        if (stored == kChoiceNames[i])
            m_choice = Choice(i);
    }
    m_compact = preferences && preferences->density() == u"compact";
    // Qt 6.4 has no color-scheme API: the application palette tells light from dark, and a
    // palette change means the system switched. A font change moves every size.
    if (qApp)
        qApp->installEventFilter(this);
}

QString Appearance::theme() const
{
    return kChoiceNames[m_choice];
}

bool Appearance::dark() const
{
    if (m_choice != System)
        return m_choice == Dark;
    return QGuiApplication::palette().color(QPalette::Window).lightness() < 128;
}

int Appearance::fontPixelSize()
{
    const QFont font = QGuiApplication::font();
    int pixels = font.pixelSize();
    if (pixels <= 0) {
        // Sized in points, as desktop fonts usually are: points to logical pixels.
        const QScreen *screen = QGuiApplication::primaryScreen();
        const double dpi = screen ? screen->logicalDotsPerInchY() : 0.0;
        if (font.pointSizeF() > 0 && dpi > 0)
            pixels = int(std::lround(font.pointSizeF() * dpi / 72.0));
    }
    if (pixels <= 0)
        pixels = QFontInfo(font).pixelSize();
    if (pixels <= 0)
        return kFallbackFontPixelSize;
    return std::max(pixels, kMinimumFontPixelSize);
}

void Appearance::choose(Choice choice)
{
    if (choice == m_choice || choice < System || choice > Dark)
        return;
    m_choice = choice;
    if (m_preferences) {
        m_preferences->setTheme(theme());
        m_preferences->sync();
    }
    Q_EMIT changed();
}

void Appearance::chooseNext()
{
    choose(Choice((m_choice + 1) % 3));
}

void Appearance::setTheme(const QString &theme)
{
    for (int i = 0; i < 3; ++i) {
        if (theme == kChoiceNames[i]) {
            choose(Choice(i));
            return;
        }
    }
    qCWarning(lcUi).noquote() << "unknown theme" << theme;
}

QString Appearance::density() const
{
    return m_compact ? QStringLiteral("compact") : QStringLiteral("comfortable");
}

void Appearance::setDensity(const QString &density)
{
    if (density != u"compact" && density != u"comfortable") {
        qCWarning(lcUi).noquote() << "unknown density" << density;
        return;
    }
    const bool compact = density == u"compact";
    if (compact == m_compact)
        return;
    m_compact = compact;
    if (m_preferences) {
        m_preferences->setDensity(density);
        m_preferences->sync();
    }
    Q_EMIT changed();
}

bool Appearance::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == qApp) {
        if (event->type() == QEvent::ApplicationFontChange ||
            (event->type() == QEvent::ApplicationPaletteChange && m_choice == System))
            Q_EMIT changed();
    }
    return QObject::eventFilter(watched, event);
}

} // namespace vigil
