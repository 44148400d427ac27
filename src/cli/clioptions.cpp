#include "clioptions.h"

#include "connection/connectionoptions.h"
#include "connection/settingsranges.h"
#include "protocol/logfilter.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QSet>

#include <cstdio>

namespace vigil::cli {

namespace {

constexpr auto kDefaultUrl = "ws://127.0.0.1:8765/ws";

const QStringList kCommands = {QStringLiteral("tail"),   QStringLiteral("send"),
                               QStringLiteral("flush"),  QStringLiteral("queue"),
                               QStringLiteral("health"), QStringLiteral("diagnose")};

// Which command-specific options each command takes; global options are always allowed.
const QHash<QString, QSet<QString>> &commandOptions()
{
    static const QHash<QString, QSet<QString>> map = {
        {QStringLiteral("tail"),
         {QStringLiteral("channel"), QStringLiteral("count"), QStringLiteral("timeout-ms"),
          QStringLiteral("min-level"), QStringLiteral("source"), QStringLiteral("task")}},
        {QStringLiteral("send"),
         {QStringLiteral("channel"), QStringLiteral("type"), QStringLiteral("priority"),
          QStringLiteral("payload"), QStringLiteral("timeout-ms"), QStringLiteral("ttl-ms")}},
        {QStringLiteral("flush"), {QStringLiteral("timeout-ms")}},
        {QStringLiteral("queue"), {QStringLiteral("retry-dead"), QStringLiteral("purge-dead")}},
        {QStringLiteral("health"), {QStringLiteral("duration-ms")}},
        {QStringLiteral("diagnose"),
         {QStringLiteral("channel"), QStringLiteral("count"), QStringLiteral("timeout-ms")}},
    };
    return map;
}

const QStringList kCommandSpecific = {
    QStringLiteral("channel"),     QStringLiteral("count"),     QStringLiteral("timeout-ms"),
    QStringLiteral("type"),        QStringLiteral("priority"),  QStringLiteral("payload"),
    QStringLiteral("duration-ms"), QStringLiteral("ttl-ms"),    QStringLiteral("retry-dead"),
    QStringLiteral("purge-dead"),  QStringLiteral("min-level"), QStringLiteral("source"),
    QStringLiteral("task")};

bool usageError(const QString &message, int *exitCode)
{
    std::fprintf(stderr, "vigil-cli: %s\nTry 'vigil-cli --help'.\n", qPrintable(message));
    *exitCode = Usage;
    return false;
}

bool readInt(const QCommandLineParser &parser, const QString &name, int min, int max, int *out,
             int *exitCode)
{
    if (!parser.isSet(name))
        return true;
    bool ok = false;
    const qint64 value = parser.value(name).toLongLong(&ok);
    if (!ok || value < min || value > max) {
        return usageError(QStringLiteral("--%1 must be a whole number from %2 to %3 (got '%4')")
                              .arg(name)
                              .arg(min)
                              .arg(max)
                              .arg(parser.value(name).left(40)),
                          exitCode);
    }
    *out = int(value);
    return true;
}

/// tail's --min-level, --source and --task as the filter of the `logs` channel.
bool readLogFilter(const QCommandLineParser &parser, const QStringList &channels, LogFilter *out,
                   int *exitCode)
{
    LogFilter filter;
    if (parser.isSet(QStringLiteral("min-level"))) {
        const QString level = parser.value(QStringLiteral("min-level"));
        filter.minLevel = logLevelRank(level);
        if (filter.minLevel < 0) {
            const QStringList &names = logLevels();
            return usageError(QStringLiteral("--min-level must be %1 or %2 (got '%3')")
                                  .arg(names.mid(0, names.size() - 1).join(QStringLiteral(", ")),
                                       names.last(), level.left(40)),
                              exitCode);
        }
    }
    filter.sources = parser.values(QStringLiteral("source"));
    filter.sources.removeDuplicates();
    filter.taskId = parser.value(QStringLiteral("task"));
    if (filter.sources.contains(QString()) ||
        (parser.isSet(QStringLiteral("task")) && filter.taskId.isEmpty()))
        return usageError(QStringLiteral("--source and --task need a value"), exitCode);
    QString error;
    if (!LogFilter::fromJson(filter.toJson(), &error))
        return usageError(QStringLiteral("log filter: %1").arg(error), exitCode);
    if (!filter.isEmpty() && !channels.contains(QStringLiteral("logs"))) {
        return usageError(
            QStringLiteral("--min-level, --source and --task filter the logs channel: add "
                           "--channel logs"),
            exitCode);
    }
    *out = filter;
    return true;
}

} // namespace

QString profileFor(const ConnectionConfig &config)
{
    return profileKey(config.urls);
}

std::optional<Options> parseOptions(const QStringList &arguments, int *exitCode)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Headless Vigil client. Results are JSON lines on stdout; state changes and diagnostics "
        "go to stderr.\n\n"
        "Commands:\n"
        "  tail   [--channel C]... [--count N] [--timeout-ms N]\n"
        "         [--min-level L] [--source S]... [--task ID]\n"
        "         subscribe and print each envelope; exit 0 after N, 3 on timeout; the log\n"
        "         options keep only matching `logs` entries (filtered by the server when it\n"
        "         can, and here in any case)\n"
        "  send   --channel C --type T [--priority P] [--payload JSON] [--timeout-ms N]\n"
        "         [--ttl-ms N]\n"
        "         store one message in the durable outbox, print its id, try to deliver it\n"
        "  flush  [--timeout-ms N]   deliver everything queued for this server\n"
        "  queue  [--retry-dead ID|all] [--purge-dead ID|all]\n"
        "         show the outbox for this server: depth, counters, entries, dead letters\n"
        "  health [--duration-ms N]  connect, measure round trips, print the figures\n"
        "  diagnose [--channel C] [--count N] [--timeout-ms N]\n"
        "         check the first --url step by step (DNS, TCP, TLS, WebSocket upgrade, N pings,\n"
        "         HTTP endpoints reading C); one line per step; exit 0 if none failed\n\n"
        "Exit codes: 0 ok, 1 failure, 2 usage error, 3 timeout."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(QStringLiteral("command"),
                                 QStringLiteral("tail, send, flush, queue, health or diagnose"));
    parser.addOptions({
        {QStringLiteral("url"),
         QStringLiteral("Server URL; repeat for a failover list (default %1).")
             .arg(QLatin1String(kDefaultUrl)),
         QStringLiteral("URL")},
        {QStringLiteral("token-file"),
         QStringLiteral("File holding the bearer token (first line)."), QStringLiteral("FILE")},
        {QStringLiteral("ca-file"),
         QStringLiteral("PEM file of extra CA certificates to trust for wss://."),
         QStringLiteral("FILE")},
        {QStringLiteral("transport"),
         QStringLiteral("auto (default: WebSocket, HTTP fallback when blocked), websocket, sse or "
                        "poll."),
         QStringLiteral("T")},
        {QStringLiteral("data-dir"),
         QStringLiteral("Where the outbox lives (default: $VIGIL_DATA_DIR or the per-user "
                        "data folder)."),
         QStringLiteral("DIR")},
        {QStringLiteral("heartbeat-ms"), QStringLiteral("Heartbeat interval (default 30000)."),
         QStringLiteral("N")},
        {QStringLiteral("heartbeat-timeout-ms"),
         QStringLiteral("Time to wait for a heartbeat answer (default 10000; diagnose: per ping, "
                        "default 2000)."),
         QStringLiteral("N")},
        {QStringLiteral("channel"),
         QStringLiteral("Channel (tail: repeatable; send: one; diagnose: the one the HTTP checks "
                        "read, default incidents)."),
         QStringLiteral("C")},
        {QStringLiteral("count"),
         QStringLiteral("tail: stop after N envelopes; diagnose: pings in the burst (default 5)."),
         QStringLiteral("N")},
        {QStringLiteral("timeout-ms"),
         QStringLiteral("Give up after N milliseconds: a hard deadline, the process ends at most "
                        "2 s later whatever happens (diagnose: per step, default 10000)."),
         QStringLiteral("N")},
        {QStringLiteral("type"), QStringLiteral("send: message type, e.g. chat.message."),
         QStringLiteral("T")},
        {QStringLiteral("priority"),
         QStringLiteral("send: critical, high, normal (default) or low."), QStringLiteral("P")},
        {QStringLiteral("payload"), QStringLiteral("send: payload as JSON (default {})."),
         QStringLiteral("JSON")},
        {QStringLiteral("duration-ms"),
         QStringLiteral("health: how long to measure (default 5000)."), QStringLiteral("N")},
        {QStringLiteral("ttl-ms"),
         QStringLiteral("send: give up on the message (dead letter) if not delivered in N ms."),
         QStringLiteral("N")},
        {QStringLiteral("min-level"),
         QStringLiteral("tail: only log entries of this level or above: %1.")
             .arg(logLevels().join(QStringLiteral(", "))),
         QStringLiteral("L")},
        {QStringLiteral("source"),
         QStringLiteral("tail: only log entries from this source (repeatable: any of them)."),
         QStringLiteral("S")},
        {QStringLiteral("task"), QStringLiteral("tail: only log entries of this task id."),
         QStringLiteral("ID")},
        {QStringLiteral("retry-dead"),
         QStringLiteral("queue: put a dead letter (or all) back in the queue."),
         QStringLiteral("ID|all")},
        {QStringLiteral("purge-dead"),
         QStringLiteral("queue: delete a dead letter (or all) for good."),
         QStringLiteral("ID|all")},
    });

