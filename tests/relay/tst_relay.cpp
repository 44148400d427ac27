// The relay over a real loopback socket, spoken to by a plain QWebSocket client that knows
// only the protocol page: welcome, ping/pong, subscribe with replay, acks, de-duplication,
// fan-out, malformed frames.
#include "helpers/faultproxy.h"
#include "helpers/testsupport.h"
#include "protocol/envelope.h"
#include "relay/relay.h"
#include "relay/relaystore.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkRequest>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QWebSocket>

#include <memory>

using vigil::Envelope;

namespace {

using vigil::test::kWaitMs;

/// A protocol-naive client: sends raw text, keeps every envelope it receives.
class RawClient : public QObject
{
public:
    explicit RawClient(const QUrl &url)
        : RawClient(QNetworkRequest(url))
    {}
    explicit RawClient(const QNetworkRequest &request)
    {
        connect(&socket, &QWebSocket::textMessageReceived, this, [this](const QString &text) {
            const auto parsed = vigil::parseEnvelope(text.toUtf8());
            if (parsed.ok())
                received.append(parsed.envelope);
        });
        socket.open(request);
    }
    /// Waits until the server closes the connection; returns the close code (-1: never).
    int waitClosed()
    {
        if (socket.state() != QAbstractSocket::UnconnectedState) {
            QSignalSpy spy(&socket, &QWebSocket::disconnected);
            if (!spy.wait(kWaitMs))
                return -1;
        }
        return int(socket.closeCode());
    }
    bool waitConnected()
    {
        if (socket.state() == QAbstractSocket::ConnectedState)
            return true;
        QSignalSpy spy(&socket, &QWebSocket::connected);
        return spy.wait(kWaitMs);
    }
    void sendJson(const QJsonObject &o)
    {
        socket.sendTextMessage(QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact)));
    }
    void sendEnvelope(const Envelope &e)
    {
        socket.sendTextMessage(QString::fromUtf8(e.serialize()));
    }
    QList<Envelope> ofType(const QString &type) const
    {
        QList<Envelope> out;
        for (const Envelope &e : received) {
            if (e.type == type)
                out.append(e);
        }
        return out;
    }
    QList<Envelope> onChannel(const QString &channel) const
    {
        QList<Envelope> out;
        for (const Envelope &e : received) {
            if (e.channel == channel)
                out.append(e);
        }
        return out;
    }
    void subscribe(const QString &channel, qint64 since = -1)
    {
        QJsonObject entry{{"name", channel}};
        if (since >= 0)
            entry.insert("since", since);
        sendEnvelope(
            Envelope::create("subscribe", "system", QJsonObject{{"channels", QJsonArray{entry}}}));
    }

    QWebSocket socket;
    QList<Envelope> received;
};

/// The epoch a fresh client is told in `welcome`; empty if none arrives.
QString welcomeEpoch(const vigil::Relay &relay)
{
    RawClient client(relay.url());
    if (!QTest::qWaitFor([&] { return !client.ofType("welcome").isEmpty(); }, kWaitMs))
        return {};
    return client.ofType("welcome").first().payload.toObject().value("epoch").toString();
}

} // namespace

class TestRelay : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void welcomeAdvertisesCapabilities();
    void pingIsAnsweredWithSamePayload();
    void subscribeReportsHeadAndDeliversFanOut();
    void clientMessageIsAckedStampedAndDeduplicated();
    void replayAfterReconnectHasNoGapAndNoDuplicate();
    void replayBeyondHistoryIsNotRecovered();
    void malformedFramesGetErrorsThenClose();
    void unknownSystemTypeIsAnError();
    void wrongPathIsRefused();
    void demoDataArrivesOnEveryChannel();
    void stopClosesClientsWithGoingAway();
    void tokensAuthenticateAndAuthorize();
    void malformedTokensFileStopsTheStart_data();
    void malformedTokensFileStopsTheStart();
    void nonLoopbackWithoutTokensIsRefused();
    void originAllowlist();
    void oversizeMessageClosesWith1009();
    void floodIsRateLimitedWhileOthersKeepReceiving();
    void connectionLimit();
    void slowReaderIsDroppedWhileOthersKeepReceiving();
    void deadConnectionIsClosedWith4408();
    void historyAndSeqSurviveARestart();
    void crashMovesSeqAhead();
    void subscribedCarriesTheWelcomeEpoch();
    void relaysWithoutDataDirHaveDifferentEpochs();
    void epochSurvivesARestartWithItsHistory();
    void newHistoryGetsANewEpoch_data();
    void newHistoryGetsANewEpoch();
    void storeWithoutEpochKeepsItsHistoryUnderANewOne();
    void bearerSchemeIsCaseInsensitive_data();
    void bearerSchemeIsCaseInsensitive();
    void rateLimitPerPrincipal();
    void replayApiAnswersInPages();
    void sizeLimitAppliesToTheEnvelopeAsSent();
    void crashGapKeepsOlderHistoryOnDisk();

private:
    std::unique_ptr<vigil::Relay> startRelay(vigil::RelayConfig config = {});
    std::unique_ptr<vigil::Relay> m_relay;
};

std::unique_ptr<vigil::Relay> TestRelay::startRelay(vigil::RelayConfig config)
{
    auto relay = std::make_unique<vigil::Relay>(config);
    QString error;
    if (!relay->start(&error))
        qFatal("relay did not start: %s", qPrintable(error));
    return relay;
}

void TestRelay::init()
{
    m_relay = startRelay();
}

void TestRelay::cleanup()
{
    m_relay.reset();
}

