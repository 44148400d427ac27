#include "publisher.h"

#include "protocol/envelope.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkReply>
#include <QNetworkRequest>

namespace vigil::chaos {

namespace {
constexpr int kTickMs = 200;
const char16_t *const kChannels[] = {u"alerts", u"incidents", u"activity", u"notifications"};
constexpr Priority kPriorities[] = {Priority::Critical, Priority::High, Priority::Normal,
                                    Priority::Low};
} // namespace

Publisher::Publisher(QUrl httpUrl, quint64 seed, double ratePerSecond, const QString &journalPath,
                     QObject *parent)
    : QObject(parent)
    , m_url(std::move(httpUrl))
    , m_random(seed)
    , m_rate(ratePerSecond)
{
    QString error;
    m_journal.open(journalPath, &error);
    m_url.setPath(QStringLiteral("/api/messages"));
    m_timer.setInterval(kTickMs);
    connect(&m_timer, &QTimer::timeout, this, &Publisher::tick);
}

void Publisher::start()
{
    m_timer.start();
}

void Publisher::stop()
{
    m_timer.stop();
    if (m_inFlight)
        m_inFlight->abort();
}

void Publisher::tick()
{
    if (!m_quiet) {
        m_credit += m_rate * kTickMs / 1000.0;
        while (m_credit >= 1) {
            m_credit -= 1;
            const QString channel = QString::fromUtf16(kChannels[m_random() % 4]);
            const Priority priority = kPriorities[m_random() % 4];
            const qint64 n = ++m_n;
            QJsonObject payload;
            if (channel == u"alerts") {
                // Raised and cleared in turn, so the relay's view of alerts stays small.
                payload = {{QStringLiteral("alertId"), QStringLiteral("chaos-%1").arg(n % 16)},
                           {QStringLiteral("severity"), QStringLiteral("low")},
                           {QStringLiteral("title"), QStringLiteral("chaos alert %1").arg(n)},
                           {QStringLiteral("source"), QStringLiteral("publisher")}};
            } else if (channel == u"incidents") {
                payload = {
                    {QStringLiteral("incidentId"), QStringLiteral("chaos-%1").arg(n % 16)},
                    {QStringLiteral("type"), QStringLiteral("updated")},
                    {QStringLiteral("data"),
                     QJsonObject{{QStringLiteral("title"), QStringLiteral("chaos %1").arg(n)},
                                 {QStringLiteral("severity"), QStringLiteral("low")},
                                 {QStringLiteral("status"), QStringLiteral("investigating")}}}};
            } else {
                payload = {{QStringLiteral("actor"), QStringLiteral("publisher")},
                           {QStringLiteral("summary"), QStringLiteral("published %1").arg(n)}};
            }
            const QString type = channel == u"alerts"      ? QStringLiteral("alert.raised")
                                 : channel == u"incidents" ? QStringLiteral("incident.updated")
                                 : channel == u"activity"  ? QStringLiteral("activity.event")
                                                           : QStringLiteral("notification");
            Envelope e = Envelope::create(type, channel, payload, priority);
            e.id = QStringLiteral("pub-%1").arg(n);
            m_pending.insert(e.id, e.serialize());
            m_order.append(e.id);
            m_journal.write({{QStringLiteral("e"), QStringLiteral("enq")},
                             {QStringLiteral("id"), e.id},
                             {QStringLiteral("ch"), channel},
                             {QStringLiteral("prio"), priorityName(priority)}});
        }
    }
    post();
}

void Publisher::post()
{
    if (m_inFlight || m_order.isEmpty())
        return;
    QByteArray body = "[";
    int count = 0;
    for (const QString &id : std::as_const(m_order)) {
        if (count == 100)
            break;
        if (count++)
            body += ',';
        body += m_pending.value(id);
    }
    body += ']';
    QNetworkRequest request(m_url);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
    request.setTransferTimeout(3000);
    QNetworkReply *reply = m_network.post(request, body);
    m_inFlight = reply;
    connect(reply, &QNetworkReply::finished, this, [this, reply] {
        reply->deleteLater();
        m_inFlight = nullptr;
        if (reply->error() != QNetworkReply::NoError)
            return; // the relay is down or restarting: the same ids go again next tick
        const QJsonArray answers = QJsonDocument::fromJson(reply->readAll()).array();
        for (const QJsonValue &answer : answers) {
            const QJsonObject object = answer.toObject();
            const QJsonObject payload = object.value(QStringLiteral("payload")).toObject();
            if (object.value(QStringLiteral("type")).toString() == u"ack") {
                const QString id = payload.value(QStringLiteral("id")).toString();
                if (m_pending.remove(id)) {
                    m_order.removeOne(id);
                    m_journal.write(
                        {{QStringLiteral("e"), QStringLiteral("ack")}, {QStringLiteral("id"), id}});
                }
            } else {
                // Refused (rate limit, unavailable): it stays and goes again.
                m_journal.write({{QStringLiteral("e"), QStringLiteral("refused")},
                                 {QStringLiteral("id"), payload.value(QStringLiteral("ref"))},
                                 {QStringLiteral("code"), payload.value(QStringLiteral("code"))}});
            }
        }
    });
}

} // namespace vigil::chaos
