#include "appoptions.h"

#include "connection/connectionmanager.h"
#include "connection/connectionoptions.h"
#include "ui/workspace.h"

#include <QCommandLineParser>

#include <cstdio>

namespace vigil::app {

namespace {

bool usageError(const QString &message, int *exitCode)
{
    std::fprintf(stderr, "vigil: %s\nTry 'vigil --help'.\n", qPrintable(message));
    *exitCode = 2;
    return false;
}

} // namespace

std::optional<AppOptions> parseAppOptions(const QStringList &arguments, int *exitCode)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Vigil, the real-time operations console."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addOptions({
        {QStringLiteral("demo"),
         QStringLiteral("Start the bundled relay with a live demo scenario and connect to it.")},
        {QStringLiteral("demo-seed"), QStringLiteral("Seed of the demo scenario (default 1)."),
         QStringLiteral("N")},
        {QStringLiteral("demo-log-rate"),
         QStringLiteral("Log lines per second of the demo, 0 to 100000 (default 5)."),
         QStringLiteral("N")},
        {QStringLiteral("url"),
         QStringLiteral("Server URL (ws:// or wss://); repeat for a failover list."),
         QStringLiteral("URL")},
        {QStringLiteral("token-file"),
         QStringLiteral("File holding the bearer token (first line)."), QStringLiteral("FILE")},
        {QStringLiteral("ca-file"),
         QStringLiteral("PEM file of extra CA certificates to trust for wss://."),
         QStringLiteral("FILE")},
        {QStringLiteral("transport"),
         QStringLiteral("auto (WebSocket, HTTP fallback when blocked), websocket, sse or poll."),
         QStringLiteral("T")},
        {QStringLiteral("data-dir"),
         QStringLiteral("Where Vigil keeps its data (default: $VIGIL_DATA_DIR or the per-user "
                        "data folder)."),
         QStringLiteral("DIR")},
        {QStringLiteral("page"),
         QStringLiteral("Open on this page: %1.")
             .arg(Workspace::pageNames().join(QStringLiteral(", "))),
         QStringLiteral("NAME")},
        {QStringLiteral("debug"),
         QStringLiteral("Show the Debug page: the last raw frames in and out, tokens hidden "
                        "(also a setting).")},
        {QStringLiteral("screenshot-delay-ms"),
         QStringLiteral("With --screenshot: wait this long after the data arrived, so charts "
                        "have a history (default 0)."),
         QStringLiteral("MS")},
        {QStringLiteral("screenshot"),
         QStringLiteral("Save the window to FILE (PNG) once connected and showing data, then "
                        "quit. For bug reports and smoke tests."),
         QStringLiteral("FILE")},
    });
    if (!parser.parse(arguments)) {
        usageError(parser.errorText(), exitCode);
        return std::nullopt;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        std::fputs(qPrintable(parser.helpText()), stdout);
        *exitCode = 0;
        return std::nullopt;
    }
    if (parser.isSet(QStringLiteral("version"))) {
        std::printf("vigil %s\n", VIGIL_VERSION);
        *exitCode = 0;
        return std::nullopt;
    }
    if (!parser.positionalArguments().isEmpty()) {
        usageError(
            QStringLiteral("unexpected argument '%1'").arg(parser.positionalArguments().first()),
            exitCode);
        return std::nullopt;
    }

    AppOptions o;
    o.demo = parser.isSet(QStringLiteral("demo"));
    if (parser.isSet(QStringLiteral("demo-seed"))) {
        bool ok = false;
        const qint64 seed = parser.value(QStringLiteral("demo-seed")).toLongLong(&ok);
        if (!ok || seed < 0 || seed > 0xffffffffLL) {
            usageError(QStringLiteral("--demo-seed must be a whole number from 0 to 4294967295"),
                       exitCode);
            return std::nullopt;
        }
        o.demoSeed = quint32(seed);
    }
    if (parser.isSet(QStringLiteral("demo-log-rate"))) {
        bool ok = false;
        const double rate = parser.value(QStringLiteral("demo-log-rate")).toDouble(&ok);
        if (!ok || !(rate >= 0 && rate <= 100000)) {
            usageError(QStringLiteral("--demo-log-rate must be a number from 0 to 100000"),
                       exitCode);
            return std::nullopt;
        }
        o.demoLogRate = rate;
    }
    const QStringList urls = parser.values(QStringLiteral("url"));
    if (o.demo && !urls.isEmpty()) {
        usageError(QStringLiteral("--demo and --url exclude each other"), exitCode);
        return std::nullopt;
    }
    for (const QString &text : urls) {
        QUrl url;
        QString error;
        if (!parseServerUrl(text, &url, &error)) {
            usageError(QStringLiteral("--url ") + error, exitCode);
            return std::nullopt;
        }
        o.urls.append(url);
    }
    if (parser.isSet(QStringLiteral("token-file"))) {
        QString error;
        if (!readTokenFile(parser.value(QStringLiteral("token-file")), &o.token, &error)) {
            usageError(QStringLiteral("--token-file: ") + error, exitCode);
            return std::nullopt;
        }
    }
    if (parser.isSet(QStringLiteral("ca-file"))) {
        QString error;
        if (!loadCaFile(parser.value(QStringLiteral("ca-file")), &o.extraCaCertificates, &error)) {
            usageError(QStringLiteral("--ca-file: ") + error, exitCode);
            return std::nullopt;
        }
    }
    o.transport = parser.value(QStringLiteral("transport"));
    if (!o.transport.isEmpty() && !transportPreferenceFromName(o.transport)) {
        usageError(QStringLiteral("--transport must be auto, websocket, sse or poll"), exitCode);
        return std::nullopt;
    }
    o.dataDir = parser.value(QStringLiteral("data-dir"));
    o.screenshotPath = parser.value(QStringLiteral("screenshot"));
    o.debug = parser.isSet(QStringLiteral("debug"));
    if (parser.isSet(QStringLiteral("page"))) {
        o.page = parser.value(QStringLiteral("page"));
        if (!Workspace::pageNames().contains(o.page)) {
            usageError(QStringLiteral("--page must be one of: ") +
                           Workspace::pageNames().join(QStringLiteral(", ")),
                       exitCode);
            return std::nullopt;
        }
    }
    if (parser.isSet(QStringLiteral("screenshot-delay-ms"))) {
        bool ok = false;
        o.screenshotDelayMs = parser.value(QStringLiteral("screenshot-delay-ms")).toInt(&ok);
        if (!ok || o.screenshotDelayMs < 0 || o.screenshotDelayMs > 600000) {
            usageError(QStringLiteral("--screenshot-delay-ms must be 0 to 600000"), exitCode);
            return std::nullopt;
        }
    }
    return o;
}

} // namespace vigil::app
