// Parse and serialize throughput of the envelope codec: the cost every inbound frame pays.
#include "protocol/envelope.h"

#include <QJsonArray>
#include <QJsonObject>

#include <benchmark/benchmark.h>

namespace {

vigil::Envelope sample(int logEntries)
{
    QJsonArray entries;
    for (int i = 0; i < logEntries; ++i) {
        entries.append(QJsonObject{{QStringLiteral("level"), QStringLiteral("info")},
                                   {QStringLiteral("message"), QStringLiteral("request completed")},
                                   {QStringLiteral("source"), QStringLiteral("checkout-api")},
                                   {QStringLiteral("taskId"), QStringLiteral("task-%1").arg(i)}});
    }
    vigil::Envelope e = vigil::Envelope::create(QStringLiteral("log.batch"), QStringLiteral("logs"),
                                                QJsonObject{{QStringLiteral("entries"), entries}});
    e.seq = 42;
    return e;
}

void BM_Parse(benchmark::State &state)
{
    const QByteArray frame = sample(int(state.range(0))).serialize();
    for (auto _ : state) {
        auto result = vigil::parseEnvelope(frame);
        benchmark::DoNotOptimize(result);
    }
    state.SetBytesProcessed(state.iterations() * frame.size());
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Parse)->Arg(1)->Arg(100);

void BM_Serialize(benchmark::State &state)
{
    const vigil::Envelope e = sample(int(state.range(0)));
    for (auto _ : state) {
        QByteArray bytes = e.serialize();
        benchmark::DoNotOptimize(bytes);
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Serialize)->Arg(1)->Arg(100);

} // namespace

BENCHMARK_MAIN();
