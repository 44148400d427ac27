#include "httplink.h"

namespace vigil {

HttpLink::HttpLink(const HttpTransport::Settings &settings, QObject *parent)
    : TransportLink(parent)
    , m_transport(settings)
{
    connect(&m_transport, &HttpTransport::envelopeReceived, this, &HttpLink::envelopeReceived);
    connect(&m_transport, &HttpTransport::badFrame, this, &HttpLink::badFrame);
    connect(&m_transport, &HttpTransport::protocolError, this,
            [this](const QString &why) { Q_EMIT badFrame(why, -1); });
    connect(&m_transport, &HttpTransport::epochSeen, this, &HttpLink::epochSeen);
    connect(&m_transport, &HttpTransport::switchedToPolling, this, &HttpLink::switchedToPolling);
    connect(
        &m_transport, &HttpTransport::messageSkipped, this,
        [this, limit = settings.maxMessageBytes](const QString &channel, qint64 seq, qint64 bytes) {
            Q_EMIT messageSkipped(
                channel, seq,
                tr("a message of %1 bytes, over the limit of %2 bytes").arg(bytes).arg(limit));
        });
    connect(&m_transport, &HttpTransport::answered, this, [this] {
        if (m_done)
            return;
        if (!m_opened) {
            m_opened = true;
            Q_EMIT opened();
        }
        Q_EMIT answered();
    });
    connect(&m_transport, &HttpTransport::rttMeasured, this, [this](qint64 ms) {
        if (isOpen())
            Q_EMIT pong(ms);
    });
    connect(&m_transport, &HttpTransport::healthFailed, this, [this](const QString &why) {
        if (isOpen())
            Q_EMIT pingLost(why);
    });
    connect(&m_transport, &HttpTransport::failed, this, [this](const QString &reason, int status) {
        LinkFailure failure;
        if (status == 401) {
            failure.reason = reason;
            failure.category = ErrorCategory::Auth;
            failure.closeCode = 4401;
        } else {
            // Nothing answered over HTTP either: the server is unreachable, or failing.
            failure.reason = tr("HTTP: %1").arg(reason);
            failure.category = status >= 500 ? ErrorCategory::Server : ErrorCategory::Network;
        }
        fail(failure);
    });
    connect(&m_transport, &HttpTransport::protocolViolation, this, [this](const QString &why) {
        LinkFailure failure;
        failure.reason = tr("HTTP: %1").arg(why);
        failure.category = ErrorCategory::Protocol;
        failure.protocolViolation = true;
        fail(failure);
    });
}

HttpTransport::Settings HttpLink::settingsFor(const ConnectionConfig &config,
                                              const QUrl &webSocketUrl)
{
    HttpTransport::Settings settings;
    settings.baseUrl = HttpTransport::httpBaseFor(webSocketUrl);
    settings.token = config.token;
    settings.extraCaCertificates = config.extraCaCertificates;
    settings.pollBaseMs = config.pollBaseMs;
    settings.sseSilenceMs = config.sseSilenceMs;
    settings.requestTimeoutMs = config.connectTimeoutMs;
    settings.maxMessageBytes = config.maxMessageBytes;
    settings.maxBodyBytes = config.maxHttpBodyBytes;
    settings.logFilter = config.logFilter;
    return settings;
}

void HttpLink::open(HttpTransport::Mode mode, const QStringList &channels,
                    const QHash<QString, qint64> &since)
{
    m_channels = channels;
    m_transport.start(mode, channels, since);
}

void HttpLink::restart(HttpTransport::Mode mode, const QHash<QString, qint64> &since)
{
    if (!m_done)
        m_transport.start(mode, m_channels, since);
}

QString HttpLink::transportName() const
{
    return m_transport.mode() == HttpTransport::Mode::Sse ? QStringLiteral("sse")
                                                          : QStringLiteral("poll");
}

qint64 HttpLink::send(const Envelope &envelope)
{
    if (m_done || envelope.channel == u"system")
        return -1;
    m_transport.post(envelope);
    return 0;
}

Heartbeat::Sent HttpLink::ping(int timeoutMs)
{
    if (!isOpen())
        return Heartbeat::Sent::No;
    m_transport.probeHealth(timeoutMs);
    return Heartbeat::Sent::TimedByTransport;
}

void HttpLink::close(bool graceful)
{
    Q_UNUSED(graceful); // HTTP requests have nothing to say goodbye with
    m_done = true;
    m_transport.stop();
}

void HttpLink::fail(LinkFailure failure)
{
    if (m_done)
        return;
    m_done = true;
    m_transport.stop();
    Q_EMIT failed(failure);
}

} // namespace vigil
