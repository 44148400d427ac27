// vigil-relay: the reference Vigil server.
#include "protocol/logging.h"
#include "relay.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QHash>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMutex>
#include <QSocketNotifier>

#include <csignal>
#include <cstdio>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

namespace {

int g_signalFd[2] = {-1, -1};

void onSignal(int)
{
    const char byte = 1;
    [[maybe_unused]] const auto n = ::write(g_signalFd[1], &byte, 1);
}

// SIGINT/SIGTERM reach the event loop through a socket pair: only async-signal-safe work
// happens in the handler; the orderly shutdown runs on the main thread.
void onSignals(QCoreApplication *app, std::function<void()> shutdown)
{
    if (::socketpair(AF_UNIX, SOCK_STREAM, 0, g_signalFd) != 0)
        return;
    auto *notifier = new QSocketNotifier(g_signalFd[0], QSocketNotifier::Read, app);
    QObject::connect(notifier, &QSocketNotifier::activated, app, [shutdown] {
        char byte;
        [[maybe_unused]] const auto n = ::read(g_signalFd[0], &byte, 1);
        shutdown();
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

// parseNumber() straight into a config field of any integer type: the default stays when the
// option is absent.
template<typename Field>
bool parseInto(const QCommandLineParser &parser, const QString &name, qint64 min, qint64 max,
               Field *field)
{
    qint64 value = qint64(*field);
    if (!parseNumber(parser, name, min, max, &value))
        return false;
    *field = Field(value);
    return true;
}

// Qt's network categories can log handshakes and requests whole at debug level, an
// Authorization header or a `?token=` included. Off by default, and kept off when
// QT_LOGGING_RULES turns every debug category on (environment rules override setFilterRules();
// a category filter runs after them).
QLoggingCategory::CategoryFilter g_previousFilter = nullptr;

void keepSecretsOutOfLogs(QLoggingCategory *category)
{
    if (g_previousFilter)
        g_previousFilter(category);
    for (const char *prefix : {"qt.httpserver", "qt.websockets", "qt.network"}) {
        if (qstrncmp(category->categoryName(), prefix, qstrlen(prefix)) == 0)
            category->setEnabled(QtDebugMsg, false);
    }
}

// Qt's own warnings repeat once per peer that does the same thing (a refused handshake, a
// socket closed under a read): the same line at most three times a minute, then a count.
QtMessageHandler g_nextHandler = nullptr;

void throttleQtLines(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    const char *category = context.category ? context.category : "default";
    QString text = message;
    if (type != QtFatalMsg && qstrncmp(category, "vigil.", 6) != 0) {
        struct Seen
        {
            qint64 windowStart = 0;
            int count = 0;
            int held = 0;
        };
        // Never destroyed: Qt still logs while static objects go away at exit.
        static QBasicMutex mutex;
        static auto *seen = new QHash<QString, Seen>;
        static auto *clock = new QElapsedTimer;
        const QMutexLocker lock(&mutex);
        if (!clock->isValid())
            clock->start();
        if (seen->size() > 1000)
            seen->clear(); // bounded: lines that vary are not floods of one line
        Seen &line = (*seen)[QLatin1String(category) + QLatin1Char('\n') + message];
        const qint64 now = clock->elapsed();
        if (line.count == 0 || now - line.windowStart >= 60000) {
            if (line.held > 0)
                text += QStringLiteral(" (%1 more like this not logged)").arg(line.held);
            line = {now, 0, 0};
        }
        if (++line.count > 3) {
            ++line.held;
            return;
        }
    }
    g_nextHandler(type, context, text);
}

int usage(const QString &message)
{
    std::fprintf(stderr, "vigil-relay: %s\nTry 'vigil-relay --help'.\n", qPrintable(message));
    return 2;
}

} // namespace

int main(int argc, char *argv[])
{
    // Everything the relay creates (its data directory, relay.sqlite) is its user's only.
    ::umask(077);
    // Qt's own event dispatcher, not GLib's: with thousands of sockets, GLib's costs grow with
    // their number on every wake-up (docs/scaling.md, "Measured load": at 10,000 clients idle
    // CPU fell from 44-50% to 8-9% and delivery p50 from 2.6 s to 0.25 s). QT_NO_GLIB= in
    // the environment (set, empty) keeps GLib's.
    if (!qEnvironmentVariableIsSet("QT_NO_GLIB"))
        qputenv("QT_NO_GLIB", "1");
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("vigil-relay"));
    QCoreApplication::setApplicationVersion(QStringLiteral(VIGIL_VERSION));
    vigil::setUpLogging();
    QLoggingCategory::setFilterRules(QStringLiteral(
        "qt.httpserver*.debug=false\nqt.websockets*.debug=false\nqt.network*.debug=false"));
    g_previousFilter = QLoggingCategory::installFilter(keepSecretsOutOfLogs);

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("The Vigil reference real-time server: WebSocket on /ws and the HTTP "
                       "API on the same port. Prints one JSON line with the listening URL on "
                       "stdout; logs go to stderr."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addOptions({
        {QStringLiteral("host"),
         QStringLiteral("Address to listen on (default 127.0.0.1). Anything but loopback "
                        "needs --tokens."),
         QStringLiteral("ADDRESS")},
        {QStringLiteral("port"), QStringLiteral("TCP port; 0 picks a free one (default 8765)."),
         QStringLiteral("N")},
        {QStringLiteral("tokens"), QStringLiteral("JSON file of tokens, users and channels."),
         QStringLiteral("FILE")},
        {QStringLiteral("allow-origin"),
         QStringLiteral("A browser Origin allowed to connect; repeatable."),
         QStringLiteral("ORIGIN")},
        {QStringLiteral("tls-cert"), QStringLiteral("PEM certificate: serve wss:// and https://."),
         QStringLiteral("FILE")},
        {QStringLiteral("tls-key"), QStringLiteral("PEM private key for --tls-cert."),
         QStringLiteral("FILE")},
        {QStringLiteral("data-dir"),
         QStringLiteral("Keep history and seq counters in DIR/relay.sqlite across restarts."),
         QStringLiteral("DIR")},
        {QStringLiteral("history"),
         QStringLiteral("Messages kept per channel for replay (default 1000)."),
         QStringLiteral("N")},
        {QStringLiteral("max-message-bytes"),
         QStringLiteral("Largest message as sent, seq included; larger incoming frames close "
                        "with 1009 (default 1048576)."),
         QStringLiteral("N")},
        {QStringLiteral("rate-limit"),
         QStringLiteral("Client messages per second per connection (default 100)."),
         QStringLiteral("N")},
        {QStringLiteral("max-connections"),
         QStringLiteral("WebSocket sessions at once (default 1000)."), QStringLiteral("N")},
        {QStringLiteral("heartbeat-ms"),
         QStringLiteral("Ping interval; silent clients are closed with 4408 after three "
                        "(default 30000)."),
         QStringLiteral("N")},
        {QStringLiteral("log-format"), QStringLiteral("text (default) or json."),
         QStringLiteral("FORMAT")},
        {QStringLiteral("demo"), QStringLiteral("Play a live demo operations scenario.")},
        {QStringLiteral("demo-seed"), QStringLiteral("Seed of the demo scenario (default 1)."),
         QStringLiteral("N")},
        {QStringLiteral("demo-log-rate"),
         QStringLiteral("Demo log entries per second (default 5)."), QStringLiteral("N")},
        {QStringLiteral("history-bytes"),
         QStringLiteral("Bytes of history kept for replay, all channels together (default "
                        "67108864)."),
         QStringLiteral("N")},
        {QStringLiteral("max-channels"),
         QStringLiteral("Channels the relay keeps; messages to more are refused (default 1000)."),
         QStringLiteral("N")},
        {QStringLiteral("max-subscriptions"),
         QStringLiteral("Channels one WebSocket session may subscribe to (default 100)."),
         QStringLiteral("N")},
        {QStringLiteral("replay-page-bytes"),
         QStringLiteral("Largest replay answer; the client asks again for the rest (default "
                        "4194304)."),
         QStringLiteral("N")},
        {QStringLiteral("max-lag-bytes"),
         QStringLiteral("Unsent bytes above which a client is behind (default 8388608)."),
         QStringLiteral("N")},
        {QStringLiteral("max-lag-ms"),
         QStringLiteral("A client behind for this long is disconnected (default 10000)."),
         QStringLiteral("N")},
        {QStringLiteral("max-backlog-bytes"),
         QStringLiteral("Unsent bytes that disconnect a client at once (default 67108864)."),
         QStringLiteral("N")},
    });
    // HTTP front end: limits and timeouts (docs/relay.md, "HTTP limits")
    parser.addOptions({
        {QStringLiteral("http-max-header-bytes"),
         QStringLiteral("Largest HTTP request head; larger gets 431 (default 16384)."),
         QStringLiteral("N")},
        {QStringLiteral("http-max-url-bytes"),
         QStringLiteral("Longest HTTP request URL; longer gets 414 (default 8192)."),
         QStringLiteral("N")},
        {QStringLiteral("http-max-body-bytes"),
         QStringLiteral("Largest HTTP request body; larger gets 413 (default twice "
                        "--max-message-bytes, at least 1048576)."),
         QStringLiteral("N")},
        {QStringLiteral("http-max-batch"),
         QStringLiteral("Messages in one POST /api/messages; more gets 413 (default 1000)."),
         QStringLiteral("N")},
        {QStringLiteral("http-header-timeout-ms"),
         QStringLiteral("Time for a request head to arrive; then 408 (default 10000)."),
         QStringLiteral("N")},
        {QStringLiteral("http-idle-timeout-ms"),
         QStringLiteral("Idle kept-alive HTTP connections close, and bodies must arrive, within "
                        "this (default 60000)."),
         QStringLiteral("N")},
        {QStringLiteral("http-max-connections"),
         QStringLiteral("HTTP connections at once; more get 503 (default 1024)."),
         QStringLiteral("N")},
        {QStringLiteral("http-max-connections-per-address"),
         QStringLiteral("HTTP connections at once from one address (default 64)."),
         QStringLiteral("N")},
        {QStringLiteral("allow-host"),
         QStringLiteral("Without --tokens, a Host name served besides localhost and loopback "
                        "addresses; repeatable."),
         QStringLiteral("NAME")},
    });
    // Several nodes sharing channels (docs/scaling.md)
    parser.addOptions({
        {QStringLiteral("broker"),
         QStringLiteral("Share channels, seqs and history with other relay nodes through Redis "
                        "(redis://HOST[:PORT][/DB]); excludes --data-dir."),
         QStringLiteral("URL")},
        {QStringLiteral("broker-timeout-ms"),
         QStringLiteral("Time the broker has to answer: at start (then exit 1) and for "
                        "any command while serving (then the node reconnects; default 2000)."),
         QStringLiteral("N")},
        {QStringLiteral("broker-dedup-ttl"),
         QStringLiteral("Seconds the broker remembers a client message id (default 86400)."),
         QStringLiteral("N")},
        {QStringLiteral("node"),
         QStringLiteral("This node's name in health and metrics (default HOST-PID)."),
         QStringLiteral("NAME")},
        {QStringLiteral("presence-interval-ms"),
         QStringLiteral("How often this node shares its sessions with the others; they forget "
                        "them after three times this (default 2000)."),
         QStringLiteral("N")},
    });
    if (!parser.parse(QCoreApplication::arguments()))
        return usage(parser.errorText());
    if (parser.isSet(QStringLiteral("help")))
        parser.showHelp(0);
    if (parser.isSet(QStringLiteral("version")))
        parser.showVersion();
    if (!parser.positionalArguments().isEmpty())
        return usage(
            QStringLiteral("unexpected argument '%1'").arg(parser.positionalArguments().first()));

    const QString logFormat = parser.value(QStringLiteral("log-format"));
    if (!logFormat.isEmpty() && logFormat != u"text" && logFormat != u"json")
        return usage(QStringLiteral("--log-format must be text or json"));
    if (logFormat == u"json")
        vigil::useJsonLogFormat();
    g_nextHandler = qInstallMessageHandler(throttleQtLines);

    vigil::RelayConfig config;
    qint64 port = 8765;
    qint64 seed = config.demoSeed;
    qint64 logRate = 5;
    qint64 history = config.historySize;
    qint64 maxBytes = config.maxMessageBytes;
    qint64 rate = qint64(config.rateLimit);
    qint64 maxConnections = config.maxConnections;
    qint64 heartbeat = config.heartbeatMs;
    if (!parseNumber(parser, QStringLiteral("port"), 0, 65535, &port) ||
        !parseNumber(parser, QStringLiteral("demo-seed"), 0, 0xffffffffLL, &seed) ||
        !parseNumber(parser, QStringLiteral("demo-log-rate"), 0, 100000, &logRate) ||
        !parseNumber(parser, QStringLiteral("history"), 1, 10000000, &history) ||
        !parseNumber(parser, QStringLiteral("max-message-bytes"), 256, 64 * 1024 * 1024,
                     &maxBytes) ||
        !parseNumber(parser, QStringLiteral("rate-limit"), 1, 1000000, &rate) ||
        !parseNumber(parser, QStringLiteral("max-connections"), 1, 1000000, &maxConnections) ||
        !parseNumber(parser, QStringLiteral("heartbeat-ms"), 100, 3600000, &heartbeat))
        return 2;
    if (parser.isSet(QStringLiteral("host"))) {
        const QHostAddress host(parser.value(QStringLiteral("host")));
        if (host.isNull())
            return usage(QStringLiteral("--host '%1' is not an IP address")
                             .arg(parser.value(QStringLiteral("host"))));
        config.host = host;
    }
    if (parser.isSet(QStringLiteral("tls-cert")) != parser.isSet(QStringLiteral("tls-key")))
        return usage(QStringLiteral("--tls-cert and --tls-key go together"));
    config.port = quint16(port);
    config.tokensFile = parser.value(QStringLiteral("tokens"));
    config.allowedOrigins = parser.values(QStringLiteral("allow-origin"));
    config.tlsCertFile = parser.value(QStringLiteral("tls-cert"));
    config.tlsKeyFile = parser.value(QStringLiteral("tls-key"));
    config.dataDir = parser.value(QStringLiteral("data-dir"));
    config.demo = parser.isSet(QStringLiteral("demo"));
    config.demoSeed = quint32(seed);
    config.demoLogRate = double(logRate);
    config.historySize = int(history);
    config.maxMessageBytes = maxBytes;
    config.rateLimit = double(rate);
    config.rateBurst = int(std::max<qint64>(2 * rate, 10));
    config.maxConnections = int(maxConnections);
    config.heartbeatMs = int(heartbeat);
    config.deadAfterMs = int(3 * heartbeat);
    if (!parseInto(parser, QStringLiteral("history-bytes"), 1024, 1LL << 40,
                   &config.historyBytes) ||
        !parseInto(parser, QStringLiteral("max-channels"), 1, 1000000, &config.maxChannels) ||
        !parseInto(parser, QStringLiteral("max-subscriptions"), 1, 1000000,
                   &config.maxSubscriptions) ||
        !parseInto(parser, QStringLiteral("replay-page-bytes"), 1024, 1LL << 30,
                   &config.replayPageBytes) ||
        !parseInto(parser, QStringLiteral("max-lag-bytes"), 1024, 1LL << 40,
                   &config.maxBufferedBytes) ||
        !parseInto(parser, QStringLiteral("max-lag-ms"), 100, 3600000, &config.maxLagMs) ||
        !parseInto(parser, QStringLiteral("max-backlog-bytes"), 1024, 1LL << 40,
                   &config.maxBacklogBytes))
        return 2;
    if (config.maxBacklogBytes < config.maxBufferedBytes)
        return usage(QStringLiteral("--max-backlog-bytes must be at least --max-lag-bytes"));

    // HTTP front end
    if (!parseInto(parser, QStringLiteral("http-max-header-bytes"), 1024, 1024 * 1024,
                   &config.httpMaxHeaderBytes) ||
        !parseInto(parser, QStringLiteral("http-max-url-bytes"), 256, 1024 * 1024,
                   &config.httpMaxUrlBytes) ||
        !parseInto(parser, QStringLiteral("http-max-body-bytes"), 1024, 1024LL * 1024 * 1024,
                   &config.httpMaxBodyBytes) ||
        !parseInto(parser, QStringLiteral("http-max-batch"), 1, 1000000, &config.httpMaxBatch) ||
        !parseInto(parser, QStringLiteral("http-header-timeout-ms"), 100, 3600000,
                   &config.httpHeaderTimeoutMs) ||
        !parseInto(parser, QStringLiteral("http-idle-timeout-ms"), 100, 3600000,
                   &config.httpIdleTimeoutMs) ||
        !parseInto(parser, QStringLiteral("http-max-connections"), 1, 1000000,
                   &config.httpMaxConnections) ||
        !parseInto(parser, QStringLiteral("http-max-connections-per-address"), 1, 1000000,
                   &config.httpMaxConnectionsPerAddress))
        return 2;
    config.allowedHosts = parser.values(QStringLiteral("allow-host"));
    config.brokerUrl = parser.value(QStringLiteral("broker"));
    config.node = parser.value(QStringLiteral("node"));
    if (!parseInto(parser, QStringLiteral("broker-timeout-ms"), 100, 600000,
                   &config.brokerTimeoutMs) ||
        !parseInto(parser, QStringLiteral("broker-dedup-ttl"), 1, 365 * 86400,
                   &config.dedupTtlSeconds) ||
        !parseInto(parser, QStringLiteral("presence-interval-ms"), 10, 3600000,
                   &config.presenceIntervalMs))
        return 2;
    if (!config.brokerUrl.isEmpty() && !config.dataDir.isEmpty())
        return usage(QStringLiteral("--broker and --data-dir exclude each other: with a broker, "
                                    "Redis keeps the history"));

    vigil::Relay relay(config);
    QString error;
    if (!relay.start(&error)) {
        std::fprintf(stderr, "vigil-relay: %s\n", qPrintable(error));
        return 1;
    }
    // Handlers first: a supervisor may send SIGTERM as soon as it sees the line below.
    onSignals(&app, [&relay] {
        qCInfo(lcRelay) << "stopping: closing every client with 1001 and saving history";
        relay.stop();
        // Let the event loop deliver the close frames before it ends.
        QMetaObject::invokeMethod(QCoreApplication::instance(), &QCoreApplication::quit,
                                  Qt::QueuedConnection);
    });
    const QJsonObject ready{{QStringLiteral("event"), QStringLiteral("listening")},
                            {QStringLiteral("url"), relay.url().toString()},
                            {QStringLiteral("http"), relay.httpUrl().toString()},
                            {QStringLiteral("port"), relay.port()},
                            {QStringLiteral("epoch"), relay.epoch()},
                            {QStringLiteral("node"), relay.node()}};
    std::fprintf(stdout, "%s\n", QJsonDocument(ready).toJson(QJsonDocument::Compact).constData());
    std::fflush(stdout);

    const int rc = QCoreApplication::exec();
    relay.stop();
    qCInfo(lcRelay) << "stopped";
    return rc;
}
