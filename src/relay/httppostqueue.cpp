#include "httppostqueue.h"

#include "httpconnection.h"
#include "relay.h"

#include <QJsonDocument>
#include <QPointer>

#include <algorithm>

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
    auto job = std::make_shared<Job>();
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
    for (const auto &job : m_waiting) {
        if (job->connection == connection)
            job->connection = nullptr;
    }
}

void HttpPostQueue::clear()
{
    m_timer.stop();
    // Answers still to come find their job without a connection.
    for (const auto &job : m_jobs)
        job->connection = nullptr;
    for (const auto &job : m_waiting)
        job->connection = nullptr;
    m_jobs.clear();
    m_waiting.clear();
}

// One slice of the oldest request, then the next request gets its turn.
void HttpPostQueue::runSlice()
{
    if (m_jobs.empty())
        return;
    std::shared_ptr<Job> job = m_jobs.front();
    m_jobs.pop_front();
    const qsizetype end = std::min(job->next + kSlice, job->items.size());
    while (job->connection && job->next < end) {
        accept(job, job->next);
        ++job->next;
    }
    if (job->connection && job->next < job->items.size()) {
        m_jobs.push_back(job);
    } else if (job->connection && job->pending > 0) {
        m_waiting.push_back(job);
    } else {
        finish(job);
    }
    if (!m_jobs.empty())
        m_timer.start(0);
}

void HttpPostQueue::finish(const std::shared_ptr<Job> &job)
{
    if (job->answered || job->pending > 0 || job->next < job->items.size())
        return;
    job->answered = true;
    m_waiting.erase(std::remove(m_waiting.begin(), m_waiting.end(), job), m_waiting.end());
    if (!job->connection)
        return;
    HttpResponse response;
    response.headers = {{"Content-Type", "application/json"}};
    response.body = QJsonDocument(job->answers).toJson(QJsonDocument::Compact);
    job->connection->respond(response);
}

void HttpPostQueue::accept(const std::shared_ptr<Job> &job, qsizetype index)
{
    const QJsonValue item = job->items.at(index);
    // Messages beyond the budget are answered one by one, like the WebSocket's: the client
    // sends those again later, and their ids make that safe.
    const QString id = item.toObject().value(QStringLiteral("id")).toString().left(kMaxNameLength);
    if (job->prepaid > 0) {
        --job->prepaid;
    } else if (!m_relay->consumeRate(job->who, 1)) {
        job->answers.append(
            Relay::errorEnvelope(QStringLiteral("rate_limited"),
                                 QStringLiteral("more than %1 messages per second; slow down")
                                     .arg(m_relay->config().rateLimit),
                                 id)
                .toJson());
        return;
    }
    const ParseResult parsed =
        item.isObject()
            ? envelopeFromJson(item.toObject())
            : ParseResult{{}, {ParseError::NotObject, {}, QStringLiteral("not a JSON object")}};
    if (!parsed.ok()) {
        job->answers.append(
            Relay::errorEnvelope(QStringLiteral("bad_message"), parsed.error.message).toJson());
        return;
    }
    // A shared broker answers later, and maybe out of turn with other requests: the answer
    // takes its place in the array.
    job->answers.append(QJsonValue());
    ++job->pending;
    m_relay->acceptClientMessage(
        job->who, parsed.envelope,
        [self = QPointer<HttpPostQueue>(this), job, index](const Envelope &answer) {
            job->answers[index] = answer.toJson();
            --job->pending;
            if (self)
                self->finish(job);
        });
}

} // namespace vigil
