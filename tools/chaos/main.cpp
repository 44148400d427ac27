// vigil-chaos: runs a chaos run against the real relay and clients, then checks its history.
#include "diskfault.h"
#include "historycheck.h"
#include "orchestrator.h"

#include "protocol/logging.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QJsonDocument>

#include <csignal>
#include <cstdio>

namespace {

void printLine(const QJsonObject &object)
{
    const QByteArray line = QJsonDocument(object).toJson(QJsonDocument::Compact);
    std::fwrite(line.constData(), 1, size_t(line.size()), stdout);
    std::fputc('\n', stdout);
    std::fflush(stdout);
}

// Ctrl+C or a CI timeout: the children end with us (PR_SET_PDEATHSIG), the tmpfs must not stay.
void onSignal(int signal)
{
    vigil::chaos::DiskFault::releaseFromSignal();
    std::signal(signal, SIG_DFL);
    std::raise(signal);
}

int usage(const QString &message)
{
    std::fprintf(stderr, "vigil-chaos: %s\n", qPrintable(message));
    return 2;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("vigil-chaos"));
    std::signal(SIGPIPE, SIG_IGN);
    std::signal(SIGINT, onSignal);
    std::signal(SIGTERM, onSignal);
    vigil::setUpLogging(/*quiet=*/true);

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Chaos run of Vigil: the real vigil-relay and clients behind fault proxies, a fault "
        "schedule drawn from a seed, then a check of the whole history. The last line on "
        "stdout is the result as one JSON object; exit 0 only when nothing was lost or "
        "duplicated and order held, 1 when something was, 2 when the run could not be made."));
    parser.addHelpOption();
    parser.addOptions({
        {QStringLiteral("short"), QStringLiteral("The CI run: fixed seed, under 3 minutes.")},
        {QStringLiteral("soak"), QStringLiteral("A long run of MINUTES of faults."),
         QStringLiteral("MINUTES")},
        {QStringLiteral("seed"), QStringLiteral("Seed of the fault schedule and workload."),
         QStringLiteral("N")},
        {QStringLiteral("chaos-seconds"), QStringLiteral("Length of the fault phase."),
         QStringLiteral("S")},
        {QStringLiteral("clients"), QStringLiteral("Headless clients (default 3)."),
         QStringLiteral("N")},
        {QStringLiteral("bin-dir"),
         QStringLiteral("Where vigil-relay, vigil-cli and "
                        "vigil-chaos-client are (default: beside "
                        "this program)."),
         QStringLiteral("DIR")},
        {QStringLiteral("out"), QStringLiteral("Run directory (journals, logs, result)."),
         QStringLiteral("DIR")},
        {QStringLiteral("no-tmpfs"),
         QStringLiteral("Simulate the full disk with a file size limit even where a tmpfs "
                        "could be mounted.")},
        {QStringLiteral("hostile"),
         QStringLiteral("Hostile peers beside the normal clients: idle long polls by the "
                        "thousand, slowloris, readers that never read, oversized and malformed "
                        "frames, floods over the WebSocket and POST.")},
        {QStringLiteral("relay-rss-limit-mb"),
         QStringLiteral("Fail the run if the relay's RSS goes over MB (default 512 with "
                        "--hostile, no limit otherwise)."),
         QStringLiteral("MB")},
        {QStringLiteral("check"),
         QStringLiteral("Only check the run directory DIR again and print the result."),
         QStringLiteral("DIR")},
    });
    parser.process(app);

    if (parser.isSet(QStringLiteral("check"))) {
        const QJsonObject result =
            vigil::chaos::HistoryCheck::run(parser.value(QStringLiteral("check")));
        printLine(result);
        return result.value(QStringLiteral("ok")).toBool() ? 0 : 1;
    }

    vigil::chaos::RunOptions options;
    bool ok = true;
    if (parser.isSet(QStringLiteral("soak"))) {
        const double minutes = parser.value(QStringLiteral("soak")).toDouble(&ok);
        if (!ok || minutes <= 0)
            return usage(QStringLiteral("--soak takes a number of minutes"));
        options.mode = QStringLiteral("soak");
        options.chaosMs = qint64(minutes * 60000);
        options.seed = quint64(QDateTime::currentMSecsSinceEpoch());
        options.relayHistory = 1000; // memory must not grow with the length of the run
        // Long lives to follow RSS and open files over: the relay is killed at most every
        // five minutes, c1 never (it still meets every network fault).
        options.relayKillGapMs = 300000;
        options.neverKilled = {QStringLiteral("c1")};
        options.drainMs = 120000;
        options.barrierMs = 60000;
    } else if (parser.isSet(QStringLiteral("short"))) {
        options.mode = QStringLiteral("short");
    } else {
        options.mode = QStringLiteral("custom");
    }
    if (parser.isSet(QStringLiteral("seed"))) {
        options.seed = parser.value(QStringLiteral("seed")).toULongLong(&ok);
        if (!ok)
            return usage(QStringLiteral("--seed takes a whole number"));
    }
    if (parser.isSet(QStringLiteral("chaos-seconds"))) {
        const double seconds = parser.value(QStringLiteral("chaos-seconds")).toDouble(&ok);
        if (!ok || seconds < 10)
            return usage(QStringLiteral("--chaos-seconds takes a number of seconds, at least 10"));
        options.chaosMs = qint64(seconds * 1000);
    }
    if (parser.isSet(QStringLiteral("clients"))) {
        options.clients = parser.value(QStringLiteral("clients")).toInt(&ok);
        if (!ok || options.clients < 1 || options.clients > 20)
            return usage(QStringLiteral("--clients takes a number from 1 to 20"));
    }
    options.allowTmpfs = !parser.isSet(QStringLiteral("no-tmpfs"));
    options.hostile = parser.isSet(QStringLiteral("hostile"));
    if (options.hostile)
        options.relayRssLimitMb = 512;
    if (parser.isSet(QStringLiteral("relay-rss-limit-mb"))) {
        options.relayRssLimitMb =
            parser.value(QStringLiteral("relay-rss-limit-mb")).toLongLong(&ok);
        if (!ok || options.relayRssLimitMb < 1 || options.relayRssLimitMb > 1024 * 1024)
            return usage(QStringLiteral("--relay-rss-limit-mb takes a number of MB, 1 or more"));
    }
    options.binDir = parser.isSet(QStringLiteral("bin-dir"))
                         ? parser.value(QStringLiteral("bin-dir"))
                         : QCoreApplication::applicationDirPath();
    options.outDir = parser.isSet(QStringLiteral("out"))
                         ? parser.value(QStringLiteral("out"))
                         : QDir::tempPath() +
                               QStringLiteral("/vigil-chaos/%1-%2-%3")
                                   .arg(options.mode +
                                        (options.hostile ? QStringLiteral("-hostile") : QString()))
                                   .arg(options.seed)
                                   .arg(QDateTime::currentMSecsSinceEpoch());
    options.outDir = QDir(options.outDir).absolutePath();
    if (QDir(options.outDir).exists() && !QDir(options.outDir).isEmpty())
        return usage(QStringLiteral("the run directory %1 is not empty").arg(options.outDir));
    std::fprintf(stderr, "vigil-chaos: %s%s run, seed %llu, %lld s of faults, run directory %s\n",
                 qPrintable(options.mode), options.hostile ? " hostile" : "",
                 static_cast<unsigned long long>(options.seed),
                 static_cast<long long>(options.chaosMs / 1000), qPrintable(options.outDir));

    QString error;
    {
        vigil::chaos::Orchestrator orchestrator(options);
        if (!orchestrator.run(&error)) {
            printLine({{QStringLiteral("ok"), false},
                       {QStringLiteral("error"), error},
                       {QStringLiteral("seed"), qint64(options.seed & ((1ULL << 53) - 1))}});
            return 2;
        }
    }
    const QJsonObject result = vigil::chaos::HistoryCheck::run(options.outDir);
    QFile out(options.outDir + QStringLiteral("/result.json"));
    if (out.open(QIODevice::WriteOnly))
        out.write(QJsonDocument(result).toJson());
    printLine(result);
    return result.value(QStringLiteral("ok")).toBool() ? 0 : 1;
}