void TestRelay::welcomeAdvertisesCapabilities()
{
    RawClient client(m_relay->url());
    QVERIFY(client.waitConnected());
    QTRY_COMPARE_WITH_TIMEOUT(client.ofType("welcome").size(), 1, kWaitMs);
    const Envelope welcome = client.ofType("welcome").first();
    QCOMPARE(welcome.channel, QStringLiteral("system"));
    const QJsonObject p = welcome.payload.toObject();
    QVERIFY(!p.value("session").toString().isEmpty());
    QVERIFY(p.value("server").toString().startsWith("vigil-relay/"));
    const QJsonArray caps = p.value("capabilities").toArray();
    QVERIFY(caps.contains("ack"));
    QVERIFY(caps.contains("resume"));
    QVERIFY(caps.contains("history"));
    QCOMPARE(p.value("maxMessageBytes").toInteger(), qint64(vigil::kDefaultMaxMessageBytes));
    QVERIFY(p.value("heartbeatMs").toInt() > 0);
    QVERIFY(!p.value("epoch").toString().isEmpty());
    QCOMPARE(p.value("epoch").toString(), m_relay->epoch());
    QCOMPARE(m_relay->clientCount(), 1);
}

void TestRelay::pingIsAnsweredWithSamePayload()
{
    RawClient client(m_relay->url());
    QVERIFY(client.waitConnected());
    client.sendJson(
        {{"type", "ping"}, {"channel", "system"}, {"payload", QJsonObject{{"t", 12345}}}});
    QTRY_COMPARE_WITH_TIMEOUT(client.ofType("pong").size(), 1, kWaitMs);
    QCOMPARE(client.ofType("pong").first().payload.toObject().value("t").toInt(), 12345);
}

void TestRelay::subscribeReportsHeadAndDeliversFanOut()
{
    m_relay->publish(Envelope::create("incident.created", "incidents", QJsonObject{{"n", 1}}));
    m_relay->publish(Envelope::create("incident.created", "incidents", QJsonObject{{"n", 2}}));

    RawClient client(m_relay->url());
    QVERIFY(client.waitConnected());
    client.subscribe("incidents");
    QTRY_COMPARE_WITH_TIMEOUT(client.ofType("subscribed").size(), 1, kWaitMs);
    const QJsonObject sub = client.ofType("subscribed").first().payload.toObject();
    QCOMPARE(sub.value("channel").toString(), QStringLiteral("incidents"));
    QCOMPARE(sub.value("head").toInteger(), 2);
    QCOMPARE(sub.value("replayed").toInt(), 0);
    QCOMPARE(sub.value("recovered").toBool(), true);

    m_relay->publish(Envelope::create("incident.updated", "incidents", QJsonObject{{"n", 3}}));
    m_relay->publish(Envelope::create("chat.message", "chat", QJsonObject{})); // not subscribed
    QTRY_COMPARE_WITH_TIMEOUT(client.onChannel("incidents").size(), 1, kWaitMs);
    QCOMPARE(client.onChannel("incidents").first().seq, 3);
    QCOMPARE(client.onChannel("chat").size(), 0);
}

void TestRelay::clientMessageIsAckedStampedAndDeduplicated()
{
    RawClient sender(m_relay->url());
    RawClient watcher(m_relay->url());
    QVERIFY(sender.waitConnected());
    QVERIFY(watcher.waitConnected());
    watcher.subscribe("chat");
    QTRY_COMPARE_WITH_TIMEOUT(watcher.ofType("subscribed").size(), 1, kWaitMs);

    const Envelope message =
        Envelope::create("chat.message", "chat", QJsonObject{{"content", "hi"}});
    sender.sendEnvelope(message);
    QTRY_COMPARE_WITH_TIMEOUT(sender.ofType("ack").size(), 1, kWaitMs);
    QCOMPARE(sender.ofType("ack").first().payload.toObject().value("id").toString(), message.id);
    QTRY_COMPARE_WITH_TIMEOUT(watcher.onChannel("chat").size(), 1, kWaitMs);
    const Envelope fanned = watcher.onChannel("chat").first();
    QCOMPARE(fanned.id, message.id);
    QCOMPARE(fanned.seq, 1);
    QCOMPARE(fanned.payload, message.payload);

    // A re-send after a lost ack: acked again, never fanned out twice.
    sender.sendEnvelope(message);
    QTRY_COMPARE_WITH_TIMEOUT(sender.ofType("ack").size(), 2, kWaitMs);
    const Envelope other = Envelope::create("chat.message", "chat", QJsonObject{{"content", "2"}});
    sender.sendEnvelope(other);
    QTRY_COMPARE_WITH_TIMEOUT(watcher.onChannel("chat").size(), 2, kWaitMs);
    QCOMPARE(watcher.onChannel("chat").at(1).id, other.id);
    QCOMPARE(watcher.onChannel("chat").at(1).seq, 2);
    QCOMPARE(m_relay->head("chat"), 2);

    // A client message without an id cannot be de-duplicated: refused.
    sender.sendJson({{"type", "chat.message"}, {"channel", "chat"}, {"payload", "x"}});
    QTRY_COMPARE_WITH_TIMEOUT(sender.ofType("error").size(), 1, kWaitMs);
    QCOMPARE(sender.ofType("error").first().payload.toObject().value("code").toString(),
             QStringLiteral("bad_message"));
    QCOMPARE(m_relay->head("chat"), 2);
}

void TestRelay::replayAfterReconnectHasNoGapAndNoDuplicate()
{
    for (int i = 1; i <= 5; ++i)
        m_relay->publish(Envelope::create("log.entry", "logs", QJsonObject{{"n", i}}));
    RawClient client(m_relay->url());
    QVERIFY(client.waitConnected());
    client.subscribe("logs", 2);
    QTRY_COMPARE_WITH_TIMEOUT(client.ofType("subscribed").size(), 1, kWaitMs);
    const QList<Envelope> replayed = client.onChannel("logs");
    QCOMPARE(replayed.size(), 3);
    QCOMPARE(replayed.at(0).seq, 3);
    QCOMPARE(replayed.at(2).seq, 5);
    const QJsonObject sub = client.ofType("subscribed").first().payload.toObject();
    QCOMPARE(sub.value("replayed").toInt(), 3);
    QCOMPARE(sub.value("head").toInteger(), 5);
    QCOMPARE(sub.value("recovered").toBool(), true);
}

