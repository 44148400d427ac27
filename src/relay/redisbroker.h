#pragma once

#include "broker.h"
#include "redislink.h"

#include <QElapsedTimer>
#include <QHash>
#include <QTimer>

#include <memory>

namespace vigil {

struct RelayConfig;

/// \brief A broker shared by several relay nodes through Redis (docs/scaling.md).
///
/// One Redis stream per channel holds its messages; the stream entry id is the seq, handed out
/// by a Lua script that also checks the epoch and de-duplicates client ids (SET NX with an
/// expiry), so seqs increase strictly per channel whichever node publishes. Every node reads
/// every channel's stream on a connection of its own (XREAD BLOCK), keeps what it reads in the
/// relay's ChannelHistory (which answers replays) and reports it with entry(), so all nodes
/// fan out the same messages in the same order. The epoch lives in Redis: a node restart keeps
/// it, a wiped Redis starts a new one (epochReset()).
///
/// Nothing blocks the relay's thread once open() has returned: both connections are hiredis
/// asynchronous contexts on the Qt event loop, and each reconnects with backoff when Redis goes
/// away, or stops answering for longer than RelayConfig::brokerTimeoutMs (RedisLink). Meanwhile
/// publish() answers `unavailable` and replays are served from what the node
/// has; back, the reader resumes after the last entry it reported, so nothing is missed or
/// reported twice.
class RedisBroker : public Broker
{
    Q_OBJECT
public:
    /// `config` and `history` must outlive this object.
    RedisBroker(const RelayConfig &config, RedisAddress address, ChannelHistory *history,
                QObject *parent = nullptr);
    ~RedisBroker() override;

    /// Connects once, blocking for at most RelayConfig::brokerTimeoutMs: takes (or makes) the
    /// epoch and loads each channel's history; then starts the two asynchronous connections.
    /// False, with a sentence naming the address, when Redis cannot be reached or answers
    /// wrongly.
    bool open(QString *error) override;
    void close() override;
    [[nodiscard]] QString epoch() const override { return m_epoch; }
    [[nodiscard]] bool shared() const override { return true; }
    void publish(Envelope envelope, const QString &dedupId, Done done) override;
    void addHealth(QJsonObject *health) const override;
    void sharePresence(const QString &node, const QJsonArray &sessions, int ttlMs) override;
    [[nodiscard]] QHash<QString, QJsonArray> peerSessions() const override { return m_peers; }
    /// Both connections up and reading.
    [[nodiscard]] bool connected() const;

Q_SIGNALS:
    /// The connections went down (false) or are both back (true).
    void availabilityChanged(bool available);

private:
    struct Reply;
    void onWriterUp();
    void onReaderUp();
    void onLinkDown();
    void readNext();
    void takeEntries(const void *reply);
    /// Redis holds another epoch than ours (or none): adopt it, and read every channel again.
    void resync();
    /// Reads the sessions `nodes` shared (all but this node).
    void readPeers(const QStringList &nodes);
    /// Takes this node's presence out of Redis (on a clean stop).
    void withdrawPresence();

    const RelayConfig &m_config;
    RedisAddress m_address;
    ChannelHistory *m_history;
    QString m_epoch;
    std::unique_ptr<RedisLink> m_writer;
    std::unique_ptr<RedisLink> m_reader;
    std::unique_ptr<RedisLink> m_presenceLink; ///< sharing and reading the nodes' sessions
    QByteArray m_channelsPosition;             ///< in the stream of channel names
    QHash<QString, QByteArray> m_positions;    ///< per channel: the last entry id reported
    quint64 m_generation = 0;                  ///< a read started before a resync is stale
    bool m_reading = false;
    bool m_readerSynced = false;
    bool m_available = false;
    bool m_closed = true;
    QString m_problem; ///< why the broker is unavailable, for /api/health
    quint64 m_unavailableAnswers = 0;
    QHash<QString, QJsonArray> m_peers; ///< the other nodes' sessions, as last read
    bool m_presenceBusy = false;        ///< a sharePresence() is under way
    QString m_node;                     ///< the name this node shares its presence under
};

} // namespace vigil
