// The log viewer's store against the obvious container (a ring of structs of QStrings): what
// appending costs per line, what a line costs in memory, and how long a filter or search pass
// over a million lines takes on the worker. Run by hand: build/bin/bench_logstore.
#include "models/loglinesmodel.h"
#include "models/logquery.h"
#include "models/logstore.h"

#include <QCoreApplication>

#include <benchmark/benchmark.h>

#include <ctime>
#include <deque>
#include <malloc.h>

namespace {

using vigil::LogEntryIn;
using vigil::LogStore;

constexpr qint64 kMillion = 1'000'000;
constexpr qint64 kBatch = 1'000;

const QStringList &sources()
{
    static const QStringList names = {
        QStringLiteral("api-gateway"), QStringLiteral("billing"),   QStringLiteral("checkout"),
        QStringLiteral("inventory"),   QStringLiteral("search"),    QStringLiteral("auth"),
        QStringLiteral("payments"),    QStringLiteral("shipping"),  QStringLiteral("scheduler"),
        QStringLiteral("notifier"),    QStringLiteral("reporting"), QStringLiteral("db-proxy")};
    return names;
}

// A line as a backend writes it: mostly info, some debug, few warnings and errors; a task
// writes about 40 lines; messages of 40 to 90 characters, a few of them not ASCII. Every
// string is a fresh allocation, as decoding the JSON of a frame makes them.
LogEntryIn realistic(qint64 n)
{
    static const QString levels[] = {QStringLiteral("debug"), QStringLiteral("info"),
                                     QStringLiteral("warn"), QStringLiteral("error")};
    const int roll = int((n * 7919) % 100);
    LogEntryIn e;
    e.level = levels[roll < 25 ? 0 : roll < 85 ? 1 : roll < 95 ? 2 : 3];
    e.level.detach();
    e.source = sources().at(int((n / 3) % sources().size()));
    e.source.detach();
    e.taskId = QStringLiteral("task-%1").arg(n / 40);
    switch (n % 7) {
    case 0:
        e.message = QStringLiteral("GET /api/v1/orders/%1 completed in %2 ms (status 200)")
                        .arg(n)
                        .arg(n % 997);
        break;
    case 1:
        e.message = QStringLiteral("connection pool exhausted, waiting for a slot (pending=%1)")
                        .arg(n % 64);
        break;
    case 2:
        e.message = QStringLiteral("user %1 logged in from 10.0.%2.%3")
                        .arg(n % 50'000)
                        .arg(n % 256)
                        .arg(n % 200);
        break;
    case 3:
        e.message = QStringLiteral("cache miss for key session:%1").arg(n * 31, 0, 16);
        break;
    case 4:
        e.message = QStringLiteral("job %1 finished: processed %2 records in %3 s")
                        .arg(n / 40)
                        .arg(n % 10'000)
                        .arg(n % 60);
        break;
    case 5:
        e.message =
            QStringLiteral("retrying request to payments-service (attempt %1/5)").arg(n % 5 + 1);
        break;
    default:
        e.message =
            QStringLiteral("Zahlung für Bestellung %1 abgelehnt: Kartenprüfung fehlgeschlagen")
                .arg(n);
        break;
    }
    e.timestamp = 1'700'000'000'000 + n * 3;
    e.id = QStringLiteral("3f1c2a9e-0c1d-4a8b-9d6e-%1").arg(n, 12, 10, QLatin1Char('0'));
    e.seq = n;
    return e;
}

QList<LogEntryIn> batchFrom(qint64 from, qint64 count)
{
    QList<LogEntryIn> out;
    out.reserve(count);
    for (qint64 n = from; n < from + count; ++n)
        out.append(realistic(n));
    return out;
}

// The obvious container: one struct of QStrings per line in a bounded ring.
struct QStringLine
{
    QString id;
    QString level;
    QString source;
    QString taskId;
    QString message;
    qint64 timestamp = 0;
    qint64 seq = -1;
};

class BaselineRing
{
public:
    explicit BaselineRing(qsizetype capacity)
        : m_capacity(capacity)
    {}
    void append(const QList<LogEntryIn> &entries)
    {
        for (const LogEntryIn &e : entries) {
            m_lines.push_back({e.id, e.level, e.source, e.taskId, e.message, e.timestamp, e.seq});
            if (qsizetype(m_lines.size()) > m_capacity)
                m_lines.pop_front();
        }
    }
    [[nodiscard]] qsizetype size() const { return qsizetype(m_lines.size()); }

private:
    qsizetype m_capacity;
    std::deque<QStringLine> m_lines;
};

size_t heapInUse()
{
    const struct mallinfo2 info = mallinfo2();
    return info.uordblks + info.hblkhd;
}

// CPU time of this thread: the machine is shared, wall time would count the neighbours.
qint64 threadCpuNs()
{
    timespec t{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return qint64(t.tv_sec) * 1'000'000'000 + t.tv_nsec;
}

template<typename Ring> double appendNsPerLine(Ring &ring, qint64 from, qint64 lines)
{
    qint64 spent = 0;
    for (qint64 n = from; n < from + lines; n += kBatch) {
        const QList<LogEntryIn> batch = batchFrom(n, kBatch); // not timed: both pay it alike
        const qint64 start = threadCpuNs();
        ring.append(batch);
        spent += threadCpuNs() - start;
    }
    return double(spent) / double(lines);
}

// Steady state (the ring full, each batch pushing the oldest lines out), store and baseline in
// the same run: ns per line appended, and their ratio. Decoding the frame (which makes the
// QStrings both start from) is outside the timing.
void BM_AppendVsBaseline(benchmark::State &state)
{
    for (auto _ : state) {
        LogStore store(kMillion);
        BaselineRing baseline(kMillion);
        for (qint64 n = 0; n < kMillion; n += 10 * kBatch) {
            const QList<LogEntryIn> fill = batchFrom(n, 10 * kBatch);
            store.append(fill);
            baseline.append(fill);
        }
        const qint64 lines = 300'000;
        const double storeNs = appendNsPerLine(store, kMillion, lines);
        const double baselineNs = appendNsPerLine(baseline, kMillion, lines);
        state.counters["store_ns_per_line"] = storeNs;
        state.counters["baseline_ns_per_line"] = baselineNs;
        state.counters["store_over_baseline"] = storeNs / baselineNs;
    }
}
BENCHMARK(BM_AppendVsBaseline)->Iterations(1)->Unit(benchmark::kMillisecond);

// Bytes per line for a million realistic lines, measured on the heap (malloc's own count),
// store against baseline; and what the store reports of itself (memoryBytes()).
void BM_BytesPerLine(benchmark::State &state)
{
    for (auto _ : state) {
        double storeBytes = 0;
        double reported = 0;
        double baselineBytes = 0;
        {
            const size_t before = heapInUse();
            LogStore store(kMillion);
            for (qint64 n = 0; n < kMillion; n += 10 * kBatch)
                store.append(batchFrom(n, 10 * kBatch));
            storeBytes = double(heapInUse() - before) / double(kMillion);
            reported = double(store.memoryBytes()) / double(kMillion);
        }
        {
            const size_t before = heapInUse();
            BaselineRing baseline(kMillion);
            for (qint64 n = 0; n < kMillion; n += 10 * kBatch)
                baseline.append(batchFrom(n, 10 * kBatch));
            baselineBytes = double(heapInUse() - before) / double(kMillion);
        }
        state.counters["store_bytes_per_line"] = storeBytes;
        state.counters["store_reported_bytes_per_line"] = reported;
        state.counters["baseline_bytes_per_line"] = baselineBytes;
        state.counters["store_over_baseline"] = storeBytes / baselineBytes;
    }
}
BENCHMARK(BM_BytesPerLine)->Iterations(1)->Unit(benchmark::kMillisecond);

const LogStore &millionLines()
{
    static const LogStore *store = [] {
        auto *s = new LogStore(kMillion);
        for (qint64 n = 0; n < kMillion; n += 10 * kBatch)
            s->append(batchFrom(n, 10 * kBatch));
        return s;
    }();
    return *store;
}

enum Query { LevelAndSource, PlainText, PlainTextExactCase, Regex, AllTogether };

// One worker pass over a million lines (what a new query costs before the view updates).
void BM_FilterPass(benchmark::State &state)
{
    const LogStore &store = millionLines();
    vigil::LogFilter filter;
    vigil::LogSearch search;
    vigil::LogPassPlan plan;
    switch (Query(state.range(0))) {
    case LevelAndSource:
        filter.minLevel = 2;
        filter.sources = {QStringLiteral("billing"), QStringLiteral("payments")};
        plan.rows = true;
        state.SetLabel("level+source filter");
        break;
    case PlainText:
        search = {QStringLiteral("PAYMENTS-service"), false, false};
        plan.rows = plan.rowsNeedSearch = true;
        state.SetLabel("plain text, any case");
        break;
    case PlainTextExactCase:
        search = {QStringLiteral("payments-service"), false, true};
        plan.rows = plan.rowsNeedSearch = true;
        state.SetLabel("plain text, exact case");
        break;
    case Regex:
        search = {QStringLiteral("attempt [45]/5|status [45]\\d\\d"), true, false};
        plan.rows = plan.rowsNeedSearch = true;
        state.SetLabel("regex");
        break;
    case AllTogether:
        filter.minLevel = 1;
        filter.sources = {QStringLiteral("checkout")};
        search = {QStringLiteral("fehlgeschlagen|exhausted"), true, false};
        plan.rows = true;
        plan.matches = true;
        state.SetLabel("filter + regex highlight");
        break;
    }
    vigil::LogMatcher matcher(filter, search);
    matcher.resolve(store);
    const vigil::LogSnapshot snapshot = store.snapshot();
    size_t found = 0;
    for (auto _ : state) {
        const vigil::LogPassResult result = vigil::runLogPass(
            snapshot, matcher, snapshot.firstOrdinal(), snapshot.endOrdinal(), plan);
        found = result.rows.size();
        benchmark::DoNotOptimize(found);
    }
    state.counters["rows"] = double(found);
}
BENCHMARK(BM_FilterPass)
    ->Arg(LevelAndSource)
    ->Arg(PlainText)
    ->Arg(PlainTextExactCase)
    ->Arg(Regex)
    ->Arg(AllTogether)
    ->Unit(benchmark::kMillisecond);

// The model end to end: a new search over a million lines until its rows are shown (the pass
// on the worker, the reset on this thread).
void BM_ModelSearch(benchmark::State &state)
{
    vigil::LogLinesModel model(nullptr, kMillion);
    for (qint64 n = 0; n < kMillion; n += 10 * kBatch) {
        model.append(batchFrom(n, 10 * kBatch));
        model.flush();
    }
    model.setShowOnlyMatches(true);
    int round = 0;
    for (auto _ : state) {
        model.setSearch(round++ % 2 ? QStringLiteral("attempt 5/5") : QStringLiteral("pending=7)"),
                        false, false);
        while (model.isBusy())
            QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents);
    }
    state.counters["rows"] = model.count();
}
BENCHMARK(BM_ModelSearch)->Unit(benchmark::kMillisecond);

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv); // the model's timers and queued results need one
    benchmark::Initialize(&argc, argv);
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
