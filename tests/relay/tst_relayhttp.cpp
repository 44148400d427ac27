// The relay's HTTP side on the same port as /ws: JSON endpoints, Server-Sent Events with
// resume, long-polling, POST /api/messages, with the same auth and de-duplication.
#include "helpers/testsupport.h"
#include "protocol/envelope.h"
#include "relay/relay.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using vigil::Envelope;

namespace {

using vigil::test::kWaitMs;

struct Answer
{
    int status = 0;
    QByteArray body;
    QByteArray epoch; ///< the Vigil-Epoch header
    QJsonDocument json() const { return QJsonDocument::fromJson(body); }
};

/// Parses an SSE byte stream into (id, data) events.
struct SseReader
{
    QByteArray buffer;
    QList<QPair<QByteArray, QJsonObject>> events;
    void feed(const QByteArray &bytes)
    {
        buffer += bytes;
        int end;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
            const QByteArray block = buffer.left(end);
            buffer.remove(0, end + 2);
            QByteArray id;
            QByteArray data;
            for (const QByteArray &line : block.split('\n')) {
                if (line.startsWith("id: "))
                    id = line.mid(4);
                else if (line.startsWith("data: "))
                    data = line.mid(6);
            }
            if (!data.isEmpty())
                events.append({id, QJsonDocument::fromJson(data).object()});
        }
    }
};

} // namespace

class TestRelayHttp : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void jsonEndpoints();
    void authIsRequiredWhenTokensAreSet();
    void sseDeliversLiveAndResumes();
    void sseResumesFromLastEventId();
    void sseForbiddenChannel();
    void longPollAnswersAtOnceWhenDataExists();
    void longPollWaitsForData();
    void longPollTimesOutEmpty();
    void postMessagesIsDeduplicated();
    void postGarbageIsABadRequest();
    void epochInHealthAndOnStreamsAndPolls();

private:
    Answer get(const QString &path, const QByteArray &token = {});
    Answer post(const QString &path, const QByteArray &body, const QByteArray &token = {});
    Answer wait(QNetworkReply *reply);
    void startRelay(vigil::RelayConfig config = {});

    std::unique_ptr<vigil::Relay> m_relay;
    QNetworkAccessManager m_net;
    QTemporaryDir m_dir;
};

void TestRelayHttp::startRelay(vigil::RelayConfig config)
{
    m_relay = std::make_unique<vigil::Relay>(config);
    QString error;
    if (!m_relay->start(&error))
        qFatal("relay did not start: %s", qPrintable(error));
}

void TestRelayHttp::init()
{
    startRelay();
}

void TestRelayHttp::cleanup()
{
    m_relay.reset();
}

Answer TestRelayHttp::wait(QNetworkReply *reply)
{
    QSignalSpy done(reply, &QNetworkReply::finished);
    if (!reply->isFinished())
        done.wait(kWaitMs);
    Answer a{reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), reply->readAll(),
             reply->rawHeader("Vigil-Epoch")};
    reply->deleteLater();
    return a;
}

Answer TestRelayHttp::get(const QString &path, const QByteArray &token)
{
    QNetworkRequest request(m_relay->httpUrl().resolved(QUrl(path)));
    if (!token.isEmpty())
        request.setRawHeader("Authorization", "Bearer " + token);
    return wait(m_net.get(request));
}

Answer TestRelayHttp::post(const QString &path, const QByteArray &body, const QByteArray &token)
{
    QNetworkRequest request(m_relay->httpUrl().resolved(QUrl(path)));
    request.setHeader(QNetworkRequest::ContentTypeHeader, "application/json");
    if (!token.isEmpty())
        request.setRawHeader("Authorization", "Bearer " + token);
    return wait(m_net.post(request, body));
}

