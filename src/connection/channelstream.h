#pragma once

#include "channelcursor.h"
#include "connectionconfig.h"
#include "dedupwindow.h"
#include "peerguard.h"
#include "protocol/envelope.h"
#include "protocol/logfilter.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QObject>
#include <QSet>
#include <QStringList>
#include <QTimer>

#include <deque>
#include <functional>
#include <optional>
#include <utility>

namespace vigil {

class LinkStats;
class LogLimiter;

/// \brief The inbound side of a connection as the protocol sees it, whatever transport
/// carries it: control messages, and which channels were asked for and where each stands.
///
/// It answers the server's pings (a few per window), hands pongs to the heartbeat, keeps what the
/// server said of itself (`welcome`), passes acks and errors on, builds the `subscribe` requests
/// (with `since` from the ChannelCursor), drops duplicates by id, advances positions, notices gaps
/// in a live stream, follows paged replays, finishes reloads, adopts a new server history (epoch)
/// and skips messages that cannot be taken.
///
/// On a WebSocket it subscribes by itself, through the sender it is given: once the server has
/// said who it is (`welcome` and its epoch decide where each channel resumes), after a short
/// wait for a server that sends none, again for a gap, the next page of a replay, a reload or
/// a new server history. The HTTP fallback carries positions on its requests instead; the
/// ConnectionManager restarts those.
///
/// The `logs` channel may be filtered by the server (capability `logFilter`: the filter rides on
/// the subscribe, `update_filter` changes it) and batched (capability `logBatch`). A relay batch
/// is unpacked into single entries before anything else looks at it, so de-duplication,
/// positions and everything downstream see what they would see without batching.
class ChannelStream : public QObject
{
    Q_OBJECT
public:
    ChannelStream(const ConnectionConfig &config, LinkStats &stats, LogLimiter &log,
                  QObject *parent = nullptr);

    /// How requests reach the server (the manager's send(), which counts them).
    void setSender(std::function<bool(const Envelope &)> send) { m_send = std::move(send); }

    /// Takes one envelope from the link. Control messages (welcome, ping, pong, subscribed,
    /// ack, error) are handled here and give false. A channel message gives true when it is new
    /// and goes on, false for a duplicate; on a WebSocket a jump in seq outside a replay asks
    /// the server for the missing part.
    bool take(const Envelope &envelope, qint64 nowMs);
    /// Takes one frame as it came from the link. A relay's `log.batch` (a frame without a seq
    /// whose entries carry theirs) is unpacked into one `log.entry` per entry, in order, and
    /// each is take()n; anything else is take()n as it is. `pass` gets every envelope that goes
    /// on, all those of one frame within this call (so a consumer that coalesces per event-loop
    /// turn applies them together); it returns false to drop the rest (the link ended).
    void takeFrame(const Envelope &frame, qint64 nowMs,
                   const std::function<bool(const Envelope &)> &pass);
    /// What the server said of itself on this link (`welcome`); empty before or without one.
    [[nodiscard]] const QJsonObject &welcome() const { return m_welcome; }
    /// The capabilities the welcome listed; empty before one.
    [[nodiscard]] QStringList capabilities() const;

    /// A WebSocket link opened: subscribe at `welcome`, or after welcomeWaitMs without one.
    void webSocketOpened();
    /// A link ended: nothing it asked for is pending any more.
    void linkEnded();
    [[nodiscard]] bool subscribedThisLink() const { return m_subscribedThisLink; }

    /// Channels whose positions came from another server history than `epoch`: rewound,
    /// announced with historyReset() and, on a WebSocket, asked for again. Empty when nothing
    /// changed.
    QStringList adoptEpoch(const QString &epoch);
    /// The operator's Reload: `channels` start again from the beginning of the server history
    /// (asked for now on a WebSocket; otherwise by the next request or link).
    void reload(const QStringList &channels);
    [[nodiscard]] bool reloadPending() const { return !m_reloadPending.isEmpty(); }
    /// The server answered over HTTP: the replay of every pending reload came with it, so they
    /// are finished once that answer has been taken.
    void answeredOverHttp();
    /// QWebSocket closed the link for a message over the limit: the second time at the same
    /// place, the message is skipped so the replay can go past it.
    void onOversizedClose();
    /// Moves past a message that cannot be taken and says so with messageSkipped().
    void skip(const QString &channel, qint64 seq, const QString &reason);

    [[nodiscard]] const ChannelCursor &cursor() const { return m_cursor; }
    [[nodiscard]] ChannelCursor &cursor() { return m_cursor; }
    /// `since` per configured channel, for transports that carry positions on each request.
    [[nodiscard]] QHash<QString, qint64> resumePositions() const;

