// Relay nodes sharing their channels through a real redis-server on loopback (--broker):
// fan-out across nodes in one order, seqs strictly increasing whichever node publishes, the
// epoch kept in Redis, de-duplication across nodes, replay on another node, and Redis faults.
#include "helpers/loopback.h"
#include "helpers/redisserver.h"
#include "helpers/testsupport.h"
#include "protocol/envelope.h"
#include "relay/relay.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QWebSocket>

#include <memory>

using vigil::Envelope;
using vigil::test::kWaitMs;
using vigil::test::RedisServer;

namespace {

/// A protocol-naive client keeping every envelope it receives.
class Client : public QObject
{
public:
    explicit Client(const QUrl &url)
    {
        connect(&socket, &QWebSocket::textMessageReceived, this, [this](const QString &text) {
            const auto parsed = vigil::parseEnvelope(text.toUtf8());
            if (parsed.ok())
                received.append(parsed.envelope);
        });
        socket.open(url);
    }
    void send(const Envelope &e) { socket.sendTextMessage(QString::fromUtf8(e.serialize())); }
    bool waitOpen()
    {
        return QTest::qWaitFor([this] { return socket.state() == QAbstractSocket::ConnectedState; },
                               kWaitMs);
    }
    /// Subscribes and waits for `subscribed`; false when it does not come.
    bool subscribe(const QString &channel, qint64 since = -1)
    {
        QJsonObject entry{{"name", channel}};
        if (since >= 0)
            entry.insert("since", since);
        if (!waitOpen())
            return false;
        const qsizetype before = ofType("subscribed").size();
        send(Envelope::create("subscribe", "system", QJsonObject{{"channels", QJsonArray{entry}}}));
        return QTest::qWaitFor([&] { return ofType("subscribed").size() > before; }, kWaitMs);
    }
    [[nodiscard]] QList<Envelope> ofType(const QString &type) const
    {
        QList<Envelope> out;
        for (const Envelope &e : received) {
            if (e.type == type)
                out.append(e);
        }
        return out;
    }
    [[nodiscard]] QList<Envelope> onChannel(const QString &channel) const
    {
        QList<Envelope> out;
        for (const Envelope &e : received) {
            if (e.channel == channel)
                out.append(e);
        }
        return out;
    }
    [[nodiscard]] bool acked(const QString &id) const
    {
        for (const Envelope &e : received) {
            if (e.type == u"ack" && e.payload.toObject().value("id").toString() == id)
                return true;
        }
        return false;
    }
    [[nodiscard]] QString errorFor(const QString &id) const
    {
        for (const Envelope &e : received) {
            if (e.type == u"error" && e.payload.toObject().value("ref").toString() == id)
                return e.payload.toObject().value("code").toString();
        }
        return {};
    }

    QWebSocket socket;
    QList<Envelope> received;
};

QStringList idsOf(const QList<Envelope> &list)
{
    QStringList ids;
    for (const Envelope &e : list)
        ids.append(e.id);
    return ids;
}

QList<qint64> seqsOf(const QList<Envelope> &list)
{
    QList<qint64> seqs;
    for (const Envelope &e : list)
        seqs.append(e.seq);
    return seqs;
}

} // namespace

class TestRelayCluster : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void crossNodeFanOutInOneOrder();
    void duplicateOnAnotherNodeIsAckedNotFannedOut();
    void historyReplaysOnAnotherNode();
    void epochLivesInRedis();
    void unreachableBrokerStopsTheStart();
    void unreachableBrokerExitCode();
    void redisLostAndBackWithoutGapOrDuplicate();
    void presenceListsEveryNodesSessions();
    void cleanStopWithdrawsPresence();
    void sinceBeyondThisNodesHeadIsNotALoss();
    void unansweringRedisIsLostNotAHang();

private:
    std::unique_ptr<vigil::Relay> startNode(const QString &name, int presenceIntervalMs = 100,
                                            int brokerTimeoutMs = 2000);

    std::unique_ptr<RedisServer> m_redis;
};

