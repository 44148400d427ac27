#include "hostiletarget.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcessEnvironment>

#include <csignal>
#include <sys/prctl.h>

namespace vigil::chaos {

namespace {

// What is kept of a client's output for the verdict; the rest is only counted.
constexpr qsizetype kKeptText = 1024 * 1024;
// A longer "line" is no line: it is judged by its start and cut.
constexpr qsizetype kMaxLine = 4 * 1024 * 1024;
constexpr int kSampleMs = 20;
constexpr int kStatusEveryMs = 100;
// vigil-cli's hard deadline (its watchdog) comes this much after --timeout-ms.
constexpr int kWatchdogGraceMs = 2000;
// A client still running this long after everything it was given is killed, and that is said.
constexpr int kHungAfterMs = 10000;

double megabytes(qint64 kb)
{
    return double(qRound64(double(kb) / 1024.0 * 10.0)) / 10.0;
}

/// The value of the JSON member `"id"` in `line` (both clients write ids without escapes).
QByteArray idOf(const QByteArray &line)
{
    static const QByteArray key = QByteArrayLiteral("\"id\":\"");
    const qsizetype at = line.indexOf(key);
    if (at < 0)
        return {};
    const qsizetype begin = at + key.size();
    const qsizetype end = line.indexOf('"', begin);
    return end < 0 ? QByteArray() : line.mid(begin, end - begin);
}

/// The line of `text` holding `needle` (case-insensitive), or nothing.
QString lineWith(const QByteArray &text, const QString &needle)
{
    const QByteArray lower = text.toLower();
    const qsizetype at = lower.indexOf(needle.toLower().toUtf8());
    if (at < 0)
        return {};
    const qsizetype begin = text.lastIndexOf('\n', at) + 1;
    qsizetype end = text.indexOf('\n', at);
    if (end < 0)
        end = text.size();
    return QString::fromUtf8(text.mid(begin, std::min<qsizetype>(end - begin, 300)));
}

} // namespace

HostileTarget::HostileTarget(const HostileCase &hostileCase, TargetSpec spec, QString binDir,
                             QString workDir, TargetLimits limits, QObject *parent)
    : QObject(parent)
    , m_case(hostileCase)
    , m_spec(std::move(spec))
    , m_binDir(std::move(binDir))
    , m_workDir(std::move(workDir))
    , m_limits(limits)
{
    // Whatever ends the harness ends its clients too.
    m_process.setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGKILL); });
    connect(&m_process, &QProcess::readyReadStandardOutput, this,
            [this] { readChannel(QProcess::StandardOutput); });
    connect(&m_process, &QProcess::readyReadStandardError, this,
            [this] { readChannel(QProcess::StandardError); });
    connect(&m_process, &QProcess::finished, this, &HostileTarget::onExited);
    connect(&m_process, &QProcess::errorOccurred, this, [this](QProcess::ProcessError error) {
        if (error == QProcess::FailedToStart && !m_finished)
            judge(-1, true);
    });
    m_sampler.setInterval(kSampleMs);
    connect(&m_sampler, &QTimer::timeout, this, &HostileTarget::sample);
    m_statusTimer.setInterval(kStatusEveryMs);
    connect(&m_statusTimer, &QTimer::timeout, this, &HostileTarget::askStatus);
    m_endTimer.setSingleShot(true);
    connect(&m_endTimer, &QTimer::timeout, this, &HostileTarget::endRun);
    m_killTimer.setSingleShot(true);
    connect(&m_killTimer, &QTimer::timeout, this, [this] {
        if (m_process.state() == QProcess::NotRunning)
            return;
        m_killed = true;
        m_process.kill();
    });
}

HostileTarget::~HostileTarget()
{
    if (m_process.state() != QProcess::NotRunning) {
        m_process.kill();
        m_process.waitForFinished(2000);
    }
}

