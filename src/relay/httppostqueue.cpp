#include "httppostqueue.h"

#include "httpconnection.h"
#include "relay.h"

#include <QJsonDocument>

namespace vigil {

namespace {

HttpResponse rateLimited(double rate)
{
    HttpResponse response =
        httpError(429, QStringLiteral("rate_limited"),
                  QStringLiteral("more than %1 messages per second; slow down").arg(rate));
    response.headers.emplaceBack("Retry-After", "1");
    return response;
}

} // namespace

HttpPostQueue::HttpPostQueue(Relay *relay, QObject *parent)
    : QObject(parent)
    , m_relay(relay)
{
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &HttpPostQueue::runSlice);
}

void HttpPostQueue::post(const Principal &who, const QByteArray &body, HttpConnection *connection)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(body, &error);
    if (error.error != QJsonParseError::NoError || (!doc.isObject() && !doc.isArray())) {
        connection->respond(httpError(
            400, QStringLiteral("bad_message"),
            QStringLiteral("the body must be one envelope or an array of envelopes (JSON)")));
        return;
    }
    auto job = std::make_unique<Job>();
    job->items = doc.isArray() ? doc.array() : QJsonArray{doc.object()};
    const int maxBatch = m_relay->config().httpMaxBatch;
    if (job->items.size() > maxBatch) {
        connection->respond(
            httpError(413, QStringLiteral("too_large"),
                      QStringLiteral("%1 messages in one request; at most %2 are accepted")
                          .arg(job->items.size())
                          .arg(maxBatch)));
        return;
    }
    // The WebSocket's rate and burst apply per principal: HTTP is no way around the limit. A
    // request when nothing is left is refused whole.
    if (!job->items.isEmpty()) {
        if (!m_relay->consumeRate(who, 1)) {
            connection->respond(rateLimited(m_relay->config().rateLimit));
            return;
        }
        job->prepaid = 1;
    }
    job->connection = connection;
    job->who = who;
    m_jobs.push_back(std::move(job));
    if (!m_timer.isActive())
        m_timer.start(0);
}

void HttpPostQueue::forget(HttpConnection *connection)
{
    for (const auto &job : m_jobs) {
        if (job->connection == connection)
            job->connection = nullptr;
    }
}

void HttpPostQueue::clear()
{
    m_timer.stop();
    m_jobs.clear();
}

// One slice of the oldest request, then the next request gets its turn.
void HttpPostQueue::runSlice()
{
    if (m_jobs.empty())
        return;
    Job *job = m_jobs.front().get();
    const qsizetype end = std::min(job->next + kSlice, job->items.size());
    while (job->connection && job->next < end) {
        job->answers.append(accept(*job, job->items.at(job->next)));
        ++job->next;
    }
    std::unique_ptr<Job> taken = std::move(m_jobs.front());
    m_jobs.pop_front();
    if (taken->connection && taken->next >= taken->items.size()) {
        HttpResponse response;
        response.headers = {{"Content-Type", "application/json"}};
        response.body = QJsonDocument(taken->answers).toJson(QJsonDocument::Compact);
        taken->connection->respond(response);
    } else if (taken->connection) {
        m_jobs.push_back(std::move(taken));
    }
    if (!m_jobs.empty())
        m_timer.start(0);
}

QJsonObject HttpPostQueue::accept(Job &job, const QJsonValue &item)
{
    // Messages beyond the budget are answered one by one, like the WebSocket's: the client
    // sends those again later, and their ids make that safe.
    const QString id = item.toObject().value(QStringLiteral("id")).toString().left(kMaxNameLength);
    if (job.prepaid > 0) {
        --job.prepaid;
    } else if (!m_relay->consumeRate(job.who, 1)) {
        return Relay::errorEnvelope(QStringLiteral("rate_limited"),
                                    QStringLiteral("more than %1 messages per second; slow down")
                                        .arg(m_relay->config().rateLimit),
                                    id)
            .toJson();
    }
    const ParseResult parsed =
        item.isObject()
            ? envelopeFromJson(item.toObject())
            : ParseResult{{}, {ParseError::NotObject, {}, QStringLiteral("not a JSON object")}};
    if (!parsed.ok())
        return Relay::errorEnvelope(QStringLiteral("bad_message"), parsed.error.message).toJson();
    return m_relay->acceptClientMessage(job.who, parsed.envelope).toJson();
}

} // namespace vigil