void TestRelay::replayBeyondHistoryIsNotRecovered()
{
    vigil::RelayConfig config;
    config.historySize = 3;
    m_relay = startRelay(config);
    for (int i = 1; i <= 10; ++i)
        m_relay->publish(Envelope::create("log.entry", "logs", QJsonObject{{"n", i}}));
    RawClient client(m_relay->url());
    QVERIFY(client.waitConnected());
    client.subscribe("logs", 2);
    QTRY_COMPARE_WITH_TIMEOUT(client.ofType("subscribed").size(), 1, kWaitMs);
    const QJsonObject sub = client.ofType("subscribed").first().payload.toObject();
    QCOMPARE(sub.value("recovered").toBool(), false);
    QCOMPARE(sub.value("replayed").toInt(), 3); // what history still has: 8, 9, 10
    QCOMPARE(client.onChannel("logs").first().seq, 8);
}

void TestRelay::malformedFramesGetErrorsThenClose()
{
    vigil::RelayConfig config;
    config.maxBadFrames = 3;
    m_relay = startRelay(config);
    RawClient client(m_relay->url());
    QVERIFY(client.waitConnected());
    client.socket.sendTextMessage("this is not json");
    QTRY_COMPARE_WITH_TIMEOUT(client.ofType("error").size(), 1, kWaitMs);
    const QJsonObject error = client.ofType("error").first().payload.toObject();
    QCOMPARE(error.value("code").toString(), QStringLiteral("bad_message"));
    QVERIFY(error.value("message").toString().contains("not valid JSON"));

    // A good frame in between resets the count; three bad ones in a row close the connection.
    client.sendJson({{"type", "ping"}, {"payload", QJsonObject{}}});
    QTRY_COMPARE_WITH_TIMEOUT(client.ofType("pong").size(), 1, kWaitMs);
    QSignalSpy closed(&client.socket, &QWebSocket::disconnected);
    client.socket.sendTextMessage("[]");
    client.socket.sendTextMessage("{\"no\":\"type\"}");
    client.socket.sendTextMessage("42");
    QVERIFY(closed.wait(kWaitMs));
    QCOMPARE(client.socket.closeCode(), QWebSocketProtocol::CloseCodePolicyViolated);
}

void TestRelay::unknownSystemTypeIsAnError()
{
    RawClient client(m_relay->url());
    QVERIFY(client.waitConnected());
    client.sendJson({{"id", "x1"}, {"type", "teleport"}, {"channel", "system"}});
    QTRY_COMPARE_WITH_TIMEOUT(client.ofType("error").size(), 1, kWaitMs);
    const QJsonObject error = client.ofType("error").first().payload.toObject();
    QCOMPARE(error.value("code").toString(), QStringLiteral("unknown_type"));
    QCOMPARE(error.value("ref").toString(), QStringLiteral("x1"));
}

void TestRelay::wrongPathIsRefused()
{
    QUrl url = m_relay->url();
    url.setPath("/other");
    RawClient client(url);
    QSignalSpy failed(&client.socket, qOverload<QAbstractSocket::SocketError>(&QWebSocket::error));
    QVERIFY(failed.wait(kWaitMs));
    QVERIFY2(client.socket.errorString().contains("404"), qPrintable(client.socket.errorString()));
    QCOMPARE(client.ofType("welcome").size(), 0);
    QCOMPARE(m_relay->clientCount(), 0);
}

void TestRelay::demoDataArrivesOnEveryChannel()
{
    vigil::RelayConfig config;
    config.demo = true;
    config.demoLogRate = 20;
    m_relay = startRelay(config);
    RawClient client(m_relay->url());
    QVERIFY(client.waitConnected());
    QJsonArray channels;
    for (const QString &c : vigil::knownChannels())
        channels.append(QJsonObject{{"name", c}, {"since", 0}});
    client.sendEnvelope(
        Envelope::create("subscribe", "system", QJsonObject{{"channels", channels}}));
    for (const char *channel :
         {"incidents", "agents", "chat", "alerts", "activity", "logs", "metrics"}) {
        QTRY_VERIFY2_WITH_TIMEOUT(!client.onChannel(QString::fromLatin1(channel)).isEmpty(),
                                  channel, 15000);
    }
    // Every channel's sequence is gap-free and increasing.
    for (const QString &channel : vigil::knownChannels()) {
        const QList<Envelope> got = client.onChannel(channel);
        for (int i = 1; i < got.size(); ++i)
            QCOMPARE(got.at(i).seq, got.at(i - 1).seq + 1);
    }
}

void TestRelay::stopClosesClientsWithGoingAway()
{
    RawClient client(m_relay->url());
    QVERIFY(client.waitConnected());
    QTRY_COMPARE_WITH_TIMEOUT(m_relay->clientCount(), 1, kWaitMs);
    QSignalSpy closed(&client.socket, &QWebSocket::disconnected);
    m_relay->stop();
    QVERIFY(closed.wait(kWaitMs));
    QCOMPARE(client.socket.closeCode(), QWebSocketProtocol::CloseCodeGoingAway);
}

namespace {

QString writeTokens(QTemporaryDir &dir)
{
    const QString path = dir.filePath("tokens.json");
    QFile file(path);
    file.open(QIODevice::WriteOnly);
    file.write(R"({ "tokens": [
      { "token": "s3cret-operator", "user": "alice", "role": "operator", "read": ["*"], "write": ["chat", "incidents"] },
      { "token": "s3cret-viewer", "user": "bob", "role": "viewer", "read": ["incidents", "alerts"], "write": [] }
    ] })");
    return path;
}

