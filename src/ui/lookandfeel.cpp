#include "lookandfeel.h"

#include "protocol/logging.h"

#include <QIcon>
#include <QQuickStyle>
#include <QString>

#include <utility>

namespace vigil {

namespace {
// Where the bundled icons are: a "hicolor" theme in the resources. Every icon theme falls back
// to hicolor, so a desktop theme without an icon ends up here too.
const QString kBundledIcons = QStringLiteral(":/icons");
const QString kFallbackTheme = QStringLiteral("hicolor");
} // namespace

void setUpLookAndFeel()
{
    // Once per process: the style cannot change after the first QML engine loaded controls
    // (a second window in the same process, as in the tests, keeps the first one's).
    static bool done = false;
    if (std::exchange(done, true))
        return;
    if (qEnvironmentVariableIsEmpty("QT_QUICK_CONTROLS_STYLE")) {
        QQuickStyle::setStyle(QStringLiteral("VigilStyle")); // qml/style
        QQuickStyle::setFallbackStyle(QStringLiteral("Fusion"));
    }

    QStringList paths = QIcon::themeSearchPaths();
    if (!paths.contains(kBundledIcons)) {
        paths.append(kBundledIcons);
        QIcon::setThemeSearchPaths(paths);
    }
    QIcon::setFallbackThemeName(kFallbackTheme);
    // No desktop (a bare session, offscreen): no theme is named; use the bundled one.
    if (QIcon::themeName().isEmpty())
        QIcon::setThemeName(kFallbackTheme);
    qCDebug(lcUi).noquote() << "controls style" << QQuickStyle::name() << "icon theme"
                            << QIcon::themeName();
}

} // namespace vigil
