#include "report.h"

#include <QDateTime>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <cstdio>
#include <fstream>
#include <functional>
#include <string>

#include <sys/utsname.h>
#include <unistd.h>

namespace vigil::scalebench {

namespace {

QJsonObject machine()
{
    std::ifstream cpuinfo("/proc/cpuinfo");
    std::string line;
    QString model;
    while (model.isEmpty() && std::getline(cpuinfo, line)) {
        if (line.rfind("model name", 0) == 0)
            model = QString::fromStdString(line.substr(line.find(':') + 2));
    }
    std::ifstream meminfo("/proc/meminfo");
    qint64 memKiB = 0;
    while (std::getline(meminfo, line)) {
        if (line.rfind("MemTotal:", 0) == 0)
            memKiB = std::stoll(line.substr(9));
    }
    utsname names{};
    ::uname(&names);
    return {{QStringLiteral("cpus"), int(::sysconf(_SC_NPROCESSORS_ONLN))},
            {QStringLiteral("cpu"), model},
            {QStringLiteral("memoryMiB"), memKiB / 1024},
            {QStringLiteral("kernel"), QString::fromLatin1(names.release)}};
}

/// One row of the table: a name and one cell per run.
void row(const char *name, const QList<QJsonObject> &runs,
         const std::function<QString(const QJsonObject &)> &cell)
{
    std::printf("%-42s", name);
    for (const QJsonObject &run : runs)
        std::printf(" | %-26s", qPrintable(cell(run)));
    std::printf("\n");
}

QString number(double value, int decimals = 0)
{
    return QString::number(value, 'f', decimals);
}

QString perNode(const QJsonObject &run, const QString &field, int decimals, double scale = 1)
{
    QStringList cells;
    for (const QJsonValue &node : run.value(QStringLiteral("nodes")).toArray())
        cells.append(number(node.toObject().value(field).toDouble() * scale, decimals));
    return cells.join(QStringLiteral(" / "));
}

QString cpuPerNode(const QJsonObject &phase)
{
    QStringList cells;
    for (const QJsonValue &seconds : phase.value(QStringLiteral("nodeCpuSeconds")).toArray())
        cells.append(number(seconds.toDouble(), 1));
    return cells.join(QStringLiteral(" / "));
}

} // namespace

int printReport(const QStringList &files)
{
    QList<QJsonObject> runs;
    for (const QString &file : files) {
        QFile f(file);
        if (!f.open(QIODevice::ReadOnly)) {
            std::fprintf(stderr, "vigil-scale-bench: cannot read %s: %s\n", qPrintable(file),
                         qPrintable(f.errorString()));
            return 2;
        }
        // The bench's result is its last line on stdout.
        const QList<QByteArray> lines = f.readAll().trimmed().split('\n');
        QJsonParseError error{};
        const QJsonDocument doc = QJsonDocument::fromJson(lines.last(), &error);
        if (!doc.isObject()) {
            std::fprintf(stderr, "vigil-scale-bench: %s does not end with a result line (%s)\n",
                         qPrintable(file), qPrintable(error.errorString()));
            return 2;
        }
        runs.append(doc.object());
    }
    const auto phase = [](const QJsonObject &run, const char *name) {
        return run.value(QStringLiteral("phases")).toObject().value(QLatin1String(name)).toObject();
    };
    const auto field = [](const QJsonObject &o, const char *name) {
        return o.value(QLatin1String(name)).toDouble();
    };

    row("run", runs,
        [](const QJsonObject &r) { return r.value(QStringLiteral("label")).toString(); });
    row("clients subscribed / asked", runs, [&](const QJsonObject &r) {
        return number(field(r, "subscribed")) + QStringLiteral(" / ") +
               number(field(r, "clients")) +
               (field(r, "dropped") > 0 ? QStringLiteral(" (%1 dropped)").arg(field(r, "dropped"))
                                        : QString());
    });
    row("machine load average, start / end", runs, [&](const QJsonObject &r) {
        const QJsonObject load = r.value(QStringLiteral("loadAverage")).toObject();
        return number(field(load, "start"), 2) + QStringLiteral(" / ") +
               number(field(load, "end"), 2);
    });
    row("clients per node", runs,
        [](const QJsonObject &r) { return perNode(r, QStringLiteral("clients"), 0); });
    row("connection set-up, connections/s", runs, [&](const QJsonObject &r) {
        const QJsonObject c = r.value(QStringLiteral("connect")).toObject();
        return number(field(c, "perSecond")) +
               QStringLiteral(" (%1 s)").arg(number(field(c, "seconds"), 1));
    });
    row("handshake to subscribed p50 / p99, ms", runs, [&](const QJsonObject &r) {
        const QJsonObject c = r.value(QStringLiteral("connect")).toObject();
        return number(field(c, "handshakeP50Ms"), 1) + QStringLiteral(" / ") +
               number(field(c, "handshakeP99Ms"), 1);
    });
    row("node RSS before, MiB", runs, [](const QJsonObject &r) {
        return perNode(r, QStringLiteral("rssBeforeKiB"), 1, 1 / 1024.0);
    });
    row("node RSS idle with clients, MiB", runs, [](const QJsonObject &r) {
        return perNode(r, QStringLiteral("rssIdleKiB"), 1, 1 / 1024.0);
    });
    row("node RSS per idle connection, KiB", runs,
        [](const QJsonObject &r) { return perNode(r, QStringLiteral("perConnectionKiB"), 1); });
    row("node CPU idle with clients, %", runs,
        [](const QJsonObject &r) { return perNode(r, QStringLiteral("idleCpuPercent"), 1); });
    row("node RSS after the flood, MiB", runs, [](const QJsonObject &r) {
        return perNode(r, QStringLiteral("rssAfterFloodKiB"), 1, 1 / 1024.0);
    });
    row("kernel TCP buffers idle, MiB", runs, [&](const QJsonObject &r) {
        return number(field(r.value(QStringLiteral("tcpBufferKiB")).toObject(), "idle") / 1024, 1);
    });
    for (const char *name : {"paced", "flood"}) {
        const std::string prefix = name;
        row((prefix + ": messages, deliveries").c_str(), runs, [&](const QJsonObject &r) {
            const QJsonObject p = phase(r, name);
            return number(field(p, "published")) + QStringLiteral(", ") +
                   number(field(p, "delivered")) + QStringLiteral(" / ") +
                   number(field(p, "expected"));
        });
        row((prefix + ": fan-out deliveries/s").c_str(), runs, [&](const QJsonObject &r) {
            return number(field(phase(r, name), "deliveriesPerSecond"));
        });
        row((prefix + ": publish-to-delivery p50 / p99, ms").c_str(), runs,
            [&](const QJsonObject &r) {
                const QJsonObject p = phase(r, name);
                return number(field(p, "latencyP50Ms"), 1) + QStringLiteral(" / ") +
                       number(field(p, "latencyP99Ms"), 1);
            });
        row((prefix + ": node CPU s (per node)").c_str(), runs,
            [&](const QJsonObject &r) { return cpuPerNode(phase(r, name)); });
    }
    row("flood: Redis CPU s", runs, [&](const QJsonObject &r) {
        const QJsonObject p = phase(r, "flood");
        return p.contains(QStringLiteral("redisCpuSeconds"))
                   ? number(field(p, "redisCpuSeconds"), 1)
                   : QStringLiteral("-");
    });
    row("bench: CPU s, max RSS MiB", runs, [&](const QJsonObject &r) {
        const QJsonObject b = r.value(QStringLiteral("bench")).toObject();
        return number(field(b, "cpuSeconds"), 1) + QStringLiteral(", ") +
               number(field(b, "maxRssKiB") / 1024, 1);
    });

    QJsonObject all{{QStringLiteral("date"), QDateTime::currentDateTimeUtc().toString(Qt::ISODate)},
                    {QStringLiteral("machine"), machine()}};
    QJsonObject byLabel;
    for (const QJsonObject &run : runs)
        byLabel.insert(run.value(QStringLiteral("label")).toString(), run);
    all.insert(QStringLiteral("runs"), byLabel);
    std::printf("%s\n", QJsonDocument(all).toJson(QJsonDocument::Compact).constData());
    return 0;
}

} // namespace vigil::scalebench
