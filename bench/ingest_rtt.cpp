// Does a log flood delay the window's heartbeats? Runs the demo relay on its own thread at an
// idle and a flood log rate and measures the client's heartbeat round trips while the UI
// thread applies every envelope to the feed models, once with the connection on the UI thread
// (the design before the ingest thread) and once on an ingest thread (as the window runs it).
// Prints the median and 95th percentile per run and, per design, the flood/idle ratio of the
// same run: the figure docs/performance.md quotes. A tool, run by hand:
//   build/bin/ingest_rtt [--seconds 10] [--rate 5000] [--ui-stall-ms 30]
#include "connection/connectionmanager.h"
#include "connection/connectionview.h"
#include "models/feedmodels.h"
#include "models/feedrouter.h"
#include "models/loglinesmodel.h"
#include "models/notificationsmodel.h"
#include "protocol/envelope.h"
#include "relay/relay.h"
#include "ui/workerthread.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QTimer>

#include <algorithm>
#include <cstdio>
#include <memory>

using namespace vigil;

namespace {

struct Figures
{
    double meanMs = 0; ///< round trips are whole milliseconds: the mean keeps what is below
    double medianMs = 0;
    double p95Ms = 0;
    int samples = 0;
    quint64 envelopes = 0;
};

double percentile(QList<qint64> values, double p)
{
    if (values.isEmpty())
        return 0;
    std::sort(values.begin(), values.end());
    const auto index = qsizetype(p * double(values.size() - 1));
    return double(values.at(index));
}

Figures measure(bool ingestThread, double logRate, int seconds, int stallMs)
{
    WorkerThread relayThread(QStringLiteral("bench-relay"));
    std::unique_ptr<Relay> relay;
    QUrl url;
    relayThread.run([&] {
        RelayConfig config;
        config.port = 0;
        config.demo = true;
        config.demoLogRate = logRate;
        relay = std::make_unique<Relay>(config);
        QString why;
        if (!relay->start(&why))
            qFatal("the relay did not start: %s", qPrintable(why));
        url = relay->url();
    });

    // The window's feeds, fed on this (the UI) thread.
    IncidentsModel incidents(nullptr);
    AgentsModel agents(nullptr);
    AlertsModel alerts(nullptr);
    ActivityModel activity(nullptr);
    ChatModel chat(nullptr);
    NotificationsModel notifications(nullptr);
    LogModel logs(nullptr);
    FeedRouter router({&incidents, &agents, &alerts, &activity, &chat, &notifications, &logs});
    LogLinesModel logLines(nullptr); // the log viewer's store, as the window feeds it
    router.addBatchSink(QStringLiteral("logs"),
                        [&logLines](const QList<Envelope> &batch) { logLines.ingest(batch); });

    ConnectionConfig config;
    config.urls = {url};
    config.channels = knownChannels();
    config.heartbeatMs = 100;
    config.heartbeatTimeoutMs = 5000;

    std::unique_ptr<WorkerThread> ingest;
    std::unique_ptr<ConnectionManager> manager;
    if (ingestThread) {
        ingest = std::make_unique<WorkerThread>(QStringLiteral("bench-ingest"));
        ingest->run([&] { manager = std::make_unique<ConnectionManager>(config); });
    } else {
        manager = std::make_unique<ConnectionManager>(config);
    }
    Figures figures;
    QList<qint64> rtts;
    {
        ConnectionView view(manager.get());
        router.attach(&view);
        QObject::connect(&view, &ConnectionView::envelopesReceived, &view,
                         [&figures](const QList<Envelope> &batch) {
                             figures.envelopes += quint64(batch.size());
                         });
        QObject::connect(&view, &ConnectionView::rttMeasured, &view,
                         [&rtts](qint64 ms) { rtts.append(ms); });
        view.open();
        // A window busy elsewhere (layout, painting a long list, a slow binding): the UI
        // thread is held for stallMs every 100 ms.
        QTimer stall;
        stall.setInterval(100);
        QObject::connect(&stall, &QTimer::timeout, &stall, [stallMs] {
            QElapsedTimer busy;
            busy.start();
            while (busy.elapsed() < stallMs) {
            }
        });
        if (stallMs > 0)
            stall.start();
        QEventLoop loop;
        QTimer::singleShot(seconds * 1000, &loop, &QEventLoop::quit);
        loop.exec();
        router.attach(nullptr);
    }
    if (ingest)
        ingest->run([&] { manager.reset(); });
    else
        manager.reset();
    relayThread.run([&] { relay.reset(); });

    // The first second is the connect and the history replay.
    if (rtts.size() > 10)
        rtts.remove(0, 10);
    figures.samples = int(rtts.size());
    figures.medianMs = percentile(rtts, 0.5);
    double sum = 0;
    for (const qint64 ms : std::as_const(rtts))
        sum += double(ms);
    figures.meanMs = rtts.isEmpty() ? 0 : sum / double(rtts.size());
    figures.p95Ms = percentile(rtts, 0.95);
    return figures;
}

void print(const char *design, const char *load, const Figures &f, int seconds)
{
    std::printf("%-14s %-6s rtt mean %6.2f ms  median %5.1f ms  p95 %5.1f ms  (%d samples, "
                "%.0f envelopes/s)\n",
                design, load, f.meanMs, f.medianMs, f.p95Ms, f.samples,
                double(f.envelopes) / seconds);
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Heartbeat round trips of the client, idle and during a log flood."));
    parser.addHelpOption();
    parser.addOption({QStringLiteral("seconds"), QStringLiteral("Length of each run."),
                      QStringLiteral("N"), QStringLiteral("10")});
    parser.addOption({QStringLiteral("rate"), QStringLiteral("Log lines per second of the flood."),
                      QStringLiteral("N"), QStringLiteral("5000")});
    parser.addOption({QStringLiteral("ui-stall-ms"),
                      QStringLiteral("Also hold the UI thread this long every 100 ms (0: never)."),
                      QStringLiteral("MS"), QStringLiteral("0")});
    parser.process(app);
    bool ok = false;
    const int seconds = parser.value(QStringLiteral("seconds")).toInt(&ok);
    bool rateOk = false;
    bool stallOk = false;
    const double rate = parser.value(QStringLiteral("rate")).toDouble(&rateOk);
    const int stallMs = parser.value(QStringLiteral("ui-stall-ms")).toInt(&stallOk);
    if (!ok || !rateOk || !stallOk || seconds < 2 || rate <= 0 || stallMs < 0 || stallMs > 90) {
        std::fprintf(stderr, "--seconds must be 2 or more, --rate a positive number and "
                             "--ui-stall-ms 0 to 90\n");
        return 2;
    }
    for (const bool threaded : {false, true}) {
        const char *design = threaded ? "ingest-thread" : "ui-thread";
        const Figures idle = measure(threaded, 0.0, seconds, 0);
        print(design, "idle", idle, seconds);
        const Figures flood = measure(threaded, rate, seconds, stallMs);
        print(design, "flood", flood, seconds);
        if (idle.meanMs > 0)
            std::printf("%-14s flood/idle ratio of the means: %.2f\n", design,
                        flood.meanMs / idle.meanMs);
    }
    return 0;
}