bool HostileTarget::start(QString *error)
{
    m_server = std::make_unique<test::HostileServer>(m_case.mode);
    if (m_case.setUp)
        m_case.setUp(*m_server);
    if (!m_server->listen()) {
        *error = QStringLiteral("the hostile server could not listen on 127.0.0.1");
        return false;
    }
    if (!QDir().mkpath(m_workDir + QStringLiteral("/home"))) {
        *error = QStringLiteral("cannot create %1").arg(m_workDir);
        return false;
    }
    // Nothing of the user's: settings, data and caches in the run directory.
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), m_workDir + QStringLiteral("/home/config"));
    env.insert(QStringLiteral("XDG_DATA_HOME"), m_workDir + QStringLiteral("/home/data"));
    env.insert(QStringLiteral("XDG_CACHE_HOME"), m_workDir + QStringLiteral("/home/cache"));
    env.remove(QStringLiteral("VIGIL_DATA_DIR"));
    m_process.setProcessEnvironment(env);
    const QString program =
        m_binDir + (m_spec.kind == TargetKind::Core ? QStringLiteral("/vigil-chaos-client")
                                                    : QStringLiteral("/vigil-cli"));
    m_process.setProgram(program);
    m_process.setArguments(arguments());
    m_clock.start();
    m_process.start();
    if (!m_process.waitForStarted(10000)) {
        *error = QStringLiteral("%1 did not start: %2").arg(program, m_process.errorString());
        return false;
    }
    m_clock.restart();
    m_pid = m_process.processId();
    // A `send` that fails at once may be gone before the first tick.
    sample();
    m_sampler.start();
    if (m_spec.kind == TargetKind::Core) {
        m_statusTimer.start();
        m_endTimer.start(m_limits.runMs);
    } else {
        m_killTimer.start(m_limits.runMs + kWatchdogGraceMs + kHungAfterMs);
    }
    return true;
}

QStringList HostileTarget::arguments() const
{
    const QString url = m_server->wsUrl().toString();
    const QString data = m_workDir + QStringLiteral("/data");
    if (m_spec.kind == TargetKind::Core) {
        return {QStringLiteral("--name"),      QStringLiteral("h0"),
                QStringLiteral("--url"),       url,
                QStringLiteral("--data-dir"),  data,
                QStringLiteral("--transport"), m_spec.transport,
                QStringLiteral("--rate"),      QStringLiteral("2"),
                QStringLiteral("--seed"),      QStringLiteral("1")};
    }
    QStringList args;
    if (m_spec.kind == TargetKind::CliTail) {
        args = {QStringLiteral("tail"), QStringLiteral("--channel"), QStringLiteral("incidents")};
    } else {
        args = {QStringLiteral("send"), QStringLiteral("--channel"), QStringLiteral("chat"),
                QStringLiteral("--type"), QStringLiteral("chat.message")};
    }
    // A heartbeat of half a second, so that a silent server is noticed within a short run.
    return args + QStringList{QStringLiteral("--url"),
                              url,
                              QStringLiteral("--transport"),
                              m_spec.transport,
                              QStringLiteral("--timeout-ms"),
                              QString::number(m_limits.runMs),
                              QStringLiteral("--heartbeat-ms"),
                              QStringLiteral("500"),
                              QStringLiteral("--heartbeat-timeout-ms"),
                              QStringLiteral("1000"),
                              QStringLiteral("--data-dir"),
                              data};
}

void HostileTarget::sample()
{
    if (const auto s = sampleProcess(m_pid)) {
        m_last = *s;
        m_maxRssKb = std::max(m_maxRssKb, std::max(s->peakKb, s->rssKb));
        m_maxThreads = std::max(m_maxThreads, s->threads);
    }
    if (m_statusAskedMs >= 0)
        m_maxStatusMs = std::max(m_maxStatusMs, m_clock.elapsed() - m_statusAskedMs);
}

void HostileTarget::readChannel(QProcess::ProcessChannel channel)
{
    const bool out = channel == QProcess::StandardOutput;
    m_process.setReadChannel(channel);
    const QByteArray bytes = m_process.readAll();
    (out ? m_stdoutBytes : m_stderrBytes) += bytes.size();
    QByteArray &partial = m_partial[out ? 0 : 1];
    partial += bytes;
    qsizetype begin = 0;
    qsizetype end;
    while ((end = partial.indexOf('\n', begin)) >= 0) {
        onLine(out, partial.mid(begin, end - begin));
        begin = end + 1;
    }
    partial.remove(0, begin);
    if (partial.size() > kMaxLine) {
        onLine(out, partial.left(1024));
        partial.clear();
    }
}

