// vigil: the desktop application.
#include "appcontext.h"
#include "appoptions.h"
#include "screenshot.h"

#include "protocol/logging.h"

#include <QApplication>
#include <QtQml/qqmlextensionplugin.h>

#include <cstdio>
#include <memory>

Q_IMPORT_QML_PLUGIN(Vigil_ModelsPlugin)
Q_IMPORT_QML_PLUGIN(VigilPlugin)

int main(int argc, char *argv[])
{
    // Options first, so --help, --version and usage errors work without a display.
    QStringList arguments;
    for (int i = 0; i < argc; ++i)
        arguments.append(QString::fromLocal8Bit(argv[i]));
    int exitCode = 0;
    const auto options = vigil::app::parseAppOptions(arguments, &exitCode);
    if (!options)
        return exitCode;

    // QApplication, not QGuiApplication: Qt Charts in QML needs the widgets application.
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("vigil"));
    QApplication::setApplicationDisplayName(QStringLiteral("Vigil"));
    QApplication::setOrganizationName(QStringLiteral("vigil"));
    QApplication::setApplicationVersion(QStringLiteral(VIGIL_VERSION));
    QApplication::setDesktopFileName(QStringLiteral("vigil"));
    vigil::setUpLogging();

    vigil::app::AppContext context(*options);
    QString error;
    if (!context.start(&error)) {
        std::fprintf(stderr, "vigil: %s\n", qPrintable(error));
        return 1;
    }

    std::unique_ptr<vigil::app::ScreenshotOnConnect> screenshot;
    if (!options->screenshotPath.isEmpty() && context.window()) {
        screenshot = std::make_unique<vigil::app::ScreenshotOnConnect>(
            context.window(), context.status(), context.counts(), options->screenshotPath,
            options->screenshotTimeoutMs + options->screenshotDelayMs, options->screenshotDelayMs);
    }
    return QApplication::exec();
}