    if (!parser.parse(arguments)) {
        usageError(parser.errorText(), exitCode);
        return std::nullopt;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        std::fputs(qPrintable(parser.helpText()), stdout);
        *exitCode = Ok;
        return std::nullopt;
    }
    if (parser.isSet(QStringLiteral("version"))) {
        std::printf("vigil-cli %s\n", VIGIL_VERSION);
        *exitCode = Ok;
        return std::nullopt;
    }

    const QStringList positional = parser.positionalArguments();
    if (positional.isEmpty()) {
        usageError(
            QStringLiteral("no command given (tail, send, flush, queue, health or diagnose)"),
            exitCode);
        return std::nullopt;
    }
    if (positional.size() > 1) {
        usageError(QStringLiteral("unexpected argument '%1'").arg(positional.at(1)), exitCode);
        return std::nullopt;
    }
    Options o;
    o.command = positional.first();
    if (!kCommands.contains(o.command)) {
        usageError(QStringLiteral("unknown command '%1' (expected tail, send, flush, queue, "
                                  "health or diagnose)")
                       .arg(o.command.left(40)),
                   exitCode);
        return std::nullopt;
    }
    const QSet<QString> allowed = commandOptions().value(o.command);
    for (const QString &name : kCommandSpecific) {
        if (parser.isSet(name) && !allowed.contains(name)) {
            usageError(QStringLiteral("--%1 does not apply to '%2'").arg(name, o.command),
                       exitCode);
            return std::nullopt;
        }
    }

