#pragma once

#include <QJsonObject>
#include <QProcess>
#include <QStringList>

#include <memory>

namespace vigil::test {

/// A child process that is stopped (SIGTERM, then SIGKILL) when it goes out of scope.
class ChildProcess : public QProcess
{
public:
    ~ChildProcess() override
    {
        if (state() == QProcess::NotRunning)
            return;
        terminate();
        if (!waitForFinished(10000)) {
            kill();
            waitForFinished(5000);
        }
    }
};

/// Starts `vigil-relay` with `args` (plus --port 0 unless given) and waits for its
/// "listening" line. Returns nullptr (and records a test failure message) on failure.
std::unique_ptr<ChildProcess> startRelayProcess(const QStringList &args, quint16 *port);

/// The result of running a command to its end.
struct RunResult
{
    int exitCode = -1;
    bool finished = false;
    QByteArray out;
    QByteArray err;
    /// stdout split into parsed JSON objects; a line that is not a JSON object is a test bug
    QList<QJsonObject> lines;
    bool allLinesJson = true;
};

RunResult runProcess(const QString &program, const QStringList &args, int timeoutMs = 60000,
                     const QStringList &extraEnv = {});

} // namespace vigil::test
