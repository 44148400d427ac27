#pragma once

#include "hostilecases.h"
#include "procstat.h"

#include <QElapsedTimer>
#include <QJsonObject>
#include <QObject>
#include <QProcess>
#include <QSet>
#include <QTimer>

#include <memory>

namespace vigil::chaos {

/// \brief The bounds a client must stay within against a hostile server.
struct TargetLimits
{
    qint64 maxRssKb = 256 * 1024; ///< peak resident memory (VmHWM)
    qint64 maxStallMs = 2000;     ///< longest time its event loop may keep anyone waiting
    int maxCpuPercent = 90;       ///< CPU time over wall time, all threads
    int runMs = 4000;             ///< how long it runs (vigil-cli: its --timeout-ms)
};

/// \brief One client process against its own hostile server: started, watched and judged.
///
/// Watched all along, from /proc every 20 ms: peak resident memory (VmHWM) and CPU time.
/// Responsiveness is measured as what the process does on time, never guessed:
/// - the core (vigil-chaos-client) is asked for its status every 100 ms on stdin; the longest
///   wait for an answer is its stall. At the end it is asked to exit and must.
/// - vigil-cli must end on its own deadline (--timeout-ms), by its event loop's timer and not
///   its watchdog thread; how late it ended is its stall. `tail` against a live feed also
///   hands on messages all along: the longest gap between two of them counts too.
/// And what it says: its stderr (and the core's journal) must name the problem.
class HostileTarget : public QObject
{
    Q_OBJECT
public:
    HostileTarget(const HostileCase &hostileCase, TargetSpec spec, QString binDir, QString workDir,
                  TargetLimits limits, QObject *parent = nullptr);
    ~HostileTarget() override;

    /// Starts the server and the client. False with a sentence in `error` when it cannot.
    bool start(QString *error);
    [[nodiscard]] bool finished() const { return m_finished; }
    /// The figures and verdict, once finished: `ok`, and `problems` when not.
    [[nodiscard]] QJsonObject result() const { return m_result; }

Q_SIGNALS:
    void done();

private:
    void sample();
    void onLine(bool out, const QByteArray &line);
    void readChannel(QProcess::ProcessChannel channel);
    void askStatus();
    void endRun();
    void onExited(int exitCode, QProcess::ExitStatus status);
    void judge(int exitCode, bool crashed);
    [[nodiscard]] QStringList arguments() const;

    HostileCase m_case;
    TargetSpec m_spec;
    QString m_binDir;
    QString m_workDir;
    TargetLimits m_limits;
    std::unique_ptr<test::HostileServer> m_server;
    QProcess m_process;
    qint64 m_pid = -1;
    QElapsedTimer m_clock;
    QTimer m_sampler;
    QTimer m_statusTimer;
    QTimer m_endTimer;
    QTimer m_killTimer;
    ProcSample m_last;
    qint64 m_maxRssKb = 0;
    int m_maxThreads = 0;
    QByteArray m_partial[2];
    QByteArray m_text; ///< stderr (and the core's journal), the first MiB, for what it said
    qint64 m_stderrBytes = 0;
    qint64 m_stdoutBytes = 0;
    int m_received = 0;
    int m_duplicates = 0;       ///< messages handed on twice (by id)
    QSet<QByteArray> m_seenIds; ///< ids of the messages handed on
    qint64 m_lastReceivedMs = -1;
    qint64 m_maxGapMs = -1;
    qint64 m_statusAskedMs = -1; ///< the status query waiting for its answer
    qint64 m_maxStatusMs = -1;
    int m_statusAnswers = 0;
    qint64 m_exitAskedMs = -1;
    qint64 m_endedMs = -1;
    bool m_started = false;
    bool m_killed = false;
    bool m_finished = false;
    QJsonObject m_result;
};

} // namespace vigil::chaos
