#include "childprocess.h"

#include <QDeadlineTimer>
#include <QJsonDocument>
#include <QProcessEnvironment>

namespace vigil::test {

std::unique_ptr<ChildProcess> startRelayProcess(const QStringList &args, quint16 *port)
{
    auto process = std::make_unique<ChildProcess>();
    process->setProcessChannelMode(QProcess::SeparateChannels);
    QStringList all = args;
    if (!all.contains("--port"))
        all << "--port"
            << "0";
    process->start(QStringLiteral(VIGIL_RELAY_BIN), all);
    if (!process->waitForStarted(30000))
        return nullptr;
    QDeadlineTimer deadline(30000);
    while (!process->canReadLine() && !deadline.hasExpired()) {
        if (!process->waitForReadyRead(int(deadline.remainingTime())))
            break;
    }
    if (!process->canReadLine())
        return nullptr;
    const QJsonObject ready = QJsonDocument::fromJson(process->readLine()).object();
    if (ready.value("event").toString() != "listening")
        return nullptr;
    *port = quint16(ready.value("port").toInt());
    return process;
}

RunResult runProcess(const QString &program, const QStringList &args, int timeoutMs,
                     const QStringList &extraEnv)
{
    RunResult r;
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (const QString &kv : extraEnv)
        env.insert(kv.section('=', 0, 0), kv.section('=', 1));
    p.setProcessEnvironment(env);
    p.start(program, args);
    if (!p.waitForStarted(30000))
        return r;
    r.finished = p.waitForFinished(timeoutMs);
    if (!r.finished) {
        p.kill();
        p.waitForFinished(5000);
    }
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = p.readAllStandardOutput();
    r.err = p.readAllStandardError();
    for (const QByteArray &line : r.out.split('\n')) {
        if (line.trimmed().isEmpty())
            continue;
        const QJsonDocument doc = QJsonDocument::fromJson(line);
        if (!doc.isObject())
            r.allLinesJson = false;
        r.lines.append(doc.object());
    }
    return r;
}

} // namespace vigil::test