void TestRelayCluster::init()
{
    m_redis = std::make_unique<RedisServer>();
    QString error;
    QVERIFY2(m_redis->start(&error, QTest::currentTestFunction() ==
                                        QByteArray("redisLostAndBackWithoutGapOrDuplicate")),
             qPrintable(error));
}

void TestRelayCluster::cleanup()
{
    m_redis.reset();
}

std::unique_ptr<vigil::Relay>
TestRelayCluster::startNode(const QString &name, int presenceIntervalMs, int brokerTimeoutMs)
{
    vigil::RelayConfig config;
    config.brokerUrl = m_redis->url();
    config.node = name;
    config.historySize = 100;
    config.presenceIntervalMs = presenceIntervalMs;
    config.brokerTimeoutMs = brokerTimeoutMs;
    auto relay = std::make_unique<vigil::Relay>(config);
    QString error;
    if (!relay->start(&error)) {
        qWarning().noquote() << "node" << name << "did not start:" << error;
        return nullptr;
    }
    return relay;
}

void TestRelayCluster::crossNodeFanOutInOneOrder()
{
    auto a = startNode("a");
    auto b = startNode("b");
    QVERIFY(a && b);
    Client onA(a->url());
    Client onB(b->url());
    QVERIFY(onA.subscribe("chat"));
    QVERIFY(onB.subscribe("chat"));

    // Publishers on both nodes, interleaved.
    Client pubA(a->url());
    Client pubB(b->url());
    QVERIFY(pubA.waitOpen() && pubB.waitOpen());
    constexpr int kEach = 25;
    QStringList sent;
    for (int i = 0; i < kEach; ++i) {
        const Envelope fromA = Envelope::create("chat.message", "chat", QJsonObject{{"n", i}});
        const Envelope fromB = Envelope::create("chat.message", "chat", QJsonObject{{"n", -i}});
        pubA.send(fromA);
        pubB.send(fromB);
        sent << fromA.id << fromB.id;
    }
    QTRY_COMPARE_WITH_TIMEOUT(onA.onChannel("chat").size(), 2 * kEach, kWaitMs);
    QTRY_COMPARE_WITH_TIMEOUT(onB.onChannel("chat").size(), 2 * kEach, kWaitMs);
    for (const QString &id : std::as_const(sent)) {
        QVERIFY2(pubA.acked(id) || pubB.acked(id), qPrintable(id));
    }
    // One order for everyone, and the seqs 1..N with no gap, whichever node stamped them.
    QCOMPARE(idsOf(onA.onChannel("chat")), idsOf(onB.onChannel("chat")));
    QList<qint64> expected;
    for (int i = 1; i <= 2 * kEach; ++i)
        expected.append(i);
    QCOMPARE(seqsOf(onA.onChannel("chat")), expected);
    QCOMPARE(seqsOf(onB.onChannel("chat")), expected);
    QCOMPARE(a->head("chat"), qint64(2 * kEach));
    QCOMPARE(b->head("chat"), qint64(2 * kEach));
    QStringList got = idsOf(onA.onChannel("chat"));
    got.sort();
    sent.sort();
    QCOMPARE(got, sent);
}

void TestRelayCluster::duplicateOnAnotherNodeIsAckedNotFannedOut()
{
    auto a = startNode("a");
    auto b = startNode("b");
    QVERIFY(a && b);
    Client watcher(a->url());
    QVERIFY(watcher.subscribe("incidents"));
    Client toA(a->url());
    Client toB(b->url());
    const Envelope message =
        Envelope::create("incident.updated", "incidents", QJsonObject{{"incidentId", "inc-1"}});
    QVERIFY(toA.waitOpen());
    toA.send(message);
    QTRY_VERIFY_WITH_TIMEOUT(toA.acked(message.id), kWaitMs);
    // The same message again on the other node, as after a failover: acked, not published.
    QVERIFY(toB.waitOpen());
    toB.send(message);
    QTRY_VERIFY_WITH_TIMEOUT(toB.acked(message.id), kWaitMs);
    const Envelope after = Envelope::create("incident.updated", "incidents", QJsonObject{});
    toB.send(after);
    QTRY_COMPARE_WITH_TIMEOUT(watcher.onChannel("incidents").size(), 2, kWaitMs);
    QCOMPARE(idsOf(watcher.onChannel("incidents")), (QStringList{message.id, after.id}));
    QCOMPARE(seqsOf(watcher.onChannel("incidents")), (QList<qint64>{1, 2}));
    QCOMPARE(b->metricsJson().value("summary").toObject().value("duplicates").toInt(), 1);
}

