#pragma once

#include "journal.h"

#include "connection/connectionmanager.h"
#include "delivery/outboxdrainer.h"
#include "delivery/positionkeeper.h"
#include "storage/outbox.h"
#include "storage/positionstore.h"

#include <QObject>
#include <QSocketNotifier>
#include <QTimer>

#include <memory>
#include <random>

namespace vigil::chaos {

/// \brief What a headless client of a chaos run is told on its command line.
struct ClientSettings
{
    QString name;     ///< c0, c1...: in every message it sends
    QUrl url;         ///< through its fault proxy
    QString dataDir;  ///< outbox.sqlite and positions.sqlite
    quint64 seed = 1; ///< its workload's random source
    double rate = 4;  ///< messages enqueued per second
    TransportPreference transport = TransportPreference::Auto;
};

/// \brief The application's delivery core without its window: a ConnectionManager subscribed
/// to every channel, the durable outbox drained by an OutboxDrainer, positions kept by a
/// PositionKeeper, exactly as the app composes them. It sends a seeded workload at every
/// priority and journals, as JSON lines on stdout, every enqueue, write, ack, failure, state
/// change, subscription and received envelope.
///
/// Commands on stdin, one per line: `quiet` (stop sending), `status` (a status line: queue
/// depth, messages in flight, state, the last seq per channel), `exit` (save positions, close).
class ChaosClient : public QObject
{
    Q_OBJECT
public:
    explicit ChaosClient(ClientSettings settings, QObject *parent = nullptr);
    ~ChaosClient() override;

    /// Opens the stores and connects. False with a sentence in `error`.
    bool start(QString *error);

private:
    void wire();
    void sendOne();
    void scheduleNext();
    void onCommand();
    void reportStatus();
    void finish();

    ClientSettings m_settings;
    QString m_profile;
    Journal m_journal;
    std::mt19937_64 m_random;
    Outbox m_outbox;
    PositionStore m_positions;
    std::unique_ptr<ConnectionManager> m_manager;
    std::unique_ptr<OutboxDrainer> m_drainer;
    std::unique_ptr<PositionKeeper> m_keeper;
    std::unique_ptr<QSocketNotifier> m_stdin;
    QByteArray m_commandBuffer;
    QTimer m_sendTimer;
    QString m_epoch;
    qint64 m_sent = 0;
    bool m_quiet = false;
};

} // namespace vigil::chaos
