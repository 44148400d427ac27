// vigil-chaos-hostile-server: Vigil's clients against servers that misbehave. Each case puts
// `vigil-cli tail`, `vigil-cli send` and the app's core (vigil-chaos-client) as real processes
// against a hostile server of its own, and checks that each stays responsive, stays within its
// memory, does not spin and says what is wrong. docs/reliability-hostile-server.md.
#include "hostilecases.h"
#include "hostiletarget.h"

#include "protocol/logging.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>

#include <csignal>
#include <cstdio>
#include <memory>

using vigil::chaos::HostileCase;
using vigil::chaos::HostileTarget;
using vigil::chaos::TargetLimits;

namespace {

void printLine(const QJsonObject &object)
{
    const QByteArray line = QJsonDocument(object).toJson(QJsonDocument::Compact);
    std::fwrite(line.constData(), 1, size_t(line.size()), stdout);
    std::fputc('\n', stdout);
    std::fflush(stdout);
}

int usage(const QString &message)
{
    std::fprintf(stderr, "vigil-chaos-hostile-server: %s\n", qPrintable(message));
    return 2;
}

bool readNumber(const QCommandLineParser &parser, const QString &name, double min, double max,
                double *out)
{
    if (!parser.isSet(name))
        return true;
    bool ok = false;
    const double value = parser.value(name).toDouble(&ok);
    if (!ok || value < min || value > max)
        return false;
    *out = value;
    return true;
}

/// Runs every target of one case at once, each against its own server; returns the case's
/// result, or an empty object with `error` set when it could not be run.
QJsonObject runCase(const HostileCase &hostileCase, const QString &binDir, const QString &outDir,
                    TargetLimits limits, QString *error)
{
    limits.runMs = int(limits.runMs * hostileCase.lengthFactor);
    std::vector<std::unique_ptr<HostileTarget>> targets;
    QEventLoop loop;
    int running = 0;
    for (const auto &spec : hostileCase.targets) {
        const QString workDir =
            QStringLiteral("%1/%2/%3")
                .arg(outDir, hostileCase.name, vigil::chaos::targetName(spec.kind));
        auto target = std::make_unique<HostileTarget>(hostileCase, spec, binDir, workDir, limits);
        QObject::connect(target.get(), &HostileTarget::done, &loop, [&] {
            if (--running == 0)
                loop.quit();
        });
        ++running;
        if (!target->start(error))
            return {};
        targets.push_back(std::move(target));
    }
    if (running > 0)
        loop.exec();
    QJsonArray results;
    bool ok = true;
    for (const auto &target : targets) {
        const QJsonObject r = target->result();
        ok = ok && r.value(QStringLiteral("ok")).toBool();
        results.append(r);
    }
    return {{QStringLiteral("case"), hostileCase.name},
            {QStringLiteral("what"), hostileCase.what},
            {QStringLiteral("runMs"), limits.runMs},
            {QStringLiteral("ok"), ok},
            {QStringLiteral("targets"), results}};
}

/// One line per client for a reader following the run on stderr.
void report(const QJsonObject &result)
{
    for (const QJsonValue &value : result.value(QStringLiteral("targets")).toArray()) {
        const QJsonObject t = value.toObject();
        const bool ok = t.value(QStringLiteral("ok")).toBool();
        const QString problems = ok ? QString()
                                    : QStringLiteral(" - ") + t.value(QStringLiteral("problems"))
                                                                  .toVariant()
                                                                  .toStringList()
                                                                  .join(QStringLiteral("; "));
        const bool known = t.contains(QStringLiteral("knownLimit"));
        std::fprintf(stderr,
                     "  %-26s %-8s %-5s rss %5.1f MB  threads %2d  stall %5lld ms  cpu %3d%%%s%s\n",
                     qPrintable(result.value(QStringLiteral("case")).toString()),
                     qPrintable(t.value(QStringLiteral("target")).toString()), ok ? "ok" : "FAIL",
                     t.value(QStringLiteral("maxRssMb")).toDouble(),
                     t.value(QStringLiteral("maxThreads")).toInt(),
                     qlonglong(t.value(QStringLiteral("stallMs")).toInteger()),
                     t.value(QStringLiteral("cpuPercent")).toInt(),
                     known ? " (known Qt limit)" : "", qPrintable(problems));
    }
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("vigil-chaos-hostile-server"));
    std::signal(SIGPIPE, SIG_IGN);
    vigil::setUpLogging(/*quiet=*/true);

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Vigil's clients (vigil-cli tail and send, the app's core) as real processes against "
        "hostile servers: garbage, huge frames, endless pings, absurd welcomes, endless SSE "
        "and poll bodies. Each must stay responsive, within its memory, off a spinning CPU, and "
        "say what is wrong. The last line on stdout is the result as one JSON object; exit 0 "
        "only when every case passed, 1 when one did not, 2 when the run could not be made."));
    parser.addHelpOption();
    parser.addOptions({
        {QStringLiteral("short"), QStringLiteral("The CI run: every case, 3 s each.")},
        {QStringLiteral("seconds"), QStringLiteral("How long each client runs (default 8)."),
         QStringLiteral("S")},
        {QStringLiteral("case"), QStringLiteral("Run only this case (repeatable)."),
         QStringLiteral("NAME")},
        {QStringLiteral("list"), QStringLiteral("List the cases and exit.")},
        {QStringLiteral("max-rss-mb"),
         QStringLiteral("Peak resident memory a client may reach (default 256)."),
         QStringLiteral("MB")},
        {QStringLiteral("max-stall-ms"),
         QStringLiteral("Longest a client may keep a status query, its deadline or its live "
                        "messages waiting (default 2000)."),
         QStringLiteral("MS")},
        {QStringLiteral("max-cpu-percent"),
         QStringLiteral("CPU time over the run a client may use (default 90)."),
         QStringLiteral("P")},
        {QStringLiteral("bin-dir"),
         QStringLiteral("Where vigil-cli and vigil-chaos-client are (default: beside this "
                        "program)."),
         QStringLiteral("DIR")},
        {QStringLiteral("out"), QStringLiteral("Run directory (each client's output, result)."),
         QStringLiteral("DIR")},
    });
    parser.process(app);

    const QList<HostileCase> all = vigil::chaos::hostileCases();
    if (parser.isSet(QStringLiteral("list"))) {
        for (const HostileCase &c : all)
            std::printf("%-28s %s\n", qPrintable(c.name), qPrintable(c.what));
        return 0;
    }
    QList<HostileCase> cases;
    const QStringList only = parser.values(QStringLiteral("case"));
    for (const HostileCase &c : all) {
        if (only.isEmpty() || only.contains(c.name))
            cases.append(c);
    }
    for (const QString &name : only) {
        if (std::none_of(all.begin(), all.end(),
                         [&name](const HostileCase &c) { return c.name == name; }))
            return usage(QStringLiteral("no case named '%1' (see --list)").arg(name.left(60)));
    }

    const bool isShort = parser.isSet(QStringLiteral("short"));
    double seconds = isShort ? 3 : 8;
    double rssMb = 256;
    double stallMs = 2000;
    double cpuPercent = 90;
    if (!readNumber(parser, QStringLiteral("seconds"), 1, 3600, &seconds))
        return usage(QStringLiteral("--seconds must be a number from 1 to 3600"));
    if (!readNumber(parser, QStringLiteral("max-rss-mb"), 1, 1 << 20, &rssMb))
        return usage(QStringLiteral("--max-rss-mb must be a number from 1 to 1048576"));
    if (!readNumber(parser, QStringLiteral("max-stall-ms"), 1, 3600000, &stallMs))
        return usage(QStringLiteral("--max-stall-ms must be a number from 1 to 3600000"));
    if (!readNumber(parser, QStringLiteral("max-cpu-percent"), 1, 10000, &cpuPercent))
        return usage(QStringLiteral("--max-cpu-percent must be a number from 1 to 10000"));
    TargetLimits limits;
    limits.runMs = int(seconds * 1000);
    limits.maxRssKb = qint64(rssMb * 1024);
    limits.maxStallMs = qint64(stallMs);
    limits.maxCpuPercent = int(cpuPercent);

    const QString binDir = parser.isSet(QStringLiteral("bin-dir"))
                               ? QDir(parser.value(QStringLiteral("bin-dir"))).absolutePath()
                               : QCoreApplication::applicationDirPath();
    for (const QString &program :
         {QStringLiteral("vigil-cli"), QStringLiteral("vigil-chaos-client")}) {
        if (!QFile::exists(binDir + QLatin1Char('/') + program))
            return usage(QStringLiteral("%1 is not in %2 (--bin-dir)").arg(program, binDir));
    }
    QString outDir = parser.value(QStringLiteral("out"));
    if (outDir.isEmpty()) {
        outDir = QDir::tempPath() +
                 QStringLiteral("/vigil-hostile-server-%1-%2")
                     .arg(QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-hhmmss")))
                     .arg(QCoreApplication::applicationPid());
    }
    if (!QDir().mkpath(outDir))
        return usage(QStringLiteral("cannot create %1").arg(outDir));
    outDir = QDir(outDir).absolutePath();
    std::fprintf(stderr, "vigil-chaos-hostile-server: %lld cases, %.1f s each, in %s\n",
                 qlonglong(cases.size()), seconds, qPrintable(outDir));

    QElapsedTimer clock;
    clock.start();
    QJsonArray results;
    int failed = 0;
    double worstRssMb = 0;
    qint64 worstStallMs = 0;
    QJsonArray knownLimits;
    for (const HostileCase &c : std::as_const(cases)) {
        QString error;
        const QJsonObject result = runCase(c, binDir, outDir, limits, &error);
        if (result.isEmpty())
            return usage(QStringLiteral("case %1: %2").arg(c.name, error));
        report(result);
        if (!result.value(QStringLiteral("ok")).toBool())
            ++failed;
        for (const QJsonValue &t : result.value(QStringLiteral("targets")).toArray()) {
            worstRssMb = std::max(worstRssMb, t[QStringLiteral("maxRssMb")].toDouble());
            // A known limit's stall is reported with it, not as the clients' own figure.
            if (t[QStringLiteral("knownLimit")].isUndefined())
                worstStallMs = std::max(worstStallMs, t[QStringLiteral("stallMs")].toInteger());
            else if (!knownLimits.contains(c.name))
                knownLimits.append(c.name);
        }
        results.append(result);
    }
    const QJsonObject summary{
        {QStringLiteral("ok"), failed == 0},
        {QStringLiteral("mode"), isShort ? QStringLiteral("short") : QStringLiteral("full")},
        {QStringLiteral("cases"), int(cases.size())},
        {QStringLiteral("failed"), failed},
        {QStringLiteral("maxRssMb"), worstRssMb},
        {QStringLiteral("maxStallMs"), worstStallMs},
        {QStringLiteral("knownLimits"), knownLimits},
        {QStringLiteral("limits"),
         QJsonObject{{QStringLiteral("runMs"), limits.runMs},
                     {QStringLiteral("maxRssMb"), rssMb},
                     {QStringLiteral("maxStallMs"), limits.maxStallMs},
                     {QStringLiteral("maxCpuPercent"), limits.maxCpuPercent}}},
        {QStringLiteral("runMs"), clock.elapsed()},
        {QStringLiteral("results"), results}};
    QFile saved(outDir + QStringLiteral("/result.json"));
    if (saved.open(QIODevice::WriteOnly))
        saved.write(QJsonDocument(summary).toJson());
    printLine(summary);
    return failed == 0 ? 0 : 1;
}
