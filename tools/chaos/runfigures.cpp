#include "runfigures.h"

#include <QFile>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QMap>
#include <QStringList>

#include <algorithm>
#include <cmath>

namespace vigil::chaos {

QList<QJsonObject> readLines(const QString &path)
{
    QList<QJsonObject> lines;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return lines;
    while (!file.atEnd()) {
        const QJsonDocument doc = QJsonDocument::fromJson(file.readLine().trimmed());
        if (doc.isObject())
            lines.append(doc.object());
    }
    return lines;
}

QJsonObject toJson(const QHash<QString, qint64> &values)
{
    QJsonObject json;
    for (auto it = values.begin(); it != values.end(); ++it)
        json.insert(it.key(), it.value());
    return json;
}

QString str(const QJsonObject &o, const char *key)
{
    return o.value(QLatin1String(key)).toString();
}

qint64 num(const QJsonObject &o, const char *key, qint64 fallback)
{
    const QJsonValue v = o.value(QLatin1String(key));
    return v.isDouble() ? v.toInteger(fallback) : fallback;
}

qint64 percentile(QList<qint64> values, double p)
{
    if (values.isEmpty())
        return 0;
    std::sort(values.begin(), values.end());
    const auto rank = qsizetype(std::ceil(p * double(values.size()))) - 1;
    return values.at(std::clamp<qsizetype>(rank, 0, values.size() - 1));
}

namespace {

/// `into` plus `add`, numbers added and objects merged the same way, key by key.
QJsonObject sum(QJsonObject into, const QJsonObject &add)
{
    for (auto it = add.begin(); it != add.end(); ++it) {
        const QJsonValue had = into.value(it.key());
        if (it.value().isDouble() && had.isDouble())
            into.insert(it.key(), had.toInteger() + it.value().toInteger());
        else if (it.value().isObject() && had.isObject())
            into.insert(it.key(), sum(had.toObject(), it.value().toObject()));
        else if (!into.contains(it.key()))
            into.insert(it.key(), it.value());
    }
    return into;
}

/// CPU time over wall time of every process of `name`, in percent of one core.
double cpuPercent(const QList<QJsonObject> &samples, const QString &name)
{
    QMap<qint64, QPair<QJsonObject, QJsonObject>> byPid; // first and last sample
    for (const QJsonObject &o : samples) {
        if (str(o, "e") != u"sample" || str(o, "name") != name || num(o, "cpuMs") < 0)
            continue;
        auto &range = byPid[num(o, "pid")];
        if (range.first.isEmpty())
            range.first = o;
        range.second = o;
    }
    qint64 cpu = 0, wall = 0;
    for (const auto &[first, last] : std::as_const(byPid)) {
        cpu += num(last, "cpuMs") - num(first, "cpuMs");
        wall += num(last, "t", 0) - num(first, "t", 0);
    }
    return wall > 0 ? std::round(1000.0 * double(cpu) / double(wall)) / 10 : 0;
}

QJsonObject relayFigures(const QString &dir, qint64 *maxRss, qint64 *crashes)
{
    const QList<QJsonObject> watch = readLines(dir + QStringLiteral("/watch.jsonl"));
    QList<qint64> health;
    qint64 failed = 0;
    // The most the relay said it held at once, of each kind of connection.
    QJsonObject held;
    const char *counts[] = {"httpConnections", "polls", "streams", "wsClients"};
    for (const QJsonObject &o : watch) {
        if (str(o, "e") == u"sample" && str(o, "name") == u"relay") {
            *maxRss = std::max(*maxRss, num(o, "rssKb", 0));
        } else if (str(o, "e") == u"health" && o.value(QStringLiteral("ok")).toBool()) {
            health.append(num(o, "ms", 0));
            for (const char *count : counts) {
                const QString key = QLatin1String(count);
                held.insert(key, std::max(num(held, count, 0), num(o, count, 0)));
            }
        } else if (str(o, "e") == u"health") {
            ++failed;
        }
    }
    for (const QJsonObject &o : readLines(dir + QStringLiteral("/events.jsonl"))) {
        if (str(o, "e") == u"relay-exit" && o.value(QStringLiteral("crashed")).toBool() &&
            !o.value(QStringLiteral("expected")).toBool(true))
            ++*crashes;
    }
    return {{QStringLiteral("maxRssKb"), *maxRss},
            {QStringLiteral("cpuPercent"), cpuPercent(watch, QStringLiteral("relay"))},
            {QStringLiteral("healthP50Ms"), percentile(health, 0.5)},
            {QStringLiteral("healthP99Ms"), percentile(health, 0.99)},
            {QStringLiteral("healthMaxMs"),
             health.isEmpty() ? 0 : *std::max_element(health.begin(), health.end())},
            {QStringLiteral("healthProbes"), qint64(health.size())},
            {QStringLiteral("healthFailed"), failed},
            {QStringLiteral("maxHeld"), held},
            {QStringLiteral("crashes"), *crashes}};
}

/// Enqueue (or post) to the first receipt by each receiving client.
QList<qint64> receiveLatencies(const QString &dir, const QJsonObject &run)
{
    QHash<QString, qint64> enqueued;
    QHash<QString, QHash<QString, qint64>> firstRx; // receiver -> id -> time
    auto read = [&](const QString &path, const QString &receiver) {
        for (const QJsonObject &o : readLines(path)) {
            const QString e = str(o, "e");
            if (e == u"enq" && !enqueued.contains(str(o, "id")))
                enqueued.insert(str(o, "id"), num(o, "t0", num(o, "t", 0)));
            else if (e == u"rx" && !receiver.isEmpty() && !firstRx[receiver].contains(str(o, "id")))
                firstRx[receiver].insert(str(o, "id"), num(o, "t", 0));
        }
    };
    read(dir + QStringLiteral("/publisher.jsonl"), QString());
    for (const QJsonValue &v : run.value(QStringLiteral("participants")).toArray()) {
        const QString name = str(v.toObject(), "name");
        const bool receives = str(v.toObject(), "kind") != u"cli-send";
        read(dir + QStringLiteral("/clients/%1.jsonl").arg(name), receives ? name : QString());
    }
    QList<qint64> latencies;
    for (const auto &ids : std::as_const(firstRx)) {
        for (auto it = ids.begin(); it != ids.end(); ++it) {
            const qint64 sent = enqueued.value(it.key(), 0);
            if (sent > 0 && it.value() > 0)
                latencies.append(std::max<qint64>(0, it.value() - sent));
        }
    }
    return latencies;
}

QJsonObject hostileFigures(const QString &dir)
{
    // Each life of the hostile process counts from zero: its last line is what it did.
    QJsonObject total;
    QJsonObject last;
    QJsonObject openFiles;
    qint64 starts = 0, unexpectedExits = 0;
    for (const QJsonObject &o : readLines(dir + QStringLiteral("/hostile.jsonl"))) {
        const QString e = str(o, "e");
        if (e == u"start") {
            total = sum(total, last);
            last = {};
            ++starts;
            if (openFiles.isEmpty())
                openFiles = o.value(QStringLiteral("openFiles")).toObject();
        } else if (e == u"stats" || e == u"final") {
            last = o;
            last.remove(QStringLiteral("e"));
            last.remove(QStringLiteral("t"));
        } else if (e == u"exit" && !o.value(QStringLiteral("asked")).toBool()) {
            ++unexpectedExits;
        }
    }
    total = sum(total, last);
    total.insert(QStringLiteral("processStarts"), starts);
    total.insert(QStringLiteral("unexpectedExits"), unexpectedExits);
    total.insert(QStringLiteral("openFiles"), openFiles);
    total.insert(
        QStringLiteral("cpuPercent"),
        cpuPercent(readLines(dir + QStringLiteral("/watch.jsonl")), QStringLiteral("hostile")));
    return total;
}

} // namespace

void addRunFigures(const QString &runDir, QJsonObject *result)
{
    QJsonObject run;
    QFile runFile(runDir + QStringLiteral("/run.json"));
    if (runFile.open(QIODevice::ReadOnly))
        run = QJsonDocument::fromJson(runFile.readAll()).object();

    qint64 maxRss = 0, crashes = 0;
    result->insert(QStringLiteral("relay"), relayFigures(runDir, &maxRss, &crashes));
    result->insert(QStringLiteral("relayMaxRssKb"), maxRss);
    const QList<qint64> receive = receiveLatencies(runDir, run);
    result->insert(QStringLiteral("p50ReceiveMs"), percentile(receive, 0.5));
    result->insert(QStringLiteral("p99ReceiveMs"), percentile(receive, 0.99));
    double load = 0;
    int loads = 0;
    for (const QJsonObject &o : readLines(runDir + QStringLiteral("/watch.jsonl"))) {
        if (str(o, "e") == u"load") {
            load += o.value(QStringLiteral("load1")).toDouble();
            ++loads;
        }
    }
    result->insert(QStringLiteral("machineLoad"), loads ? std::round(10 * load / loads) / 10 : 0);
    const bool hostile = run.value(QStringLiteral("hostile")).toBool();
    result->insert(QStringLiteral("hostile"),
                   hostile ? QJsonValue(hostileFigures(runDir)) : QJsonValue(false));

    QStringList reasons;
    if (const qint64 lost = num(*result, "lost", 0); lost > 0)
        reasons << QStringLiteral("%1 messages lost").arg(lost);
    if (const qint64 duplicated = num(*result, "duplicated", 0); duplicated > 0)
        reasons << QStringLiteral("%1 messages duplicated").arg(duplicated);
    if (const qint64 order = num(*result, "orderViolations", 0); order > 0)
        reasons << QStringLiteral("%1 messages out of order").arg(order);
    const qint64 limitKb = num(run, "relayRssLimitKb", 0);
    if (limitKb > 0) {
        result->insert(QStringLiteral("relayRssLimitKb"), limitKb);
        if (maxRss > limitKb) {
            reasons << QStringLiteral("the relay's RSS reached %1 MB, over the limit of %2 MB "
                                      "(--relay-rss-limit-mb)")
                           .arg(maxRss / 1024)
                           .arg(limitKb / 1024);
        }
    }
    if (crashes > 0)
        reasons << QStringLiteral("the relay crashed %1 times (see relay.log)").arg(crashes);
    if (!reasons.isEmpty()) {
        result->insert(QStringLiteral("ok"), false);
        result->insert(QStringLiteral("reason"), reasons.join(QStringLiteral("; ")));
    }
}

} // namespace vigil::chaos
