#pragma once

#include "loglimiter.h"
#include "protocol/envelope.h"
#include "protocol/logfilter.h"
#include "serverendpoint.h"
#include "sseparser.h"

#include <QElapsedTimer>
#include <QHash>
#include <QNetworkAccessManager>
#include <QObject>
#include <QPointer>
#include <QSslCertificate>
#include <QTimer>
#include <QUrl>
#include <QUrlQuery>

#include <memory>
#include <optional>

class QNetworkReply;

namespace vigil {

struct BoundedBody;

/// \brief The HTTP fallback used when WebSocket is blocked: inbound over Server-Sent Events
/// (`GET /api/stream`) or long-polling (`GET /api/poll`), outbound over `POST /api/messages`,
/// round trips measured on `GET /api/health`.
///
/// It is driven by ConnectionManager, which alone decides when to use it; it never retries on
/// its own beyond its polling rhythm, and reports failures upward.
class HttpTransport : public QObject
{
    Q_OBJECT
public:
    enum class Mode { Sse, Poll };

    struct Settings
    {
        QUrl baseUrl; ///< http(s)://host:port
        QString token;
        QList<QSslCertificate> extraCaCertificates;
        int pollBaseMs = 5000; ///< wait between empty polls, adapted between min and max
        int pollMinMs = 1000;
        int pollMaxMs = 60000;
        int pollWaitMs = 25000;  ///< how long the server may hold a poll
        int sseSilenceMs = 5000; ///< no byte of a new stream by then: a buffering proxy
        int requestTimeoutMs = 15000;
        /// Largest envelope accepted; a bigger one is skipped and reported (messageSkipped).
        qsizetype maxMessageBytes = kDefaultMaxMessageBytes;
        /// Largest poll answer, and the most an oversized SSE event may run to before the
        /// stream is dropped. Other answers (acks, health) get maxMessageBytes plus a little.
        qint64 maxBodyBytes = 16 * 1024 * 1024;
        /// Sent as `logFilter` (URL-encoded JSON) while `logs` is received; empty: none.
        LogFilter logFilter;
    };

    /// Room for framing around one envelope (SSE field names, `id:` lines, an ack array).
    static constexpr qsizetype kFramingSlackBytes = 16 * 1024;

    explicit HttpTransport(Settings settings, QObject *parent = nullptr);
    ~HttpTransport() override;

    /// Starts receiving `channels` from `since` (channel -> last seq seen; absent: live only).
    /// Replaces every earlier position, so a restart may also go back (a Reload, a new epoch).
    void start(Mode mode, const QStringList &channels, const QHash<QString, qint64> &since);
    /// New credentials for the next requests.
    void setToken(const QString &token)
    {
        m_settings.token = token;
        m_endpoint.setToken(token);
    }
    /// The log filter of the next stream or poll (start() again to apply it to a stream).
    void setLogFilter(const LogFilter &filter) { m_settings.logFilter = filter; }
    /// Where the requests go (a failover to another server URL).
    void setBaseUrl(const QUrl &baseUrl) { m_settings.baseUrl = baseUrl; }
    [[nodiscard]] QUrl baseUrl() const { return m_settings.baseUrl; }
    void stop();
    [[nodiscard]] Mode mode() const { return m_mode; }
    [[nodiscard]] bool isRunning() const { return m_running; }
    /// Posts one envelope; the answer comes back as an `ack` or `error` via envelopeReceived.
    void post(const Envelope &envelope);
    /// One round trip on /api/health within `timeoutMs`; the result arrives as rttMeasured() or
    /// healthFailed().
    void probeHealth(int timeoutMs);
    /// Updates a position as messages arrive elsewhere (keeps resumes exact).
    void notePosition(const QString &channel, qint64 seq)
    {
        m_since[channel] = std::max(m_since.value(channel, -1), seq);
    }
    [[nodiscard]] int pollIntervalMs() const { return m_pollInterval; }
    [[nodiscard]] quint64 logLinesSuppressed() const { return m_logLimiter.suppressedTotal(); }

