#include "probehttp.h"

#include "diagnostics.h"
#include "diagnosticstext.h"
#include "httptransport.h"
#include "serverendpoint.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QUrlQuery>

namespace vigil {

using namespace diagnostics;

namespace {

// The relay answers a poll at once when it has data and otherwise holds it this long: short,
// so the check stays quick, but enough to go through the relay's held-request path.
constexpr int kPollWaitMs = 100;
// The most of an HTTP error body we read to find its message.
constexpr qint64 kMaxErrorBody = 4096;

int statusOf(const QNetworkReply *reply)
{
    return reply ? reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt() : 0;
}

} // namespace

HttpProbe::HttpProbe(ProbeHost &host, const DiagnosticsConfig &config, QObject *parent)
    : Probe(host, config, parent)
    , m_network(new QNetworkAccessManager(this))
{}

void HttpProbe::reset()
{
    m_network->clearConnectionCache();
}

void HttpProbe::release()
{
    if (QNetworkReply *reply = std::exchange(m_reply, nullptr)) {
        reply->disconnect(this);
        reply->abort();
        reply->deleteLater();
    }
}

void HttpProbe::run(int index)
{
    // The same base, credentials and trust as the client's HTTP fallback (HttpTransport).
    QUrl url = HttpTransport::httpBaseFor(m_config.url);
    QUrlQuery query;
    if (index != Diagnostics::HttpHealth)
        query.addQueryItem(QStringLiteral("channels"), m_config.httpChannel);
    switch (index) {
    case Diagnostics::HttpHealth:
        url.setPath(QStringLiteral("/api/health"));
        break;
    case Diagnostics::HttpStream:
        url.setPath(QStringLiteral("/api/stream"));
        break;
    default:
        url.setPath(QStringLiteral("/api/poll"));
        query.addQueryItem(QStringLiteral("waitMs"), QString::number(kPollWaitMs));
        break;
    }
    url.setQuery(query);

    // A poll is held by the server for up to kPollWaitMs by design: that is not slowness.
    const int limit = m_config.stepTimeoutMs + (index == Diagnostics::HttpPoll ? kPollWaitMs : 0);
    m_sslErrors.clear();
    if (!m_host.beginStep(index, limit, [this, index, limit] { onTimeout(index, limit); }))
        return;
    QNetworkRequest request =
        ServerEndpoint(m_config.token, m_config.extraCaCertificates).request(url);
    request.setAttribute(QNetworkRequest::CacheLoadControlAttribute,
                         QNetworkRequest::AlwaysNetwork);
    if (index == Diagnostics::HttpStream)
        request.setRawHeader("Accept", "text/event-stream");
    QNetworkReply *reply = m_network->get(request);
    m_reply = reply;
    // Only the start of an answer is judged: a server sending without end must not fill memory
    // while the step waits (onData fails the step once this much is waiting).
    reply->setReadBufferSize(kMaxProbeAnswer);
    connect(reply, &QNetworkReply::readyRead, this, [this, index] { onData(index); });
    connect(reply, &QNetworkReply::finished, this, [this, index] { onFinished(index); });
    connect(reply, &QNetworkReply::sslErrors, this,
            [this](const QList<QSslError> &errors) { m_sslErrors = errors; });
}

void HttpProbe::onTimeout(int index, int limitMs)
{
    const int status = statusOf(m_reply);
    release();
    // Headers without bytes is how a buffering proxy looks to an event stream; the client then
    // falls back to polling, so name it.
    QString detail = tr("no answer within %1 ms").arg(limitMs);
    if (status > 0 && index == Diagnostics::HttpStream) {
        detail = tr("HTTP %1 headers arrived but no event within %2 ms (a proxy buffering the "
                    "stream?)")
                     .arg(status)
                     .arg(limitMs);
    } else if (status > 0) {
        detail = tr("HTTP %1 headers arrived but the answer did not finish within %2 ms")
                     .arg(status)
                     .arg(limitMs);
    }
    m_host.finishStep(index, DiagnosticStep::Failed, detail);
}

// Only the event stream is judged on its first bytes: it never finishes on its own.
void HttpProbe::onData(int index)
{
    if (m_host.runningStep() != index || !m_reply)
        return;
    if (index != Diagnostics::HttpStream) {
        if (m_reply->bytesAvailable() < kMaxProbeAnswer)
            return; // judged once it has finished
        const QJsonObject data{{QStringLiteral("path"), m_reply->url().path()}};
        release();
        m_host.finishStep(index, DiagnosticStep::Failed,
                          tr("the answer is larger than %1 bytes").arg(kMaxProbeAnswer), data);
        return;
    }
    const int status = statusOf(m_reply);
    if (status != 200)
        return; // an error answer: judged with its body once it has finished
    const QString type = m_reply->header(QNetworkRequest::ContentTypeHeader).toString();
    const QJsonObject data{{QStringLiteral("path"), m_reply->url().path()},
                           {QStringLiteral("status"), status},
                           {QStringLiteral("contentType"), type}};
    release(); // the first bytes are all this check needs
    if (!type.startsWith(QStringLiteral("text/event-stream"))) {
        m_host.finishStep(
            index, DiagnosticStep::Failed,
            tr("HTTP 200 but Content-Type is '%1' (expected text/event-stream)").arg(type.left(80)),
            data);
        return;
    }
    m_host.finishStep(
        index, DiagnosticStep::Passed,
        tr("HTTP 200 text/event-stream; first bytes after %1 ms").arg(m_host.stepElapsedMs()),
        data);
}

void HttpProbe::onFinished(int index)
{
    if (m_host.runningStep() != index || !m_reply)
        return;
    QNetworkReply *reply = m_reply;
    const int status = statusOf(reply);
    const QString type = reply->header(QNetworkRequest::ContentTypeHeader).toString();
    const QByteArray body = reply->read(status == 200 ? kDefaultMaxMessageBytes : kMaxErrorBody);
    const QString networkError = reply->errorString();
    QJsonObject data{{QStringLiteral("path"), reply->url().path()}};
    release();
    const auto fail = [&](const QString &detail) {
        m_host.finishStep(index, DiagnosticStep::Failed, detail, data);
    };

    if (status == 0) {
        fail(m_sslErrors.isEmpty() ? tr("the request failed: %1").arg(networkError)
                                   : sslFailure(tr("TLS problem: %1"), m_sslErrors, &data));
        return;
    }
    data.insert(QStringLiteral("status"), status);
    data.insert(QStringLiteral("contentType"), type);
    const QJsonDocument json = QJsonDocument::fromJson(body);
    if (status != 200) {
        // The relay explains refusals in {"error", "message"}; other servers may not.
        const QString message = json.object().value(QStringLiteral("message")).toString();
        fail(message.isEmpty() ? tr("HTTP %1").arg(status)
                               : tr("HTTP %1: %2").arg(QString::number(status), message.left(200)));
        return;
    }
    if (index == Diagnostics::HttpStream) {
        fail(tr("the event stream ended at once, without sending anything"));
        return;
    }
    if (!type.startsWith(QStringLiteral("application/json"))) {
        fail(
            tr("HTTP 200 but Content-Type is '%1' (expected application/json)").arg(type.left(80)));
        return;
    }
    if (index == Diagnostics::HttpHealth) {
        if (!json.isObject()) {
            fail(tr("HTTP 200 but the body is not a health report"));
            return;
        }
        judgeHealth(json.object(), data);
        return;
    }
    // HttpPoll
    if (!json.isArray()) {
        fail(tr("HTTP 200 but the body is not a JSON array of envelopes"));
        return;
    }
    data.insert(QStringLiteral("envelopes"), json.array().size());
    m_host.finishStep(
        index, DiagnosticStep::Passed,
        tr("HTTP 200 application/json with %n envelope(s)", nullptr, int(json.array().size())),
        data);
}

void HttpProbe::judgeHealth(const QJsonObject &health, QJsonObject data)
{
    const QString state = health.value(QStringLiteral("status")).toString();
    if (state != u"ok") {
        m_host.finishStep(Diagnostics::HttpHealth, DiagnosticStep::Failed,
                          tr("the server reports status '%1'").arg(state.left(40)), data);
        return;
    }
    const QString server = health.value(QStringLiteral("server")).toString();
    const qint64 uptimeS = health.value(QStringLiteral("uptimeMs")).toInteger() / 1000;
    data.insert(QStringLiteral("server"), server);
    data.insert(QStringLiteral("uptimeMs"), health.value(QStringLiteral("uptimeMs")));
    m_host.finishStep(Diagnostics::HttpHealth, DiagnosticStep::Passed,
                      tr("HTTP 200, status ok (%1, up %2 s)")
                          .arg(server.isEmpty() ? tr("unnamed server") : server)
                          .arg(uptimeS),
                      data);
}

} // namespace vigil
