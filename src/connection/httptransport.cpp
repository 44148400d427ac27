#include "httptransport.h"

#include "protocol/logging.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkReply>
#include <QSslConfiguration>
#include <QUrlQuery>

#include <algorithm>

namespace vigil {

HttpTransport::HttpTransport(Settings settings, QObject *parent)
    : QObject(parent)
    , m_settings(std::move(settings))
    , m_pollInterval(m_settings.pollBaseMs)
{
    m_clock.start();
    m_silence.setSingleShot(true);
    m_pollTimer.setSingleShot(true);
    connect(&m_silence, &QTimer::timeout, this, [this] {
        if (m_running && m_mode == Mode::Sse && !m_streamHeardFrom)
            Q_EMIT streamSilent();
    });
    connect(&m_pollTimer, &QTimer::timeout, this, &HttpTransport::poll);
}

HttpTransport::~HttpTransport()
{
    stop();
}

QUrl HttpTransport::httpBaseFor(const QUrl &webSocketUrl)
{
    QUrl base;
    base.setScheme(webSocketUrl.scheme() == u"wss" ? QStringLiteral("https")
                                                   : QStringLiteral("http"));
    base.setHost(webSocketUrl.host());
    base.setPort(webSocketUrl.port());
    return base;
}

QNetworkRequest HttpTransport::request(const QString &path, const QUrlQuery &query) const
{
    QUrl url = m_settings.baseUrl;
    url.setPath(path);
    url.setQuery(query);
    QNetworkRequest r(url);
    if (!m_settings.token.isEmpty())
        r.setRawHeader("Authorization", "Bearer " + m_settings.token.toUtf8());
    r.setAttribute(QNetworkRequest::CacheLoadControlAttribute, QNetworkRequest::AlwaysNetwork);
    if (url.scheme() == u"https") {
        QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
        if (!m_settings.extraCaCertificates.isEmpty())
            tls.addCaCertificates(m_settings.extraCaCertificates);
        r.setSslConfiguration(tls);
    }
    return r;
}

QString HttpTransport::sinceParameter() const
{
    QStringList parts;
    for (const QString &channel : m_channels) {
        const qint64 seq = m_since.value(channel, -1);
        if (seq >= 0)
            parts.append(QStringLiteral("%1:%2").arg(channel).arg(seq));
    }
    return parts.join(QLatin1Char(','));
}

void HttpTransport::start(Mode mode, const QStringList &channels,
                          const QHash<QString, qint64> &since)
{
    stop();
    ++m_generation;
    m_mode = mode;
    m_channels = channels;
    m_since = since;
    m_running = true;
    m_firstPoll = true;
    m_pollInterval = m_settings.pollBaseMs;
    if (channels.isEmpty())
        return; // nothing to receive: requests only (sending, health)
    if (mode == Mode::Sse)
        openStream();
    else
        schedulePoll(0);
}

void HttpTransport::stop()
{
    m_running = false;
    m_silence.stop();
    m_pollTimer.stop();
    for (QPointer<QNetworkReply> *reply : {&m_stream, &m_poll}) {
        if (*reply) {
            (*reply)->disconnect(this);
            (*reply)->abort();
            (*reply)->deleteLater();
        }
    }
    m_sseBuffer.clear();
}

void HttpTransport::openStream()
{
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("channels"), m_channels.join(QLatin1Char(',')));
    const QString since = sinceParameter();
    if (!since.isEmpty())
        query.addQueryItem(QStringLiteral("since"), since);
    QNetworkRequest r = request(QStringLiteral("/api/stream"), query);
    r.setRawHeader("Accept", "text/event-stream");
    m_streamHeardFrom = false;
    m_stream = m_network.get(r);
    connect(m_stream, &QNetworkReply::readyRead, this, &HttpTransport::onStreamData);
    connect(m_stream, &QNetworkReply::finished, this, [this, reply = m_stream.data()] {
        reply->deleteLater();
        if (!m_running || reply != m_stream)
            return;
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        Q_EMIT failed(status >= 400
                          ? QStringLiteral("the event stream was refused (HTTP %1)").arg(status)
                          : QStringLiteral("the event stream ended: %1").arg(reply->errorString()),
                      status);
    });
    m_silence.start(m_settings.sseSilenceMs);
}

void HttpTransport::onStreamData()
{
    if (!m_stream)
        return;
    const QByteArray bytes = m_stream->readAll();
    if (bytes.isEmpty())
        return;
    const quint64 generation = m_generation;
    if (!m_streamHeardFrom) {
        m_streamHeardFrom = true;
        m_silence.stop();
        if (!noteEpoch(m_stream))
            return;
        Q_EMIT streamOpened();
        Q_EMIT answered();
        if (generation != m_generation || !m_running)
            return;
    }
    m_sseBuffer += bytes;
    int end;
    while ((end = m_sseBuffer.indexOf("\n\n")) >= 0) {
        const QByteArray block = m_sseBuffer.left(end);
        m_sseBuffer.remove(0, end + 2);
        QByteArray data;
        for (const QByteArray &line : block.split('\n')) {
            if (line.startsWith("data: "))
                data += line.mid(6);
        }
        if (!data.isEmpty())
            Q_EMIT envelopeReceived(data);
        if (generation != m_generation || !m_running)
            return; // restarted from a slot: the new stream brings the rest again
    }
}

