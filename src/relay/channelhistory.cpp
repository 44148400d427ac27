#include "channelhistory.h"

#include "logdelivery.h"
#include "protocol/logging.h"
#include "relay.h"
#include "relaystore.h"

#include <QDir>
#include <QFileInfo>

#include <algorithm>

namespace vigil {

namespace {

constexpr int kFlushIntervalMs = 200;
constexpr int kDegradedFlushIntervalMs = 1000; ///< retries while the disk refuses
/// How long a save waits for more messages once one waits for its acknowledgement: all that
/// come meanwhile share one transaction (and one fsync). A save that takes longer than this
/// lets the next batch grow by itself.
constexpr int kCommitDelayMs = 5;

// The data directory is created for the relay's user only: the history is what clients sent.
bool makeDataDir(const QString &path, QString *error)
{
    const QFileInfo info(path);
    if (info.isDir()) {
        if (info.permissions() & (QFile::ReadOther | QFile::WriteOther | QFile::ExeOther)) {
            qCWarning(lcRelay).noquote()
                << "the data directory" << path
                << "is open to other users of this machine; the relay keeps its files 0600, "
                   "but consider chmod 700";
        }
        return true;
    }
    const QString absolute = QDir::cleanPath(QDir(path).absolutePath());
    if (!QDir().mkpath(QFileInfo(absolute).absolutePath()) ||
        !QDir().mkdir(absolute, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner)) {
        *error = QStringLiteral("cannot create the data directory %1").arg(path);
        return false;
    }
    return true;
}

} // namespace

ChannelHistory::ChannelHistory(const RelayConfig &config)
    : m_config(config)
{
    m_clock.start();
    connect(&m_flushTimer, &QTimer::timeout, this, &ChannelHistory::flush);
    m_commitTimer.setSingleShot(true);
    connect(&m_commitTimer, &QTimer::timeout, this, &ChannelHistory::flush);
}

ChannelHistory::~ChannelHistory()
{
    close();
}

bool ChannelHistory::open(QString *error)
{
    if (!m_config.dataDir.isEmpty())
        return restore(error);
    // History in memory only: it starts empty now, so it gets a name of its own. A close()
    // and open() of the same object keeps the memory, and so the epoch.
    if (m_epoch.isEmpty())
        m_epoch = RelayStore::newEpoch();
    return true;
}

bool ChannelHistory::restore(QString *error)
{
    if (!makeDataDir(m_config.dataDir, error))
        return false;
    m_store = std::make_unique<RelayStore>();
    if (!m_store->open(m_config.dataDir + QStringLiteral("/relay.sqlite"), error)) {
        m_store.reset();
        return false;
    }
    QHash<QString, qint64> heads;
    QHash<QString, std::deque<Envelope>> history;
    if (!m_store->load(m_config.historySize, &heads, &history)) {
        *error = QStringLiteral("cannot read the relay history in %1").arg(m_config.dataDir);
        m_store.reset();
        return false;
    }
    m_channels.clear();
    m_bytes = 0;
    for (auto it = heads.begin(); it != heads.end(); ++it)
        m_channels[it.key()].seq = it.value();
    for (auto it = history.begin(); it != history.end(); ++it) {
        Channel &channel = m_channels[it.key()];
        for (const Envelope &e : it.value())
            keep(channel, e, e.serialize().size());
    }
    m_epoch = m_store->epoch();
    qCInfo(lcRelay) << "history restored for" << heads.size() << "channels";
    m_flushTimer.start(kFlushIntervalMs);
    return true;
}

void ChannelHistory::close()
{
    if (!m_store)
        return;
    m_flushTimer.stop();
    m_commitTimer.stop();
    m_store->close(m_config.historySize);
    releaseSaved();
    m_waitingForSave.clear();
    m_store.reset();
}

void ChannelHistory::flush()
{
    if (!m_store || !m_store->hasWork()) {
        releaseSaved();
        return;
    }
    const qint64 now = m_clock.elapsed();
    if (m_store->degraded() && m_lastForcedFlush >= 0 &&
        now - m_lastForcedFlush < kDegradedFlushIntervalMs)
        return;
    m_lastForcedFlush = now;
    m_store->flush(m_config.historySize);
    releaseSaved();
}

void ChannelHistory::whenSaved(std::function<void()> saved)
{
    if (!m_store || m_store->pending() == 0) {
        saved();
        return;
    }
    m_waitingForSave.push_back(std::move(saved));
    // While the disk refuses, the flush timer's retries (once a second) decide when.
    if (!m_commitTimer.isActive() && !m_store->degraded())
        m_commitTimer.start(kCommitDelayMs);
}

void ChannelHistory::releaseSaved()
{
    if (m_waitingForSave.empty() || (m_store && m_store->pending() > 0))
        return;
    // A call may publish again (and so wait again): run the ones of this save only.
    const std::vector<std::function<void()>> ready = std::exchange(m_waitingForSave, {});
    for (const std::function<void()> &saved : ready)
        saved();
}

qint64 ChannelHistory::head(const QString &channel) const
{
    return m_channels.value(channel).seq;
}

std::optional<QByteArray> ChannelHistory::stamp(Envelope &envelope, QString *code, QString *why)
{
    const auto found = m_channels.constFind(envelope.channel);
    const bool known = found != m_channels.constEnd();
    if (!known && int(m_channels.size()) >= m_config.maxChannels) {
        *code = QStringLiteral("too_many_channels");
        *why = QStringLiteral("the relay keeps at most %1 channels").arg(m_config.maxChannels);
        return std::nullopt;
    }
    const qint64 current = known ? found->seq : (m_store ? m_store->floor() : 0);
    const qint64 next = current + 1;
    if (next > RelayStore::kMaxSeq) {
        *code = QStringLiteral("unavailable");
        *why =
            QStringLiteral("channel \"%1\" has used up its sequence numbers").arg(envelope.channel);
        return std::nullopt;
    }
    if (m_store && next > m_store->issueLimit(envelope.channel)) {
        // More waits to be saved than a crash gap covers: a burst outran the flush timer (save
        // now), or the disk refuses (then nothing more is stamped until it takes it again).
        if (!m_store->degraded()) {
            m_store->flush(m_config.historySize);
            releaseSaved();
        }
        if (next > m_store->issueLimit(envelope.channel)) {
            *code = QStringLiteral("unavailable");
            *why = QStringLiteral("the relay cannot save its history at the moment; the "
                                  "message was not published, send it again later");
            return std::nullopt;
        }
    }
    // The limit applies to the envelope as it will be sent: stamped, and re-serialized (numbers
    // may come out longer than they came in).
    envelope.seq = next;
    const QByteArray frame = envelope.serialize();
    if (frame.size() > m_config.maxMessageBytes) {
        *code = QStringLiteral("too_large");
        *why = QStringLiteral("the message is %1 bytes as it would be sent (with its seq and "
                              "timestamp), over the limit of %2 bytes")
                   .arg(frame.size())
                   .arg(m_config.maxMessageBytes);
        return std::nullopt;
    }
    Channel &channel = m_channels[envelope.channel];
    channel.seq = next;
    keep(channel, envelope, frame.size());
    if (m_store)
        m_store->append(envelope, frame);
    return frame;
}

void ChannelHistory::keepStamped(const Envelope &envelope, qint64 bytes)
{
    Channel &channel = m_channels[envelope.channel];
    channel.seq = envelope.seq;
    keep(channel, envelope, bytes);
}

void ChannelHistory::reset(const QString &epoch)
{
    Q_ASSERT(!m_store);
    m_channels.clear();
    m_bytes = 0;
    m_epoch = epoch;
}

void ChannelHistory::keep(Channel &channel, const Envelope &e, qint64 bytes)
{
    channel.history.push_back({e, bytes});
    channel.bytes += bytes;
    m_bytes += bytes;
    while (int(channel.history.size()) > m_config.historySize) {
        channel.bytes -= channel.history.front().bytes;
        m_bytes -= channel.history.front().bytes;
        channel.history.pop_front();
    }
    trim();
}

void ChannelHistory::trim()
{
    // Over the byte cap the channel holding the most gives up its oldest first, so a channel
    // of big messages cannot push out the small ones of every other channel.
    while (m_bytes > m_config.historyBytes) {
        auto largest = m_channels.end();
        for (auto it = m_channels.begin(); it != m_channels.end(); ++it) {
            if (!it->history.empty() && (largest == m_channels.end() || it->bytes > largest->bytes))
                largest = it;
        }
        if (largest == m_channels.end())
            break;
        largest->bytes -= largest->history.front().bytes;
        m_bytes -= largest->history.front().bytes;
        largest->history.pop_front();
        if (m_store) {
            m_store->trimBefore(largest.key(), largest->history.empty()
                                                   ? largest->seq + 1
                                                   : largest->history.front().envelope.seq);
        }
    }
}

QList<Envelope> ChannelHistory::replay(const QString &channel, qint64 since, bool *recovered,
                                       bool *more, qint64 maxBytes, const LogFilter *filter) const
{
    QList<Envelope> out;
    *recovered = true;
    if (more)
        *more = false;
    // With a shared broker the epoch lives in Redis, so a `since` beyond what this node has read
    // is history it has not read yet (a client that failed over from a node further ahead), not
    // history lost: this node fans it out as it reads it, and the client drops what it has.
    const bool notReadYet = !m_config.brokerUrl.isEmpty();
    const auto it = m_channels.constFind(channel);
    if (it == m_channels.constEnd()) {
        *recovered = since <= 0 || notReadYet;
        return out;
    }
    if (since > it->seq) {
        *recovered = notReadYet; // alone, the client knows a history this relay no longer has
        return out;
    }
    if (since == it->seq)
        return out;
    const qint64 oldest = it->history.empty() ? it->seq + 1 : it->history.front().envelope.seq;
    *recovered = since + 1 >= oldest;
    auto from =
        std::upper_bound(it->history.begin(), it->history.end(), since,
                         [](qint64 s, const Stored &stored) { return s < stored.envelope.seq; });
    // One page: a bounded answer whatever `since` asks for; the caller continues from there.
    const qint64 budget = maxBytes < 0 ? m_config.replayPageBytes : maxBytes;
    qint64 used = 0;
    for (auto i = from; i != it->history.end(); ++i) {
        // What the filter drops costs nothing: a page holds what the subscriber gets.
        if (filter && !passesLogFilter(*filter, i->envelope))
            continue;
        if (used + i->bytes > budget && (!out.isEmpty() || budget <= 0)) {
            if (more)
                *more = true;
            break;
        }
        used += i->bytes;
        out.append(i->envelope);
    }
    return out;
}

QJsonObject ChannelHistory::channelsJson() const
{
    QJsonObject channels;
    for (auto it = m_channels.begin(); it != m_channels.end(); ++it) {
        channels.insert(it.key(), QJsonObject{{QStringLiteral("head"), it->seq},
                                              {QStringLiteral("history"), int(it->history.size())},
                                              {QStringLiteral("historyBytes"), it->bytes}});
    }
    return channels;
}

void ChannelHistory::addStorageHealth(QJsonObject *health) const
{
    if (!m_store)
        return;
    QJsonObject storage{{QStringLiteral("unsaved"), m_store->pending()},
                        {QStringLiteral("unreadable"), m_store->unreadable()}};
    if (!m_store->recoveryNotice().isEmpty())
        storage.insert(QStringLiteral("notice"), m_store->recoveryNotice());
    if (m_store->degraded()) {
        // Still serving, but what it fans out may not survive a restart, and once a crash gap's
        // worth waits, it refuses new messages: an operator must free the disk.
        health->insert(QStringLiteral("status"), QStringLiteral("degraded"));
        health->insert(QStringLiteral("reason"), QStringLiteral("%1; %2 messages not saved yet")
                                                     .arg(m_store->problem())
                                                     .arg(m_store->pending()));
    }
    health->insert(QStringLiteral("storage"), storage);
}

} // namespace vigil
