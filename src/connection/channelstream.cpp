#include "channelstream.h"

#include "linkstats.h"
#include "loglimiter.h"
#include "protocol/logging.h"

#include <QJsonArray>

namespace vigil {

namespace {

bool isControlType(const QString &type)
{
    return type == u"welcome" || type == u"pong" || type == u"ping" || type == u"subscribed" ||
           type == u"unsubscribed" || type == u"ack" || type == u"error";
}

// How many channels' positions a client keeps at most: the configured channels always, others
// (a server may send any) only up to this many.
constexpr int kMaxTrackedChannels = 1024;

} // namespace

ChannelStream::ChannelStream(const ConnectionConfig &config, LinkStats &stats, LogLimiter &log,
                             QObject *parent)
    : QObject(parent)
    , m_config(config)
    , m_stats(stats)
    , m_log(log)
    , m_dedup(config.dedupCapacity, config.dedupMaxAgeMs)
    , m_oversize(config.oversizeRepeats)
{
    m_welcomeTimer.setSingleShot(true);
    connect(&m_welcomeTimer, &QTimer::timeout, this, [this] {
        if (!m_webSocketOpen || m_subscribedThisLink)
            return;
        if (!m_welcomedThisLink)
            m_basicServer = true; // no welcome: subscribe without waiting from now on
        subscribe(m_config.channels);
    });
}

void ChannelStream::webSocketOpened()
{
    m_webSocketOpen = true;
    if (m_basicServer || m_config.welcomeWaitMs <= 0)
        subscribe(m_config.channels);
    else
        m_welcomeTimer.start(m_config.welcomeWaitMs);
}

void ChannelStream::handleControl(const Envelope &e)
{
    const QJsonObject payload = e.payload.toObject();
    if (e.type == u"welcome") {
        welcomed(payload);
    } else if (e.type == u"pong") {
        Q_EMIT pongReceived();
    } else if (e.type == u"ping") {
        if (m_send)
            m_send(Envelope::create(QStringLiteral("pong"), QStringLiteral("system"), e.payload));
    } else if (e.type == u"subscribed") {
        onSubscribed(payload);
    } else if (e.type == u"ack") {
        Q_EMIT acked(payload.value(QStringLiteral("id")).toString());
    } else if (e.type == u"error") {
        const QString code = payload.value(QStringLiteral("code")).toString();
        const QString text = payload.value(QStringLiteral("message")).toString();
        if (m_log.allow(QStringLiteral("server error")))
            qCWarning(lcNet).noquote() << "server error" << code.left(64) << "-" << text.left(200);
        m_stats.countError(code == u"rate_limited" ? ErrorCategory::RateLimited
                                                   : ErrorCategory::Server);
        Q_EMIT serverError(code, text, payload.value(QStringLiteral("ref")).toString());
    }
}

void ChannelStream::welcomed(const QJsonObject &payload)
{
    m_welcome = payload;
    adoptEpoch(payload.value(QStringLiteral("epoch")).toString());
    Q_EMIT welcomeReceived(payload);
    m_welcomedThisLink = true;
    m_basicServer = false;
    if (m_webSocketOpen && !m_subscribedThisLink)
        subscribe(m_config.channels);
}

bool ChannelStream::take(const Envelope &e, qint64 nowMs)
{
    if ((e.channel.isEmpty() || e.channel == u"system") && isControlType(e.type)) {
        handleControl(e);
        return false;
    }
    if (!e.id.isEmpty() && m_dedup.seen(e.id, nowMs)) {
        m_stats.countDuplicate();
        if (lcNet().isDebugEnabled() && m_log.allow(QStringLiteral("duplicate")))
            qCDebug(lcNet) << "duplicate dropped" << e.id;
        return false;
    }
    if (e.hasSeq() && !e.channel.isEmpty() && tracksChannel(e.channel)) {
        const qint64 last = m_cursor.lastSeq(e.channel);
        if (m_webSocketOpen && last >= 0 && e.seq > last + 1 &&
            !m_subscribePending.contains(e.channel)) {
            // A hole in the live stream: the server is asked to replay from what we have.
            if (m_log.allow(QStringLiteral("gap"))) {
                qCWarning(lcNet).noquote() << "gap on" << e.channel << "after seq" << last << "got"
                                           << e.seq << "- requesting replay";
            }
            subscribe({e.channel}); // from before this message
        }
        advance(e.channel, e.seq);
    }
    return true;
}

void ChannelStream::subscribe(const QStringList &names)
{
    if (names.isEmpty())
        return;
    m_subscribedThisLink = true;
    m_welcomeTimer.stop();
    QJsonArray channels;
    for (const QString &name : names) {
        QJsonObject entry{{QStringLiteral("name"), name}};
        const qint64 since = m_cursor.since(name, m_config.replayHistory);
        if (since >= 0)
            entry.insert(QStringLiteral("since"), since);
        channels.append(entry);
        m_subscribePending.insert(name);
        if (!m_subscribeOrder.contains(name))
            m_subscribeOrder.append(name);
    }
    if (m_send) {
        m_send(Envelope::create(QStringLiteral("subscribe"), QStringLiteral("system"),
                                QJsonObject{{QStringLiteral("channels"), channels}}));
    }
}

void ChannelStream::onSubscribed(const QJsonObject &payload)
{
    const QString channel = payload.value(QStringLiteral("channel")).toString();
    const bool recovered = payload.value(QStringLiteral("recovered")).toBool(true);
    m_subscribePending.remove(channel);
    m_subscribeOrder.removeOne(channel);
    Q_EMIT subscribed(channel, qint64(payload.value(QStringLiteral("head")).toDouble(-1)),
                      recovered);
    if (!recovered && !m_reloadPending.contains(channel))
        Q_EMIT recoveryFailed(channel);
    // A long replay comes in pages: ask for the next one from where this one ended. A page that
    // moved nothing forward ends the paging (no loop on a confused server).
    const qint64 reached = m_cursor.lastSeq(channel);
    if (payload.value(QStringLiteral("more")).toBool(false) && m_webSocketOpen &&
        reached > m_pagedFrom.value(channel, -1) && m_config.channels.contains(channel)) {
        m_pagedFrom.insert(channel, reached);
        subscribe({channel});
        return;
    }
    m_pagedFrom.remove(channel);
    if (m_reloadPending.remove(channel)) {
        // A reload asked for everything the server holds: whatever it replayed is all there
        // is, recovered or not.
        Q_EMIT reloadFinished(channel);
    } else if (!recovered && m_log.allow(QStringLiteral("not recovered"))) {
        qCWarning(lcNet).noquote() << "missed messages on" << channel << "could not be recovered";
    }
}

void ChannelStream::linkEnded()
{
    ++m_linkGeneration;
    m_welcomeTimer.stop();
    m_webSocketOpen = false;
    m_welcomedThisLink = false;
    m_subscribedThisLink = false;
    m_welcome = {};
    m_subscribePending.clear();
    m_subscribeOrder.clear();
}

QStringList ChannelStream::adoptEpoch(const QString &epoch)
{
    const QStringList reset = m_cursor.adoptServerEpoch(epoch);
    if (reset.isEmpty())
        return reset;
    if (m_log.allow(QStringLiteral("new history"))) {
        qCWarning(lcNet).noquote() << "the server's history is new (epoch" << epoch.left(64)
                                   << "): replaying" << reset.join(QLatin1Char(','))
                                   << "from its beginning; what came before could not be checked";
    }
    Q_EMIT historyReset(reset, epoch);
    if (resubscribing())
        subscribe(reset);
    return reset;
}

void ChannelStream::reload(const QStringList &channels)
{
    qCInfo(lcNet).noquote() << "reloading" << channels.join(QLatin1Char(','))
                            << "from the beginning of the server's history";
    m_cursor.rewind(channels);
    for (const QString &channel : channels)
        m_reloadPending.insert(channel);
    if (resubscribing())
        subscribe(channels);
}

void ChannelStream::answeredOverHttp()
{
    if (m_reloadPending.isEmpty())
        return;
    QTimer::singleShot(0, this, [this, generation = m_linkGeneration] {
        if (generation != m_linkGeneration)
            return; // the link ended before: the next one replays again
        const QSet<QString> done = std::exchange(m_reloadPending, {});
        for (const QString &channel : done)
            Q_EMIT reloadFinished(channel);
    });
}

void ChannelStream::onOversizedClose()
{
    const QString replaying = m_subscribeOrder.isEmpty() ? QString() : m_subscribeOrder.first();
    const qint64 since =
        replaying.isEmpty() ? -1 : m_cursor.since(replaying, m_config.replayHistory);
    const qint64 skipAt = m_oversize.record(positionsKey(), replaying, since);
    const QString what = tr("a message over the limit of %1 bytes").arg(m_config.maxMessageBytes);
    if (skipAt >= 0) {
        skip(replaying, skipAt, tr("%1 arrived again at the same place").arg(what));
        return;
    }
    if (m_log.allow(QStringLiteral("oversized"))) {
        qCWarning(lcNet).noquote()
            << "the link was closed for" << what
            << (replaying.isEmpty() ? QStringLiteral("(a live message)")
                                    : QStringLiteral("while replaying %1").arg(replaying))
            << "- if it comes again at the same place it is skipped";
    }
}

void ChannelStream::skip(const QString &channel, qint64 seq, const QString &reason)
{
    m_stats.countSkipped();
    if (!channel.isEmpty() && seq >= 0 && tracksChannel(channel))
        advance(channel, seq);
    if (m_log.allow(QStringLiteral("skipped"))) {
        qCWarning(lcNet).noquote()
            << "skipped"
            << (seq >= 0 ? QStringLiteral("message %1").arg(seq) : QStringLiteral("a message"))
            << (channel.isEmpty() ? QString() : QStringLiteral("on %1").arg(channel)) << ":"
            << reason;
    }
    Q_EMIT messageSkipped(channel, seq, reason);
}

QHash<QString, qint64> ChannelStream::resumePositions() const
{
    return m_cursor.sincePositions(m_config.channels, m_config.replayHistory);
}

void ChannelStream::advance(const QString &channel, qint64 seq)
{
    if (m_cursor.advance(channel, seq))
        Q_EMIT positionAdvanced(channel, seq, m_cursor.position(channel).epoch);
}

bool ChannelStream::tracksChannel(const QString &channel) const
{
    return m_config.channels.contains(channel) || m_cursor.contains(channel) ||
           m_cursor.size() < kMaxTrackedChannels;
}

QString ChannelStream::positionsKey() const
{
    QStringList parts;
    for (const QString &channel : m_config.channels) {
        const ChannelPosition p = m_cursor.position(channel);
        parts.append(QStringLiteral("%1=%2@%3").arg(channel).arg(p.seq).arg(p.epoch));
    }
    return parts.join(QLatin1Char(','));
}

} // namespace vigil
