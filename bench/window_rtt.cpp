// The window's own heartbeats, idle and during a log flood: the real Vigil window (QML, the
// Logs page shown and painting, offscreen) connected to its embedded demo relay, first at the
// demo's usual 5 log lines/s, then at --rate lines/s, in the same run. Prints the round trips
// of each run and the flood/idle ratio of the means (docs/performance.md). A tool, run by hand:
//   QT_QPA_PLATFORM=offscreen build/bin/window_rtt [--seconds 15] [--rate 5000]
#include "appcontext.h"
#include "appoptions.h"

#include "connection/connectionconfig.h"
#include "connection/connectionview.h"
#include "models/loglinesmodel.h"
#include "storage/preferences.h"
#include "ui/workspace.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QEventLoop>
#include <QQuickWindow>
#include <QSettings>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTimer>

#include <algorithm>
#include <cstdio>

namespace {

struct Run
{
    QList<qint64> rtts;
    qint64 lines = 0; ///< log lines the window stored during the measured time
    double meanMs() const
    {
        double sum = 0;
        for (const qint64 ms : rtts)
            sum += double(ms);
        return rtts.isEmpty() ? 0 : sum / double(rtts.size());
    }
    double percentile(double p) const
    {
        if (rtts.isEmpty())
            return 0;
        QList<qint64> sorted = rtts;
        std::sort(sorted.begin(), sorted.end());
        return double(sorted.at(qsizetype(p * double(sorted.size() - 1))));
    }
};

void wait(int ms)
{
    QEventLoop loop;
    QTimer::singleShot(ms, &loop, &QEventLoop::quit);
    loop.exec();
}

Run measure(double logRate, int seconds)
{
    QSettings().clear();
    {
        // Frequent heartbeats, so a run has enough round trips to compare.
        vigil::Preferences preferences;
        vigil::ConnectionConfig config;
        config.heartbeatMs = 200;
        preferences.storeFrom(config);
        preferences.setLastPage(QStringLiteral("logs"));
        preferences.sync();
    }
    QTemporaryDir data;
    vigil::app::AppOptions options;
    options.demo = true;
    options.demoLogRate = logRate;
    options.dataDir = data.path();
    vigil::app::AppContext context(options);
    QString error;
    if (!context.start(&error))
        qFatal("the window did not start: %s", qPrintable(error));
    context.window()->resize(1280, 860);
    context.window()->show();
    wait(3000); // connected, history replayed, the page laid out

    Run run;
    vigil::ConnectionView *view = context.workspace()->manager();
    if (!view)
        qFatal("no session");
    const qint64 before = vigil::LogLinesModel::create(nullptr, nullptr)->storedCount();
    const auto connection = QObject::connect(view, &vigil::ConnectionView::rttMeasured, view,
                                             [&run](qint64 ms) { run.rtts.append(ms); });
    wait(seconds * 1000);
    QObject::disconnect(connection);
    run.lines = vigil::LogLinesModel::create(nullptr, nullptr)->storedCount() - before;
    return run;
}

void print(const char *name, const Run &r, int seconds)
{
    std::printf("%-6s rtt mean %6.2f ms  median %5.1f ms  p95 %5.1f ms  max %5.1f ms  "
                "(%lld samples, %.0f lines/s stored)\n",
                name, r.meanMs(), r.percentile(0.5), r.percentile(0.95), r.percentile(1.0),
                qint64(r.rtts.size()), double(r.lines) / seconds);
}

} // namespace

int main(int argc, char **argv)
{
    QStandardPaths::setTestModeEnabled(true); // never the operator's own settings or data
    QApplication app(argc, argv);
    app.setOrganizationName(QStringLiteral("vigil-bench"));
    app.setApplicationName(QStringLiteral("window-rtt"));
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Heartbeat round trips of the Vigil window, idle and during a log flood."));
    parser.addHelpOption();
    parser.addOption({QStringLiteral("seconds"), QStringLiteral("Length of each run (default 15)."),
                      QStringLiteral("N"), QStringLiteral("15")});
    parser.addOption({QStringLiteral("rate"),
                      QStringLiteral("Log lines per second of the flood (default 5000)."),
                      QStringLiteral("N"), QStringLiteral("5000")});
    parser.process(app);
    bool secondsOk = false;
    bool rateOk = false;
    const int seconds = parser.value(QStringLiteral("seconds")).toInt(&secondsOk);
    const double rate = parser.value(QStringLiteral("rate")).toDouble(&rateOk);
    if (!secondsOk || !rateOk || seconds < 3 || rate <= 0 || rate > 100000) {
        std::fprintf(stderr, "--seconds must be 3 or more and --rate from 1 to 100000\n");
        return 2;
    }
    const Run idle = measure(5, seconds);
    print("idle", idle, seconds);
    const Run flood = measure(rate, seconds);
    print("flood", flood, seconds);
    if (idle.meanMs() > 0)
        std::printf("flood/idle ratio of the means: %.2f\n", flood.meanMs() / idle.meanMs());
    return 0;
}