    // Connection settings.
    QStringList urls = parser.values(QStringLiteral("url"));
    if (urls.isEmpty())
        urls.append(QLatin1String(kDefaultUrl));
    for (const QString &text : std::as_const(urls)) {
        QUrl url;
        QString error;
        if (!parseServerUrl(text, &url, &error)) {
            usageError(QStringLiteral("--url ") + error, exitCode);
            return std::nullopt;
        }
        o.connection.urls.append(url);
    }
    if (parser.isSet(QStringLiteral("token-file"))) {
        QString error;
        if (!readTokenFile(parser.value(QStringLiteral("token-file")), &o.connection.token,
                           &error)) {
            usageError(QStringLiteral("--token-file: ") + error, exitCode);
            return std::nullopt;
        }
    }
    if (parser.isSet(QStringLiteral("ca-file"))) {
        QString error;
        if (!loadCaFile(parser.value(QStringLiteral("ca-file")), &o.connection.extraCaCertificates,
                        &error)) {
            usageError(QStringLiteral("--ca-file: ") + error, exitCode);
            return std::nullopt;
        }
    }
    if (parser.isSet(QStringLiteral("transport"))) {
        const auto t = transportPreferenceFromName(parser.value(QStringLiteral("transport")));
        if (!t) {
            usageError(QStringLiteral("--transport must be auto, websocket, sse or poll"),
                       exitCode);
            return std::nullopt;
        }
        o.connection.transport = *t;
    }
    o.dataDir = parser.value(QStringLiteral("data-dir"));
    if (!readInt(parser, QStringLiteral("heartbeat-ms"), ranges::kHeartbeatMs.min,
                 ranges::kHeartbeatMs.max, &o.connection.heartbeatMs, exitCode) ||
        !readInt(parser, QStringLiteral("heartbeat-timeout-ms"), ranges::kHeartbeatTimeoutMs.min,
                 ranges::kHeartbeatTimeoutMs.max, &o.connection.heartbeatTimeoutMs, exitCode) ||
        !readInt(parser, QStringLiteral("count"), 1, 1000000000, &o.count, exitCode) ||
        !readInt(parser, QStringLiteral("timeout-ms"), 1, 86400000, &o.timeoutMs, exitCode) ||
        !readInt(parser, QStringLiteral("duration-ms"), 1, 86400000, &o.durationMs, exitCode))
        return std::nullopt;
    // health measures round trips, so without an explicit interval it heartbeats often.
    if (o.command == u"health" && !parser.isSet(QStringLiteral("heartbeat-ms")))
        o.connection.heartbeatMs = 500;
    // diagnose waits this long for each pong of its burst: seconds, not the client's 10 s.
    if (o.command == u"diagnose" && !parser.isSet(QStringLiteral("heartbeat-timeout-ms")))
        o.connection.heartbeatTimeoutMs = 2000;

