// vigil-relay: the reference Vigil server.
#include "protocol/logging.h"
#include "relay.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSocketNotifier>

#include <csignal>
#include <cstdio>
#include <sys/socket.h>
#include <unistd.h>

namespace {

int g_signalFd[2] = {-1, -1};

void onSignal(int)
{
    const char byte = 1;
    [[maybe_unused]] const auto n = ::write(g_signalFd[1], &byte, 1);
}

// SIGINT/SIGTERM end the event loop through a socket pair: only async-signal-safe work
// happens in the handler, the orderly shutdown runs on the main thread.
void quitOnSignals(QCoreApplication *app)
{
    if (::socketpair(AF_UNIX, SOCK_STREAM, 0, g_signalFd) != 0)
        return;
    auto *notifier = new QSocketNotifier(g_signalFd[0], QSocketNotifier::Read, app);
    QObject::connect(notifier, &QSocketNotifier::activated, app, [app] {
        char byte;
        [[maybe_unused]] const auto n = ::read(g_signalFd[0], &byte, 1);
        app->quit();
    });
    std::signal(SIGINT, onSignal);
    std::signal(SIGTERM, onSignal);
}

bool parseNumber(const QCommandLineParser &parser, const QString &name, qint64 min, qint64 max,
                 qint64 *out)
{
    if (!parser.isSet(name))
        return true;
    bool ok = false;
    const qint64 value = parser.value(name).toLongLong(&ok);
    if (!ok || value < min || value > max) {
        std::fprintf(stderr, "vigil-relay: --%s must be a whole number from %lld to %lld\n",
                     qPrintable(name), static_cast<long long>(min), static_cast<long long>(max));
        return false;
    }
    *out = value;
    return true;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("vigil-relay"));
    QCoreApplication::setApplicationVersion(QStringLiteral(VIGIL_VERSION));

    vigil::setUpLogging();

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("The Vigil reference real-time server. Prints one JSON line with the "
                       "listening URL on stdout, logs on stderr."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addOptions({
        {QStringLiteral("port"), QStringLiteral("TCP port to listen on; 0 picks a free one."),
         QStringLiteral("N"), QStringLiteral("8765")},
        {QStringLiteral("demo"), QStringLiteral("Emit a live demo operations scenario.")},
        {QStringLiteral("demo-seed"), QStringLiteral("Seed of the demo scenario (default 1)."),
         QStringLiteral("N")},
        {QStringLiteral("demo-log-rate"),
         QStringLiteral("Demo log entries per second (default 5)."), QStringLiteral("N")},
        {QStringLiteral("history"),
         QStringLiteral("Messages kept per channel for replay (default 1000)."),
         QStringLiteral("N")},
        {QStringLiteral("max-message-bytes"),
         QStringLiteral("Largest accepted message in bytes (default 1048576)."),
         QStringLiteral("N")},
    });
    if (!parser.parse(QCoreApplication::arguments())) {
        std::fprintf(stderr, "vigil-relay: %s\nTry 'vigil-relay --help'.\n",
                     qPrintable(parser.errorText()));
        return 2;
    }
    if (parser.isSet(QStringLiteral("help")))
        parser.showHelp(0);
    if (parser.isSet(QStringLiteral("version")))
        parser.showVersion();
    if (!parser.positionalArguments().isEmpty()) {
        std::fprintf(stderr, "vigil-relay: unexpected argument '%s'\nTry 'vigil-relay --help'.\n",
                     qPrintable(parser.positionalArguments().first()));
        return 2;
    }

    vigil::RelayConfig config;
    qint64 port = 8765;
    qint64 seed = config.demoSeed;
    qint64 logRate = 5;
    qint64 history = config.historySize;
    qint64 maxBytes = config.maxMessageBytes;
    if (!parseNumber(parser, QStringLiteral("port"), 0, 65535, &port) ||
        !parseNumber(parser, QStringLiteral("demo-seed"), 0, 0xffffffffLL, &seed) ||
        !parseNumber(parser, QStringLiteral("demo-log-rate"), 0, 100000, &logRate) ||
        !parseNumber(parser, QStringLiteral("history"), 1, 10000000, &history) ||
        !parseNumber(parser, QStringLiteral("max-message-bytes"), 256, 64 * 1024 * 1024, &maxBytes))
        return 2;
    config.port = quint16(port);
    config.demo = parser.isSet(QStringLiteral("demo"));
    config.demoSeed = quint32(seed);
    config.demoLogRate = double(logRate);
    config.historySize = int(history);
    config.maxMessageBytes = maxBytes;

    vigil::Relay relay(config);
    QString error;
    if (!relay.start(&error)) {
        std::fprintf(stderr, "vigil-relay: %s\n", qPrintable(error));
        return 1;
    }
    const QJsonObject ready{{QStringLiteral("event"), QStringLiteral("listening")},
                            {QStringLiteral("url"), relay.url().toString()},
                            {QStringLiteral("port"), relay.port()}};
    std::fprintf(stdout, "%s\n", QJsonDocument(ready).toJson(QJsonDocument::Compact).constData());
    std::fflush(stdout);

    quitOnSignals(&app);
    const int rc = QCoreApplication::exec();
    relay.stop();
    qCInfo(lcRelay) << "stopped";
    return rc;
}