QNetworkRequest withHeaders(const QUrl &url, const QByteArray &token, const QByteArray &origin = {})
{
    QNetworkRequest request(url);
    if (!token.isEmpty())
        request.setRawHeader("Authorization", "Bearer " + token);
    if (!origin.isEmpty())
        request.setRawHeader("Origin", origin);
    return request;
}

} // namespace

void TestRelay::tokensAuthenticateAndAuthorize()
{
    QTemporaryDir dir;
    vigil::RelayConfig config;
    config.tokensFile = writeTokens(dir);
    m_relay = startRelay(config);

    RawClient none(m_relay->url());
    QCOMPARE(none.waitClosed(), 4401);
    RawClient wrong(withHeaders(m_relay->url(), "not-a-token"));
    QCOMPARE(wrong.waitClosed(), 4401);
    QCOMPARE(wrong.ofType("welcome").size(), 0);

    RawClient alice(withHeaders(m_relay->url(), "s3cret-operator"));
    QTRY_COMPARE_WITH_TIMEOUT(alice.ofType("welcome").size(), 1, kWaitMs);
    QCOMPARE(alice.ofType("welcome").first().payload.toObject().value("user").toString(),
             QStringLiteral("alice"));
    QUrl viaQuery = m_relay->url();
    viaQuery.setQuery("token=s3cret-viewer");
    RawClient bob(viaQuery); // browsers cannot set headers
    QTRY_COMPARE_WITH_TIMEOUT(bob.ofType("welcome").size(), 1, kWaitMs);

    // bob may not read chat: an error, and none of its messages.
    bob.subscribe("chat");
    bob.subscribe("incidents");
    QTRY_COMPARE_WITH_TIMEOUT(bob.ofType("subscribed").size(), 1, kWaitMs);
    QCOMPARE(bob.ofType("error").size(), 1);
    QCOMPARE(bob.ofType("error").first().payload.toObject().value("code").toString(),
             QStringLiteral("forbidden_channel"));
    alice.subscribe("chat");
    QTRY_COMPARE_WITH_TIMEOUT(alice.ofType("subscribed").size(), 1, kWaitMs);
    alice.sendEnvelope(Envelope::create("chat.message", "chat", QJsonObject{{"c", "hi"}}));
    QTRY_COMPARE_WITH_TIMEOUT(alice.onChannel("chat").size(), 1, kWaitMs);
    QCOMPARE(bob.onChannel("chat").size(), 0);

    // bob may not write at all: refused, nothing fanned out.
    bob.sendEnvelope(Envelope::create("incident.updated", "incidents", QJsonObject{}));
    QTRY_COMPARE_WITH_TIMEOUT(bob.ofType("error").size(), 2, kWaitMs);
    QCOMPARE(bob.ofType("error").last().payload.toObject().value("code").toString(),
             QStringLiteral("forbidden_channel"));
    QCOMPARE(m_relay->head("incidents"), 0);
}

void TestRelay::malformedTokensFileStopsTheStart_data()
{
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<QString>("message");
    QTest::newRow("not json") << QByteArray("{tokens:") << "is not valid JSON";
    QTest::newRow("no array") << QByteArray(R"({"tokens": 5})")
                              << "must be an object with a \"tokens\" array";
    QTest::newRow("missing token")
        << QByteArray(R"({"tokens": [{"user": "a"}]})") << "tokens[0] needs a non-empty \"token\"";
    QTest::newRow("missing user") << QByteArray(R"({"tokens": [{"token": "t"}]})")
                                  << "tokens[0] needs a non-empty \"user\"";
    QTest::newRow("bad read") << QByteArray(
                                     R"({"tokens": [{"token": "t", "user": "a", "read": "chat"}]})")
                              << "tokens[0].read must be an array";
    QTest::newRow("duplicate")
        << QByteArray(R"({"tokens": [{"token": "t", "user": "a"}, {"token": "t", "user": "b"}]})")
        << "tokens[1] repeats a token";
    QTest::newRow("empty") << QByteArray(R"({"tokens": []})") << "lists no tokens";
}

void TestRelay::malformedTokensFileStopsTheStart()
{
    QFETCH(QByteArray, content);
    QFETCH(QString, message);
    QTemporaryDir dir;
    QFile file(dir.filePath("tokens.json"));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(content);
    file.close();
    vigil::RelayConfig config;
    config.tokensFile = file.fileName();
    vigil::Relay relay(config);
    QString error;
    QVERIFY(!relay.start(&error));
    QVERIFY2(error.contains(message), qPrintable(error));
    QVERIFY(!error.contains("s3cret"));
}

void TestRelay::nonLoopbackWithoutTokensIsRefused()
{
    vigil::RelayConfig config;
    config.host = QHostAddress::AnyIPv4;
    vigil::Relay relay(config);
    QString error;
    QVERIFY(!relay.start(&error));
    QVERIFY2(error.startsWith("refusing to listen on 0.0.0.0 without authentication"),
             qPrintable(error));
    QCOMPARE(relay.port(), 0);
}

void TestRelay::originAllowlist()
{
    vigil::RelayConfig config;
    config.allowedOrigins = {"https://console.example"};
    m_relay = startRelay(config);
    RawClient allowed(withHeaders(m_relay->url(), {}, "https://console.example"));
    QTRY_COMPARE_WITH_TIMEOUT(allowed.ofType("welcome").size(), 1, kWaitMs);
    RawClient noOrigin(m_relay->url()); // not a browser
    QTRY_COMPARE_WITH_TIMEOUT(noOrigin.ofType("welcome").size(), 1, kWaitMs);
    RawClient evil(withHeaders(m_relay->url(), {}, "https://evil.example"));
    QCOMPARE(evil.waitClosed(), 4403);
    QCOMPARE(evil.ofType("welcome").size(), 0);
}

