#pragma once

#include "protocol/envelope.h"

#include <QElapsedTimer>
#include <QHash>
#include <QNetworkAccessManager>
#include <QObject>
#include <QPointer>
#include <QSslCertificate>
#include <QTimer>
#include <QUrl>
#include <QUrlQuery>

class QNetworkReply;

namespace vigil {

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
    };

    explicit HttpTransport(Settings settings, QObject *parent = nullptr);
    ~HttpTransport() override;

    /// Starts receiving `channels` from `since` (channel -> last seq seen; absent: live only).
    /// Replaces every earlier position, so a restart may also go back (a Reload, a new epoch).
    void start(Mode mode, const QStringList &channels, const QHash<QString, qint64> &since);
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

    /// Maps ws(s)://host:port/... to http(s)://host:port.
    [[nodiscard]] static QUrl httpBaseFor(const QUrl &webSocketUrl);

Q_SIGNALS:
    /// Any envelope from the server: data, `ack`, `error`, `subscribed`.
    void envelopeReceived(const QByteArray &frame);
    void streamOpened();
    /// The server itself answered: the event stream delivered its first bytes, or a poll was
    /// answered with 200. Until then nothing proves that HTTP works.
    void answered();
    /// The server named its history (the `Vigil-Epoch` response header). Emitted before the
    /// messages of that response; a start() from a slot drops the rest of that response.
    void epochSeen(const QString &epoch);
    /// SSE delivered nothing: probably buffered by a proxy. The manager switches to polling.
    void streamSilent();
    void rttMeasured(qint64 ms);
    /// A health round trip failed or timed out: a lost heartbeat.
    void healthFailed(const QString &reason);
    /// A request failed: auth (401), forbidden, network... `httpStatus` 0 for network errors.
    void failed(const QString &reason, int httpStatus);

private:
    QNetworkRequest request(const QString &path, const QUrlQuery &query = {}) const;
    QString sinceParameter() const;
    void openStream();
    void onStreamData();
    void schedulePoll(int delayMs);
    void poll();
    void onPollFinished(QNetworkReply *reply, qint64 startedMs);
    /// Reads the epoch header of `reply`; false when a slot restarted the transport meanwhile.
    bool noteEpoch(QNetworkReply *reply);

    Settings m_settings;
    QNetworkAccessManager m_network;
    Mode m_mode = Mode::Sse;
    bool m_running = false;
    QStringList m_channels;
    QHash<QString, qint64> m_since;
    QPointer<QNetworkReply> m_stream;
    QPointer<QNetworkReply> m_poll;
    QByteArray m_sseBuffer;
    bool m_streamHeardFrom = false;
    bool m_firstPoll = true;
    quint64 m_generation = 0; ///< grows with every start(): stale replies are recognised
    QTimer m_silence;
    QTimer m_pollTimer;
    int m_pollInterval;
    QElapsedTimer m_clock;
};

} // namespace vigil
