// vigil-chaos-client: the app's delivery core, headless, as one client of a chaos run.
#include "chaosclient.h"

#include "protocol/logging.h"

#include <QCommandLineParser>
#include <QCoreApplication>

#include <csignal>
#include <cstdio>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("vigil-chaos-client"));
    // A full disk may be simulated with a file size limit: writes past it must fail with
    // EFBIG, as on a full disk, instead of ending the process.
    std::signal(SIGXFSZ, SIG_IGN);
    vigil::setUpLogging(/*quiet=*/true);

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "One headless client of a chaos run (started by vigil-chaos). Journals JSON lines on "
        "stdout; reads quiet, status and exit on stdin."));
    parser.addHelpOption();
    parser.addOptions({
        {QStringLiteral("name"), QStringLiteral("Client name."), QStringLiteral("NAME")},
        {QStringLiteral("url"), QStringLiteral("Server URL."), QStringLiteral("URL")},
        {QStringLiteral("data-dir"), QStringLiteral("Outbox and positions."),
         QStringLiteral("DIR")},
        {QStringLiteral("seed"), QStringLiteral("Workload seed."), QStringLiteral("N")},
        {QStringLiteral("rate"), QStringLiteral("Messages per second."), QStringLiteral("R")},
        {QStringLiteral("transport"), QStringLiteral("auto or websocket."), QStringLiteral("T"),
         QStringLiteral("auto")},
    });
    parser.process(app);

    vigil::chaos::ClientSettings settings;
    settings.name = parser.value(QStringLiteral("name"));
    settings.url = QUrl(parser.value(QStringLiteral("url")));
    settings.dataDir = parser.value(QStringLiteral("data-dir"));
    settings.seed = parser.value(QStringLiteral("seed")).toULongLong();
    if (parser.isSet(QStringLiteral("rate")))
        settings.rate = parser.value(QStringLiteral("rate")).toDouble();
    const auto transport =
        vigil::transportPreferenceFromName(parser.value(QStringLiteral("transport")));
    if (settings.name.isEmpty() || !settings.url.isValid() || settings.dataDir.isEmpty() ||
        !transport) {
        std::fprintf(stderr, "vigil-chaos-client: --name, --url, --data-dir are required\n");
        return 2;
    }
    settings.transport = *transport;

    vigil::chaos::ChaosClient client(settings);
    QString error;
    if (!client.start(&error)) {
        std::fprintf(stderr, "vigil-chaos-client: %s\n", qPrintable(error));
        return 1;
    }
    return QCoreApplication::exec();
}
