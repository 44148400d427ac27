#pragma once

// What the operator-action tests share: a WebSocket client that knows only the protocol page
// (sends envelopes, keeps every envelope it receives, with the look-ups those tests need) and
// builders for the incidents, alerts and tokens they act on.
#include "helpers/testsupport.h"
#include "protocol/envelope.h"
#include "relay/relay.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkRequest>
#include <QTemporaryDir>
#include <QTest>
#include <QWebSocket>

namespace vigil::test {

/// A protocol-naive client: sends envelopes, keeps every envelope it receives.
class Client : public QObject
{
public:
    explicit Client(const QUrl &url, const QByteArray &token = {})
    {
        connect(&socket, &QWebSocket::textMessageReceived, this, [this](const QString &text) {
            const auto parsed = vigil::parseEnvelope(text.toUtf8());
            if (parsed.ok())
                received.append(parsed.envelope);
        });
        QNetworkRequest request(url);
        if (!token.isEmpty())
            request.setRawHeader("Authorization", "Bearer " + token);
        socket.open(request);
    }
    bool waitWelcomed()
    {
        return QTest::qWaitFor([this] { return !ofType("welcome").isEmpty(); }, kWaitMs);
    }
    /// Subscribes to `channels` (from `since`, when given) and waits for every answer.
    bool subscribe(const QStringList &channels, qint64 since = -1)
    {
        QJsonArray entries;
        for (const QString &channel : channels) {
            QJsonObject entry{{"name", channel}};
            if (since >= 0)
                entry.insert("since", since);
            entries.append(entry);
        }
        const qsizetype before = ofType("subscribed").size();
        send(Envelope::create("subscribe", "system", QJsonObject{{"channels", entries}}));
        return QTest::qWaitFor(
            [&] { return ofType("subscribed").size() == before + channels.size(); }, kWaitMs);
    }
    void send(const Envelope &e) { socket.sendTextMessage(QString::fromUtf8(e.serialize())); }
    QList<Envelope> ofType(const QString &type) const
    {
        QList<Envelope> out;
        for (const Envelope &e : received) {
            if (e.type == type)
                out.append(e);
        }
        return out;
    }
    /// Acks of the message `id`.
    int acks(const QString &id) const
    {
        int n = 0;
        for (const Envelope &e : ofType("ack"))
            n += e.payload.toObject().value("id").toString() == id ? 1 : 0;
        return n;
    }
    /// The payload of the first error about the message `id`; empty when there is none.
    QJsonObject errorAbout(const QString &id) const
    {
        for (const Envelope &e : ofType("error")) {
            if (e.payload.toObject().value("ref").toString() == id)
                return e.payload.toObject();
        }
        return {};
    }
    /// Messages of the envelope id `id` (a client's message fanned out keeps its id).
    QList<Envelope> withId(const QString &id) const
    {
        QList<Envelope> out;
        for (const Envelope &e : received) {
            if (e.id == id)
                out.append(e);
        }
        return out;
    }
    /// Updates whose payload carries `requestId`.
    QList<Envelope> confirming(const QString &requestId) const
    {
        QList<Envelope> out;
        for (const Envelope &e : received) {
            if (e.payload.toObject().value("requestId").toString() == requestId)
                out.append(e);
        }
        return out;
    }
    /// Chat receipts of `type` naming the chat message `messageId`.
    QList<Envelope> receipts(const QString &type, const QString &messageId) const
    {
        QList<Envelope> out;
        for (const Envelope &e : ofType(type)) {
            if (e.payload.toObject().value("messageIds").toArray().contains(messageId))
                out.append(e);
        }
        return out;
    }

    QWebSocket socket;
    QList<Envelope> received;
};

/// A JSON value from its text: any value, not only an object or an array.
inline QJsonValue json(const char *text)
{
    return QJsonDocument::fromJson(QByteArray("[") + text + "]").array().at(0);
}

/// The fields an update reports of its incident (its `data`) or alert (its flat payload).
inline QJsonObject stateIn(const Envelope &update)
{
    const QJsonObject p = update.payload.toObject();
    return update.channel == "incidents" ? p.value("data").toObject() : p;
}

inline QJsonObject incident(const QString &id, const QString &title, const QString &severity,
                            const QString &status)
{
    return {{"incidentId", id},
            {"type", "created"},
            {"data", QJsonObject{{"title", title}, {"severity", severity}, {"status", status}}}};
}

inline QJsonObject alert(const QString &id, const QString &title)
{
    return {{"alertId", id}, {"severity", "warning"}, {"title", title}, {"source", "search"}};
}

/// The summary of the relay's /api/websocket/metrics.
inline QJsonObject summary(const vigil::Relay &relay)
{
    return relay.metricsJson().value("summary").toObject();
}

inline QString writeTokens(QTemporaryDir &dir)
{
    const QString path = dir.filePath("tokens.json");
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        qFatal("cannot write %s", qPrintable(path));
    file.write(R"({ "tokens": [
      { "token": "op-token", "user": "alice", "role": "operator", "read": ["*"], "write": ["chat", "incidents"] },
      { "token": "viewer-token", "user": "bob", "role": "viewer", "read": ["incidents", "alerts"], "write": [] }
    ] })");
    return path;
}

} // namespace vigil::test
