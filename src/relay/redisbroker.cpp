#include "redisbroker.h"

#include "channelhistory.h"
#include "protocol/logging.h"
#include "relay.h"
#include "relaystore.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <hiredis/hiredis.h>

#include <algorithm>
#include <limits>

namespace vigil {

namespace {

// The keys, all under one prefix so a Redis shared with other uses stays readable.
const QByteArray kEpochKey = QByteArrayLiteral("vigil:epoch");
const QByteArray kSeqKey = QByteArrayLiteral("vigil:seq"); ///< hash: channel -> last seq
/// A stream with one entry per channel ever published to: how nodes learn of new channels.
const QByteArray kChannelsKey = QByteArrayLiteral("vigil:channels");
const QByteArray kStreamPrefix = QByteArrayLiteral("vigil:stream:");
const QByteArray kIdPrefix = QByteArrayLiteral("vigil:id:");
/// Presence: a sorted set of node names scored by when their entry expires (Redis's clock),
/// and per node its sessions (a JSON array) under a key that expires as well.
const QByteArray kNodesKey = QByteArrayLiteral("vigil:nodes");
const QByteArray kPresencePrefix = QByteArrayLiteral("vigil:presence:");

constexpr int kReadBlockMs = 2000;
constexpr int kReadCount = 1000;
constexpr int kReadErrorRetryMs = 1000;

// Publishing in one atomic step: the epoch must still be ours, a client id is claimed (SET NX
// with an expiry; a duplicate is not stored again), a new channel must fit the cap, the seq
// is the channel's counter plus one and becomes the stream entry id, and a new channel is
// announced on the channels stream. Answers {1, seq}, {0, 0} duplicate, {-1, epoch} the epoch
// changed, {-2, 0} too many channels.
// KEYS: epoch, seq hash, the channel's stream, channels stream, the id's key.
// ARGV: our epoch, channel, history size, max channels, envelope without seq, id ttl or "".
const char kPublishScript[] = R"lua(
local epoch = redis.call('GET', KEYS[1])
if epoch ~= ARGV[1] then return {-1, epoch or ''} end
if ARGV[6] ~= '' then
  if not redis.call('SET', KEYS[5], '1', 'NX', 'EX', ARGV[6]) then return {0, 0} end
end
local known = redis.call('HEXISTS', KEYS[2], ARGV[2])
if known == 0 and redis.call('HLEN', KEYS[2]) >= tonumber(ARGV[4]) then
  if ARGV[6] ~= '' then redis.call('DEL', KEYS[5]) end
  return {-2, 0}
end
local seq = redis.call('HINCRBY', KEYS[2], ARGV[2], 1)
redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[3], string.format('%d-0', seq), 'e', ARGV[5])
if known == 0 then redis.call('XADD', KEYS[4], '*', 'channel', ARGV[2]) end
return {1, seq}
)lua";

// Sharing a node's sessions: its presence key is set with an expiry, the node is (re)scored
// in the set of nodes with the same expiry, by Redis's clock so that the nodes' clocks do not
// matter, and nodes whose entry expired leave the set. Answers the nodes present.
// KEYS: the set of nodes, this node's presence key. ARGV: node, ttl in ms, sessions (JSON).
const char kPresenceScript[] = R"lua(
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('SET', KEYS[2], ARGV[3], 'PX', ARGV[2])
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', string.format('(%d', now))
return redis.call('ZRANGE', KEYS[1], 0, -1)
)lua";

QByteArray streamKey(const QString &channel)
{
    return kStreamPrefix + channel.toUtf8();
}

/// One stream entry as XRANGE and XREAD give it: its id and the value of `field`.
struct StreamEntry
{
    QByteArray id;
    QByteArray value;
};

std::optional<StreamEntry> streamEntry(const redisReply *r, const QByteArray &field)
{
    if (!r || r->type != REDIS_REPLY_ARRAY || r->elements != 2 ||
        r->element[0]->type != REDIS_REPLY_STRING || r->element[1]->type != REDIS_REPLY_ARRAY)
        return std::nullopt;
    StreamEntry entry{redisReplyString(r->element[0]), {}};
    const redisReply *fields = r->element[1];
    for (size_t i = 0; i + 1 < fields->elements; i += 2) {
        if (redisReplyString(fields->element[i]) == field) {
            entry.value = redisReplyString(fields->element[i + 1]);
            return entry;
        }
    }
    return std::nullopt;
}