void TestRelayCluster::historyReplaysOnAnotherNode()
{
    auto a = startNode("a");
    QVERIFY(a);
    Client publisher(a->url());
    QVERIFY(publisher.subscribe("alerts"));
    for (int i = 1; i <= 5; ++i)
        publisher.send(Envelope::create("alert.raised", "alerts", QJsonObject{{"n", i}}));
    QTRY_COMPARE_WITH_TIMEOUT(publisher.onChannel("alerts").size(), 5, kWaitMs);

    // A node started afterwards, and one that was running meanwhile, replay the same.
    auto b = startNode("b");
    QVERIFY(b);
    Client late(b->url());
    QVERIFY(late.subscribe("alerts", 2));
    const QJsonObject subscribed = late.ofType("subscribed").last().payload.toObject();
    QCOMPARE(subscribed.value("recovered").toBool(), true);
    QCOMPARE(subscribed.value("head").toInteger(), 5);
    QCOMPARE(subscribed.value("epoch").toString(), a->epoch());
    QTRY_COMPARE_WITH_TIMEOUT(late.onChannel("alerts").size(), 3, kWaitMs);
    QCOMPARE(seqsOf(late.onChannel("alerts")), (QList<qint64>{3, 4, 5}));
    QCOMPARE(idsOf(late.onChannel("alerts")), idsOf(publisher.onChannel("alerts").mid(2)));
}

void TestRelayCluster::epochLivesInRedis()
{
    auto a = startNode("a");
    auto b = startNode("b");
    QVERIFY(a && b);
    const QString epoch = a->epoch();
    QVERIFY(!epoch.isEmpty());
    QCOMPARE(b->epoch(), epoch);
    b->publish(Envelope::create("chat.message", "chat", QJsonObject{}));
    QTRY_COMPARE_WITH_TIMEOUT(a->head("chat"), qint64(1), kWaitMs);

    // A node restart keeps the epoch, and the history.
    a.reset();
    a = startNode("a");
    QVERIFY(a);
    QCOMPARE(a->epoch(), epoch);
    QCOMPARE(a->head("chat"), qint64(1));

    // A wiped Redis starts a new history: a new node gets a new epoch, and a running node
    // learns it at its next publish, closing its clients so they start again.
    Client onB(b->url());
    QVERIFY(onB.subscribe("chat"));
    QCOMPARE(m_redis->command("FLUSHALL"), QByteArray("+OK"));
    auto c = startNode("c");
    QVERIFY(c);
    QVERIFY(c->epoch() != epoch);
    QCOMPARE(c->head("chat"), qint64(0));
    b->publish(Envelope::create("chat.message", "chat", QJsonObject{}));
    QTRY_COMPARE_WITH_TIMEOUT(b->epoch(), c->epoch(), kWaitMs);
    QTRY_COMPARE_WITH_TIMEOUT(onB.socket.state(), QAbstractSocket::UnconnectedState, kWaitMs);
    QCOMPARE(int(onB.socket.closeCode()), 1001);
    QCOMPARE(b->head("chat"), qint64(0));
    // And seqs start again under it, on every node.
    c->publish(Envelope::create("chat.message", "chat", QJsonObject{}));
    QTRY_COMPARE_WITH_TIMEOUT(b->head("chat"), qint64(1), kWaitMs);
    QTRY_COMPARE_WITH_TIMEOUT(c->head("chat"), qint64(1), kWaitMs);
}

