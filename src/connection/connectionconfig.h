#pragma once

#include "protocol/envelope.h"
#include "protocol/logfilter.h"
#include "reconnectpolicy.h"

#include <QList>
#include <QSslCertificate>
#include <QStringList>
#include <QUrl>

#include <optional>

namespace vigil {

/// \brief Which transport to use: WebSocket with HTTP fallback (Auto), or one of them only.
enum class TransportPreference { Auto, WebSocket, Sse, Poll };
[[nodiscard]] QString transportPreferenceName(TransportPreference preference);
[[nodiscard]] std::optional<TransportPreference> transportPreferenceFromName(const QString &name);

/// \brief Settings of one connection: where to, with which credentials, how to heartbeat and
/// how to retry. Every interval is configurable so tests can scale time down.
struct ConnectionConfig
{
    QList<QUrl> urls;                           ///< failover list; the first is tried first
    QString token;                              ///< bearer token; never logged
    QList<QSslCertificate> extraCaCertificates; ///< trusted in addition to the system CAs
    QStringList channels;                       ///< channels to subscribe to on every connect
    int heartbeatMs = 30000;                    ///< interval between heartbeats
    int heartbeatTimeoutMs = 10000;             ///< how long to wait for the pong
    int maxMissedHeartbeats = 3;                ///< consecutive misses that declare the link dead
    int connectTimeoutMs = 15000;               ///< TCP + TLS + upgrade must finish within this
    qsizetype maxMessageBytes = kDefaultMaxMessageBytes;
    bool autoReconnect = true;
    /// On the first subscribe to a channel, ask for the server's history (since 0) so a fresh
    /// window starts populated; otherwise only live messages arrive until the first seq is seen.
    bool replayHistory = false;
    ReconnectPolicy reconnect;
    int maxAttempts = 0;               ///< consecutive failures before the breaker opens; 0 = never
    int breakerCooldownMs = 60000;     ///< open breaker: wait this long, then allow one probe
    int minStableMs = 10000;           ///< a connection must last this long to reset the backoff
    int rateLimitedMinDelayMs = 15000; ///< floor of the wait after close 4429
    int dedupCapacity = 10000;         ///< inbound ids remembered
    int dedupMaxAgeMs = 10 * 60 * 1000;
    int clockCheckIntervalMs = 2000; ///< how often to compare the monotonic and wall clocks
    int clockJumpThresholdMs = 5000; ///< a larger disagreement means sleep/resume
    TransportPreference transport = TransportPreference::Auto;
    int fallbackAfterFailures = 3;  ///< failed WebSocket attempts in a row before trying HTTP
    int criticalFallbackMs = 60000; ///< quality Critical this long: fall back (Auto only)
    ReconnectPolicy upgradeProbe{10000, 2.0, 300000, true}; ///< WebSocket probes while on fallback
    int pollBaseMs = 5000;    ///< long-poll rhythm when nothing arrives (adapted 1-60 s)
    int sseSilenceMs = 5000;  ///< an event stream silent this long is buffered: switch to polling
    int lossWindowMs = 60000; ///< heartbeat loss is judged over this much recent time
    /// How long a new link waits for the server's `welcome` (and its epoch) before subscribing
    /// anyway; a server known to send none is subscribed to at once.
    int welcomeWaitMs = 1000;
    /// What the `logs` channel should carry: sent to servers that filter (capability
    /// `logFilter`), so entries that do not match never cross the link. Empty: everything.
    /// Against other servers the caller filters locally (ConnectionManager::logFilterApplied).
    LogFilter logFilter;
    /// Take the `logs` channel in relay batches (`log.batch` frames) from servers that offer
    /// them (capability `logBatch`, WebSocket only); they are unpacked into single entries.
    bool logBatch = true;

    // Limits against a bad or hostile server (docs/architecture.md, "Client limits").
    /// Largest poll answer; also how long an oversized SSE event may run before the stream is
    /// dropped. Other HTTP answers get maxMessageBytes plus a little.
    qint64 maxHttpBodyBytes = 16 * 1024 * 1024;
    /// Bytes written but not yet taken by the server (its pongs to our pings, messages): past
    /// this the server is not reading and the link is dropped.
    qint64 maxPendingWriteBytes = 16 * 1024 * 1024;
    int badFrameLimit = 20;       ///< bad frames within badFrameWindowMs that drop the link
    int badFrameWindowMs = 10000; ///< 0 limit: never drop for bad frames
    int logBurst = 5;             ///< log lines of one kind per logIntervalMs, then a summary
    int logIntervalMs = 10000;
    int oversizeRepeats = 2; ///< closes for an oversized message at one position before skipping
};

} // namespace vigil