void TestRelayHttp::jsonEndpoints()
{
    m_relay->publish(Envelope::create("incident.created", "incidents", QJsonObject{}));
    const Answer health = get("/api/health");
    QCOMPARE(health.status, 200);
    QCOMPARE(health.json().object().value("status").toString(), QStringLiteral("ok"));
    QVERIFY(health.json().object().value("websocket").toObject().contains("clients"));
    QVERIFY(health.json().object().value("websocket").toObject().contains("errorRate"));
    const Answer sessions = get("/api/sessions");
    QCOMPARE(sessions.status, 200);
    QCOMPARE(sessions.json().object().value("count").toInt(), 0);
    const Answer metrics = get("/api/websocket/metrics");
    QCOMPARE(metrics.status, 200);
    const QJsonObject m = metrics.json().object();
    QVERIFY(m.value("server").toObject().contains("uptimeMs"));
    QVERIFY(m.value("connections").isArray());
    QCOMPARE(m.value("channels").toObject().value("incidents").toObject().value("head").toInt(), 1);
    QVERIFY(m.value("summary").toObject().value("httpRequests").toInt() >= 3);
    QCOMPARE(get("/api/nothing-here").status, 404);
}

void TestRelayHttp::authIsRequiredWhenTokensAreSet()
{
    QFile file(m_dir.filePath("tokens.json"));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(R"({"tokens":[{"token":"tok-op","user":"alice","read":["*"],"write":["chat"]},
                            {"token":"tok-view","user":"bob","read":["incidents"],"write":[]}]})");
    file.close();
    vigil::RelayConfig config;
    config.tokensFile = file.fileName();
    startRelay(config);
    QCOMPARE(get("/api/health").status, 401);
    QCOMPARE(get("/api/health", "wrong").status, 401);
    QCOMPARE(get("/api/health", "tok-op").status, 200);
    QCOMPARE(get("/api/websocket/metrics?token=tok-op").status, 200);
    // Not an admin: only its own sessions (none over HTTP here).
    QCOMPARE(get("/api/sessions?token=tok-op").status, 200);
    QCOMPARE(get("/api/sessions?token=tok-op").json().object().value("count").toInt(), 0);
    QCOMPARE(get("/api/poll?channels=chat&waitMs=0", "tok-view").status, 403);
    const Answer refused =
        post("/api/messages", R"({"id":"m1","type":"chat.message","channel":"chat"})", "tok-view");
    QCOMPARE(refused.status, 200);
    QCOMPARE(refused.json()
                 .array()
                 .first()
                 .toObject()
                 .value("payload")
                 .toObject()
                 .value("code")
                 .toString(),
             QStringLiteral("forbidden_channel"));
    QCOMPARE(m_relay->head("chat"), 0);
}

void TestRelayHttp::sseDeliversLiveAndResumes()
{
    for (int i = 1; i <= 3; ++i)
        m_relay->publish(Envelope::create("chat.message", "chat", QJsonObject{{"n", i}}));
    QNetworkRequest request(
        m_relay->httpUrl().resolved(QUrl("/api/stream?channels=chat,alerts&since=chat:1")));
    QNetworkReply *reply = m_net.get(request);
    SseReader sse;
    connect(reply, &QNetworkReply::readyRead, this, [&] { sse.feed(reply->readAll()); });
    QTRY_COMPARE_WITH_TIMEOUT(sse.events.size(), 2, kWaitMs); // the replay: 2 and 3
    QCOMPARE(sse.events.at(0).first, QByteArray("chat:2"));
    QCOMPARE(reply->header(QNetworkRequest::ContentTypeHeader).toString(),
             QStringLiteral("text/event-stream"));
    m_relay->publish(Envelope::create("alert.raised", "alerts", QJsonObject{}));
    m_relay->publish(Envelope::create("log.entry", "logs", QJsonObject{})); // not asked for
    m_relay->publish(Envelope::create("chat.message", "chat", QJsonObject{{"n", 4}}));
    QTRY_COMPARE_WITH_TIMEOUT(sse.events.size(), 4, kWaitMs);
    QCOMPARE(sse.events.at(2).first, QByteArray("alerts:1"));
    QCOMPARE(sse.events.at(3).first, QByteArray("chat:4"));
    QCOMPARE(sse.events.at(3).second.value("payload").toObject().value("n").toInt(), 4);
    reply->abort();
    reply->deleteLater();
    // The relay notices the closed stream and stops writing to it.
    m_relay->publish(Envelope::create("chat.message", "chat", QJsonObject{}));
    QTRY_COMPARE_WITH_TIMEOUT(
        get("/api/health").json().object().value("http").toObject().value("streams").toInt(), 0,
        kWaitMs);
}