/// A channel's stored message, with the seq its entry id holds.
std::optional<Envelope> storedEnvelope(const StreamEntry &entry)
{
    bool ok = false;
    const qint64 seq = entry.id.left(entry.id.indexOf('-')).toLongLong(&ok);
    ParseResult parsed = parseEnvelope(entry.value, std::numeric_limits<qsizetype>::max());
    if (!ok || !parsed.ok())
        return std::nullopt;
    parsed.envelope.seq = seq;
    return parsed.envelope;
}

} // namespace

RedisBroker::RedisBroker(const RelayConfig &config, RedisAddress address, ChannelHistory *history,
                         QObject *parent)
    : Broker(parent)
    , m_config(config)
    , m_address(std::move(address))
    , m_history(history)
{
    m_writer = std::make_unique<RedisLink>(
        "publishing", m_address, m_config.brokerTimeoutMs, [this] { onWriterUp(); },
        [this](const QString &why) {
            m_problem = why;
            onLinkDown();
        });
    m_reader = std::make_unique<RedisLink>(
        "reading", m_address, m_config.brokerTimeoutMs, [this] { onReaderUp(); },
        [this](const QString &why) {
            m_problem = why;
            m_readerSynced = false;
            m_reading = false;
            onLinkDown();
        });
    // Presence on a connection of its own: with thousands of sessions a round carries
    // megabytes, and answers on one connection come in order, so on the publishing connection
    // it held up the acks behind it (docs/scaling.md, "Measured load"). Its rounds may take up
    // to their own expiry; losing it only makes the peers' sessions unknown for a while.
    m_presenceLink = std::make_unique<RedisLink>(
        "presence", m_address,
        std::max(m_config.brokerTimeoutMs, 3 * std::max(m_config.presenceIntervalMs, 10)), [] {},
        [this](const QString &) { m_peers.clear(); });
}

RedisBroker::~RedisBroker()
{
    close();
}

bool RedisBroker::open(QString *error)
{
    // Before the relay listens, one blocking connection (with a timeout) gets what replays
    // need; serving never blocks.
    RedisCall call(m_address, m_config.brokerTimeoutMs);
    const auto fail = [&] {
        *error = QStringLiteral("cannot use the message broker %1: %2")
                     .arg(m_address.toString(), call.problem());
        return false;
    };
    if (!call.ok())
        return fail();
    const auto run = [&call](const QList<QByteArray> &args) { return call.run(args); };
    // The epoch is made once, by whichever node comes first, and lives as long as Redis's data.
    if (!run({"SET", kEpochKey, RelayStore::newEpoch().toUtf8(), "NX"}))
        return fail();
    const RedisCall::Reply epoch = run({"GET", kEpochKey});
    if (!epoch)
        return fail();
    if (epoch->type != REDIS_REPLY_STRING) {
        *error = QStringLiteral("cannot use the message broker %1: it keeps no epoch")
                     .arg(m_address.toString());
        return false;
    }
    m_epoch = QString::fromUtf8(redisReplyString(epoch.get()));
    m_history->reset(m_epoch);
    m_positions.clear();
    m_channelsPosition = "0-0";

    const RedisCall::Reply channels = run({"XRANGE", kChannelsKey, "-", "+"});
    if (!channels)
        return fail();
    for (size_t i = 0; i < channels->elements; ++i) {
        const std::optional<StreamEntry> entry = streamEntry(channels->element[i], "channel");
        if (!entry)
            continue;
        m_channelsPosition = entry->id;
        const QString channel = QString::fromUtf8(entry->value);
        const RedisCall::Reply history = run({"XREVRANGE", streamKey(channel), "+", "-", "COUNT",
                                              QByteArray::number(m_config.historySize)});
        if (!history)
            return fail();
        QByteArray position = "0-0";
        for (size_t j = history->elements; j-- > 0;) {
            const std::optional<StreamEntry> stored = streamEntry(history->element[j], "e");
            const std::optional<Envelope> e = stored ? storedEnvelope(*stored) : std::nullopt;
            if (!e) {
                qCWarning(lcRelay).noquote() << "redis: an unreadable entry of" << channel;
                continue;
            }
            m_history->keepStamped(*e, e->serialize().size());
            position = stored->id;
        }
        m_positions.insert(channel, position);
    }
    qCInfo(lcRelay).noquote() << "message broker" << m_address.toString() << "epoch" << m_epoch
                              << "with" << m_positions.size() << "channels";
    m_closed = false;
    m_writer->start();
    m_reader->start();
    m_presenceLink->start();
    return true;
}