void HttpTransport::schedulePoll(int delayMs)
{
    if (m_running)
        m_pollTimer.start(std::max(0, delayMs));
}

void HttpTransport::poll()
{
    if (!m_running || m_poll)
        return;
    QUrlQuery query;
    const QString since = sinceParameter();
    if (!since.isEmpty())
        query.addQueryItem(QStringLiteral("since"), since);
    QStringList fresh;
    for (const QString &c : std::as_const(m_channels)) {
        if (m_since.value(c, -1) < 0)
            fresh.append(c);
    }
    if (!fresh.isEmpty())
        query.addQueryItem(QStringLiteral("channels"), fresh.join(QLatin1Char(',')));
    // The first poll is answered at once: it proves that the server answers over HTTP before
    // any long wait, and brings what is pending.
    const int waitMs = m_firstPoll ? 0 : m_settings.pollWaitMs;
    m_firstPoll = false;
    query.addQueryItem(QStringLiteral("waitMs"), QString::number(waitMs));
    QNetworkRequest r = request(QStringLiteral("/api/poll"), query);
    r.setTransferTimeout(waitMs + m_settings.requestTimeoutMs);
    const qint64 started = m_clock.elapsed();
    m_poll = m_network.get(r);
    connect(m_poll, &QNetworkReply::finished, this,
            [this, reply = m_poll.data(), started] { onPollFinished(reply, started); });
}

void HttpTransport::onPollFinished(QNetworkReply *reply, qint64 startedMs)
{
    reply->deleteLater();
    if (reply != m_poll || !m_running)
        return;
    m_poll = nullptr;
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (reply->error() != QNetworkReply::NoError || status != 200) {
        // Back off: fewer requests against a struggling server or network.
        m_pollInterval = std::min(m_settings.pollMaxMs, m_pollInterval * 2);
        Q_EMIT failed(status >= 400
                          ? QStringLiteral("the poll was refused (HTTP %1)").arg(status)
                          : QStringLiteral("the poll failed: %1").arg(reply->errorString()),
                      status);
        return;
    }
    const quint64 generation = m_generation;
    if (!noteEpoch(reply))
        return;
    Q_EMIT answered();
    if (generation != m_generation || !m_running)
        return;
    const QJsonArray items = QJsonDocument::fromJson(reply->readAll()).array();
    for (const QJsonValue &item : items) {
        Q_EMIT envelopeReceived(QJsonDocument(item.toObject()).toJson(QJsonDocument::Compact));
        if (generation != m_generation || !m_running)
            return; // restarted from a slot (a new epoch, a Reload): the rest comes again
    }
    const qint64 took = m_clock.elapsed() - startedMs;
    if (!items.isEmpty()) {
        schedulePoll(0); // data keeps coming: ask again at once
        return;
    }
    // An empty answer: drift back toward the base rhythm, slower when answers are slow.
    m_pollInterval = (m_pollInterval + m_settings.pollBaseMs) / 2;
    if (took > m_settings.pollWaitMs + 2000)
        m_pollInterval = m_pollInterval * 3 / 2;
    m_pollInterval = std::clamp(m_pollInterval, m_settings.pollMinMs, m_settings.pollMaxMs);
    schedulePoll(m_pollInterval);
}

void HttpTransport::post(const Envelope &envelope)
{
    QNetworkRequest r = request(QStringLiteral("/api/messages"));
    r.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    r.setTransferTimeout(m_settings.requestTimeoutMs);
    QNetworkReply *reply = m_network.post(r, envelope.serialize());
    connect(reply, &QNetworkReply::finished, this, [this, reply] {
        reply->deleteLater();
        if (reply->error() != QNetworkReply::NoError) {
            qCWarning(lcNet).noquote() << "posting a message failed:" << reply->errorString();
            return; // the outbox keeps it; the drainer sends it again
        }
        const QJsonArray answers = QJsonDocument::fromJson(reply->readAll()).array();
        for (const QJsonValue &a : answers)
            Q_EMIT envelopeReceived(QJsonDocument(a.toObject()).toJson(QJsonDocument::Compact));
    });
}

void HttpTransport::probeHealth(int timeoutMs)
{
    QNetworkRequest r = request(QStringLiteral("/api/health"));
    r.setTransferTimeout(timeoutMs);
    const qint64 started = m_clock.elapsed();
    QNetworkReply *reply = m_network.get(r);
    connect(reply, &QNetworkReply::finished, this, [this, reply, started] {
        reply->deleteLater();
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (reply->error() == QNetworkReply::NoError && status == 200)
            Q_EMIT rttMeasured(m_clock.elapsed() - started);
        else
            Q_EMIT healthFailed(status > 0 ? QStringLiteral("HTTP %1").arg(status)
                                           : reply->errorString());
    });
}

bool HttpTransport::noteEpoch(QNetworkReply *reply)
{
    const QByteArray epoch = reply->rawHeader("Vigil-Epoch");
    if (epoch.isEmpty())
        return true;
    const quint64 generation = m_generation;
    Q_EMIT epochSeen(QString::fromUtf8(epoch));
    return generation == m_generation && m_running;
}

} // namespace vigil