void TestRelayHttp::sseResumesFromLastEventId()
{
    for (int i = 1; i <= 5; ++i)
        m_relay->publish(Envelope::create("chat.message", "chat", QJsonObject{{"n", i}}));
    QNetworkRequest request(m_relay->httpUrl().resolved(QUrl("/api/stream?channels=chat")));
    request.setRawHeader("Last-Event-ID", "chat:3");
    QNetworkReply *reply = m_net.get(request);
    SseReader sse;
    connect(reply, &QNetworkReply::readyRead, this, [&] { sse.feed(reply->readAll()); });
    QTRY_COMPARE_WITH_TIMEOUT(sse.events.size(), 2, kWaitMs);
    QCOMPARE(sse.events.at(0).first, QByteArray("chat:4"));
    QCOMPARE(sse.events.at(1).first, QByteArray("chat:5"));
    reply->abort();
    reply->deleteLater();
}

void TestRelayHttp::sseForbiddenChannel()
{
    QFile file(m_dir.filePath("t.json"));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(R"({"tokens":[{"token":"v","user":"bob","read":["incidents"]}]})");
    file.close();
    vigil::RelayConfig config;
    config.tokensFile = file.fileName();
    startRelay(config);
    const Answer a = get("/api/stream?channels=chat", "v");
    QCOMPARE(a.status, 403);
    QCOMPARE(a.json().object().value("error").toString(), QStringLiteral("forbidden_channel"));
}

void TestRelayHttp::longPollAnswersAtOnceWhenDataExists()
{
    for (int i = 1; i <= 4; ++i)
        m_relay->publish(Envelope::create("incident.updated", "incidents", QJsonObject{{"n", i}}));
    const Answer a = get("/api/poll?since=incidents:2&waitMs=25000");
    QCOMPARE(a.status, 200);
    const QJsonArray out = a.json().array();
    QCOMPARE(out.size(), 2);
    QCOMPARE(out.at(0).toObject().value("seq").toInt(), 3);
    QCOMPARE(out.at(1).toObject().value("seq").toInt(), 4);
}

void TestRelayHttp::longPollWaitsForData()
{
    QNetworkReply *reply = m_net.get(
        QNetworkRequest(m_relay->httpUrl().resolved(QUrl("/api/poll?since=chat:0&waitMs=30000"))));
    // The request is parked: nothing has been published yet.
    QTRY_COMPARE_WITH_TIMEOUT(
        get("/api/health").json().object().value("http").toObject().value("polls").toInt(), 1,
        kWaitMs);
    QVERIFY(!reply->isFinished());
    m_relay->publish(Envelope::create("chat.message", "chat", QJsonObject{{"c", "now"}}));
    const Answer a = wait(reply);
    QCOMPARE(a.status, 200);
    QCOMPARE(a.json().array().size(), 1);
    QCOMPARE(a.json().array().first().toObject().value("seq").toInt(), 1);
}

void TestRelayHttp::longPollTimesOutEmpty()
{
    const Answer a = get("/api/poll?channels=chat&waitMs=100");
    QCOMPARE(a.status, 200);
    QCOMPARE(a.json().array().size(), 0);
}

