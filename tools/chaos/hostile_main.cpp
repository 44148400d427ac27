// vigil-chaos-hostile: the hostile peers of a chaos run's --hostile workload, against one relay.
#include "hostilecrowd.h"
#include "hostilekinds.h"

#include "protocol/logging.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QJsonDocument>
#include <QSocketNotifier>
#include <QTimer>

#include <csignal>
#include <cstdio>
#include <sys/resource.h>
#include <unistd.h>

namespace {

void printLine(const QJsonObject &object)
{
    const QByteArray line = QJsonDocument(object).toJson(QJsonDocument::Compact) + '\n';
    std::fwrite(line.constData(), 1, size_t(line.size()), stdout);
    std::fflush(stdout);
}

/// Raises the soft open-file limit to the hard one; says what it got. Fewer idle polls are
/// opened when even the hard limit is too low for them.
QJsonObject raiseFileLimit(vigil::chaos::HostilePlan *plan)
{
    const int others = plan->slowHeadsCrowded + plan->slowHeadsSpread + plan->slowBodies +
                       plan->sseReaders + plan->wsReaders + plan->postConnections + 64;
    const qint64 needed = plan->idlePolls + others;
    rlimit limit{};
    QJsonObject json{{QStringLiteral("needed"), needed}};
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) {
        json.insert(QStringLiteral("error"), QStringLiteral("getrlimit failed"));
        return json;
    }
    json.insert(QStringLiteral("softBefore"), qint64(limit.rlim_cur));
    if (limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        if (::setrlimit(RLIMIT_NOFILE, &limit) != 0) {
            json.insert(QStringLiteral("error"), QStringLiteral("setrlimit failed"));
            ::getrlimit(RLIMIT_NOFILE, &limit);
        }
    }
    const qint64 soft = limit.rlim_cur == RLIM_INFINITY ? needed : qint64(limit.rlim_cur);
    json.insert(QStringLiteral("soft"), soft);
    json.insert(QStringLiteral("hard"), limit.rlim_max == RLIM_INFINITY
                                            ? QJsonValue(QStringLiteral("unlimited"))
                                            : QJsonValue(qint64(limit.rlim_max)));
    if (soft < needed) {
        plan->idlePolls = int(std::max<qint64>(0, soft - others));
        std::fprintf(stderr,
                     "vigil-chaos-hostile: the open-file limit is %lld (hard limit); %lld "
                     "descriptors are needed, so only %d idle polls are opened\n",
                     static_cast<long long>(soft), static_cast<long long>(needed), plan->idlePolls);
    }
    json.insert(QStringLiteral("idlePolls"), plan->idlePolls);
    return json;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("vigil-chaos-hostile"));
    std::signal(SIGPIPE, SIG_IGN);
    vigil::setUpLogging(/*quiet=*/true);

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "The hostile peers of a chaos run (started by vigil-chaos --hostile): idle long polls, "
        "slowloris, readers that never read, oversized and malformed frames, floods over the "
        "WebSocket and POST. Prints JSON lines of what they did on stdout. Commands on stdin: "
        "`relay-restarted` (the readers that stopped reading connect again), `stop` (closes "
        "everything and prints the final line)."));
    parser.addHelpOption();
    parser.addOptions({
        {QStringLiteral("port"), QStringLiteral("The relay's port on 127.0.0.1."),
         QStringLiteral("N")},
        {QStringLiteral("seed"), QStringLiteral("Seed of the peers' choices."), QStringLiteral("N"),
         QStringLiteral("1")},
        {QStringLiteral("idle-polls"), QStringLiteral("Idle long polls (default 2000)."),
         QStringLiteral("N")},
        {QStringLiteral("only"),
         QStringLiteral("Only these kinds, comma-separated: %1.")
             .arg(vigil::chaos::hostile::kinds().join(QStringLiteral(", "))),
         QStringLiteral("KINDS")},
        {QStringLiteral("stats-ms"), QStringLiteral("A stats line this often (default 5000)."),
         QStringLiteral("MS"), QStringLiteral("5000")},
    });
    parser.process(app);

    bool ok = false;
    const int port = parser.value(QStringLiteral("port")).toInt(&ok);
    if (!ok || port <= 0 || port > 65535) {
        std::fprintf(stderr, "vigil-chaos-hostile: --port takes the relay's port (1-65535)\n");
        return 2;
    }
    const quint64 seed = parser.value(QStringLiteral("seed")).toULongLong(&ok);
    if (!ok) {
        std::fprintf(stderr, "vigil-chaos-hostile: --seed takes a whole number\n");
        return 2;
    }
    vigil::chaos::HostilePlan plan;
    if (parser.isSet(QStringLiteral("idle-polls"))) {
        plan.idlePolls = parser.value(QStringLiteral("idle-polls")).toInt(&ok);
        if (!ok || plan.idlePolls < 0 || plan.idlePolls > 60000) {
            std::fprintf(stderr, "vigil-chaos-hostile: --idle-polls takes 0 to 60000\n");
            return 2;
        }
    }
    if (parser.isSet(QStringLiteral("only"))) {
        plan.only = parser.value(QStringLiteral("only")).split(u',', Qt::SkipEmptyParts);
        for (const QString &kind : std::as_const(plan.only)) {
            if (!vigil::chaos::hostile::kinds().contains(kind)) {
                std::fprintf(stderr, "vigil-chaos-hostile: --only: no kind %s (kinds: %s)\n",
                             qPrintable(kind),
                             qPrintable(vigil::chaos::hostile::kinds().join(u',')));
                return 2;
            }
        }
    }
    const int statsMs = parser.value(QStringLiteral("stats-ms")).toInt(&ok);
    if (!ok || statsMs < 100) {
        std::fprintf(stderr, "vigil-chaos-hostile: --stats-ms takes at least 100\n");
        return 2;
    }

    const QJsonObject files = raiseFileLimit(&plan);
    vigil::chaos::HostileCrowd crowd(quint16(port), seed, plan);
    QString error;
    if (!crowd.start(&error)) {
        std::fprintf(stderr, "vigil-chaos-hostile: %s\n", qPrintable(error));
        printLine(
            {{QStringLiteral("e"), QStringLiteral("error")}, {QStringLiteral("message"), error}});
        return 2;
    }
    printLine({{QStringLiteral("e"), QStringLiteral("start")},
               {QStringLiteral("pid"), qint64(::getpid())},
               {QStringLiteral("openFiles"), files}});

    QTimer stats;
    QObject::connect(&stats, &QTimer::timeout, &crowd, [&crowd] {
        QJsonObject line = crowd.stats();
        line.insert(QStringLiteral("e"), QStringLiteral("stats"));
        printLine(line);
    });
    stats.start(statsMs);

    // `stop` (or the end of stdin: the orchestrator is gone) closes everything.
    auto finish = [&crowd, &stats] {
        stats.stop();
        QJsonObject line = crowd.stats();
        crowd.stop();
        line.insert(QStringLiteral("e"), QStringLiteral("final"));
        printLine(line);
        QCoreApplication::quit();
    };
    QSocketNotifier input(STDIN_FILENO, QSocketNotifier::Read);
    QByteArray buffer;
    QObject::connect(&input, &QSocketNotifier::activated, &crowd, [&] {
        char bytes[256];
        const ssize_t n = ::read(STDIN_FILENO, bytes, sizeof bytes);
        if (n <= 0) {
            input.setEnabled(false);
            finish();
            return;
        }
        buffer.append(bytes, n);
        qsizetype end;
        while ((end = buffer.indexOf('\n')) >= 0) {
            const QByteArray command = buffer.left(end).trimmed();
            buffer.remove(0, end + 1);
            if (command == "relay-restarted") {
                crowd.relayRestarted();
            } else if (command == "stop") {
                input.setEnabled(false);
                finish();
                return;
            }
        }
    });
    return QCoreApplication::exec();
}
