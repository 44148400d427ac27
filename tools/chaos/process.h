#pragma once

#include <QObject>
#include <QProcess>
#include <QStringList>

namespace vigil::chaos {

/// \brief One child process of a chaos run (the relay, a client, vigil-cli): started, stopped
/// with SIGTERM or SIGKILL, its output handed on line by line.
class ManagedProcess : public QObject
{
    Q_OBJECT
public:
    ManagedProcess(QString name, QString program, QObject *parent = nullptr);
    ~ManagedProcess() override;

    [[nodiscard]] const QString &name() const { return m_name; }
    void setArguments(const QStringList &arguments) { m_arguments = arguments; }
    /// Where stderr goes when nobody reads it line by line (appended).
    void setStderrFile(const QString &path) { m_stderrFile = path; }
    /// Hand stderr on as lines (stderrLine()) instead of writing it to a file.
    void setStderrLines(bool on) { m_stderrLines = on; }

    void start();
    [[nodiscard]] bool running() const { return m_process.state() != QProcess::NotRunning; }
    [[nodiscard]] qint64 pid() const { return running() ? m_process.processId() : -1; }
    /// How many times it was started.
    [[nodiscard]] int starts() const { return m_starts; }
    void kill();
    void terminate();
    void write(const QByteArray &bytes);
    /// Waits (running the event loop) until it has ended, at most `ms`; kills it after that.
    void waitStopped(int ms);

Q_SIGNALS:
    void started();
    void stdoutLine(const QByteArray &line);
    void stderrLine(const QByteArray &line);
    void exited(int exitCode, bool crashed);

private:
    void readLines(QProcess::ProcessChannel channel);

    QString m_name;
    QString m_program;
    QStringList m_arguments;
    QString m_stderrFile;
    bool m_stderrLines = false;
    QProcess m_process;
    QByteArray m_buffers[2];
    int m_starts = 0;
};

} // namespace vigil::chaos
