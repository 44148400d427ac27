#include "httpeventstreams.h"

#include "httpconnection.h"
#include "httpserver.h"
#include "logdelivery.h"
#include "relay.h"

namespace vigil {

namespace {

constexpr int kKeepAliveMs = 15000;
// History is replayed a page at a time, the next once the last has mostly gone out.
constexpr qint64 kReplayLowWater = 256 * 1024;

QByteArray sseEvent(const Envelope &e)
{
    return "id: " + e.channel.toUtf8() + ':' + QByteArray::number(e.seq) +
           "\ndata: " + e.serialize() + "\n\n";
}

} // namespace

HttpEventStreams::HttpEventStreams(Relay *relay, QObject *parent)
    : QObject(parent)
    , m_relay(relay)
{
    m_clock.start();
    connect(relay, &Relay::published, this, &HttpEventStreams::onPublished);
    connect(&m_keepAlive, &QTimer::timeout, this, &HttpEventStreams::keepAlive);
}

Envelope HttpEventStreams::lostNotice(const Relay *relay, const QString &channel)
{
    return Envelope::create(QStringLiteral("subscribed"), QStringLiteral("system"),
                            QJsonObject{{QStringLiteral("channel"), channel},
                                        {QStringLiteral("head"), relay->head(channel)},
                                        {QStringLiteral("recovered"), false},
                                        {QStringLiteral("epoch"), relay->epoch()}});
}

void HttpEventStreams::open(HttpConnection *connection, const QSet<QString> &channels,
                            const QHash<QString, qint64> &since, const LogFilter &filter)
{
    connection->beginStream(200, {{"Content-Type", "text/event-stream"},
                                  {"Cache-Control", "no-cache"},
                                  {"X-Accel-Buffering", "no"},
                                  {"Vigil-Epoch", m_relay->epoch().toUtf8()}});
    connection->writeStream(QByteArrayLiteral(": vigil-relay stream\n\n"));
    m_streams.insert(connection, Stream{channels, since, -1, filter});
    connect(connection, &HttpConnection::drained, this, &HttpEventStreams::pump,
            Qt::UniqueConnection);
    if (!m_keepAlive.isActive())
        m_keepAlive.start(kKeepAliveMs);
    pump(connection);
}

void HttpEventStreams::forget(HttpConnection *connection)
{
    m_streams.remove(connection);
}

void HttpEventStreams::clear()
{
    m_keepAlive.stop();
    m_streams.clear();
}

// A stream that starts far behind never holds more than a page or so in the relay's memory.
void HttpEventStreams::pump(HttpConnection *connection)
{
    while (connection->bytesToWrite() < kReplayLowWater) {
        const auto it = m_streams.find(connection);
        if (it == m_streams.end() || it->catchingUp.isEmpty())
            return;
        const auto next = it->catchingUp.begin();
        const QString channel = next.key();
        bool recovered = true;
        bool more = false;
        const LogFilter *filter = it->filter.isEmpty() ? nullptr : &it->filter;
        const QList<Envelope> page =
            m_relay->replay(channel, next.value(), &recovered, &more, -1, filter);
        QByteArray out;
        for (const Envelope &e : page) {
            Envelope reduced;
            const bool cut =
                filter && filterLogMessage(*filter, e, &reduced) == LogFilterOutcome::Reduced;
            out += sseEvent(cut ? reduced : e);
        }
        if (!recovered)
            out += "event: system\ndata: " + lostNotice(m_relay, channel).serialize() + "\n\n";
        if (more && !page.isEmpty())
            next.value() = page.last().seq;
        else
            it->catchingUp.erase(next); // caught up: new messages flow from here on
        connection->writeStream(out);
    }
}

bool HttpEventStreams::keepsUp(HttpConnection *connection, Stream &stream)
{
    const RelayConfig &config = m_relay->config();
    const qint64 backlog = connection->bytesToWrite();
    if (backlog > config.maxBacklogBytes)
        return false;
    if (backlog <= config.maxBufferedBytes) {
        stream.lagSinceMs = -1;
        return true;
    }
    // Behind, but a burst drains in moments: only a reader that stays behind is dropped.
    const qint64 now = m_clock.elapsed();
    if (stream.lagSinceMs < 0)
        stream.lagSinceMs = now;
    return now - stream.lagSinceMs <= config.maxLagMs;
}

void HttpEventStreams::drop(HttpConnection *connection)
{
    m_streams.remove(connection);
    if (m_server) {
        m_server->logRefusal(QStringLiteral("slow-reader"),
                             QStringLiteral("http: closed the event stream of %1: it does not "
                                            "read fast enough")
                                 .arg(connection->peer().toString()));
    }
    connection->abort(); // the server deletes it later, from the event loop
}

void HttpEventStreams::onPublished(const Envelope &envelope)
{
    QByteArray event;
    // Over a copy of the keys: a stream may end (and leave the table) while we go through.
    const auto streams = m_streams.keys();
    for (HttpConnection *c : streams) {
        const auto it = m_streams.find(c);
        if (it == m_streams.end() || !it->channels.contains(envelope.channel) ||
            it->catchingUp.contains(envelope.channel))
            continue;
        Envelope reduced;
        const LogFilterOutcome outcome = filterLogMessage(it->filter, envelope, &reduced);
        if (outcome == LogFilterOutcome::Drop)
            continue; // the reader sees a hole in the seqs
        if (!keepsUp(c, *it)) {
            drop(c);
            continue;
        }
        if (outcome == LogFilterOutcome::Reduced) {
            c->writeStream(sseEvent(reduced));
            continue;
        }
        if (event.isEmpty())
            event = sseEvent(envelope);
        c->writeStream(event);
    }
}

void HttpEventStreams::keepAlive()
{
    const auto streams = m_streams.keys();
    for (HttpConnection *c : streams) {
        const auto it = m_streams.find(c);
        if (it == m_streams.end())
            continue;
        if (!keepsUp(c, *it))
            drop(c);
        else
            c->writeStream(QByteArrayLiteral(": keep-alive\n\n"));
    }
}

} // namespace vigil