void TestRelay::oversizeMessageClosesWith1009()
{
    vigil::RelayConfig config;
    config.maxMessageBytes = 1024;
    m_relay = startRelay(config);
    RawClient client(m_relay->url());
    QVERIFY(client.waitConnected());
    QTRY_COMPARE_WITH_TIMEOUT(client.ofType("welcome").size(), 1, kWaitMs);
    QCOMPARE(client.ofType("welcome").first().payload.toObject().value("maxMessageBytes").toInt(),
             1024);
    client.sendEnvelope(Envelope::create("chat.message", "chat", QString(4096, 'x')));
    QCOMPARE(client.waitClosed(), int(QWebSocketProtocol::CloseCodeTooMuchData));
}

void TestRelay::floodIsRateLimitedWhileOthersKeepReceiving()
{
    vigil::RelayConfig config;
    config.rateLimit = 20;
    config.rateBurst = 10;
    m_relay = startRelay(config);
    RawClient good(m_relay->url());
    QVERIFY(good.waitConnected());
    good.subscribe("chat");
    QTRY_COMPARE_WITH_TIMEOUT(good.ofType("subscribed").size(), 1, kWaitMs);
    RawClient flooder(m_relay->url());
    QVERIFY(flooder.waitConnected());
    for (int i = 0; i < 200; ++i)
        flooder.sendJson({{"type", "ping"}, {"payload", QJsonObject{{"i", i}}}});
    QCOMPARE(flooder.waitClosed(), 4429);
    QVERIFY(!flooder.ofType("error").isEmpty());
    QCOMPARE(flooder.ofType("error").first().payload.toObject().value("code").toString(),
             QStringLiteral("rate_limited"));
    QVERIFY(flooder.ofType("pong").size() <= 15); // the burst, and little more
    for (int i = 0; i < 50; ++i)
        m_relay->publish(Envelope::create("chat.message", "chat", QJsonObject{{"i", i}}));
    QTRY_COMPARE_WITH_TIMEOUT(good.onChannel("chat").size(), 50, kWaitMs);
}

void TestRelay::connectionLimit()
{
    vigil::RelayConfig config;
    config.maxConnections = 2;
    m_relay = startRelay(config);
    RawClient a(m_relay->url());
    RawClient b(m_relay->url());
    QTRY_COMPARE_WITH_TIMEOUT(m_relay->clientCount(), 2, kWaitMs);
    RawClient c(m_relay->url());
    QCOMPARE(c.waitClosed(), 4503);
    QCOMPARE(m_relay->clientCount(), 2);
}

void TestRelay::slowReaderIsDroppedWhileOthersKeepReceiving()
{
    vigil::RelayConfig config;
    config.maxBufferedBytes = 256 * 1024; // behind by more than this...
    config.maxLagMs = 500;                // ...for this long: dropped
    m_relay = startRelay(config);
    vigil::test::FaultProxy proxy(m_relay->port());
    QVERIFY(proxy.listen());
    QUrl slowUrl = m_relay->url();
    slowUrl.setPort(proxy.port());
    RawClient slow(slowUrl);
    RawClient good(m_relay->url());
    QVERIFY(slow.waitConnected());
    QVERIFY(good.waitConnected());
    slow.subscribe("logs");
    good.subscribe("logs");
    QTRY_COMPARE_WITH_TIMEOUT(slow.ofType("subscribed").size(), 1, kWaitMs);
    QTRY_COMPARE_WITH_TIMEOUT(good.ofType("subscribed").size(), 1, kWaitMs);
    proxy.setStall(vigil::test::FaultProxy::ServerToClient, true); // `slow` stops reading
    const QString big(60 * 1024, 'l');
    int published = 0;
    // Publish until the relay gives up on the slow reader (its buffers fill up), within reason.
    while (m_relay->clientCount() == 2 && published < 2000) {
        m_relay->publish(Envelope::create("log.entry", "logs", QJsonObject{{"message", big}}));
        ++published;
        // `good` lives in this process too: let it read everything before the next message,
        // so only the stalled client falls behind.
        QTRY_COMPARE_WITH_TIMEOUT(good.onChannel("logs").size(), published, kWaitMs);
    }
    QTRY_COMPARE_WITH_TIMEOUT(m_relay->clientCount(), 1, kWaitMs);
    QVERIFY2(published < 2000, "the slow reader was never dropped");
    QTRY_COMPARE_WITH_TIMEOUT(good.onChannel("logs").size(), published, 60000);
}

void TestRelay::deadConnectionIsClosedWith4408()
{
    vigil::RelayConfig config;
    config.heartbeatMs = 50;
    config.cleanupIntervalMs = 50;
    config.deadAfterMs = 300;
    m_relay = startRelay(config);
    vigil::test::FaultProxy proxy(m_relay->port());
    QVERIFY(proxy.listen());
    QUrl viaProxy = m_relay->url();
    viaProxy.setPort(proxy.port());
    RawClient vanishing(viaProxy);
    RawClient alive(m_relay->url());
    QVERIFY(vanishing.waitConnected());
    QVERIFY(alive.waitConnected());
    QTRY_COMPARE_WITH_TIMEOUT(m_relay->clientCount(), 2, kWaitMs);
    proxy.setBlackhole(vigil::test::FaultProxy::Both, true); // gone without a trace
    QTRY_COMPARE_WITH_TIMEOUT(m_relay->clientCount(), 1, kWaitMs);
    // The live one answers pings and stays, with its health on record.
    QTRY_VERIFY_WITH_TIMEOUT(!m_relay->sessionsJson()
                                  .value("sessions")
                                  .toArray()
                                  .first()
                                  .toObject()
                                  .value("latencyMs")
                                  .toArray()
                                  .isEmpty(),
                             kWaitMs);
    const QJsonObject s = m_relay->sessionsJson().value("sessions").toArray().first().toObject();
    QCOMPARE(s.value("isAlive").toBool(), true);
    QVERIFY(s.value("lastHeartbeat").toInteger() > 0);
    QVERIFY(s.contains("missedHeartbeats") && s.contains("connectedAt") &&
            s.contains("messagesIn"));
    QCOMPARE(alive.socket.state(), QAbstractSocket::ConnectedState);
}

