// vigil: the desktop application.
#include "appcontext.h"
#include "appoptions.h"
#include "screenshot.h"
#include "singleinstance.h"

#include "protocol/logging.h"
#include "storage/datadir.h"
#include "ui/workspace.h"

#include <QApplication>
#include <QMessageBox>
#include <QQuickWindow>
#include <QtQml/qqmlextensionplugin.h>

#include <cstdio>
#include <memory>

Q_IMPORT_QML_PLUGIN(Vigil_ModelsPlugin)
Q_IMPORT_QML_PLUGIN(VigilPlugin)
Q_IMPORT_QML_PLUGIN(VigilStylePlugin)

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
    // The desktop id: the .desktop file, the AppStream id and the Wayland app id. The
    // application name stays "vigil": X11's WM_CLASS, and so StartupWMClass, comes from it.
    QApplication::setDesktopFileName(QStringLiteral("org.vigil.Vigil"));
    vigil::setUpLogging();

    // One window per user and data directory, so two clients never share one outbox: a second
    // launch (a double-click on an already running Vigil) raises this one and exits.
    vigil::app::SingleInstance instance(
        vigil::app::SingleInstance::serverNameFor(vigil::resolveDataDir(options->dataDir)));
    if (!instance.tryBecomePrimary(arguments))
        return 0; // it logged that the running one was asked to come forward

    vigil::app::AppContext context(*options);
    QString error;
    if (!context.start(&error)) {
        std::fprintf(stderr, "vigil: %s\n", qPrintable(error));
        // Started from the menu there is no terminal: say it in a window too (not headless,
        // where nobody could close it).
        if (QGuiApplication::platformName() != u"offscreen" && options->screenshotPath.isEmpty())
            QMessageBox::critical(nullptr, QObject::tr("Vigil cannot start"),
                                  QObject::tr("Vigil cannot start: %1").arg(error));
        return 1;
    }

    if (QQuickWindow *window = context.window()) {
        vigil::Workspace *workspace = context.workspace();
        QObject::connect(&instance, &vigil::app::SingleInstance::activationRequested, window,
                         [window, workspace](const QStringList &args) {
                             // "vigil --page chat" on a running Vigil opens that page.
                             const qsizetype page = args.indexOf(QStringLiteral("--page"));
                             if (page >= 0 && page + 1 < args.size())
                                 workspace->setPage(args.at(page + 1));
                             qCInfo(lcUi) << "a second launch asked for this window: raising it";
                             window->show();
                             window->raise();
                             window->requestActivate();
                         });
    }

    std::unique_ptr<vigil::app::ScreenshotOnConnect> screenshot;
    if (!options->screenshotPath.isEmpty() && context.window()) {
        screenshot = std::make_unique<vigil::app::ScreenshotOnConnect>(
            context.window(), context.status(), context.workspace(), options->screenshotPath,
            options->screenshotTimeoutMs + options->screenshotDelayMs, options->screenshotDelayMs);
    }
    return QApplication::exec();
}
