// vigil-scale-bench: many WebSocket clients against one or more vigil-relay nodes, measured
// (docs/scaling.md, "Measured load"). It opens --clients clients split evenly over the --url
// targets, each of which subscribes to one channel; then one publisher sends --messages
// numbered messages twice, once paced (--rate per second: publish-to-delivery latency) and once
// as fast as the relay acknowledges them (--window unacknowledged: fan-out throughput). With
// --pid, the resident memory and CPU time of the process serving each target are read from
// /proc. Prints a summary on stderr and one JSON object on stdout. Run it through
// scripts/bench-scale.sh, which starts Redis and the relays.
#include "procstat.h"
#include "publisher.h"
#include "report.h"
#include "worker.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <thread>

#include <sys/resource.h>
#include <unistd.h>

using namespace vigil::scalebench;

namespace {

struct Options
{
    std::vector<Target> targets;
    std::vector<int> pids;
    int redisPid = 0;
    int clients = 10000;
    int messages = 200;
    double rate = 20;
    int window = 200;
    int threads = 2;
    int inflight = 100;
    int settleMs = 3000;
    int padBytes = 0;
    std::string channel = "metrics";
    std::string token;
    int connectTimeoutS = 300;
    int drainTimeoutMs = 15000;
    QString label;
};

/// What the processes behind the targets use at one moment.
struct Sample
{
    std::vector<int64_t> rss;
    std::vector<double> cpu;
    int64_t tcpKiB = -1;
    double selfCpu = 0;
    int64_t redisRss = -1;
    double redisCpu = 0;
};

Sample sample(const Options &o)
{
    Sample s;
    for (int pid : o.pids) {
        s.rss.push_back(rssKiB(pid));
        s.cpu.push_back(cpuSeconds(pid));
    }
    s.tcpKiB = tcpBufferKiB();
    s.selfCpu = cpuSeconds(int(::getpid()));
    if (o.redisPid > 0) {
        s.redisRss = rssKiB(o.redisPid);
        s.redisCpu = cpuSeconds(o.redisPid);
    }
    return s;
}

void sleepMs(int ms)
{
    std::this_thread::sleep_for(std::chrono::milliseconds(ms));
}

[[noreturn]] void die(int code, const std::string &message)
{
    std::fprintf(stderr, "vigil-scale-bench: %s\n", message.c_str());
    std::exit(code);
}

bool number(const QCommandLineParser &parser, const QString &name, double min, double max,
            double *out)
{
    if (!parser.isSet(name))
        return true;
    bool ok = false;
    const double value = parser.value(name).toDouble(&ok);
    if (!ok || value < min || value > max) {
        std::fprintf(stderr, "vigil-scale-bench: --%s must be a number from %.15g to %.15g\n",
                     qPrintable(name), min, max);
        return false;
    }
    *out = value;
    return true;
}

template<typename T>
bool integer(const QCommandLineParser &parser, const char *name, double min, double max, T *out)
{
    double value = double(*out);
    if (!number(parser, QLatin1String(name), min, max, &value))
        return false;
    if (value != double(qint64(value))) {
        std::fprintf(stderr, "vigil-scale-bench: --%s must be a whole number\n", name);
        return false;
    }
    *out = T(value);
    return true;
}

Options parse(const QCoreApplication &app)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Opens many WebSocket clients against vigil-relay nodes and measures connection set-up, "
        "fan-out throughput, publish-to-delivery latency and the nodes' memory per connection."));
    parser.addHelpOption();
    const auto option = [&parser](const char *name, const char *help, const char *value) {
        parser.addOption({QLatin1String(name), QLatin1String(help), QLatin1String(value)});
    };
    option("url", "A node's ws://IP:PORT/ws; repeatable: clients split evenly.", "URL");
    option("pid", "The process serving the --url at the same position (memory, CPU).", "PID");
    option("redis-pid", "The Redis server the nodes share (its memory and CPU).", "PID");
    option("clients", "WebSocket clients in all (default 10000).", "N");
    option("messages", "Messages published in each of the two phases (default 200).", "M");
    option("rate", "Messages per second of the paced phase (default 20).", "R");
    option("window", "Unacknowledged messages at most in the flood phase (default 200).", "W");
    option("threads", "Worker threads holding the clients (default 2).", "T");
    option("inflight", "Handshakes under way at once, all threads (default 100).", "K");
    option("settle-ms", "Idle time before the memory is read (default 3000).", "MS");
    option("pad-bytes", "Filler added to each message's payload (default 0).", "BYTES");
    option("channel", "The channel subscribed and published to (default metrics).", "NAME");
    option("token", "Bearer token for the upgrade requests (default none).", "TOKEN");
    option("connect-timeout-s", "Time for all clients to subscribe (default 300).", "S");
    option("drain-timeout-ms", "A phase ends after this long without progress (default 15000).",
           "MS");
    option("label", "A name for the run, copied into the JSON.", "TEXT");
    parser.addOption({QStringLiteral("report"),
                      QStringLiteral("Print the results in FILEs (the bench's stdout of earlier "
                                     "runs) as one table and one JSON line, and exit.")});
    parser.addPositionalArgument(QStringLiteral("FILE"), QStringLiteral("With --report."));
    parser.process(app);
    if (parser.isSet(QStringLiteral("report"))) {
        if (parser.positionalArguments().isEmpty())
            die(2, "--report needs the result files of earlier runs");
        std::exit(printReport(parser.positionalArguments()));
    }
    if (!parser.positionalArguments().isEmpty())
        die(2, "unexpected argument '" + parser.positionalArguments().first().toStdString() + "'");

    Options o;
    for (const QString &url : parser.values(QStringLiteral("url"))) {
        Target target;
        std::string why;
        if (!parseTarget(url.toStdString(), &target, &why))
            die(2, why);
        o.targets.push_back(target);
    }
    if (o.targets.empty())
        die(2, "give at least one --url ws://127.0.0.1:PORT/ws");
    if (o.targets.size() > 255)
        die(2, "at most 255 --url targets");
    for (const QString &text : parser.values(QStringLiteral("pid"))) {
        bool ok = false;
        const int pid = text.toInt(&ok);
        if (!ok || pid <= 0 || rssKiB(pid) < 0)
            die(2, "--pid " + text.toStdString() + " is not a running process of this machine");
        o.pids.push_back(pid);
    }
    if (parser.isSet(QStringLiteral("redis-pid"))) {
        o.redisPid = parser.value(QStringLiteral("redis-pid")).toInt();
        if (o.redisPid <= 0 || rssKiB(o.redisPid) < 0)
            die(2, "--redis-pid is not a running process of this machine");
    }
    if (!o.pids.empty() && o.pids.size() != o.targets.size())
        die(2, "give one --pid per --url, in the same order, or none");
    if (!integer(parser, "clients", 1, 1000000, &o.clients) ||
        !integer(parser, "messages", 1, 1000000, &o.messages) ||
        !number(parser, QStringLiteral("rate"), 0.1, 100000, &o.rate) ||
        !integer(parser, "window", 1, 100000, &o.window) ||
        !integer(parser, "threads", 1, 64, &o.threads) ||
        !integer(parser, "inflight", 1, 100000, &o.inflight) ||
        !integer(parser, "settle-ms", 0, 600000, &o.settleMs) ||
        !integer(parser, "pad-bytes", 0, 1000000, &o.padBytes) ||
        !integer(parser, "connect-timeout-s", 1, 86400, &o.connectTimeoutS) ||
        !integer(parser, "drain-timeout-ms", 100, 3600000, &o.drainTimeoutMs))
        std::exit(2);
    // One latency slot (4 bytes) per client, message and phase.
    if (double(o.clients) * o.messages * 2 * 4 > 2e9)
        die(2, "--clients x --messages is too large: the latency slots would need over 2 GB");
    if (parser.isSet(QStringLiteral("channel")))
        o.channel = parser.value(QStringLiteral("channel")).toStdString();
    if (o.channel.empty() || o.channel == "system" ||
        o.channel.find_first_of("\"\\") != std::string::npos)
        die(2, "--channel must name a channel other than system, without quotes");
    o.token = parser.value(QStringLiteral("token")).toStdString();
    o.label = parser.value(QStringLiteral("label"));
    o.threads = std::min(o.threads, o.clients);
    return o;
}