    /// config.logFilter changed. On a WebSocket whose server filters logs it is sent
    /// (`update_filter`) and logFilterApplied() follows the answer; otherwise logFilterApplied()
    /// says at once where it applies (`overHttp`: the caller has restarted the HTTP requests
    /// with it).
    void logFilterChanged(bool overHttp);
    /// The HTTP fallback answered: logFilterApplied() if where the filter applies changed.
    void httpOpened();
    /// Whether the server of the current link filters the logs channel: on a WebSocket its
    /// `welcome` offers `logFilter`; over HTTP (no welcome) the last welcome of the server did.
    [[nodiscard]] bool serverFiltersLogs(bool overHttp) const;

    // The ConnectionManager passes these on as its own signals of the same names; their
    // meaning is documented there.
Q_SIGNALS:
    void welcomeReceived(const QJsonObject &payload);
    /// The server answered a protocol `ping`.
    void pongReceived();
    void acked(const QString &id);
    void serverError(const QString &code, const QString &message, const QString &ref);
    void subscribed(const QString &channel, qint64 head, bool recovered);
    void recoveryFailed(const QString &channel);
    void positionAdvanced(const QString &channel, qint64 seq, const QString &epoch);
    void historyReset(const QStringList &channels, const QString &epoch);
    void reloadFinished(const QString &channel);
    void messageSkipped(const QString &channel, qint64 seq, const QString &reason);
    void logFilterApplied(const vigil::LogFilter &applied, bool onServer);
    /// Entries of a relay batch that cannot be taken (no seq, no id, wrong types): the frame's
    /// other entries go on; the manager counts this like a bad frame.
    void badBatch(const QString &why);
    /// A server `ping` past the few per window that are answered: it is not answered, and the
    /// manager counts it like a bad frame (a flood of pings ends the link as one).
    void unansweredPing(const QString &why);

private:
    void handleControl(const Envelope &envelope, qint64 nowMs);
    void answerPing(const Envelope &ping, qint64 nowMs);
    void welcomed(const QJsonObject &payload);
    void onSubscribed(const QJsonObject &payload);
    /// Sends a `subscribe` for `channels` (each with its `since`) and marks them pending.
    void subscribe(const QStringList &channels);
    /// Whether a subscribe can go now: a WebSocket that has subscribed already.
    [[nodiscard]] bool resubscribing() const { return m_webSocketOpen && m_subscribedThisLink; }
    [[nodiscard]] bool tracksChannel(const QString &channel) const;
    [[nodiscard]] QString positionsKey() const;
    void advance(const QString &channel, qint64 seq);
    [[nodiscard]] bool welcomeOffers(const QString &capability) const;
    /// Adds the log filter and batching to the subscribe entry of `logs`, as the server offers.
    void addLogOptions(QJsonObject *entry);
    void onFilterUpdated(const QJsonObject &payload);
    /// An `error` whose ref is an `update_filter` of ours; false for any other error.
    bool filterRefused(const QString &code, const QString &ref);
    /// Whether a non-empty filter may be in force on the server (its holes are no gaps).
    [[nodiscard]] bool filterMayBeActive() const;
    /// Emits logFilterApplied() (only when it changed, unless `always`).
    void noteLogFilter(const LogFilter &applied, bool onServer, bool always);

    const ConnectionConfig &m_config;
    LinkStats &m_stats;
    LogLimiter &m_log;
    DedupWindow m_dedup;
    ChannelCursor m_cursor;
    OversizeGuard m_oversize;
    QSet<QString> m_subscribePending;
    QStringList m_subscribeOrder; ///< pending subscribes in the order they were asked for
    QSet<QString> m_reloadPending;
    QHash<QString, qint64> m_pagedFrom; ///< where the last page of a paged replay ended
    std::deque<qint64> m_serverPings;   ///< when the server pings answered lately came
    std::function<bool(const Envelope &)> m_send;
    QTimer m_welcomeTimer;
    bool m_webSocketOpen = false;
    bool m_welcomedThisLink = false;
    bool m_subscribedThisLink = false;
    bool m_basicServer = false; ///< this server sent no welcome last time: subscribe at once
    QJsonObject m_welcome;
    quint64 m_linkGeneration = 0; ///< advanced by linkEnded()

    struct FilterRequest
    {
        QString id;
        LogFilter filter;
    };
    QJsonArray m_knownCapabilities;        ///< of this server's last welcome, kept across links
    QList<FilterRequest> m_filterRequests; ///< update_filter sent, unanswered (answered in order)
    LogFilter m_serverFilter;              ///< what the server applies to logs on this link
    /// A non-empty filter was in force on this link: seq holes on logs are entries it left out.
    bool m_serverFilterActive = false;
    std::optional<std::pair<LogFilter, bool>> m_lastApplied; ///< last logFilterApplied()
};

} // namespace vigil