    /// Maps ws(s)://host:port/... to http(s)://host:port.
    [[nodiscard]] static QUrl httpBaseFor(const QUrl &webSocketUrl);

Q_SIGNALS:
    /// Any envelope from the server (data, `ack`, `error`, `subscribed`), parsed once;
    /// `bytes` is its size as sent.
    void envelopeReceived(const vigil::Envelope &envelope, qint64 bytes);
    /// An element of an answer or an event that is not a valid envelope.
    void badFrame(const QString &why, qint64 bytes);
    void streamOpened();
    /// The server itself answered: the event stream delivered its first bytes, or a poll was
    /// answered with 200. Until then nothing proves that HTTP works.
    void answered();
    /// The server named its history (the `Vigil-Epoch` response header). Emitted before the
    /// messages of that response; a start() from a slot drops the rest of that response.
    void epochSeen(const QString &epoch);
    /// The event stream did not work (refused, or silent: buffered by a proxy on the way), so
    /// the transport went on by long-polling, from the same positions. `why` says what
    /// happened.
    void switchedToPolling(const QString &why);
    void rttMeasured(qint64 ms);
    /// A health round trip failed or timed out: a lost heartbeat.
    void healthFailed(const QString &reason);
    /// A request failed: auth (401), forbidden, network... `httpStatus` 0 for network errors.
    /// An event stream refused with another 4xx/5xx status is no failure: the transport polls
    /// instead (switchedToPolling()).
    void failed(const QString &reason, int httpStatus);
    /// The server broke the protocol in a way that ends the transport (an answer or an event
    /// past its size limit): the transport has stopped; the manager treats it as a failure.
    void protocolViolation(const QString &reason);
    /// One answer was not what the protocol says (a poll answer that is not a JSON array):
    /// dropped and counted like a bad frame; the transport goes on.
    void protocolError(const QString &reason);
    /// A message larger than maxMessageBytes was skipped. `channel` and `seq` say which, when
    /// the server said (the SSE `id:`, the envelope's fields); otherwise empty and -1.
    void messageSkipped(const QString &channel, qint64 seq, qint64 bytes);

private:
    QNetworkRequest request(const QString &path, const QUrlQuery &query = {}) const;
    QString sinceParameter() const;
    /// Adds `logFilter` to a stream or poll request that receives `logs`.
    void addLogFilter(QUrlQuery *query) const;
    void openStream();
    void onStreamData();
    void switchToPolling(const QString &why);
    /// Hands on each element of a JSON array answer (a poll, the answer to a post). With a
    /// `generation`, stops when a slot restarted the transport (the rest comes again).
    void emitElements(const QList<QByteArray> &elements, std::optional<quint64> generation);
    void schedulePoll(int delayMs);
    void poll();
    void onPollFinished(QNetworkReply *reply, qint64 startedMs,
                        const std::shared_ptr<BoundedBody> &body);
    /// Reads the epoch header of `reply`; false when a slot restarted the transport meanwhile.
    bool noteEpoch(QNetworkReply *reply);
    /// The cap on an answer that is not a poll.
    [[nodiscard]] qint64 smallAnswerCap() const
    {
        return m_settings.maxMessageBytes + kFramingSlackBytes;
    }

    Settings m_settings;
    ServerEndpoint m_endpoint;
    QNetworkAccessManager *m_network; ///< owned; retired (NetworkReaper) at the end
    Mode m_mode = Mode::Sse;
    bool m_running = false;
    QStringList m_channels;
    QHash<QString, qint64> m_since;
    QPointer<QNetworkReply> m_stream;
    QPointer<QNetworkReply> m_poll;
    SseParser m_sse;
    LogLimiter m_logLimiter;
    bool m_streamHeardFrom = false;
    bool m_firstPoll = true;
    quint64 m_generation = 0; ///< grows with every start(): stale replies are recognised
    QTimer m_silence;
    QTimer m_pollTimer;
    int m_pollInterval;
    QElapsedTimer m_clock;
};

} // namespace vigil