void TestRelayCluster::unreachableBrokerStopsTheStart()
{
    vigil::RelayConfig config;
    config.brokerUrl = QStringLiteral("redis://127.0.0.1:%1").arg(vigil::test::closedPort());
    vigil::Relay relay(config);
    QString error;
    QVERIFY(!relay.start(&error));
    QVERIFY2(error.contains("cannot use the message broker " + config.brokerUrl),
             qPrintable(error));
    QCOMPARE(relay.port(), quint16(0)); // not listening

    vigil::RelayConfig bad;
    bad.brokerUrl = QStringLiteral("http://127.0.0.1:6379");
    vigil::Relay wrong(bad);
    QVERIFY(!wrong.start(&error));
    QVERIFY2(error.contains("redis://HOST"), qPrintable(error));
}

void TestRelayCluster::unreachableBrokerExitCode()
{
    QProcess relay;
    const QString url = QStringLiteral("redis://127.0.0.1:%1/0").arg(vigil::test::closedPort());
    relay.start(VIGIL_RELAY_BIN, {"--port", "0", "--broker", url});
    QVERIFY(relay.waitForFinished(kWaitMs));
    QCOMPARE(relay.exitStatus(), QProcess::NormalExit);
    QCOMPARE(relay.exitCode(), 1);
    const QString err = QString::fromUtf8(relay.readAllStandardError());
    QVERIFY2(err.contains("cannot use the message broker " + url), qPrintable(err));
    QVERIFY(relay.readAllStandardOutput().isEmpty()); // no "listening" line

    QTemporaryDir dataDir;
    relay.start(VIGIL_RELAY_BIN,
                {"--port", "0", "--broker", m_redis->url(), "--data-dir", dataDir.path()});
    QVERIFY(relay.waitForFinished(kWaitMs));
    QCOMPARE(relay.exitCode(), 2);
}

void TestRelayCluster::redisLostAndBackWithoutGapOrDuplicate()
{
    // Redis with an append-only file: its history survives its restart.
    auto a = startNode("a");
    auto b = startNode("b");
    QVERIFY(a && b);
    const QString epoch = a->epoch();
    Client onA(a->url());
    QVERIFY(onA.subscribe("logs"));
    Client pub(b->url());
    QVERIFY(pub.waitOpen());
    for (int i = 0; i < 10; ++i)
        pub.send(Envelope::create("log.entry", "logs", QJsonObject{{"n", i}}));
    QTRY_COMPARE_WITH_TIMEOUT(onA.onChannel("logs").size(), 10, kWaitMs);

    m_redis->kill();
    QTRY_COMPARE_WITH_TIMEOUT(a->healthJson().value("status").toString(), QString("degraded"),
                              kWaitMs);
    QTRY_COMPARE_WITH_TIMEOUT(b->healthJson().value("status").toString(), QString("degraded"),
                              kWaitMs);
    // Meanwhile publishing is refused, said so to the client, and replays still work.
    const Envelope refused = Envelope::create("log.entry", "logs", QJsonObject{{"n", -1}});
    pub.send(refused);
    QTRY_COMPARE_WITH_TIMEOUT(pub.errorFor(refused.id), QString("unavailable"), kWaitMs);
    Client reader(b->url());
    QVERIFY(reader.subscribe("logs", 5));
    QTRY_COMPARE_WITH_TIMEOUT(reader.onChannel("logs").size(), 5, kWaitMs);

    QString error;
    QVERIFY2(m_redis->start(&error, true), qPrintable(error));
    QTRY_COMPARE_WITH_TIMEOUT(a->healthJson().value("status").toString(), QString("ok"), kWaitMs);
    QTRY_COMPARE_WITH_TIMEOUT(b->healthJson().value("status").toString(), QString("ok"), kWaitMs);
    QCOMPARE(a->epoch(), epoch);
    pub.send(refused); // the client's outbox sends it again
    for (int i = 10; i < 15; ++i)
        pub.send(Envelope::create("log.entry", "logs", QJsonObject{{"n", i}}));
    QTRY_COMPARE_WITH_TIMEOUT(onA.onChannel("logs").size(), 16, kWaitMs);
    QList<qint64> expected;
    for (int i = 1; i <= 16; ++i)
        expected.append(i);
    QCOMPARE(seqsOf(onA.onChannel("logs")), expected);
    QCOMPARE(seqsOf(reader.onChannel("logs")).mid(5), expected.mid(10));
    QCOMPARE(onA.socket.state(), QAbstractSocket::ConnectedState);
}

