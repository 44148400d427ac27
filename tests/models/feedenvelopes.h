#pragma once

// The envelopes the feed model tests feed their models (tst_feedmodels, tst_feedrows).

#include "protocol/envelope.h"

#include <QJsonArray>
#include <QJsonObject>

namespace vigil::test {

inline Envelope env(const QString &type, const QString &channel, const QJsonObject &payload,
                    qint64 timestamp = 1000)
{
    Envelope e;
    e.id = Envelope::newId();
    e.type = type;
    e.channel = channel;
    e.payload = payload;
    e.timestamp = timestamp;
    return e;
}

inline Envelope incident(const QString &kind, const QString &id, const QString &severity,
                         const QString &status, qint64 at = 1000)
{
    return env(
        QStringLiteral("incident.") + kind, QStringLiteral("incidents"),
        {{"incidentId", id},
         {"type", kind},
         {"data",
          QJsonObject{{"title", "Title of " + id}, {"severity", severity}, {"status", status}}}},
        at);
}

inline Envelope message(const QString &id, const QString &content = QStringLiteral("hi"))
{
    return env("chat.message", "chat",
               {{"id", id}, {"conversationId", "c1"}, {"senderId", "bob"}, {"content", content}});
}

inline Envelope receipt(const QString &type, const QJsonArray &ids)
{
    return env(type, "chat", {{"messageIds", ids}});
}

} // namespace vigil::test