void TestRelay::historyAndSeqSurviveARestart()
{
    QTemporaryDir dir;
    vigil::RelayConfig config;
    config.dataDir = dir.path();
    config.historySize = 3;
    {
        auto relay = startRelay(config);
        for (int i = 1; i <= 5; ++i)
            relay->publish(Envelope::create("chat.message", "chat", QJsonObject{{"n", i}}));
    } // stopped cleanly: history flushed
    m_relay = startRelay(config);
    QCOMPARE(m_relay->head("chat"), 5);
    RawClient client(m_relay->url());
    QVERIFY(client.waitConnected());
    client.subscribe("chat", 3);
    QTRY_COMPARE_WITH_TIMEOUT(client.ofType("subscribed").size(), 1, kWaitMs);
    QCOMPARE(client.onChannel("chat").size(), 2);
    QCOMPARE(client.onChannel("chat").at(0).payload.toObject().value("n").toInt(), 4);
    QCOMPARE(client.ofType("subscribed").first().payload.toObject().value("recovered").toBool(),
             true);
    QCOMPARE(m_relay->publish(Envelope::create("chat.message", "chat", QJsonObject{})).seq, 6);
}

void TestRelay::crashMovesSeqAhead()
{
    QTemporaryDir dir;
    const QString path = dir.filePath("relay.sqlite");
    QString firstEpoch;
    {
        vigil::RelayStore store;
        QString error;
        QVERIFY(store.open(path, &error));
        QHash<QString, qint64> heads;
        QHash<QString, std::deque<Envelope>> history;
        QVERIFY(store.load(10, &heads, &history));
        firstEpoch = store.epoch();
        Envelope e = Envelope::create("t", "chat");
        e.seq = 7;
        store.append(e);
        QVERIFY(store.flush(10));
        // no close(): the process "crashed"
    }
    QVERIFY(!firstEpoch.isEmpty());
    vigil::RelayStore store;
    QString error;
    QVERIFY(store.open(path, &error));
    QHash<QString, qint64> heads;
    QHash<QString, std::deque<Envelope>> history;
    QVERIFY(store.load(10, &heads, &history));
    QCOMPARE(heads.value("chat"), 7 + vigil::RelayStore::kCrashGap);
    QCOMPARE(int(history.value("chat").size()), 1);
    // The history survived the crash, so its name does too.
    QCOMPARE(store.epoch(), firstEpoch);
}

void TestRelay::subscribedCarriesTheWelcomeEpoch()
{
    for (int i = 1; i <= 3; ++i)
        m_relay->publish(Envelope::create("log.entry", "logs", QJsonObject{{"n", i}}));
    RawClient client(m_relay->url());
    QTRY_COMPARE_WITH_TIMEOUT(client.ofType("welcome").size(), 1, kWaitMs);
    const QString epoch =
        client.ofType("welcome").first().payload.toObject().value("epoch").toString();
    QVERIFY(!epoch.isEmpty());
    client.subscribe("incidents");  // live only
    client.subscribe("logs", 1);    // with a replay
    client.subscribe("alerts", 40); // ahead of the relay: not recovered
    QTRY_COMPARE_WITH_TIMEOUT(client.ofType("subscribed").size(), 3, kWaitMs);
    for (const Envelope &sub : client.ofType("subscribed"))
        QCOMPARE(sub.payload.toObject().value("epoch").toString(), epoch);
    QCOMPARE(client.ofType("subscribed").at(1).payload.toObject().value("replayed").toInt(), 2);
    QCOMPARE(client.ofType("subscribed").at(2).payload.toObject().value("recovered").toBool(),
             false);
}

void TestRelay::relaysWithoutDataDirHaveDifferentEpochs()
{
    auto other = startRelay();
    const QString first = welcomeEpoch(*m_relay);
    const QString second = welcomeEpoch(*other);
    QVERIFY(!first.isEmpty());
    QVERIFY(!second.isEmpty());
    QVERIFY2(first != second, qPrintable(first));
    // A restart without a data dir is a new relay with an empty history: a new epoch too.
    m_relay = startRelay();
    const QString third = welcomeEpoch(*m_relay);
    QVERIFY(!third.isEmpty());
    QVERIFY(third != first && third != second);
}

void TestRelay::epochSurvivesARestartWithItsHistory()
{
    QTemporaryDir dir;
    vigil::RelayConfig config;
    config.dataDir = dir.path();
    QString epoch;
    {
        auto relay = startRelay(config);
        epoch = welcomeEpoch(*relay);
        QVERIFY(!epoch.isEmpty());
        for (int i = 1; i <= 3; ++i)
            relay->publish(Envelope::create("chat.message", "chat", QJsonObject{{"n", i}}));
    }
    m_relay = startRelay(config);
    QCOMPARE(m_relay->head("chat"), 3);
    QCOMPARE(welcomeEpoch(*m_relay), epoch);
    RawClient client(m_relay->url());
    QVERIFY(client.waitConnected());
    client.subscribe("chat", 1);
    QTRY_COMPARE_WITH_TIMEOUT(client.ofType("subscribed").size(), 1, kWaitMs);
    const QJsonObject sub = client.ofType("subscribed").first().payload.toObject();
    QCOMPARE(sub.value("epoch").toString(), epoch);
    QCOMPARE(sub.value("replayed").toInt(), 2);
}