void TestRelayCluster::presenceListsEveryNodesSessions()
{
    auto a = startNode("a");
    auto b = startNode("b");
    QVERIFY(a && b);
    Client onA(a->url());
    Client onB1(b->url());
    Client onB2(b->url());
    QVERIFY(onA.subscribe("chat"));
    QVERIFY(onB1.subscribe("alerts"));
    QVERIFY(onB2.waitOpen());
    const QString sessionOnA =
        onA.ofType("welcome").value(0).payload.toObject()["session"].toString();
    QVERIFY(!sessionOnA.isEmpty());
    const auto sessionNodes = [](const QJsonObject &all) {
        QStringList nodes;
        for (const QJsonValue &session : all.value("sessions").toArray())
            nodes.append(session.toObject().value("node").toString());
        nodes.sort();
        return nodes;
    };
    const QJsonObject perNode{{"a", 1}, {"b", 2}};

    // Every node lists every node's sessions, each naming its node; its own figures stay its own.
    for (vigil::Relay *relay : {a.get(), b.get()}) {
        QTRY_COMPARE_WITH_TIMEOUT(relay->sessionsJson().value("nodes").toObject(), perNode,
                                  kWaitMs);
        const QJsonObject all = relay->sessionsJson();
        QCOMPARE(all.value("count").toInt(), 3);
        QCOMPARE(all.value("node").toString(), relay->node());
        QCOMPARE(sessionNodes(all), (QStringList{"a", "b", "b"}));
        const QJsonObject health = relay->healthJson();
        QCOMPARE(health.value("cluster").toObject().value("clients").toInt(), 3);
        QCOMPARE(health.value("cluster").toObject().value("nodes").toObject(), perNode);
        QCOMPARE(health.value("websocket").toObject().value("clients").toInt(),
                 relay->clientCount());
    }
    // What a node shares of a session is what it lists of its own.
    bool found = false;
    for (const QJsonValue &value : b->sessionsJson().value("sessions").toArray()) {
        const QJsonObject session = value.toObject();
        if (session.value("session").toString() != sessionOnA)
            continue;
        found = true;
        QCOMPARE(session.value("node").toString(), QString("a"));
        QCOMPARE(session.value("channels").toArray(), (QJsonArray{"chat"}));
    }
    QVERIFY(found);

    // A node gone without a word (its presence is not withdrawn) drops out once it expires.
    b.reset();
    QTRY_COMPARE_WITH_TIMEOUT(a->sessionsJson().value("nodes").toObject(), (QJsonObject{{"a", 1}}),
                              kWaitMs);
    QCOMPARE(sessionNodes(a->sessionsJson()), QStringList{"a"});
    QCOMPARE(a->healthJson().value("cluster").toObject().value("clients").toInt(), 1);
    QCOMPARE(m_redis->command("EXISTS vigil:presence:b"), QByteArray(":0"));
}

void TestRelayCluster::cleanStopWithdrawsPresence()
{
    // b shares its presence at its start and then rarely, so it would stay listed for a minute
    // if it were not withdrawn.
    auto a = startNode("a");
    auto b = startNode("b", 20000);
    QVERIFY(a && b);
    QTRY_COMPARE_WITH_TIMEOUT(m_redis->command("EXISTS vigil:presence:b"), QByteArray(":1"),
                              kWaitMs);
    QTRY_COMPARE_WITH_TIMEOUT(a->sessionsJson().value("nodes").toObject(),
                              (QJsonObject{{"a", 0}, {"b", 0}}), kWaitMs);

    b.reset(); // a clean stop, as on SIGTERM
    QCOMPARE(m_redis->command("EXISTS vigil:presence:b"), QByteArray(":0"));
    QCOMPARE(m_redis->command("ZSCORE vigil:nodes b"), QByteArray("$-1"));
    QTRY_COMPARE_WITH_TIMEOUT(a->sessionsJson().value("nodes").toObject(), (QJsonObject{{"a", 0}}),
                              kWaitMs);
}

