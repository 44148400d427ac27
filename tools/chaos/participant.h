#pragma once

#include "chaosproxy.h"
#include "journal.h"
#include "process.h"

#include <QHash>
#include <QObject>
#include <QTimer>

#include <memory>
#include <random>

namespace vigil::chaos {

/// \brief Where a participant keeps its files and what it is to do.
struct ParticipantSetup
{
    QString runDir;
    QString binDir;
    quint64 seed = 1;
    double rate = 4;              ///< headless: messages per second
    int cliSendIntervalMs = 1000; ///< vigil-cli send: mean gap between two runs
};

/// \brief One client of a chaos run: its fault proxy, its process (started again after a kill)
/// and its journal, `clients/<name>.jsonl` in the run directory.
///
/// - Headless: vigil-chaos-client (the app's delivery core), which journals itself; commands
///   go to its stdin.
/// - Tail: `vigil-cli tail` on every channel; each envelope it prints and each subscription and
///   state change it reports is journalled here, a `start` line before each life.
/// - CliSend: one `vigil-cli send` after another (sharing one data directory, so one outbox),
///   each journalled when it printed the id, and `vigil-cli flush` at the end.
class Participant : public QObject
{
    Q_OBJECT
public:
    enum class Kind { Headless, Tail, CliSend };

    Participant(QString name, Kind kind, ParticipantSetup setup, QObject *parent = nullptr);
    ~Participant() override;

    [[nodiscard]] const QString &name() const { return m_name; }
    [[nodiscard]] Kind kind() const { return m_kind; }
    [[nodiscard]] static QString kindName(Kind kind);
    [[nodiscard]] bool receives() const { return m_kind != Kind::CliSend; }

    /// Opens the journal. False with a sentence in `error`.
    bool open(QString *error);
    /// Puts its fault proxy in front of the relay on `relayPort`.
    void attach(quint16 relayPort, quint64 proxySeed);
    [[nodiscard]] ChaosProxy *proxy() const { return m_proxy.get(); }
    [[nodiscard]] QString dataDir() const;

    /// Starts the process (headless, tail) or the series of sends (vigil-cli send).
    void start();
    /// SIGKILLs the process; a series of sends pauses until start().
    void kill();
    /// No new messages from now on.
    void quiet();
    /// Asks for a status (headless) or flushes what earlier sends left queued (vigil-cli).
    void poll();
    /// Ends the process for good, gracefully where it can.
    void stop();

    [[nodiscard]] bool running() const { return m_process && m_process->running(); }
    [[nodiscard]] qint64 pid() const { return m_process ? m_process->pid() : -1; }
    [[nodiscard]] bool connected() const { return m_state == u"connected"; }
    /// Nothing left to deliver: an empty outbox (headless), a flush that ended well (vigil-cli).
    [[nodiscard]] bool drained() const;
    /// The last seq seen per channel, as last reported.
    [[nodiscard]] const QHash<QString, qint64> &positions() const { return m_positions; }

Q_SIGNALS:
    void started(qint64 pid);
    /// The process ended without being asked to (a crash, or it could not start).
    void exitedUnexpectedly(int exitCode);

private:
    void onStdout(const QByteArray &line);
    void onTailEvent(const QByteArray &line);
    void onExit(int exitCode);
    void scheduleSend();
    void sendOne();

    QString m_name;
    Kind m_kind;
    ParticipantSetup m_setup;
    Journal m_journal;
    std::unique_ptr<ChaosProxy> m_proxy;
    std::unique_ptr<ManagedProcess> m_process;
    std::mt19937_64 m_random;
    QTimer m_sendTimer;
    QHash<QString, qint64> m_positions;
    QString m_state;
    int m_depth = -1;
    int m_inflight = -1;
    bool m_killed = false;  ///< ended on purpose: not unexpected
    bool m_sending = false; ///< vigil-cli: the series of sends runs
    bool m_quiet = false;
    bool m_flushing = false;
    bool m_flushed = false;
    QString m_pendingChannel; ///< of the vigil-cli send running now
    QString m_pendingPriority;
};

} // namespace vigil::chaos
