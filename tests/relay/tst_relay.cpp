// The relay over a real loopback socket, spoken to by a plain QWebSocket client that knows
// only the protocol page: welcome, ping/pong, subscribe with replay, acks, de-duplication,
// fan-out, malformed frames.
#include "protocol/envelope.h"
#include "relay/relay.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QTest>
#include <QWebSocket>

#include <memory>

using vigil::Envelope;

namespace {

constexpr int kWaitMs = 10000;

/// A protocol-naive client: sends raw text, keeps every envelope it receives.
class RawClient : public QObject
{
public:
    explicit RawClient(const QUrl &url)
    {
        connect(&socket, &QWebSocket::textMessageReceived, this, [this](const QString &text) {
            const auto parsed = vigil::parseEnvelope(text.toUtf8());
            if (parsed.ok())
                received.append(parsed.envelope);
        });
        socket.open(url);
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
    QSignalSpy closed(&client.socket, &QWebSocket::disconnected);
    QVERIFY(closed.wait(kWaitMs));
    QCOMPARE(client.socket.closeCode(), QWebSocketProtocol::CloseCodePolicyViolated);
    QCOMPARE(client.ofType("welcome").size(), 0);
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

QTEST_GUILESS_MAIN(TestRelay)
#include "tst_relay.moc"