void TestRelayCluster::sinceBeyondThisNodesHeadIsNotALoss()
{
    // A client that fails over from a node further ahead may ask for more than this node has
    // read yet. Same epoch (it lives in Redis): nothing is lost, this node is only behind, and
    // what it reads later still reaches the client.
    auto a = startNode("a");
    QVERIFY(a);
    Client pub(a->url());
    QVERIFY(pub.waitOpen());
    for (int i = 0; i < 3; ++i)
        pub.send(Envelope::create("chat.message", "chat", QJsonObject{{"n", i}}));
    Client ahead(a->url());
    QVERIFY(ahead.subscribe("chat", 0));
    QTRY_COMPARE_WITH_TIMEOUT(ahead.onChannel("chat").size(), 3, kWaitMs);

    Client failedOver(a->url());
    QVERIFY(failedOver.subscribe("chat", 5));
    QVERIFY(failedOver.subscribe("incidents", 9)); // a channel this node has not read at all
    const QList<Envelope> answers = failedOver.ofType("subscribed");
    QCOMPARE(answers.size(), 2);
    for (const Envelope &answer : answers) {
        QVERIFY2(answer.payload.toObject().value("recovered").toBool(false),
                 QJsonDocument(answer.payload.toObject()).toJson().constData());
    }
    QVERIFY(failedOver.onChannel("chat").isEmpty());
    pub.send(Envelope::create("chat.message", "chat", QJsonObject{{"n", 3}}));
    QTRY_COMPARE_WITH_TIMEOUT(failedOver.onChannel("chat").size(), 1, kWaitMs);
    QCOMPARE(failedOver.onChannel("chat").first().seq, 4);
}

void TestRelayCluster::unansweringRedisIsLostNotAHang()
{
    // A Redis that keeps its connections but answers nothing (paused, swapping, a dead route)
    // must not leave publishers waiting for ever: after the answer time the node takes it as
    // lost, says so, and recovers once it answers again.
    auto a = startNode("a", 100, 300);
    QVERIFY(a);
    Client reader(a->url());
    QVERIFY(reader.subscribe("alerts"));
    Client pub(a->url());
    QVERIFY(pub.waitOpen());
    const Envelope first = Envelope::create("alert.raised", "alerts", QJsonObject{{"n", 1}});
    pub.send(first);
    QTRY_VERIFY_WITH_TIMEOUT(pub.acked(first.id), kWaitMs);

    m_redis->pause();
    const Envelope stalled = Envelope::create("alert.raised", "alerts", QJsonObject{{"n", 2}});
    pub.send(stalled);
    QTRY_COMPARE_WITH_TIMEOUT(pub.errorFor(stalled.id), QString("unavailable"), kWaitMs);
    QTRY_COMPARE_WITH_TIMEOUT(a->healthJson().value("status").toString(), QString("degraded"),
                              kWaitMs);
    QVERIFY2(a->healthJson().value("reason").toString().contains("did not answer within 300 ms"),
             qPrintable(a->healthJson().value("reason").toString()));
    QCOMPARE(reader.socket.state(), QAbstractSocket::ConnectedState);

    m_redis->resume();
    QTRY_COMPARE_WITH_TIMEOUT(a->healthJson().value("status").toString(), QString("ok"), kWaitMs);
    pub.send(stalled); // the client's outbox sends it again
    const Envelope third = Envelope::create("alert.raised", "alerts", QJsonObject{{"n", 3}});
    pub.send(third);
    QTRY_VERIFY_WITH_TIMEOUT(pub.acked(third.id), kWaitMs);
    QTRY_COMPARE_WITH_TIMEOUT(reader.onChannel("alerts").size(), 3, kWaitMs);
    QCOMPARE(idsOf(reader.onChannel("alerts")), (QStringList{first.id, stalled.id, third.id}));
    QCOMPARE(seqsOf(reader.onChannel("alerts")), (QList<qint64>{1, 2, 3}));
}

QTEST_MAIN(TestRelayCluster)
#include "tst_relaycluster.moc"
