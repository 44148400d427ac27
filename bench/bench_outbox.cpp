// Outbox throughput and latency: what an operator's burst of actions costs, and how fast a
// backlog drains into a local relay. Real SQLite files (WAL, synchronous=FULL) in a temporary
// directory; a real relay on loopback for the drain.
#include "connection/connectionmanager.h"
#include "delivery/outboxdrainer.h"
#include "relay/relay.h"
#include "storage/outbox.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QLoggingCategory>
#include <QTemporaryDir>
#include <QTimer>

#include <benchmark/benchmark.h>

#include <algorithm>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace {

vigil::OutboxLimits roomy()
{
    vigil::OutboxLimits limits;
    limits.maxCount = 10000000;
    limits.maxBytes = 1LL << 40;
    return limits;
}

vigil::Envelope action(int i)
{
    return vigil::Envelope::create(
        QStringLiteral("incident.acknowledged"), QStringLiteral("incidents"),
        QJsonObject{{QStringLiteral("incidentId"), QStringLiteral("inc-%1").arg(i)},
                    {QStringLiteral("by"), QStringLiteral("alice")}});
}

// One caller, one message at a time: every enqueue waits for its own commit.
void BM_EnqueueOneAtATime(benchmark::State &state)
{
    QTemporaryDir dir;
    vigil::Outbox outbox(roomy());
    QString error;
    if (!outbox.open(dir.filePath(QStringLiteral("o.sqlite")), &error)) {
        state.SkipWithError(qPrintable(error));
        return;
    }
    std::vector<double> latencies;
    int i = 0;
    for (auto _ : state) {
        QElapsedTimer t;
        t.start();
        auto id = outbox.enqueue(QStringLiteral("bench"), action(i++), &error);
        latencies.push_back(double(t.nsecsElapsed()) / 1000.0);
        benchmark::DoNotOptimize(id);
    }
    std::sort(latencies.begin(), latencies.end());
    auto pct = [&](double p) {
        return latencies.empty() ? 0.0 : latencies[size_t(p * double(latencies.size() - 1))];
    };
    state.counters["p50_us"] = pct(0.50);
    state.counters["p99_us"] = pct(0.99);
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_EnqueueOneAtATime)->Unit(benchmark::kMicrosecond)->MinTime(2.0)->UseRealTime();

// A burst from several threads at once: group commit shares each fsync. One iteration is one
// burst of `threads` writers with 200 messages each; the time is the burst's wall time.
void BM_EnqueueBurst(benchmark::State &state)
{
    const int threads = int(state.range(0));
    constexpr int kEach = 200;
    std::vector<double> latencies;
    quint64 commits = 0;
    for (auto _ : state) {
        QTemporaryDir dir;
        vigil::Outbox outbox(roomy());
        QString error;
        outbox.open(dir.filePath(QStringLiteral("o.sqlite")), &error);
        std::mutex mutex;
        std::vector<std::thread> writers;
        QElapsedTimer wall;
        wall.start();
        for (int t = 0; t < threads; ++t) {
            writers.emplace_back([&, t] {
                std::vector<double> mine;
                for (int i = 0; i < kEach; ++i) {
                    QString why;
                    QElapsedTimer one;
                    one.start();
                    auto id = outbox.enqueue(QStringLiteral("bench"), action(t * kEach + i), &why);
                    mine.push_back(double(one.nsecsElapsed()) / 1000.0);
                    benchmark::DoNotOptimize(id);
                }
                std::lock_guard lock(mutex);
                latencies.insert(latencies.end(), mine.begin(), mine.end());
            });
        }
        for (auto &w : writers)
            w.join();
        state.SetIterationTime(double(wall.nsecsElapsed()) / 1e9);
        commits += outbox.enqueueCommits();
    }
    std::sort(latencies.begin(), latencies.end());
    const double messages = double(state.iterations()) * threads * kEach;
    state.SetItemsProcessed(int64_t(messages));
    state.counters["p99_us"] = latencies[size_t(0.99 * double(latencies.size() - 1))];
    state.counters["msgs_per_commit"] = messages / double(std::max<quint64>(1, commits));
}
BENCHMARK(BM_EnqueueBurst)
    ->Arg(1)
    ->Arg(8)
    ->Arg(32)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond)
    ->MinTime(2.0);

// A backlog of N messages drained into a relay on loopback, with acks. The third argument gives
// the relay a store (--data-dir): it then acks a message only once it is saved, and the pair
// /0 and /1 of one run is the cost of that promise.
void BM_DrainToLocalRelay(benchmark::State &state)
{
    const int backlog = int(state.range(0));
    QTemporaryDir relayDir;
    vigil::RelayConfig relayConfig;
    // The outbox's speed is measured here, not the relay's per-client limit (100/s by default).
    relayConfig.rateLimit = 1000000;
    relayConfig.rateBurst = 1000000;
    if (state.range(2) != 0)
        relayConfig.dataDir = relayDir.filePath(QStringLiteral("relay"));
    vigil::Relay relay(relayConfig);
    QString error;
    if (!relay.start(&error)) {
        state.SkipWithError(qPrintable(error));
        return;
    }
    for (auto _ : state) {
        state.PauseTiming();
        QTemporaryDir dir;
        vigil::Outbox outbox(roomy());
        outbox.open(dir.filePath(QStringLiteral("o.sqlite")), &error);
        for (int i = 0; i < backlog; ++i)
            outbox.enqueue(QStringLiteral("bench"), action(i), &error);
        vigil::ConnectionConfig config;
        config.urls = {relay.url()};
        vigil::ConnectionManager manager(config);
        vigil::DrainPolicy policy;
        policy.ratePerSecond = double(state.range(1)); // 0 below means "as fast as possible"
        if (policy.ratePerSecond <= 0) {
            policy.ratePerSecond = 1e9;
            policy.burst = 1000000;
        }
        vigil::OutboxDrainer drainer(&manager, &outbox, QStringLiteral("bench"), policy);
        int delivered = 0;
        QEventLoop loop;
        QObject::connect(&drainer, &vigil::OutboxDrainer::delivered, &loop, [&] {
            if (++delivered == backlog)
                loop.quit();
        });
        QTimer::singleShot(120000, &loop, &QEventLoop::quit);
        state.ResumeTiming();
        manager.open();
        loop.exec();
        state.PauseTiming();
        if (delivered != backlog)
            state.SkipWithError("the backlog did not drain");
        manager.close();
        state.ResumeTiming();
    }
    state.SetItemsProcessed(state.iterations() * backlog);
}
BENCHMARK(BM_DrainToLocalRelay)
    ->Args({2000, 0, 0})
    ->Args({2000, 0, 1})
    ->Args({2000, 200, 0})
    ->Unit(benchmark::kMillisecond)
    ->Iterations(3)
    ->UseRealTime();

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QLoggingCategory::setFilterRules(QStringLiteral("vigil.*.info=false"));
    benchmark::Initialize(&argc, argv);
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
