#pragma once

#include "chaosproxy.h"
#include "diskfault.h"
#include "faultplan.h"
#include "journal.h"
#include "participant.h"
#include "process.h"

#include <QElapsedTimer>
#include <QEventLoop>
#include <QHash>
#include <QJsonObject>
#include <QMap>
#include <QNetworkAccessManager>
#include <QObject>
#include <QTimer>

#include <functional>
#include <memory>
#include <random>

namespace vigil::chaos {

class HostileWorkload;
class PollReader;
class Publisher;
class RelayWatch;
class Witness;

/// \brief What one chaos run does and how long.
struct RunOptions
{
    QString mode = QStringLiteral("short"); ///< short, soak or custom
    quint64 seed = 1;
    qint64 chaosMs = 80000;       ///< the phase with faults
    int clients = 3;              ///< headless clients (the app's core)
    double clientRate = 4;        ///< messages per second per headless client
    double publisherRate = 4;     ///< messages per second posted on the relay side
    int cliSendIntervalMs = 1000; ///< mean gap between two `vigil-cli send`
    int relayHistory = 50000;     ///< --history of the relay
    qint64 drainMs = 45000;       ///< at most this to deliver what is queued once faults end
    qint64 barrierMs = 20000;     ///< at most this for every receiver to catch up
    int sampleMs = 10000;         ///< RSS and open files of every process, this often
    bool allowTmpfs = true;
    /// The hostile peers (vigil-chaos-hostile) run beside the normal clients.
    bool hostile = false;
    /// A relay whose RSS goes over this fails the run (0: no limit).
    qint64 relayRssLimitMb = 0;
    /// Relay kills at least this far apart; the soak spaces them so that the relay's RSS and
    /// open files are followed over long lives.
    qint64 relayKillGapMs = 15000;
    /// Clients never killed (their lives last the whole run, for the same reason).
    QStringList neverKilled;
    QString binDir; ///< vigil-relay, vigil-cli, vigil-chaos-client, vigil-chaos-hostile
    QString outDir; ///< the run directory: journals, logs, the result
};

/// \brief Runs one chaos run: the real vigil-relay (with --data-dir and its demo feed), the
/// clients (headless app cores, `vigil-cli tail`, `vigil-cli send`) each behind its own fault
/// proxy, a relay-side publisher and the witness; then the fault schedule drawn from the seed,
/// then a drain with every fault lifted and a barrier where every receiver catches up with the
/// relay's heads. Every part journals into the run directory, where HistoryCheck reads it.
///
/// With `hostile`, the hostile peers (HostileWorkload) push at the relay from the start of the
/// faults to the end of the run, and the relay's memory is held to `relayRssLimitMb`
/// (RelayWatch, which samples the relay every second in every run).
class Orchestrator : public QObject
{
    Q_OBJECT
public:
    explicit Orchestrator(RunOptions options, QObject *parent = nullptr);
    ~Orchestrator() override;

    /// Runs everything; returns false with a sentence in `error` when the run could not be
    /// made (a binary missing, the relay would not start). The journals are then incomplete.
    bool run(QString *error);
    [[nodiscard]] const QString &diskMode() const { return m_diskMode; }

private:
    // set-up and phases
    bool prepare(QString *error);
    void startRelay();
    /// Starts the relay again after it went down, so that the check learns what it kept.
    void restartRelay();
    void onRelayLine(const QByteArray &line);
    void onRelayExit(int exitCode, bool crashed);
    void startParticipants();
    void warmup();
    void startChaos();
    void applyFault(const Fault &fault);
    void endFault(const Fault &fault);
    void quiesce();
    void drainStep();
    void barrier();
    void barrierStep();
    void readFinalHistory();
    void finish();
    void fail(const QString &why);

    void restartParticipant(Participant *p);
    // orchestratorwatch.cpp: the processes watched, the hostile workload
    bool prepareWatch(QString *error);
    void startWatch();
    void stopWatch();
    void sample();
    void event(QJsonObject line);
    [[nodiscard]] QUrl relayHttp() const;
    void checkRestart();
    void getJson(const QString &path, std::function<void(bool, const QJsonObject &)> done);

    RunOptions m_options;
    std::mt19937_64 m_random;
    Journal m_events;
    Journal m_resources;
    QString m_runDir;
    quint16 m_relayPort = 0;
    std::unique_ptr<ManagedProcess> m_relay;
    bool m_relayListening = false;
    bool m_relayDownForFault = false;
    QHash<QString, qint64> m_positionsBeforeRestart;
    std::unique_ptr<Witness> m_witness;
    std::unique_ptr<Publisher> m_publisher;
    std::unique_ptr<PollReader> m_reader;
    std::unique_ptr<RelayWatch> m_watch;
    std::unique_ptr<HostileWorkload> m_hostile;
    QMap<QString, Participant *> m_participants; ///< children of this object
    QList<Fault> m_plan;
    DiskFault m_disk;
    QString m_diskMode;
    QString m_diskTarget;
    QNetworkAccessManager m_network;
    QTimer m_stepTimer;
    QTimer m_sampleTimer;
    QElapsedTimer m_phaseClock;
    QHash<QString, qint64> m_barrierHeads;
    QString m_phase;
    QEventLoop *m_loop = nullptr;
    bool m_failed = false;
    QString m_error;
};

} // namespace vigil::chaos