void HostileTarget::onLine(bool out, const QByteArray &line)
{
    const qint64 now = m_clock.elapsed();
    bool keep = !out;
    bool received = false;
    if (out && m_spec.kind == TargetKind::Core) {
        // The journal: keys in alphabetical order, so the event is found by its member.
        if (line.contains(R"("e":"status")")) {
            if (m_statusAskedMs >= 0) {
                m_maxStatusMs = std::max(m_maxStatusMs, now - m_statusAskedMs);
                ++m_statusAnswers;
                m_statusAskedMs = -1;
            }
        } else if (line.contains(R"("e":"rx")")) {
            received = true;
        } else if (line.contains(R"("e":"start")")) {
            m_started = true;
        } else {
            keep = !line.contains(R"("e":"enq")") && !line.contains(R"("e":"wr")") &&
                   !line.contains(R"("e":"ack")");
        }
    } else if (out && m_spec.kind == TargetKind::CliTail) {
        received = line.startsWith('{') && line.contains(R"("channel":)");
    } else if (out) {
        // `send` prints its results there, with the reason a message stayed queued.
        keep = true;
    }
    if (received) {
        const QByteArray id = idOf(line);
        if (!id.isEmpty() && m_seenIds.contains(id))
            ++m_duplicates;
        else if (!id.isEmpty())
            m_seenIds.insert(id);
        ++m_received;
        if (m_lastReceivedMs >= 0)
            m_maxGapMs = std::max(m_maxGapMs, now - m_lastReceivedMs);
        m_lastReceivedMs = now;
    }
    if (keep && m_text.size() < kKeptText)
        m_text += line.left(kKeptText - m_text.size()) + '\n';
}

void HostileTarget::askStatus()
{
    if (!m_started || m_statusAskedMs >= 0 || m_process.state() != QProcess::Running)
        return;
    m_statusAskedMs = m_clock.elapsed();
    m_process.write("status\n");
}

void HostileTarget::endRun()
{
    m_statusTimer.stop();
    if (m_process.state() != QProcess::Running)
        return;
    m_exitAskedMs = m_clock.elapsed();
    m_process.write("exit\n");
    m_killTimer.start(kHungAfterMs);
}

void HostileTarget::onExited(int exitCode, QProcess::ExitStatus status)
{
    if (m_finished)
        return;
    readChannel(QProcess::StandardOutput);
    readChannel(QProcess::StandardError);
    judge(exitCode, status == QProcess::CrashExit);
}

