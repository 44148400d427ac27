#include "httptransport.h"

#include "networkreaper.h"

#include "protocol/logging.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkReply>
#include <QSslConfiguration>
#include <QUrlQuery>

#include <algorithm>
#include <memory>

namespace vigil {

/// The body of one answer, read as it arrives and never more than `cap` bytes: past that the
/// request is aborted and `tooLarge` says why it finished.
struct BoundedBody
{
    QByteArray bytes;
    bool tooLarge = false;
};

namespace {

// What the network layer may hold of one answer before we read it: reading it as it arrives,
// in pieces of this size, keeps a fast or endless answer from piling up in memory.
constexpr qint64 kReplyReadBuffer = 256 * 1024;

std::shared_ptr<BoundedBody> collectBounded(QNetworkReply *reply, qint64 cap)
{
    auto body = std::make_shared<BoundedBody>();
    reply->setReadBufferSize(kReplyReadBuffer);
    auto check = [reply, body, cap] {
        if (body->tooLarge)
            return;
        const qint64 announced = reply->header(QNetworkRequest::ContentLengthHeader).toLongLong();
        if (announced <= cap)
            body->bytes += reply->readAll();
        if (announced > cap || body->bytes.size() > cap) {
            body->tooLarge = true;
            body->bytes = QByteArray();
            reply->abort(); // finished() follows, with tooLarge set
        }
    };
    QObject::connect(reply, &QNetworkReply::metaDataChanged, reply, check);
    QObject::connect(reply, &QNetworkReply::readyRead, reply, check);
    return body;
}

QString tooLargeText(const char *what, qint64 cap)
{
    return QCoreApplication::translate("vigil::HttpTransport",
                                       "%1 was larger than %2 bytes: dropped")
        .arg(QCoreApplication::translate("vigil::HttpTransport", what))
        .arg(cap);
}

// The SSE `id:` of a Vigil server is "<channel>:<seq>".
bool parseEventId(const QByteArray &id, QString *channel, qint64 *seq)
{
    const qsizetype colon = id.lastIndexOf(':');
    if (colon <= 0)
        return false;
    bool ok = false;
    *seq = id.mid(colon + 1).toLongLong(&ok);
    *channel = QString::fromUtf8(id.left(colon));
    return ok && *seq >= 0 && isValidChannelName(*channel);
}

} // namespace

HttpTransport::HttpTransport(Settings settings, QObject *parent)
    : QObject(parent)
    , m_settings(std::move(settings))
    , m_endpoint(m_settings.token, m_settings.extraCaCertificates)
    , m_network(new QNetworkAccessManager)
    , m_sse(m_settings.maxMessageBytes + kFramingSlackBytes, m_settings.maxBodyBytes)
    , m_pollInterval(m_settings.pollBaseMs)
{
    m_clock.start();
    m_silence.setSingleShot(true);
    m_pollTimer.setSingleShot(true);
    connect(&m_silence, &QTimer::timeout, this, [this] {
        if (m_running && m_mode == Mode::Sse && !m_streamHeardFrom)
            switchToPolling(tr("the event stream is buffered on the way, polling "
                               "instead"));
    });
    connect(&m_pollTimer, &QTimer::timeout, this, &HttpTransport::poll);
}

HttpTransport::~HttpTransport()
{
    stop();
    for (QNetworkReply *reply : m_network->findChildren<QNetworkReply *>())
        reply->disconnect(this);
    NetworkReaper::retire(m_network);
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
    QNetworkRequest r = m_endpoint.request(url);
    r.setAttribute(QNetworkRequest::CacheLoadControlAttribute, QNetworkRequest::AlwaysNetwork);
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

void HttpTransport::addLogFilter(QUrlQuery *query) const
{
    const LogFilter &filter = m_settings.logFilter;
    if (filter.isEmpty() || !m_channels.contains(QStringLiteral("logs")))
        return;
    if (!LogFilter::fromJson(filter.toJson()))
        return; // the server would refuse the request (400): the caller filters locally
    // Encoded here, not by QUrlQuery, which would take '%', '+', '&', '=' and '#' in a name
    // for URL syntax; JSON's own punctuation stays readable. Servers decode it fully.
    const QString json =
        QString::fromUtf8(QJsonDocument(filter.toJson()).toJson(QJsonDocument::Compact));
    query->addQueryItem(QStringLiteral("logFilter"),
                        QString::fromLatin1(QUrl::toPercentEncoding(json, "{}[]\":,")));
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
    m_sse.reset();
}

void HttpTransport::openStream()
{
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("channels"), m_channels.join(QLatin1Char(',')));
    const QString since = sinceParameter();
    if (!since.isEmpty())
        query.addQueryItem(QStringLiteral("since"), since);
    addLogFilter(&query);
    QNetworkRequest r = request(QStringLiteral("/api/stream"), query);
    r.setRawHeader("Accept", "text/event-stream");
    m_streamHeardFrom = false;
    m_sse.reset();
    m_stream = m_network->get(r);
    // Read as it arrives: the network layer holds at most this much of the stream.
    m_stream->setReadBufferSize(kReplyReadBuffer);
    connect(m_stream, &QNetworkReply::readyRead, this, &HttpTransport::onStreamData);
    connect(m_stream, &QNetworkReply::finished, this, [this, reply = m_stream.data()] {
        reply->deleteLater();
        if (!m_running || reply != m_stream)
            return;
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (status >= 400 && status != 401) {
            // The server (or a proxy) answered but refused the event stream: long-polling is
            // plain requests.
            switchToPolling(tr("the event stream was refused, polling instead"));
            return;
        }
        Q_EMIT failed(status >= 400 ? tr("the event stream was refused (HTTP %1)").arg(status)
                                    : tr("the event stream ended: %1").arg(reply->errorString()),
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
    const int status = m_stream->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (status != 200)
        return; // the body of a refusal is no event stream; finished() reports the status
    const bool goOn = m_sse.feed(bytes, [this, generation](const SseParser::Event &event) {
        if (event.oversized || event.data.size() > m_settings.maxMessageBytes) {
            QString channel;
            qint64 seq = -1;
            if (!parseEventId(event.id, &channel, &seq)) {
                channel.clear();
                seq = -1;
            } else {
                notePosition(channel, seq); // a restarted stream resumes after it
            }
            Q_EMIT messageSkipped(channel, seq, event.bytes);
        } else {
            const ParseResult parsed = parseEnvelope(event.data, m_settings.maxMessageBytes);
            if (parsed.ok())
                Q_EMIT envelopeReceived(parsed.envelope, event.data.size());
            else
                Q_EMIT badFrame(parsed.error.message, event.data.size());
        }
        // Restarted from a slot: the new stream brings the rest again.
        return generation == m_generation && m_running;
    });
    if (!goOn && generation == m_generation && m_running && !m_sse.error().isEmpty()) {
        const QString why = m_sse.error();
        stop();
        Q_EMIT protocolViolation(why);
    }
}

void HttpTransport::switchToPolling(const QString &why)
{
    start(Mode::Poll, m_channels, m_since);
    Q_EMIT switchedToPolling(why);
}

void HttpTransport::emitElements(const QList<QByteArray> &elements,
                                 std::optional<quint64> generation)
{
    for (const QByteArray &element : elements) {
        if (element.size() > m_settings.maxMessageBytes) {
            // Skip it and move past it, or the next poll brings it again, for ever.
            const QJsonObject o = QJsonDocument::fromJson(element).object();
            const QString channel = o.value(QStringLiteral("channel")).toString();
            const qint64 seq = jsonInteger(o.value(QStringLiteral("seq")), -1);
            const bool known = isValidChannelName(channel) && seq >= 0;
            if (known)
                notePosition(channel, seq);
            Q_EMIT messageSkipped(known ? channel : QString(), known ? seq : -1, element.size());
        } else {
            const ParseResult parsed = parseEnvelope(element, m_settings.maxMessageBytes);
            if (parsed.ok())
                Q_EMIT envelopeReceived(parsed.envelope, element.size());
            else
                Q_EMIT badFrame(parsed.error.message, element.size());
        }
        if (generation && (*generation != m_generation || !m_running))
            return; // restarted from a slot: the rest comes again
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
    addLogFilter(&query);
    // The first poll is answered at once: it proves that the server answers over HTTP before
    // any long wait, and brings what is pending.
    const int waitMs = m_firstPoll ? 0 : m_settings.pollWaitMs;
    m_firstPoll = false;
    query.addQueryItem(QStringLiteral("waitMs"), QString::number(waitMs));
    QNetworkRequest r = request(QStringLiteral("/api/poll"), query);
    r.setTransferTimeout(waitMs + m_settings.requestTimeoutMs);
    const qint64 started = m_clock.elapsed();
    m_poll = m_network->get(r);
    auto body = collectBounded(m_poll, m_settings.maxBodyBytes);
    connect(m_poll, &QNetworkReply::finished, this,
            [this, reply = m_poll.data(), started, body] { onPollFinished(reply, started, body); });
}

void HttpTransport::onPollFinished(QNetworkReply *reply, qint64 startedMs,
                                   const std::shared_ptr<BoundedBody> &body)
{
    reply->deleteLater();
    if (reply != m_poll || !m_running)
        return;
    m_poll = nullptr;
    if (body->tooLarge) {
        stop();
        Q_EMIT protocolViolation(tooLargeText(
            QT_TRANSLATE_NOOP("vigil::HttpTransport", "a poll answer"), m_settings.maxBodyBytes));
        return;
    }
    body->bytes += reply->readAll();
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (reply->error() != QNetworkReply::NoError || status != 200) {
        // Back off: fewer requests against a struggling server or network.
        m_pollInterval = std::min(m_settings.pollMaxMs, m_pollInterval * 2);
        Q_EMIT failed(status >= 400 ? tr("the poll was refused (HTTP %1)").arg(status)
                                    : tr("the poll failed: %1").arg(reply->errorString()),
                      status);
        return;
    }
    const quint64 generation = m_generation;
    if (!noteEpoch(reply))
        return;
    Q_EMIT answered();
    if (generation != m_generation || !m_running)
        return;
    QList<QByteArray> elements;
    const bool isArray = splitJsonArray(body->bytes, &elements);
    body->bytes = QByteArray();
    if (!isArray) {
        Q_EMIT protocolError(tr("a poll answer was not a JSON array"));
        if (generation != m_generation || !m_running)
            return;
    }
    emitElements(elements, generation);
    if (generation != m_generation || !m_running)
        return; // restarted from a slot (a new epoch, a Reload): the rest comes again
    const qint64 took = m_clock.elapsed() - startedMs;
    if (!elements.isEmpty()) {
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
    QNetworkReply *reply = m_network->post(r, envelope.serialize());
    auto body = collectBounded(reply, smallAnswerCap());
    connect(reply, &QNetworkReply::finished, this, [this, reply, body] {
        reply->deleteLater();
        if (body->tooLarge) {
            // The message may have arrived; the outbox keeps it until an ack says so.
            Q_EMIT protocolError(tooLargeText(
                QT_TRANSLATE_NOOP("vigil::HttpTransport", "the answer to a posted message"),
                smallAnswerCap()));
            return;
        }
        if (reply->error() != QNetworkReply::NoError) {
            if (m_logLimiter.allow(QStringLiteral("post failed")))
                qCWarning(lcNet).noquote() << "posting a message failed:" << reply->errorString();
            return; // the outbox keeps it; the drainer sends it again
        }
        body->bytes += reply->readAll();
        // The acks, as an array; one envelope alone is taken as well. Whatever else comes is
        // left alone: the outbox keeps the message until an ack arrives some other way.
        QList<QByteArray> answers;
        if (!splitJsonArray(body->bytes, &answers) && body->bytes.trimmed().startsWith('{'))
            answers = {body->bytes.trimmed()};
        emitElements(answers, std::nullopt);
    });
}

void HttpTransport::probeHealth(int timeoutMs)
{
    QNetworkRequest r = request(QStringLiteral("/api/health"));
    r.setTransferTimeout(timeoutMs);
    const qint64 started = m_clock.elapsed();
    QNetworkReply *reply = m_network->get(r);
    auto body = collectBounded(reply, smallAnswerCap());
    connect(reply, &QNetworkReply::finished, this, [this, reply, started, body] {
        reply->deleteLater();
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (body->tooLarge)
            Q_EMIT healthFailed(tooLargeText(
                QT_TRANSLATE_NOOP("vigil::HttpTransport", "the health answer"), smallAnswerCap()));
        else if (reply->error() == QNetworkReply::NoError && status == 200)
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