void TestRelay::newHistoryGetsANewEpoch_data()
{
    QTest::addColumn<QString>("how");
    QTest::newRow("data dir deleted") << "delete";
    QTest::newRow("store damaged and replaced") << "damage";
    QTest::newRow("history tables emptied") << "empty";
}

void TestRelay::newHistoryGetsANewEpoch()
{
    QFETCH(QString, how);
    QTemporaryDir dir;
    vigil::RelayConfig config;
    config.dataDir = dir.filePath("data");
    QString before;
    {
        auto relay = startRelay(config);
        before = welcomeEpoch(*relay);
        relay->publish(Envelope::create("chat.message", "chat", QJsonObject{}));
    }
    QVERIFY(!before.isEmpty());
    const QString path = config.dataDir + "/relay.sqlite";
    if (how == "damage") {
        QFile::remove(path + "-wal");
        QFile::remove(path + "-shm");
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
        file.write(QByteArray(8192, 'x'));
    } else if (how == "empty") {
        // Wiped by hand: the file and its epoch stay, the history is gone.
        QSqlDatabase db = QSqlDatabase::addDatabase("QSQLITE", "tst_relay-wipe");
        db.setDatabaseName(path);
        QVERIFY(db.open());
        QSqlQuery q(db);
        QVERIFY(q.exec("DELETE FROM history"));
        QVERIFY(q.exec("DELETE FROM heads"));
        q.finish();
        db.close();
    } else {
        QVERIFY(QDir(config.dataDir).removeRecursively());
    }
    QSqlDatabase::removeDatabase("tst_relay-wipe");

    m_relay = startRelay(config);
    QCOMPARE(m_relay->head("chat"), 0); // the history starts empty...
    const QString after = welcomeEpoch(*m_relay);
    QVERIFY(!after.isEmpty());
    QVERIFY2(after != before, qPrintable(after)); // ...so under a new name
    if (how == "damage") {
        const QStringList aside =
            QDir(config.dataDir).entryList({"relay.sqlite.corrupt-*"}, QDir::Files);
        QCOMPARE(aside.size(), 1);
    }
    // The new history keeps its new name from now on.
    m_relay->publish(Envelope::create("chat.message", "chat", QJsonObject{}));
    m_relay.reset(); // stopped before the next one opens the same store
    m_relay = startRelay(config);
    QCOMPARE(m_relay->head("chat"), 1);
    QCOMPARE(welcomeEpoch(*m_relay), after);
}

void TestRelay::storeWithoutEpochKeepsItsHistoryUnderANewOne()
{
    QTemporaryDir dir;
    const QString path = dir.filePath("relay.sqlite");
    {
        vigil::RelayStore store;
        QString error;
        QVERIFY2(store.open(path, &error), qPrintable(error));
        QHash<QString, qint64> heads;
        QHash<QString, std::deque<Envelope>> history;
        QVERIFY(store.load(10, &heads, &history));
        for (qint64 seq = 1; seq <= 4; ++seq) {
            Envelope e = Envelope::create("chat.message", "chat", QJsonObject{{"n", seq}});
            e.seq = seq;
            store.append(e);
        }
        store.close(10);
    }
    {
        // What a relay from before epochs left behind: the same schema, no epoch.
        QSqlDatabase db = QSqlDatabase::addDatabase("QSQLITE", "tst_relay-old-store");
        db.setDatabaseName(path);
        QVERIFY(db.open());
        QSqlQuery q(db);
        QVERIFY(q.exec("DELETE FROM state WHERE key = 'epoch'"));
        QCOMPARE(q.numRowsAffected(), 1);
        q.finish();
        db.close();
    }
    QSqlDatabase::removeDatabase("tst_relay-old-store");

    vigil::RelayConfig config;
    config.dataDir = dir.path();
    m_relay = startRelay(config);
    QCOMPARE(m_relay->head("chat"), 4);
    const QString epoch = welcomeEpoch(*m_relay);
    QVERIFY(!epoch.isEmpty());
    RawClient client(m_relay->url());
    QVERIFY(client.waitConnected());
    client.subscribe("chat", 2);
    QTRY_COMPARE_WITH_TIMEOUT(client.ofType("subscribed").size(), 1, kWaitMs);
    QCOMPARE(client.ofType("subscribed").first().payload.toObject().value("replayed").toInt(), 2);
    QCOMPARE(client.ofType("subscribed").first().payload.toObject().value("epoch").toString(),
             epoch);
    // Made once, then kept.
    m_relay.reset();
    m_relay = startRelay(config);
    QCOMPARE(welcomeEpoch(*m_relay), epoch);
}

void TestRelay::bearerSchemeIsCaseInsensitive_data()
{
    QTest::addColumn<QByteArray>("header");
    QTest::addColumn<QString>("token");
    QTest::newRow("Bearer") << QByteArray("Bearer abc") << "abc";
    QTest::newRow("bearer") << QByteArray("bearer abc") << "abc";
    QTest::newRow("BEARER, tab") << QByteArray("BEARER\tabc") << "abc";
    QTest::newRow("spaces around") << QByteArray("  bEaReR   abc  ") << "abc";
    QTest::newRow("Basic") << QByteArray("Basic abc") << "";
    QTest::newRow("BearerX") << QByteArray("Bearerabc") << "";
    QTest::newRow("scheme only") << QByteArray("Bearer") << "";
}