void HostileTarget::judge(int exitCode, bool crashed)
{
    m_endedMs = m_clock.elapsed();
    m_sampler.stop();
    m_statusTimer.stop();
    m_endTimer.stop();
    m_killTimer.stop();
    QStringList problems;
    QJsonObject r{{QStringLiteral("target"), targetName(m_spec.kind)},
                  {QStringLiteral("transport"), m_spec.transport}};
    const bool cli = m_spec.kind != TargetKind::Core;
    const bool byWatchdog = cli && m_text.contains("after the deadline");
    if (m_killed) {
        problems.append(QStringLiteral("did not end: killed after %1 ms").arg(m_endedMs));
    } else if (crashed) {
        problems.append(exitCode < 0 ? QStringLiteral("could not be started")
                                     : QStringLiteral("crashed (%1)").arg(m_process.errorString()));
    } else if (cli && !m_spec.exitCodes.isEmpty() && !m_spec.exitCodes.contains(exitCode)) {
        problems.append(QStringLiteral("exit code %1").arg(exitCode));
    } else if (!cli && exitCode != 0) {
        problems.append(QStringLiteral("exit code %1 after it was asked to exit").arg(exitCode));
    }
    r.insert(QStringLiteral("exitCode"), m_killed || crashed ? -1 : exitCode);
    r.insert(QStringLiteral("wallMs"), m_endedMs);

    // Responsiveness.
    qint64 stallMs = 0;
    if (cli) {
        const qint64 lateMs = std::max<qint64>(0, m_endedMs - m_limits.runMs);
        r.insert(QStringLiteral("lateMs"), lateMs);
        stallMs = lateMs;
        if (byWatchdog) {
            r.insert(QStringLiteral("endedBy"), QStringLiteral("watchdog"));
            if (m_spec.knownStallMs <= 0)
                problems.append(QStringLiteral("its event loop missed the deadline: the watchdog "
                                               "ended it"));
        }
    } else {
        r.insert(QStringLiteral("statusAnswers"), m_statusAnswers);
        r.insert(QStringLiteral("statusMaxMs"), m_maxStatusMs);
        if (m_statusAnswers == 0)
            problems.append(QStringLiteral("never answered a status query"));
        stallMs = m_maxStatusMs;
        if (m_exitAskedMs >= 0 && !m_killed) {
            const qint64 exitMs = m_endedMs - m_exitAskedMs;
            r.insert(QStringLiteral("exitMs"), exitMs);
            stallMs = std::max(stallMs, exitMs);
        } else if (m_exitAskedMs < 0 && !m_killed) {
            problems.append(QStringLiteral("ended before it was asked to, code %1").arg(exitCode));
        }
    }
    if (m_spec.minReceived > 0) {
        // Messages that stop coming are a stall too: the gap up to the end of the run counts.
        const qint64 runEnd = std::min<qint64>(m_endedMs, m_limits.runMs);
        const qint64 since = m_lastReceivedMs >= 0 ? m_lastReceivedMs : 0;
        m_maxGapMs = std::max(m_maxGapMs, runEnd - since);
        r.insert(QStringLiteral("received"), m_received);
        r.insert(QStringLiteral("duplicates"), m_duplicates);
        r.insert(QStringLiteral("maxGapMs"), m_maxGapMs);
        if (m_duplicates > 0)
            problems.append(QStringLiteral("handed on %1 messages twice").arg(m_duplicates));
        if (m_received < m_spec.minReceived) {
            problems.append(QStringLiteral("handed on %1 messages of the live feed, fewer than %2")
                                .arg(m_received)
                                .arg(m_spec.minReceived));
        }
        stallMs = std::max(stallMs, m_maxGapMs);
    }
    r.insert(QStringLiteral("stallMs"), stallMs);
    const qint64 stallBound = std::max(m_limits.maxStallMs, m_spec.knownStallMs);
    if (stallMs > stallBound)
        problems.append(QStringLiteral("stalled for %1 ms").arg(stallMs));
    if (!m_spec.knownLimit.isEmpty())
        r.insert(QStringLiteral("knownLimit"), m_spec.knownLimit);
    if (m_spec.maxPingGapMs > 0) {
        const qint64 gap = m_server->maxPingGapMs();
        r.insert(QStringLiteral("maxPingGapMs"), gap);
        if (gap < 0 || gap > m_spec.maxPingGapMs) {
            problems.append(gap < 0 ? QStringLiteral("sent fewer than two heartbeat pings")
                                    : QStringLiteral("its heartbeat paused for %1 ms").arg(gap));
        }
    }

    // Memory and CPU.
    r.insert(QStringLiteral("maxRssMb"), megabytes(m_maxRssKb));
    r.insert(QStringLiteral("maxThreads"), m_maxThreads);
    if (m_maxRssKb <= 0 && m_endedMs > 10 * kSampleMs)
        problems.append(QStringLiteral("its memory could not be sampled"));
    else if (m_maxRssKb > m_limits.maxRssKb)
        problems.append(QStringLiteral("peak RSS %1 MB").arg(megabytes(m_maxRssKb)));
    const int cpuPercent = m_endedMs > 0 ? int(m_last.cpuMs * 100 / m_endedMs) : 0;
    r.insert(QStringLiteral("cpuMs"), m_last.cpuMs);
    r.insert(QStringLiteral("cpuPercent"), cpuPercent);
    // A known limit of Qt's includes its network thread spinning on the endless input: its CPU
    // is recorded, not bounded (its stall still is, by knownStallMs).
    if (cpuPercent > m_limits.maxCpuPercent && m_spec.knownLimit.isEmpty())
        problems.append(QStringLiteral("CPU %1% of the run").arg(cpuPercent));

    // What it said.
    if (!m_spec.said.isEmpty()) {
        QString said;
        for (const QString &needle : std::as_const(m_spec.said)) {
            said = lineWith(m_text, needle);
            if (!said.isEmpty())
                break;
        }
        r.insert(QStringLiteral("said"), said);
        if (said.isEmpty()) {
            problems.append(QStringLiteral("did not say \"%1\"")
                                .arg(m_spec.said.join(QStringLiteral("\" or \""))));
        }
    }
    r.insert(QStringLiteral("stderrBytes"), m_stderrBytes);
    r.insert(QStringLiteral("server"),
             QJsonObject{{QStringLiteral("bytesSent"), qint64(m_server->bytesSent())},
                         {QStringLiteral("connections"), m_server->connections()},
                         {QStringLiteral("pings"), m_server->pingsReceived()},
                         {QStringLiteral("maxPingGapMs"), m_server->maxPingGapMs()}});
    r.insert(QStringLiteral("ok"), problems.isEmpty());
    if (!problems.isEmpty())
        r.insert(QStringLiteral("problems"), QJsonArray::fromStringList(problems));
    m_result = r;

    QFile log(m_workDir + QStringLiteral("/output.log"));
    if (log.open(QIODevice::WriteOnly))
        log.write(m_text);
    // The server's floods end with the run.
    m_server.reset();
    m_finished = true;
    Q_EMIT done();
}

} // namespace vigil::chaos