void RedisBroker::close()
{
    if (m_closed)
        return;
    m_closed = true;
    m_writer->stop();
    m_reader->stop();
    m_presenceLink->stop();
    withdrawPresence();
    m_reading = false;
    m_readerSynced = false;
    m_available = false;
    m_presenceBusy = false;
    m_peers.clear();
}

bool RedisBroker::connected() const
{
    return m_writer->isUp() && m_readerSynced;
}

void RedisBroker::onWriterUp()
{
    if (connected() != m_available) {
        m_available = connected();
        qCInfo(lcRelay).noquote() << "message broker" << m_address.toString() << "connected";
        Q_EMIT availabilityChanged(m_available);
    }
}

void RedisBroker::onLinkDown()
{
    if (m_available) {
        m_available = false;
        Q_EMIT availabilityChanged(false);
    }
}

void RedisBroker::onReaderUp()
{
    // Back after an outage: read on from the last entry reported, unless Redis lost what it
    // held meanwhile (then its epoch is another, or none).
    resync();
}

void RedisBroker::resync()
{
    ++m_generation;
    m_readerSynced = false;
    m_reader->command({"SET", kEpochKey, RelayStore::newEpoch().toUtf8(), "NX"},
                      [](redisReply *) {});
    m_reader->command({"GET", kEpochKey}, [this](redisReply *r) {
        if (!r || m_closed)
            return;
        const QString epoch = QString::fromUtf8(redisReplyString(r));
        if (r->type != REDIS_REPLY_STRING || epoch.isEmpty()) {
            qCCritical(lcRelay).noquote() << "redis: cannot read the epoch:" << redisReplyString(r);
            QTimer::singleShot(kReadErrorRetryMs, this, [this] {
                if (m_reader->isUp())
                    resync();
            });
            return;
        }
        if (epoch != m_epoch) {
            qCWarning(lcRelay).noquote()
                << "the message broker's history was lost (epoch" << m_epoch << "is now" << epoch
                << "): the relay's history starts again";
            m_epoch = epoch;
            m_history->reset(epoch);
            m_positions.clear();
            m_channelsPosition = "0-0";
            Q_EMIT epochReset(epoch);
        }
        m_readerSynced = true;
        onWriterUp();
        readNext();
    });
}

void RedisBroker::readNext()
{
    if (m_closed || m_reading || !m_readerSynced)
        return;
    QList<QByteArray> args{"XREAD",
                           "COUNT",
                           QByteArray::number(kReadCount),
                           "BLOCK",
                           QByteArray::number(kReadBlockMs),
                           "STREAMS",
                           kChannelsKey};
    QList<QByteArray> ids{m_channelsPosition};
    for (auto it = m_positions.cbegin(); it != m_positions.cend(); ++it) {
        args.append(streamKey(it.key()));
        ids.append(it.value());
    }
    args.append(ids);
    const quint64 generation = m_generation;
    m_reading = m_reader->command(
        args,
        [this, generation](redisReply *r) {
            m_reading = false;
            if (!r || m_closed)
                return; // the connection is down: reading starts again once it is back
            if (generation != m_generation) {
                readNext();
                return;
            }
            if (r->type == REDIS_REPLY_ERROR) {
                qCCritical(lcRelay).noquote() << "redis XREAD failed:" << redisReplyString(r);
                QTimer::singleShot(kReadErrorRetryMs, this, [this] { readNext(); });
                return;
            }
            takeEntries(r);
            readNext();
        },
        kReadBlockMs);
}