void TestRelay::bearerSchemeIsCaseInsensitive()
{
    QFETCH(QByteArray, header);
    QFETCH(QString, token);
    QCOMPARE(vigil::bearerToken(header), token);
}

void TestRelay::rateLimitPerPrincipal()
{
    vigil::RelayConfig config;
    config.rateLimit = 1;
    config.rateBurst = 20;
    m_relay = startRelay(config);
    vigil::Principal alice = vigil::Principal::anonymous();
    alice.user = "alice";
    vigil::Principal bob = alice;
    bob.user = "bob";
    QVERIFY(m_relay->consumeRate(alice, 15));
    QVERIFY(!m_relay->consumeRate(alice, 10)); // 5 left: nothing is taken...
    QVERIFY(m_relay->consumeRate(alice, 5));   // ...so these 5 still pass
    QVERIFY(!m_relay->consumeRate(alice, 2));
    QVERIFY(m_relay->consumeRate(alice, 0));
    QVERIFY(m_relay->consumeRate(bob, 20)); // a budget of its own
}

void TestRelay::replayApiAnswersInPages()
{
    vigil::RelayConfig config;
    config.replayPageBytes = 1000;
    m_relay = startRelay(config);
    for (int i = 1; i <= 10; ++i) {
        m_relay->publish(
            Envelope::create("log.entry", "logs", QJsonObject{{"m", QString(200, 'r')}}));
    }
    qint64 since = 0;
    QList<qint64> seqs;
    for (int page = 0; page < 20; ++page) {
        bool recovered = false;
        bool more = false;
        const QList<Envelope> got = m_relay->replay("logs", since, &recovered, &more);
        QVERIFY(recovered);
        QVERIFY(!got.isEmpty());
        qint64 bytes = 0;
        for (const Envelope &e : got) {
            bytes += e.serialize().size();
            seqs << e.seq;
        }
        QVERIFY2(bytes <= 1000 || got.size() == 1, qPrintable(QString::number(bytes)));
        if (!more)
            break;
        since = got.last().seq;
    }
    QCOMPARE(seqs.size(), 10);
    QCOMPARE(seqs.first(), 1);
    QCOMPARE(seqs.last(), 10);
    // A page of at least one message, whatever the budget; none with a budget of 0.
    bool recovered = false;
    bool more = false;
    QCOMPARE(m_relay->replay("logs", 0, &recovered, &more, 1).size(), 1);
    QVERIFY(more);
    QCOMPARE(m_relay->replay("logs", 0, &recovered, &more, 0).size(), 0);
    QVERIFY(more);
    QCOMPARE(m_relay->replay("logs", 9, &recovered, &more, 0).size(), 0);
    QVERIFY(more);
    QCOMPARE(m_relay->replay("logs", 10, &recovered, &more).size(), 0);
    QVERIFY(!more);
}

void TestRelay::sizeLimitAppliesToTheEnvelopeAsSent()
{
    vigil::RelayConfig config;
    config.maxMessageBytes = 1024;
    m_relay = startRelay(config);
    Envelope message = Envelope::create("chat.message", "chat", QString());
    message.payload = QString(1024 - int(message.serialize().size()), 'x');
    QCOMPARE(message.serialize().size(), 1024);
    const Envelope answer = m_relay->acceptClientMessage(vigil::Principal::anonymous(), message);
    QCOMPARE(answer.type, QStringLiteral("error"));
    QCOMPARE(answer.payload.toObject().value("code").toString(), QStringLiteral("too_large"));
    QCOMPARE(answer.payload.toObject().value("ref").toString(), message.id);
    QCOMPARE(m_relay->head("chat"), 0);
    // Not remembered either: a smaller message under the same id is taken.
    message.payload = QString("small");
    const Envelope ack = m_relay->acceptClientMessage(vigil::Principal::anonymous(), message);
    QCOMPARE(ack.type, QStringLiteral("ack"));
    QCOMPARE(m_relay->head("chat"), 1);
    // Server-side publishes obey it too.
    QCOMPARE(m_relay->publish(Envelope::create("t", "chat", QString(2000, 'y'))).seq, -1);
    QCOMPARE(m_relay->head("chat"), 1);
}

void TestRelay::crashGapKeepsOlderHistoryOnDisk()
{
    QTemporaryDir dir;
    const QString path = dir.filePath("relay.sqlite");
    {
        vigil::RelayStore store;
        QString error;
        QVERIFY(store.open(path, &error));
        QHash<QString, qint64> heads;
        QHash<QString, std::deque<Envelope>> history;
        QVERIFY(store.load(10, &heads, &history));
        for (qint64 seq = 1; seq <= 3; ++seq) {
            Envelope e = Envelope::create("t", "chat");
            e.seq = seq;
            store.append(e);
        }
        QVERIFY(store.flush(10));
    } // crashed
    {
        vigil::RelayStore store;
        QString error;
        QVERIFY(store.open(path, &error));
        QHash<QString, qint64> heads;
        QHash<QString, std::deque<Envelope>> history;
        QVERIFY(store.load(10, &heads, &history));
        QCOMPARE(heads.value("chat"), 3 + vigil::RelayStore::kCrashGap);
        Envelope e = Envelope::create("t", "chat");
        e.seq = heads.value("chat") + 1;
        store.append(e);
        QVERIFY(store.flush(10)); // trims to the newest 10 rows, not to seq > head - 10
        store.close(10);
    }
    vigil::RelayStore store;
    QString error;
    QVERIFY(store.open(path, &error));
    QHash<QString, qint64> heads;
    QHash<QString, std::deque<Envelope>> history;
    QVERIFY(store.load(10, &heads, &history));
    QCOMPARE(int(history.value("chat").size()), 4);
    QCOMPARE(history.value("chat").front().seq, 1);
}

QTEST_GUILESS_MAIN(TestRelay)
#include "tst_relay.moc"
