// vigil: the desktop application.
#include "appoptions.h"
#include "connection/connectionmanager.h"
#include "connection/connectionoptions.h"
#include "models/appearance.h"
#include "models/channelcountsmodel.h"
#include "models/connectionstatus.h"
#include "models/notificationsmodel.h"
#include "models/outboxdrainer.h"
#include "models/positionkeeper.h"
#include "models/preferences.h"
#include "models/queuestatus.h"
#include "protocol/logging.h"
#include "relay/relay.h"
#include "screenshot.h"
#include "storage/datadir.h"
#include "storage/outbox.h"
#include "storage/positionstore.h"

#include <QApplication>
#include <QQmlApplicationEngine>
#include <QQuickWindow>
#include <QtQml/qqmlextensionplugin.h>

#include <cstdio>
#include <memory>

Q_IMPORT_QML_PLUGIN(Vigil_ModelsPlugin)
Q_IMPORT_QML_PLUGIN(VigilPlugin)

namespace {
constexpr auto kDefaultUrl = "ws://127.0.0.1:8765/ws";
}

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

    vigil::ConnectionConfig config;
    config.urls = options->urls;
    config.token = options->token;
    config.extraCaCertificates = options->extraCaCertificates;
    config.channels = vigil::knownChannels();
    config.replayHistory = true;

    std::unique_ptr<vigil::Relay> relay;
    if (options->demo) {
        vigil::RelayConfig relayConfig;
        relayConfig.port = 0;
        relayConfig.demo = true;
        relayConfig.demoSeed = options->demoSeed;
        relay = std::make_unique<vigil::Relay>(relayConfig);
        QString error;
        if (!relay->start(&error)) {
            std::fprintf(stderr, "vigil: cannot start the demo relay: %s\n", qPrintable(error));
            return 1;
        }
        config.urls = {relay->url()};
        qCInfo(lcUi).noquote() << "demo relay running at" << relay->url().toString();
    }
    // Preferences: the last server profile and the connection settings the operator chose.
    vigil::Preferences preferences;
    preferences.applyTo(&config);
    if (!options->urls.isEmpty())
        preferences.setServerUrls(options->urls); // remembered for the next start
    if (config.urls.isEmpty())
        config.urls = preferences.serverUrls();
    if (config.urls.isEmpty())
        config.urls = {QUrl(QLatin1String(kDefaultUrl))};
    if (!options->transport.isEmpty())
        config.transport = *vigil::transportPreferenceFromName(options->transport);

    vigil::ConnectionManager manager(config);

    const QString dataDir = vigil::resolveDataDir(options->dataDir);
    QString dataDirError;
    const bool haveDataDir = vigil::ensureDataDir(dataDir, &dataDirError);
    // The demo relay is new on every start (on a new port): its queue and positions go under
    // one fixed profile, and positions are not kept (they would only cause false gap alarms).
    const QString profile = options->demo ? QStringLiteral("demo") : vigil::profileKey(config.urls);

    // Resume each channel where the last run stopped.
    vigil::PositionStore positions;
    std::unique_ptr<vigil::PositionKeeper> keeper;
    if (!options->demo) {
        QString error = dataDirError;
        if (haveDataDir && positions.open(dataDir + QStringLiteral("/positions.sqlite"), &error))
            keeper = std::make_unique<vigil::PositionKeeper>(&manager, &positions, profile);
        else
            qCWarning(lcUi).noquote() << "channel positions will not be kept:" << error;
    }

    // Every outbound action goes through the durable outbox, drained whenever connected.
    vigil::Outbox outbox;
    std::unique_ptr<vigil::OutboxDrainer> drainer;
    vigil::QueueStatus queue(nullptr);
    vigil::QueueStatus::setInstance(&queue);
    {
        QString error = dataDirError;
        if (haveDataDir && outbox.open(dataDir + QStringLiteral("/outbox.sqlite"), &error)) {
            drainer = std::make_unique<vigil::OutboxDrainer>(&manager, &outbox, profile);
            queue.attach(&outbox, profile, drainer.get());
        } else {
            qCCritical(lcUi).noquote() << "the outbox cannot be used:" << error;
            queue.setNotice(
                QObject::tr("Actions cannot be stored, so none can be sent: %1").arg(error));
        }
    }

    vigil::ChannelCountsModel counts(nullptr);
    vigil::ConnectionStatus status(nullptr);
    vigil::ChannelCountsModel::setInstance(&counts);
    vigil::ConnectionStatus::setInstance(&status);
    status.attach(&manager);
    QObject::connect(&manager, &vigil::ConnectionManager::envelopeReceived, &counts,
                     &vigil::ChannelCountsModel::record);
    vigil::NotificationsModel notifications(nullptr);
    vigil::NotificationsModel::setInstance(&notifications);
    QObject::connect(&manager, &vigil::ConnectionManager::envelopeReceived, &notifications,
                     &vigil::NotificationsModel::record);

    status.setQueuedCount([&queue] { return queue.depth(); });
    QObject::connect(&queue, &vigil::QueueStatus::changed, &status,
                     &vigil::ConnectionStatus::refreshBanner);

    vigil::Appearance appearance(&preferences, nullptr);
    vigil::Appearance::setInstance(&appearance);

    QQmlApplicationEngine engine;
    engine.addImportPath(QStringLiteral("qrc:/qt/qml"));
    engine.load(QUrl(QStringLiteral("qrc:/qt/qml/Vigil/Main.qml")));
    if (engine.rootObjects().isEmpty()) {
        std::fprintf(stderr, "vigil: the user interface failed to load (see the messages "
                             "above; a missing qml6-module-* package is the usual cause)\n");
        return 1;
    }
    auto *window = qobject_cast<QQuickWindow *>(engine.rootObjects().constFirst());

    std::unique_ptr<vigil::app::ScreenshotOnConnect> screenshot;
    if (!options->screenshotPath.isEmpty() && window) {
        screenshot = std::make_unique<vigil::app::ScreenshotOnConnect>(
            window, &status, &counts, options->screenshotPath, options->screenshotTimeoutMs);
    }

    manager.open();
    const int rc = QApplication::exec();
    manager.close();
    return rc;
}