void RedisBroker::takeEntries(const void *replyPtr)
{
    const auto *reply = static_cast<const redisReply *>(replyPtr);
    if (reply->type != REDIS_REPLY_ARRAY)
        return; // nil: nothing new within the block time
    const quint64 generation = m_generation;
    for (size_t i = 0; i < reply->elements; ++i) {
        const redisReply *stream = reply->element[i];
        if (stream->type != REDIS_REPLY_ARRAY || stream->elements != 2)
            continue;
        const QByteArray key = redisReplyString(stream->element[0]);
        const redisReply *entries = stream->element[1];
        if (key == kChannelsKey) {
            for (size_t j = 0; j < entries->elements; ++j) {
                const std::optional<StreamEntry> entry =
                    streamEntry(entries->element[j], "channel");
                if (!entry)
                    continue;
                m_channelsPosition = entry->id;
                const QString channel = QString::fromUtf8(entry->value);
                if (!m_positions.contains(channel))
                    m_positions.insert(channel, "0-0");
            }
            continue;
        }
        if (!key.startsWith(kStreamPrefix))
            continue;
        const QString channel = QString::fromUtf8(key.mid(kStreamPrefix.size()));
        for (size_t j = 0; j < entries->elements; ++j) {
            const std::optional<StreamEntry> stored = streamEntry(entries->element[j], "e");
            if (!stored)
                continue;
            m_positions.insert(channel, stored->id);
            const std::optional<Envelope> e = storedEnvelope(*stored);
            if (!e) {
                qCWarning(lcRelay).noquote() << "redis: an unreadable entry of" << channel;
                continue;
            }
            const QByteArray frame = e->serialize();
            m_history->keepStamped(*e, frame.size());
            Q_EMIT entry(*e, frame);
            if (generation != m_generation || m_closed)
                return; // a reaction to it found the history reset
        }
    }
}

void RedisBroker::publish(Envelope envelope, const QString &dedupId, Done done)
{
    if (m_closed)
        return;
    const auto unavailable = [this](Result result) {
        ++m_unavailableAnswers;
        result.code = QStringLiteral("unavailable");
        result.why = QStringLiteral("the relay has lost its message broker for the moment; the "
                                    "message was not published, send it again later");
        return result;
    };
    Result result;
    result.envelope = envelope;
    // The seq is not known yet: the limit counts the widest one.
    Envelope widest = envelope;
    widest.seq = RelayStore::kMaxSeq;
    const qsizetype size = widest.serialize().size();
    if (size > m_config.maxMessageBytes) {
        result.code = QStringLiteral("too_large");
        result.why = QStringLiteral("the message is %1 bytes as it would be sent (with its seq and "
                                    "timestamp), over the limit of %2 bytes")
                         .arg(size)
                         .arg(m_config.maxMessageBytes);
        done(result);
        return;
    }
    if (!m_writer->accepting()) {
        done(unavailable(result));
        return;
    }
    Envelope stored = envelope;
    stored.seq = -1;
    const QList<QByteArray> args{"EVAL",
                                 kPublishScript,
                                 "5",
                                 kEpochKey,
                                 kSeqKey,
                                 streamKey(envelope.channel),
                                 kChannelsKey,
                                 kIdPrefix + dedupId.toUtf8(),
                                 m_epoch.toUtf8(),
                                 envelope.channel.toUtf8(),
                                 QByteArray::number(m_config.historySize),
                                 QByteArray::number(m_config.maxChannels),
                                 stored.serialize(),
                                 dedupId.isEmpty() ? QByteArray()
                                                   : QByteArray::number(m_config.dedupTtlSeconds)};
    const bool sent = m_writer->command(args, [this, result, done, unavailable](redisReply *r) {
        if (m_closed)
            return;
        Result answer = result;
        if (!r || r->type != REDIS_REPLY_ARRAY || r->elements != 2 ||
            r->element[0]->type != REDIS_REPLY_INTEGER) {
            if (r)
                qCCritical(lcRelay).noquote() << "redis publish failed:" << redisReplyString(r);
            done(unavailable(answer));
            return;
        }
        switch (r->element[0]->integer) {
        case 1:
            answer.envelope.seq = r->element[1]->integer;
            break;
        case 0:
            answer.duplicate = true;
            break;
        case -2:
            answer.code = QStringLiteral("too_many_channels");
            answer.why =
                QStringLiteral("the relay keeps at most %1 channels").arg(m_config.maxChannels);
            break;
        default:
            // Redis lost its history since we read it: catch up first.
            if (m_readerSynced)
                resync();
            answer = unavailable(answer);
            break;
        }
        done(answer);
    });
    if (!sent)
        done(unavailable(result));
}