/// Every client needs a descriptor: raise the soft limit to the hard one, or say why not.
void raiseFileLimit(int clients)
{
    rlimit limit{};
    ::getrlimit(RLIMIT_NOFILE, &limit);
    const rlim_t needed = rlim_t(clients) + 64;
    if (limit.rlim_cur < needed) {
        limit.rlim_cur =
            limit.rlim_max == RLIM_INFINITY ? needed : std::min(needed, limit.rlim_max);
        ::setrlimit(RLIMIT_NOFILE, &limit);
        ::getrlimit(RLIMIT_NOFILE, &limit);
    }
    if (limit.rlim_cur < needed) {
        die(2, "the bench needs " + std::to_string(needed) + " file descriptors for " +
                   std::to_string(clients) + " clients, but the hard limit is " +
                   std::to_string(limit.rlim_max) + " (raise it: ulimit -Hn, limits.conf)");
    }
}

QJsonObject phaseJson(const char *name, const PublishResult &published, uint64_t delivered,
                      uint64_t expected, uint64_t duplicates, int64_t lastDeliveryUs,
                      std::vector<uint32_t> &latencies)
{
    const double seconds =
        lastDeliveryUs > published.firstSendUs ? (lastDeliveryUs - published.firstSendUs) / 1e6 : 0;
    const double perSecond = seconds > 0 ? double(delivered) / seconds : 0;
    const double p50 = quantile(latencies, 0.50) / 1000;
    const double p99 = quantile(latencies, 0.99) / 1000;
    const double max = quantile(latencies, 1.0) / 1000;
    std::fprintf(stderr,
                 "%-6s %d published (%d acked, %d errors), %llu/%llu delivered, %llu duplicates, "
                 "%.2f s: %.0f deliveries/s; latency p50 %.1f ms, p99 %.1f ms, max %.1f ms%s%s\n",
                 name, published.sent, published.acked, published.errors,
                 static_cast<unsigned long long>(delivered),
                 static_cast<unsigned long long>(expected),
                 static_cast<unsigned long long>(duplicates), seconds, perSecond, p50, p99, max,
                 published.firstError.empty() ? "" : "; ", published.firstError.c_str());
    return {
        {QStringLiteral("published"), published.sent},
        {QStringLiteral("acked"), published.acked},
        {QStringLiteral("errors"), published.errors},
        {QStringLiteral("firstError"), QString::fromStdString(published.firstError)},
        {QStringLiteral("publishSeconds"), (published.lastSendUs - published.firstSendUs) / 1e6},
        {QStringLiteral("delivered"), qint64(delivered)},
        {QStringLiteral("expected"), qint64(expected)},
        {QStringLiteral("duplicates"), qint64(duplicates)},
        {QStringLiteral("seconds"), seconds},
        {QStringLiteral("deliveriesPerSecond"), qRound64(perSecond)},
        {QStringLiteral("latencyP50Ms"), p50},
        {QStringLiteral("latencyP99Ms"), p99},
        {QStringLiteral("latencyMaxMs"), max}};
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("vigil-scale-bench"));
    const Options o = parse(app);
    raiseFileLimit(o.clients);

    // The publisher is connected before anything is measured: one connection more on the
    // first node, not counted among the clients.
    Publisher publisher(o.targets.front(), o.token, o.channel, o.padBytes);
    std::string why;
    if (!publisher.open(10000, &why))
        die(1, "the publisher cannot connect: " + why);
    const Sample before = sample(o);
    const double loadAtStart = loadAverage();

    WorkerSettings settings;
    settings.targets = o.targets;
    settings.token = o.token;
    settings.subscribe = "{\"id\":\"subscribe\",\"type\":\"subscribe\",\"channel\":\"system\","
                         "\"payload\":{\"channels\":[{\"name\":\"" +
                         o.channel + "\"}]}}";
    settings.inflight = std::max(1, o.inflight / o.threads);
    settings.messages = o.messages;
    std::vector<std::unique_ptr<Worker>> workers;
    for (int t = 0; t < o.threads; ++t) {
        const int first = int(int64_t(o.clients) * t / o.threads);
        const int end = int(int64_t(o.clients) * (t + 1) / o.threads);
        workers.push_back(std::make_unique<Worker>(settings, first, end - first));
    }
    const auto total = [&workers](auto get) {
        int64_t sum = 0;
        for (const auto &w : workers)
            sum += int64_t(get(*w));
        return sum;
    };
    const auto subscribed = [&] { return total([](const Worker &w) { return w.subscribed(); }); };
    const auto failed = [&] { return total([](const Worker &w) { return w.failed(); }); };
    const auto dropped = [&] { return total([](const Worker &w) { return w.dropped(); }); };

    // Connection set-up: from the first connect until the last client is subscribed.
    const int64_t startUs = nowUs();
    for (auto &w : workers)
        w->start();
    int64_t lastReport = startUs;
    while (subscribed() + failed() + dropped() < o.clients &&
           nowUs() - startUs < int64_t(o.connectTimeoutS) * 1000000) {
        sleepMs(50);
        if (nowUs() - lastReport >= 1000000) {
            lastReport = nowUs();
            std::fprintf(stderr, "connect: %lld subscribed, %lld failed, %.1f s\n",
                         static_cast<long long>(subscribed()), static_cast<long long>(failed()),
                         (lastReport - startUs) / 1e6);
        }
    }
    int64_t lastReadyUs = 0;
    for (const auto &w : workers)
        lastReadyUs = std::max(lastReadyUs, w->lastReadyUs());
    const int64_t ready = subscribed();
    const double setupSeconds = lastReadyUs > startUs ? (lastReadyUs - startUs) / 1e6 : 0;
    const Sample connected = sample(o);
    std::fprintf(stderr, "connect: %lld of %d clients subscribed in %.2f s (%.0f/s), %lld failed\n",
                 static_cast<long long>(ready), o.clients, setupSeconds,
                 setupSeconds > 0 ? ready / setupSeconds : 0.0, static_cast<long long>(failed()));

    // Idle: what the nodes hold for the connections once the handshakes are over.
    sleepMs(o.settleMs);
    const Sample idle = sample(o);
    std::vector<int> perTarget(o.targets.size(), 0);
    for (const auto &w : workers) {
        const std::vector<int> counts = w->subscribedPerTarget();
        for (size_t i = 0; i < counts.size(); ++i)
            perTarget[i] += counts[i];
    }

    // The two phases: paced for latency, then a flood for throughput.
    QJsonObject phases;
    const Sample *last = &idle;
    std::vector<Sample> afterPhase;
    afterPhase.reserve(2);
    for (int phase = 1; phase <= 2; ++phase) {
        const bool paced = phase == 1;
        const int64_t alive = subscribed();
        const PublishResult published = publisher.publish(
            phase, o.messages, paced ? o.rate : 0, paced ? o.messages : o.window, o.drainTimeoutMs);
        const uint64_t expected = uint64_t(alive) * uint64_t(published.sent);
        uint64_t delivered = 0;
        int64_t progressUs = nowUs();
        for (;;) {
            uint64_t now = 0;
            for (const auto &w : workers)
                now += w->phase(phase).delivered.load();
            if (now != delivered)
                progressUs = nowUs();
            delivered = now;
            if (delivered >= expected || nowUs() - progressUs > int64_t(o.drainTimeoutMs) * 1000)
                break;
            sleepMs(20);
        }
        uint64_t duplicates = 0;
        int64_t lastDeliveryUs = 0;
        std::vector<uint32_t> latencies;
        latencies.reserve(size_t(delivered));
        for (const auto &w : workers) {
            duplicates += w->phase(phase).duplicates.load();
            lastDeliveryUs = std::max(lastDeliveryUs, w->phase(phase).lastDeliveryUs.load());
            w->collectLatencies(phase, &latencies);
        }
        QJsonObject json = phaseJson(paced ? "paced" : "flood", published, delivered, expected,
                                     duplicates, lastDeliveryUs, latencies);
        afterPhase.push_back(sample(o));
        QJsonArray cpu;
        for (size_t i = 0; i < o.pids.size(); ++i)
            cpu.append(afterPhase.back().cpu[i] - last->cpu[i]);
        json.insert(QStringLiteral("nodeCpuSeconds"), cpu);
        json.insert(QStringLiteral("benchCpuSeconds"), afterPhase.back().selfCpu - last->selfCpu);
        if (o.redisPid > 0)
            json.insert(QStringLiteral("redisCpuSeconds"),
                        afterPhase.back().redisCpu - last->redisCpu);
        if (paced)
            json.insert(QStringLiteral("rate"), o.rate);
        else
            json.insert(QStringLiteral("window"), o.window);
        phases.insert(QLatin1String(paced ? "paced" : "flood"), json);
        last = &afterPhase.back();
    }

    QJsonArray nodes;
    for (size_t i = 0; i < o.targets.size(); ++i) {
        QJsonObject node{{QStringLiteral("url"), QString::fromStdString(o.targets[i].url)},
                         {QStringLiteral("clients"), perTarget[i]}};
        if (i < o.pids.size()) {
            const double perConnection =
                perTarget[i] > 0 ? double(idle.rss[i] - before.rss[i]) / perTarget[i] : 0;
            node.insert(QStringLiteral("pid"), o.pids[i]);
            node.insert(QStringLiteral("rssBeforeKiB"), qint64(before.rss[i]));
            node.insert(QStringLiteral("rssIdleKiB"), qint64(idle.rss[i]));
            node.insert(QStringLiteral("rssAfterFloodKiB"), qint64(afterPhase.back().rss[i]));
            node.insert(QStringLiteral("perConnectionKiB"), qRound(perConnection * 100) / 100.0);
            node.insert(QStringLiteral("connectCpuSeconds"), connected.cpu[i] - before.cpu[i]);
            // Heartbeats, presence and timers with every client connected and nothing published.
            node.insert(QStringLiteral("idleCpuPercent"),
                        o.settleMs > 0 ? (idle.cpu[i] - connected.cpu[i]) * 1e5 / o.settleMs : 0.0);
            std::fprintf(stderr,
                         "node %s (pid %d): %d clients, RSS %lld KiB before, %lld KiB idle with "
                         "them (%.1f KiB per connection), %lld KiB after the flood\n",
                         o.targets[i].url.c_str(), o.pids[i], perTarget[i],
                         static_cast<long long>(before.rss[i]), static_cast<long long>(idle.rss[i]),
                         perConnection, static_cast<long long>(afterPhase.back().rss[i]));
        }
        nodes.append(node);
    }

    for (auto &w : workers)
        w->stop();
    std::vector<uint32_t> setupTimes;
    std::map<std::string, int> failures;
    for (const auto &w : workers) {
        w->collectSetupTimes(&setupTimes);
        for (const auto &[reason, count] : w->failures())
            failures[reason] += count;
    }
    QJsonObject failureJson;
    for (const auto &[reason, count] : failures) {
        failureJson.insert(QString::fromStdString(reason), count);
        std::fprintf(stderr, "clients lost: %d x %s\n", count, reason.c_str());
    }

    rusage self{};
    ::getrusage(RUSAGE_SELF, &self);
    const QJsonObject result{
        {QStringLiteral("label"), o.label},
        {QStringLiteral("clients"), o.clients},
        {QStringLiteral("loadAverage"), QJsonObject{{QStringLiteral("start"), loadAtStart},
                                                    {QStringLiteral("end"), loadAverage()}}},
        {QStringLiteral("messages"), o.messages},
        {QStringLiteral("subscribed"), qint64(ready)},
        {QStringLiteral("failed"), qint64(failed())},
        {QStringLiteral("dropped"), qint64(dropped())},
        {QStringLiteral("failures"), failureJson},
        {QStringLiteral("connect"),
         QJsonObject{
             {QStringLiteral("seconds"), setupSeconds},
             {QStringLiteral("perSecond"), setupSeconds > 0 ? qRound64(ready / setupSeconds) : 0},
             {QStringLiteral("handshakeP50Ms"), quantile(setupTimes, 0.5) / 1000},
             {QStringLiteral("handshakeP99Ms"), quantile(setupTimes, 0.99) / 1000},
             {QStringLiteral("inflight"), o.inflight}}},
        {QStringLiteral("nodes"), nodes},
        {QStringLiteral("tcpBufferKiB"),
         QJsonObject{{QStringLiteral("before"), qint64(before.tcpKiB)},
                     {QStringLiteral("idle"), qint64(idle.tcpKiB)}}},
        {QStringLiteral("phases"), phases},
        {QStringLiteral("redis"),
         QJsonObject{{QStringLiteral("pid"), o.redisPid},
                     {QStringLiteral("rssBeforeKiB"), qint64(before.redisRss)},
                     {QStringLiteral("rssAfterFloodKiB"), qint64(afterPhase.back().redisRss)}}},
        {QStringLiteral("bench"),
         QJsonObject{{QStringLiteral("threads"), o.threads},
                     {QStringLiteral("maxRssKiB"), qint64(self.ru_maxrss)},
                     {QStringLiteral("cpuSeconds"), cpuSeconds(int(::getpid()))}}}};
    std::fprintf(stdout, "%s\n", QJsonDocument(result).toJson(QJsonDocument::Compact).constData());
    std::fflush(stdout);
    const bool complete = ready == o.clients && dropped() == 0;
    return complete ? 0 : 1;
}
