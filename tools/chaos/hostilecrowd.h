#pragma once

#include "rawpeer.h"

#include <QElapsedTimer>
#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QObject>
#include <QPointer>
#include <QStringList>
#include <QTimer>

#include <deque>
#include <functional>
#include <random>

namespace vigil::chaos {

/// \brief How many hostile peers of each kind, and how hard they push.
struct HostilePlan
{
    int idlePolls = 2000;        ///< long polls that wait on a channel nobody writes to
    int idlePollAddresses = 40;  ///< spread so each address stays under the relay's 64
    int slowHeadsCrowded = 100;  ///< from one address, past its limit of 64
    int slowHeadsSpread = 20;    ///< from another, within it
    int slowBodies = 10;         ///< POST bodies one byte a second
    int sseReaders = 4;          ///< event streams that stop reading after the head
    int wsReaders = 4;           ///< WebSockets that subscribe, then stop reading
    int garbagePerSecond = 50;   ///< malformed frames per second on the garbage connection
    int floodReconnectMs = 1000; ///< the WebSocket flooder connects again this long after a close
    /// Frames a second the WebSocket flooder sends: three times the chaos relay's rate limit,
    /// so two in three are refused, without the flooder's own work taking the machine's CPU.
    int floodPerSecond = 3000;
    int postConnections = 4;     ///< kept-alive connections of the POST flood
    double postsPerSecond = 200; ///< POST /api/messages requests per second, all kinds
    /// Valid messages per second in those requests. Without tokens every POST shares one budget
    /// (the relay's --rate-limit), so this stays well inside it: the rest is refused traffic.
    double postMessagesPerSecond = 250;
    /// The kinds to run (hostile::kinds() names); empty: all of them.
    QStringList only;
};

/// \brief The hostile peers of a chaos run's `--hostile` workload, against one relay port:
/// idle long polls by the thousand, slowloris heads and bodies, event streams and WebSockets
/// that never read, oversized and malformed WebSocket frames, and floods over the WebSocket
/// and `POST /api/messages`. Each kind comes from loopback addresses of its own (127.0.0.2 and
/// up). A peer the relay closes (or that could not connect, the relay being down) is opened
/// again after a pause, so the pressure lasts for as long as the crowd runs. What they did is
/// counted per kind (stats()).
class HostileCrowd : public QObject
{
    Q_OBJECT
public:
    HostileCrowd(quint16 port, quint64 seed, HostilePlan plan, QObject *parent = nullptr);
    ~HostileCrowd() override;

    /// Opens every peer (paced). False with a sentence in `error` when this machine cannot bind
    /// the loopback addresses the peers need.
    bool start(QString *error);
    /// Closes every peer; nothing is opened again.
    void stop();
    /// The relay was killed and started again: the readers that stopped reading cannot tell
    /// (a dead peer's close waits behind what they did not read), so they connect again.
    void relayRestarted();
    [[nodiscard]] QJsonObject stats() const;

private:
    struct Dribble
    {
        QPointer<RawPeer> peer;
        QByteArray bytes; ///< sent one a second from `at`, then `filler` forever
        qsizetype at = 0;
        char filler = 'a';
    };

    [[nodiscard]] bool runs(const QString &kind) const;
    RawPeer *newPeer(const QString &kind, int address, int receiveBuffer = 0);
    /// Runs `open` after `ms` (plus a seeded jitter of up to half of it), paced with the other
    /// openings, unless the crowd stopped meanwhile.
    void later(int ms, std::function<void()> open);
    void pace();
    void tick();
    /// After `peer` closes: deleted, and `reopen` is run after `ms`.
    void onClosed(RawPeer *peer, int ms, std::function<void()> reopen);

    // HTTP kinds (hostilehttp.cpp)
    void openIdlePoll(int address);
    void openSlowHead(int address);
    void openSlowBody(int address);
    void openSseReader(int address);
    void openPostFlooder(int address);
    void postNext(RawPeer *peer);
    void dribble();
    // WebSocket kinds (hostilews.cpp)
    void openWsReader(int address);
    void openOversized(int address);
    void openGarbage(int address);
    void openWsFlooder(int address);
    /// Sends up to `frames` flood frames, fewer when the relay does not read them; how many.
    qint64 floodMore(RawPeer *peer, qint64 frames);
    /// A malformed frame; `softOnly`: only those the relay answers with an error.
    [[nodiscard]] QByteArray garbageFrame(bool softOnly);
    [[nodiscard]] QByteArray channelsQuery() const;

    quint16 m_port;
    quint64 m_seed;
    HostilePlan m_plan;
    std::mt19937_64 m_random;
    QMap<QString, PeerStats> m_stats;
    std::deque<std::function<void()>> m_toOpen;
    QTimer m_pacer;
    QTimer m_second;
    QElapsedTimer m_clock; ///< for the POST flood's budgets
    QList<Dribble> m_dribbles;
    QList<QPointer<RawPeer>> m_silent; ///< readers that stopped reading
    qint64 m_floodN = 0;
    qint64 m_oversizedN = 0;
    qint64 m_garbageN = 0;
    double m_postCredit = 0;
    double m_messageCredit = 0;
    qint64 m_lastCreditMs = 0;
    bool m_stopped = false;
};

} // namespace vigil::chaos