void TestRelayHttp::postMessagesIsDeduplicated()
{
    const QByteArray batch =
        R"([{"id":"p-1","type":"chat.message","channel":"chat","payload":{"c":1}},
                                 {"id":"p-2","type":"chat.message","channel":"chat","payload":{"c":2}}])";
    const Answer first = post("/api/messages", batch);
    QCOMPARE(first.status, 200);
    const QJsonArray acks = first.json().array();
    QCOMPARE(acks.size(), 2);
    QCOMPARE(acks.at(0).toObject().value("type").toString(), QStringLiteral("ack"));
    QCOMPARE(acks.at(1).toObject().value("payload").toObject().value("id").toString(),
             QStringLiteral("p-2"));
    QCOMPARE(m_relay->head("chat"), 2);
    // Sent again (a lost answer): acknowledged again, applied once.
    const Answer again = post("/api/messages", batch);
    QCOMPARE(again.json().array().size(), 2);
    QCOMPARE(again.json().array().at(0).toObject().value("type").toString(), QStringLiteral("ack"));
    QCOMPARE(m_relay->head("chat"), 2);
    // One envelope on its own works too; a bad one in a batch gets its own error.
    const Answer mixed =
        post("/api/messages", R"([{"id":"p-3","type":"chat.message","channel":"chat"}, 42])");
    QCOMPARE(mixed.json().array().at(0).toObject().value("type").toString(), QStringLiteral("ack"));
    QCOMPARE(
        mixed.json().array().at(1).toObject().value("payload").toObject().value("code").toString(),
        QStringLiteral("bad_message"));
    QCOMPARE(m_relay->head("chat"), 3);
}

void TestRelayHttp::postGarbageIsABadRequest()
{
    const Answer a = post("/api/messages", "this is not json");
    QCOMPARE(a.status, 400);
    QCOMPARE(a.json().object().value("error").toString(), QStringLiteral("bad_message"));
    QCOMPARE(get("/api/poll").status, 400);
}

void TestRelayHttp::epochInHealthAndOnStreamsAndPolls()
{
    const QByteArray epoch = m_relay->epoch().toUtf8();
    QVERIFY(!epoch.isEmpty());
    const Answer health = get("/api/health");
    QCOMPARE(health.status, 200);
    QCOMPARE(health.json().object().value("epoch").toString().toUtf8(), epoch);
    QCOMPARE(health.json().object().value("status").toString(), QStringLiteral("ok"));

    // Long-poll: answered at once, and answered empty when the wait ends.
    m_relay->publish(Envelope::create("chat.message", "chat", QJsonObject{}));
    const Answer ready = get("/api/poll?since=chat:0&waitMs=25000");
    QCOMPARE(ready.status, 200);
    QCOMPARE(ready.json().array().size(), 1);
    QCOMPARE(ready.epoch, epoch);
    const Answer empty = get("/api/poll?channels=chat&waitMs=50");
    QCOMPARE(empty.status, 200);
    QCOMPARE(empty.json().array().size(), 0);
    QCOMPARE(empty.epoch, epoch);
    // A position this relay cannot serve: the `subscribed` notice names the epoch too.
    const Answer lost = get("/api/poll?since=alerts:40");
    const QJsonObject notice = lost.json().array().first().toObject();
    QCOMPARE(notice.value("type").toString(), QStringLiteral("subscribed"));
    QCOMPARE(notice.value("payload").toObject().value("recovered").toBool(), false);
    QCOMPARE(notice.value("payload").toObject().value("epoch").toString().toUtf8(), epoch);
    QCOMPARE(lost.epoch, epoch);

    // SSE: the header arrives with the stream's first bytes, before any event.
    QNetworkReply *reply =
        m_net.get(QNetworkRequest(m_relay->httpUrl().resolved(QUrl("/api/stream?channels=chat"))));
    QTRY_VERIFY_WITH_TIMEOUT(reply->bytesAvailable() > 0, kWaitMs);
    QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
    QCOMPARE(reply->rawHeader("Vigil-Epoch"), epoch);
    reply->abort();
    reply->deleteLater();
}

QTEST_GUILESS_MAIN(TestRelayHttp)
#include "tst_relayhttp.moc"
