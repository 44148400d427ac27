#include "process.h"

#include <QElapsedTimer>
#include <QEventLoop>
#include <QTimer>

#include <csignal>
#include <sys/prctl.h>

namespace vigil::chaos {

ManagedProcess::ManagedProcess(QString name, QString program, QObject *parent)
    : QObject(parent)
    , m_name(std::move(name))
    , m_program(std::move(program))
{
    // Whatever ends the orchestrator (a CI timeout, Ctrl+C) ends its children too, so no relay
    // or client is left running on its own.
    m_process.setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGKILL); });
    connect(&m_process, &QProcess::readyReadStandardOutput, this,
            [this] { readLines(QProcess::StandardOutput); });
    connect(&m_process, &QProcess::readyReadStandardError, this,
            [this] { readLines(QProcess::StandardError); });
    connect(&m_process, &QProcess::started, this, &ManagedProcess::started);
    connect(&m_process, &QProcess::finished, this,
            [this](int exitCode, QProcess::ExitStatus status) {
                // What it wrote before it ended is still in the pipes: hand it on first.
                readLines(QProcess::StandardOutput);
                if (m_stderrLines)
                    readLines(QProcess::StandardError);
                Q_EMIT exited(exitCode, status == QProcess::CrashExit);
            });
    connect(&m_process, &QProcess::errorOccurred, this, [this](QProcess::ProcessError error) {
        if (error == QProcess::FailedToStart)
            Q_EMIT exited(-1, true);
    });
}

ManagedProcess::~ManagedProcess()
{
    if (running()) {
        m_process.kill();
        m_process.waitForFinished(2000);
    }
}

void ManagedProcess::start()
{
    m_buffers[0].clear();
    m_buffers[1].clear();
    if (!m_stderrLines) {
        m_process.setStandardErrorFile(
            m_stderrFile.isEmpty() ? QProcess::nullDevice() : m_stderrFile, QIODevice::Append);
    }
    ++m_starts;
    m_process.start(m_program, m_arguments);
}

void ManagedProcess::kill()
{
    if (running())
        ::kill(pid_t(m_process.processId()), SIGKILL);
}

void ManagedProcess::terminate()
{
    if (running())
        m_process.terminate();
}

void ManagedProcess::write(const QByteArray &bytes)
{
    if (m_process.state() == QProcess::Running)
        m_process.write(bytes);
}

void ManagedProcess::waitStopped(int ms)
{
    if (!running())
        return;
    QEventLoop loop;
    QTimer timer;
    timer.setSingleShot(true);
    connect(&timer, &QTimer::timeout, &loop, &QEventLoop::quit);
    connect(this, &ManagedProcess::exited, &loop, &QEventLoop::quit);
    timer.start(ms);
    loop.exec();
    if (running()) {
        kill();
        m_process.waitForFinished(2000);
    }
}

void ManagedProcess::readLines(QProcess::ProcessChannel channel)
{
    const bool out = channel == QProcess::StandardOutput;
    if (!out && !m_stderrLines)
        return;
    m_process.setReadChannel(channel);
    QByteArray &buffer = m_buffers[out ? 0 : 1];
    buffer += m_process.readAll();
    qsizetype end;
    while ((end = buffer.indexOf('\n')) >= 0) {
        const QByteArray line = buffer.left(end);
        buffer.remove(0, end + 1);
        if (out)
            Q_EMIT stdoutLine(line);
        else
            Q_EMIT stderrLine(line);
    }
}

} // namespace vigil::chaos
