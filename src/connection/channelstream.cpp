#include "channelstream.h"

#include "linkstats.h"
#include "loglimiter.h"
#include "protocol/logging.h"

#include <QJsonArray>

#include <algorithm>

namespace vigil {

namespace {

bool isControlType(const QString &type)
{
    return type == u"welcome" || type == u"pong" || type == u"ping" || type == u"subscribed" ||
           type == u"unsubscribed" || type == u"ack" || type == u"error" ||
           type == u"filter_updated";
}

const QString kLogs = QStringLiteral("logs");

/// A filter the server would refuse (too many sources, over-long names) is never sent: the
/// caller filters locally instead.
bool sendable(const LogFilter &filter)
{
    return LogFilter::fromJson(filter.toJson()).has_value();
}

/// A relay's batch: a `log.batch` that is no channel message itself (no seq) and whose entries
/// carry their own seq. A publisher's `log.batch` has a seq and entries without one.
bool isRelayBatch(const Envelope &frame)
{
    if (frame.type != u"log.batch" || frame.hasSeq())
        return false;
    const QJsonArray entries = frame.payload.toObject().value(QStringLiteral("entries")).toArray();
    return std::any_of(entries.begin(), entries.end(), [](const QJsonValue &entry) {
        return entry.toObject().contains(QStringLiteral("seq"));
    });
}

/// One entry of a relay batch as the `log.entry` it stands for: id, seq and timestamp from the
/// entry (the frame's time when it has none), the rest of the entry as the payload.
std::optional<Envelope> unpackEntry(const Envelope &frame, const QJsonValue &value,
                                    QString *problem)
{
    if (!value.isObject()) {
        *problem = QStringLiteral("an entry is not an object");
        return std::nullopt;
    }
    QJsonObject entry = value.toObject();
    QJsonObject head{{QStringLiteral("type"), QStringLiteral("log.entry")},
                     {QStringLiteral("channel"), frame.channel}};
    for (const QString &field :
         {QStringLiteral("id"), QStringLiteral("seq"), QStringLiteral("timestamp")}) {
        if (entry.contains(field))
            head.insert(field, entry.take(field));
    }
    ParseResult parsed = envelopeFromJson(head); // the same rules as for any envelope
    if (!parsed.ok()) {
        *problem = parsed.error.message;
        return std::nullopt;
    }
    Envelope &e = parsed.envelope;
    if (!e.hasSeq() || e.id.isEmpty()) {
        *problem = QStringLiteral("an entry has no %1").arg(e.id.isEmpty() ? u"id" : u"seq");
        return std::nullopt;
    }
    if (!head.contains(QStringLiteral("timestamp")))
        e.timestamp = frame.timestamp;
    e.priority = frame.priority;
    e.payload = entry;
    return e;
}

// How many channels' positions a client keeps at most: the configured channels always, others
// (a server may send any) only up to this many.
constexpr int kMaxTrackedChannels = 1024;

// A server may ping to see that the client is there; a few times a window is plenty. Past that
// pings are a flood: every answer is a frame the server may never read, and a batch of
// thousands read at once would keep the event loop busy answering them for seconds.
constexpr int kServerPingsAnswered = 10;
constexpr qint64 kServerPingWindowMs = 10000;

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
        if (!m_welcomedThisLink) {
            m_basicServer = true; // no welcome: subscribe without waiting from now on
            m_knownCapabilities = {};
        }
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

void ChannelStream::handleControl(const Envelope &e, qint64 nowMs)
{
    const QJsonObject payload = e.payload.toObject();
    if (e.type == u"welcome") {
        welcomed(payload);
    } else if (e.type == u"pong") {
        Q_EMIT pongReceived();
    } else if (e.type == u"ping") {
        answerPing(e, nowMs);
    } else if (e.type == u"subscribed") {
        onSubscribed(payload);
    } else if (e.type == u"ack") {
        Q_EMIT acked(payload.value(QStringLiteral("id")).toString());
    } else if (e.type == u"filter_updated") {
        onFilterUpdated(payload);
    } else if (e.type == u"error") {
        const QString code = payload.value(QStringLiteral("code")).toString();
        const QString text = payload.value(QStringLiteral("message")).toString();
        const QString ref = payload.value(QStringLiteral("ref")).toString();
        if (m_log.allow(QStringLiteral("server error")))
            qCWarning(lcNet).noquote() << "server error" << code.left(64) << "-" << text.left(200);
        m_stats.countError(code == u"rate_limited" ? ErrorCategory::RateLimited
                                                   : ErrorCategory::Server);
        Q_EMIT serverError(code, text, ref);
        filterRefused(code, ref); // after the error itself: the caller hears why first
    }
}

void ChannelStream::answerPing(const Envelope &ping, qint64 nowMs)
{
    while (!m_serverPings.empty() && nowMs - m_serverPings.front() >= kServerPingWindowMs)
        m_serverPings.pop_front();
    if (int(m_serverPings.size()) >= kServerPingsAnswered) {
        Q_EMIT unansweredPing(tr("more than %1 pings from the server within %2 s; not answered")
                                  .arg(kServerPingsAnswered)
                                  .arg(kServerPingWindowMs / 1000));
        return;
    }
    m_serverPings.push_back(nowMs);
    if (m_send)
        m_send(Envelope::create(QStringLiteral("pong"), QStringLiteral("system"), ping.payload));
}

void ChannelStream::welcomed(const QJsonObject &payload)
{
    m_welcome = payload;
    m_knownCapabilities = payload.value(QStringLiteral("capabilities")).toArray();
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
        handleControl(e, nowMs);
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
        // Entries a server filter left out are holes too, but nothing was missed.
        const bool filtered = m_serverFilterActive && e.channel == kLogs;
        if (m_webSocketOpen && last >= 0 && e.seq > last + 1 &&
            !m_subscribePending.contains(e.channel) && !filtered) {
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

void ChannelStream::takeFrame(const Envelope &frame, qint64 nowMs,
                              const std::function<bool(const Envelope &)> &pass)
{
    if (!isRelayBatch(frame)) {
        if (take(frame, nowMs))
            pass(frame);
        return;
    }
    const QJsonArray entries = frame.payload.toObject().value(QStringLiteral("entries")).toArray();
    int bad = 0;
    QString problem;
    for (const QJsonValue &value : entries) {
        const std::optional<Envelope> entry = unpackEntry(frame, value, &problem);
        if (!entry)
            ++bad;
        else if (take(*entry, nowMs) && !pass(*entry))
            return; // the link ended: what is left comes again with the next replay
    }
    if (bad > 0) {
        Q_EMIT badBatch(tr("%1 of %2 entries of a log batch could not be read (%3)")
                            .arg(bad)
                            .arg(entries.size())
                            .arg(problem));
    }
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
        if (name == kLogs)
            addLogOptions(&entry);
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
    const qint64 head = jsonInteger(payload.value(QStringLiteral("head")), -1);
    m_subscribePending.remove(channel);
    m_subscribeOrder.removeOne(channel);
    // Subscribed from now (no position yet, no history asked for): everything up to the head is
    // before this subscription, and everything after it is this client's to receive. Without
    // this, a link lost before the channel's first message subscribed again without `since`,
    // and what was published in between was silently missed (found by a chaos soak).
    if (head >= 0 && m_cursor.lastSeq(channel) < 0 && tracksChannel(channel))
        advance(channel, head);
    Q_EMIT subscribed(channel, head, recovered);
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
    m_filterRequests.clear();
    m_serverFilter = {};
    m_serverFilterActive = false;
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

bool ChannelStream::welcomeOffers(const QString &capability) const
{
    return m_welcome.value(QStringLiteral("capabilities")).toArray().contains(capability);
}

bool ChannelStream::serverFiltersLogs(bool overHttp) const
{
    if (!m_config.channels.contains(kLogs))
        return false;
    if (overHttp)
        return m_knownCapabilities.contains(QStringLiteral("logFilter"));
    return m_webSocketOpen && welcomeOffers(QStringLiteral("logFilter"));
}

void ChannelStream::addLogOptions(QJsonObject *entry)
{
    const LogFilter &filter = m_config.logFilter;
    const bool onServer = serverFiltersLogs(false) && sendable(filter);
    if (onServer) {
        if (!filter.isEmpty())
            entry->insert(QStringLiteral("filter"), filter.toJson());
        m_serverFilter = filter;
        m_serverFilterActive = m_serverFilterActive || !filter.isEmpty();
    }
    if (m_config.logBatch && welcomeOffers(QStringLiteral("logBatch")))
        entry->insert(QStringLiteral("batch"), true);
    noteLogFilter(filter, onServer, false);
}

void ChannelStream::logFilterChanged(bool overHttp)
{
    const LogFilter &filter = m_config.logFilter;
    if (!overHttp && m_subscribedThisLink && serverFiltersLogs(false) && sendable(filter)) {
        const Envelope request =
            Envelope::create(QStringLiteral("update_filter"), QStringLiteral("system"),
                             QJsonObject{{QStringLiteral("channel"), kLogs},
                                         {QStringLiteral("filter"), filter.toJson()}});
        m_filterRequests.append({request.id, filter});
        m_serverFilterActive = m_serverFilterActive || !filter.isEmpty();
        if (m_send && m_send(request))
            return; // filter_updated (or an error) answers
        m_filterRequests.removeLast();
    }
    // Not on the server (yet): a WebSocket still waiting for its welcome subscribes with it.
    noteLogFilter(filter, overHttp && serverFiltersLogs(true) && sendable(filter), true);
}

void ChannelStream::httpOpened()
{
    if (m_config.channels.contains(kLogs)) {
        noteLogFilter(m_config.logFilter, serverFiltersLogs(true) && sendable(m_config.logFilter),
                      false);
    }
}

void ChannelStream::onFilterUpdated(const QJsonObject &payload)
{
    if (payload.value(QStringLiteral("channel")).toString() != kLogs)
        return;
    const LogFilter asked =
        m_filterRequests.isEmpty() ? m_config.logFilter : m_filterRequests.takeFirst().filter;
    // What the server says it applies; a confused answer is taken as what was asked.
    m_serverFilter = LogFilter::fromJson(payload.value(QStringLiteral("filter"))).value_or(asked);
    m_serverFilterActive = filterMayBeActive();
    noteLogFilter(m_serverFilter, true, true);
}

bool ChannelStream::filterRefused(const QString &code, const QString &ref)
{
    const auto it = std::find_if(m_filterRequests.begin(), m_filterRequests.end(),
                                 [&ref](const FilterRequest &r) { return r.id == ref; });
    if (ref.isEmpty() || it == m_filterRequests.end())
        return false;
    m_filterRequests.erase(it);
    m_serverFilterActive = filterMayBeActive();
    if (code == u"bad_filter") {
        // The server keeps the filter it had: the caller filters the rest locally.
        qCWarning(lcNet) << "the server refused the log filter; it keeps the previous one";
        noteLogFilter(m_serverFilter, true, true);
    } else {
        noteLogFilter(m_config.logFilter, false, true);
    }
    return true;
}

bool ChannelStream::filterMayBeActive() const
{
    return !m_serverFilter.isEmpty() ||
           std::any_of(m_filterRequests.begin(), m_filterRequests.end(),
                       [](const FilterRequest &r) { return !r.filter.isEmpty(); });
}

void ChannelStream::noteLogFilter(const LogFilter &applied, bool onServer, bool always)
{
    if (!always && m_lastApplied && m_lastApplied->first == applied &&
        m_lastApplied->second == onServer)
        return;
    m_lastApplied = std::make_pair(applied, onServer);
    Q_EMIT logFilterApplied(applied, onServer);
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

QStringList ChannelStream::capabilities() const
{
    QStringList out;
    const QJsonArray listed = m_welcome.value(QStringLiteral("capabilities")).toArray();
    for (const QJsonValue &name : listed) {
        if (name.isString())
            out.append(name.toString());
    }
    return out;
}

} // namespace vigil
