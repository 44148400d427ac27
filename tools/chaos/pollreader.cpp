#include "pollreader.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkReply>
#include <QTimer>
#include <QUrlQuery>

namespace vigil::chaos {

PollReader::PollReader(QUrl httpUrl, QObject *parent)
    : QObject(parent)
    , m_url(std::move(httpUrl))
{
    m_url.setPath(QStringLiteral("/api/poll"));
}

void PollReader::read(const QHash<QString, qint64> &since, Done done)
{
    m_todo.clear();
    for (auto it = since.begin(); it != since.end(); ++it)
        m_todo.append({it.key(), it.value()});
    m_messages.clear();
    m_done = std::move(done);
    m_failures = 0;
    next();
}

void PollReader::next()
{
    if (m_todo.isEmpty()) {
        const Done done = std::exchange(m_done, {});
        if (done)
            done(true, m_messages);
        return;
    }
    const auto [channel, since] = m_todo.first();
    QUrl url = m_url;
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("since"), QStringLiteral("%1:%2").arg(channel).arg(since));
    query.addQueryItem(QStringLiteral("waitMs"), QStringLiteral("0"));
    url.setQuery(query);
    QNetworkRequest request(url);
    request.setTransferTimeout(5000);
    QNetworkReply *reply = m_network.get(request);
    connect(reply, &QNetworkReply::finished, this, [this, reply, channel = channel] {
        reply->deleteLater();
        if (reply->error() != QNetworkReply::NoError) {
            if (++m_failures > 20) {
                const Done done = std::exchange(m_done, {});
                if (done)
                    done(false, m_messages);
                return;
            }
            QTimer::singleShot(250, this, &PollReader::next);
            return;
        }
        qint64 last = -1;
        for (const QJsonValue &value : QJsonDocument::fromJson(reply->readAll()).array()) {
            const QJsonObject envelope = value.toObject();
            if (envelope.value(QStringLiteral("channel")).toString() != channel)
                continue; // the notice that some of it left the history
            const qint64 seq = envelope.value(QStringLiteral("seq")).toInteger(-1);
            if (seq < 0)
                continue;
            m_messages.append({channel, seq, envelope.value(QStringLiteral("id")).toString()});
            last = std::max(last, seq);
        }
        if (last < 0)
            m_todo.removeFirst(); // nothing more after this position
        else
            m_todo.first().second = last;
        next();
    });
}

} // namespace vigil::chaos
