// What a flood of feed messages costs the UI thread: recording envelopes into the live list
// models and publishing them in one batch per frame.
#include "models/feedmodels.h"

#include <QCoreApplication>
#include <QJsonObject>

#include <benchmark/benchmark.h>

namespace {

QList<vigil::Envelope> logFlood(int count)
{
    QList<vigil::Envelope> out;
    out.reserve(count);
    for (int i = 0; i < count; ++i) {
        vigil::Envelope e = vigil::Envelope::create(
            QStringLiteral("log.entry"), QStringLiteral("logs"),
            QJsonObject{{QStringLiteral("level"), QStringLiteral("info")},
                        {QStringLiteral("message"), QStringLiteral("request completed")},
                        {QStringLiteral("source"), QStringLiteral("checkout-api")},
                        {QStringLiteral("taskId"), QStringLiteral("task-%1").arg(i)}});
        out.append(e);
    }
    return out;
}

QList<vigil::Envelope> agentUpdates(int count, int agents)
{
    QList<vigil::Envelope> out;
    out.reserve(count);
    for (int i = 0; i < count; ++i) {
        out.append(vigil::Envelope::create(
            QStringLiteral("agent.status"), QStringLiteral("agents"),
            QJsonObject{{QStringLiteral("agentId"), QStringLiteral("agent-%1").arg(i % agents)},
                        {QStringLiteral("name"), QStringLiteral("worker")},
                        {QStringLiteral("status"),
                         i % 3 ? QStringLiteral("online") : QStringLiteral("busy")},
                        {QStringLiteral("cpu"), double(i % 100)}}));
    }
    return out;
}

// One frame's worth of log lines into a full 2000-line model: record all, flush once.
void BM_LogFrame(benchmark::State &state)
{
    const auto batch = logFlood(int(state.range(0)));
    vigil::LogModel model(nullptr);
    for (const auto &e : logFlood(2000))
        model.record(e);
    model.flush();
    for (auto _ : state) {
        for (const auto &e : batch)
            model.record(e);
        model.flush();
    }
    state.SetItemsProcessed(state.iterations() * batch.size());
}
BENCHMARK(BM_LogFrame)->Arg(10)->Arg(100)->Arg(1000);

// Status updates of known agents: the update path (dataChanged with the changed roles).
void BM_AgentUpdateFrame(benchmark::State &state)
{
    const int agents = 200;
    const auto batch = agentUpdates(int(state.range(0)), agents);
    vigil::AgentsModel model(nullptr);
    for (const auto &e : agentUpdates(agents, agents))
        model.record(e);
    model.flush();
    for (auto _ : state) {
        for (const auto &e : batch)
            model.record(e);
        model.flush();
    }
    state.SetItemsProcessed(state.iterations() * batch.size());
}
BENCHMARK(BM_AgentUpdateFrame)->Arg(10)->Arg(1000);

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv); // the models' frame timers need an application
    benchmark::Initialize(&argc, argv);
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
