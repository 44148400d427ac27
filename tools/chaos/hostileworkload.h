#pragma once

#include "journal.h"
#include "process.h"

#include <QObject>

#include <memory>

namespace vigil::chaos {

/// \brief The `--hostile` workload of a chaos run, as the orchestrator sees it: one
/// vigil-chaos-hostile process (hostilecrowd.h) against the relay's port, whose lines of what
/// its peers did go to `hostile.jsonl` in the run directory, its log to `hostile.log`. It is
/// started again if it ends on its own (a crash: a finding in its log).
class HostileWorkload : public QObject
{
    Q_OBJECT
public:
    HostileWorkload(const QString &binDir, const QString &runDir, quint64 seed,
                    QObject *parent = nullptr);
    ~HostileWorkload() override;

    /// Checks the program is there and opens the journal. False with a sentence in `error`.
    bool open(QString *error);
    void start(quint16 relayPort);
    /// Closes every peer and waits (at most a few seconds) for the final line.
    void stop();
    /// Tells the peers the relay was started again (see HostileCrowd::relayRestarted()).
    void relayRestarted();
    [[nodiscard]] bool running() const { return m_process && m_process->running(); }
    [[nodiscard]] qint64 pid() const { return m_process ? m_process->pid() : -1; }

Q_SIGNALS:
    /// It could not run at all (it said why); the run cannot be made as asked.
    void failed(const QString &why);
    /// It ended without being asked to, and is started again.
    void exitedUnexpectedly(int exitCode);

private:
    void onLine(const QByteArray &line);
    void onExit(int exitCode);

    QString m_program;
    QString m_runDir;
    quint64 m_seed;
    quint16 m_port = 0;
    Journal m_journal;
    std::unique_ptr<ManagedProcess> m_process;
    QString m_error;
    bool m_started = false; ///< it said `start`: its peers are out
    bool m_stopping = false;
};

} // namespace vigil::chaos