void RedisBroker::addHealth(QJsonObject *health) const
{
    QJsonObject broker{{QStringLiteral("url"), m_address.toString()},
                       {QStringLiteral("connected"), connected()},
                       {QStringLiteral("channels"), int(m_positions.size())},
                       {QStringLiteral("unavailableAnswers"), qint64(m_unavailableAnswers)}};
    if (!connected() && !m_closed) {
        health->insert(QStringLiteral("status"), QStringLiteral("degraded"));
        health->insert(QStringLiteral("reason"),
                       QStringLiteral("lost the message broker %1 (%2): messages are refused "
                                      "with `unavailable` until it is back")
                           .arg(m_address.toString(), m_problem));
    }
    health->insert(QStringLiteral("broker"), broker);
}

void RedisBroker::sharePresence(const QString &node, const QJsonArray &sessions, int ttlMs)
{
    if (m_closed || m_presenceBusy)
        return; // the last one is still under way: Redis is slow, do not pile up
    if (!m_presenceLink->isUp()) {
        m_peers.clear(); // what the others shared can no longer be told from what expired
        return;
    }
    const QByteArray nodeName = node.toUtf8();
    m_node = node;
    m_presenceBusy = m_presenceLink->command(
        {"EVAL", kPresenceScript, "2", kNodesKey, kPresencePrefix + nodeName, nodeName,
         QByteArray::number(std::max(ttlMs, 1)),
         QJsonDocument(sessions).toJson(QJsonDocument::Compact)},
        [this, node](redisReply *r) {
            m_presenceBusy = false;
            if (m_closed)
                return;
            if (!r || r->type != REDIS_REPLY_ARRAY) {
                if (r)
                    qCWarning(lcRelay).noquote()
                        << "redis: presence not shared:" << redisReplyString(r);
                m_peers.clear();
                return;
            }
            QStringList others;
            for (size_t i = 0; i < r->elements; ++i) {
                const QString name = QString::fromUtf8(redisReplyString(r->element[i]));
                if (!name.isEmpty() && name != node)
                    others.append(name);
            }
            readPeers(others);
        });
}

void RedisBroker::withdrawPresence()
{
    if (m_node.isEmpty())
        return;
    // A clean stop tells the other nodes at once rather than leaving them to list this node's
    // sessions until its entry expires. Blocking, for at most the broker's answer time: the
    // relay is stopping and nothing else is served any more.
    const QByteArray node = std::exchange(m_node, QString()).toUtf8();
    RedisCall call(m_address, m_config.brokerTimeoutMs);
    if (!call.ok() || !call.run({"ZREM", kNodesKey, node}) ||
        !call.run({"DEL", kPresencePrefix + node})) {
        qCWarning(lcRelay).noquote() << "redis: this node's presence was not withdrawn ("
                                     << call.problem() << "); it expires on its own";
    }
}

void RedisBroker::readPeers(const QStringList &nodes)
{
    if (nodes.isEmpty()) {
        m_peers.clear();
        return;
    }
    QList<QByteArray> args{"MGET"};
    for (const QString &name : nodes)
        args.append(kPresencePrefix + name.toUtf8());
    m_presenceBusy = m_presenceLink->command(args, [this, nodes](redisReply *r) {
        m_presenceBusy = false;
        if (m_closed)
            return;
        QHash<QString, QJsonArray> peers;
        if (r && r->type == REDIS_REPLY_ARRAY && r->elements == size_t(nodes.size())) {
            for (size_t i = 0; i < r->elements; ++i) {
                if (r->element[i]->type != REDIS_REPLY_STRING)
                    continue; // expired since the set was read
                const QJsonDocument doc = QJsonDocument::fromJson(redisReplyString(r->element[i]));
                if (doc.isArray())
                    peers.insert(nodes.at(qsizetype(i)), doc.array());
            }
        }
        m_peers = peers;
    });
}

} // namespace vigil