    // Command arguments.
    const QStringList channels = parser.values(QStringLiteral("channel"));
    for (const QString &c : channels) {
        if (!isValidChannelName(c)) {
            usageError(QStringLiteral("--channel '%1' is not a valid channel name").arg(c.left(64)),
                       exitCode);
            return std::nullopt;
        }
    }
    if (o.command == u"tail") {
        o.channels = channels.isEmpty() ? knownChannels() : channels;
        o.channels.removeDuplicates();
        if (!readLogFilter(parser, o.channels, &o.connection.logFilter, exitCode))
            return std::nullopt;
    } else if (o.command == u"send") {
        if (channels.size() != 1) {
            usageError(QStringLiteral("send needs exactly one --channel"), exitCode);
            return std::nullopt;
        }
        o.channel = channels.first();
        if (o.channel == u"system") {
            usageError(QStringLiteral("send cannot write to the system channel"), exitCode);
            return std::nullopt;
        }
        o.type = parser.value(QStringLiteral("type"));
        if (o.type.isEmpty() || o.type.size() > kMaxNameLength) {
            usageError(
                QStringLiteral("send needs --type T (1 to %1 characters)").arg(kMaxNameLength),
                exitCode);
            return std::nullopt;
        }
        if (parser.isSet(QStringLiteral("priority"))) {
            const auto p = priorityFromName(parser.value(QStringLiteral("priority")));
            if (!p) {
                usageError(QStringLiteral("--priority must be critical, high, normal or low"),
                           exitCode);
                return std::nullopt;
            }
            o.priority = *p;
        }
        o.payload = QJsonObject();
        if (parser.isSet(QStringLiteral("payload"))) {
            const QByteArray text = parser.value(QStringLiteral("payload")).toUtf8();
            QJsonParseError error;
            // Wrapped in an array so any JSON value (object, string, number) is accepted.
            const QJsonDocument doc = QJsonDocument::fromJson("[" + text + "]", &error);
            if (error.error != QJsonParseError::NoError || doc.array().size() != 1) {
                usageError(QStringLiteral("--payload is not valid JSON: %1")
                               .arg(error.error != QJsonParseError::NoError
                                        ? error.errorString()
                                        : QStringLiteral("expected exactly one value")),
                           exitCode);
                return std::nullopt;
            }
            o.payload = doc.array().first();
        }
        if (o.timeoutMs == 0)
            o.timeoutMs = 5000;
        int ttl = 0;
        if (!readInt(parser, QStringLiteral("ttl-ms"), 1, 2000000000, &ttl, exitCode))
            return std::nullopt;
        o.ttlMs = ttl;
    } else if (o.command == u"queue") {
        o.retryDead = parser.value(QStringLiteral("retry-dead"));
        o.purgeDead = parser.value(QStringLiteral("purge-dead"));
        if (parser.isSet(QStringLiteral("retry-dead")) &&
            parser.isSet(QStringLiteral("purge-dead"))) {
            usageError(QStringLiteral("--retry-dead and --purge-dead exclude each other"),
                       exitCode);
            return std::nullopt;
        }
    } else if (o.command == u"flush") {
        if (o.timeoutMs == 0)
            o.timeoutMs = 30000;
    } else if (o.command == u"diagnose") {
        if (channels.size() > 1) {
            usageError(QStringLiteral("diagnose takes at most one --channel"), exitCode);
            return std::nullopt;
        }
        o.channels = channels;
        if (o.count == 0)
            o.count = 5;
        if (o.count > 1000) {
            usageError(QStringLiteral("--count for diagnose must be from 1 to 1000 pings"),
                       exitCode);
            return std::nullopt;
        }
        if (o.timeoutMs == 0)
            o.timeoutMs = 10000;
    }
    return o;
}

} // namespace vigil::cli
