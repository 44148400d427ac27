// Relay nodes behind a real haproxy, sharing channels through a real redis-server
// (docs/scaling.md): a node killed with SIGKILL during a publish flood, and the clients on it
// moving through haproxy to another node. What the subscriber receives over the wire is checked:
// every message exactly once, seqs strictly increasing, what it missed replayed from `since`.
#include "helpers/haproxy.h"
#include "helpers/loopback.h"
#include "helpers/redisserver.h"
#include "helpers/testsupport.h"
#include "protocol/envelope.h"
#include "relayprocess.h"

#include <QJsonArray>
#include <QSet>
#include <QTest>
#include <QTimer>
#include <QWebSocket>

#include <csignal>
#include <map>
#include <memory>

using vigil::Envelope;
using vigil::test::kWaitMs;

namespace {

/// \brief A client that knows only the protocol page, as an application behind a load balancer
/// would use it: after a reconnect it subscribes again from the last seq it saw, and sends again,
/// with the same ids, the messages not acked yet (like the outbox). It de-duplicates nothing:
/// the test sees every frame the relays send.
class FailoverClient : public QObject
{
public:
    FailoverClient(QUrl url, bool reconnectAtOnce)
        : m_url(std::move(url))
        , m_reconnectAtOnce(reconnectAtOnce)
    {}

    /// Connects (again) through the load balancer.
    void open()
    {
        m_socket = std::make_unique<QWebSocket>();
        QWebSocket *socket = m_socket.get();
        connect(socket, &QWebSocket::textMessageReceived, this,
                [this](const QString &text) { onText(text); });
        connect(socket, &QWebSocket::stateChanged, this,
                [this, socket](QAbstractSocket::SocketState state) {
                    if (state == QAbstractSocket::UnconnectedState)
                        onClosed(socket);
                });
        socket->open(m_url);
    }

    /// Subscribes to `channel` at every welcome.
    void follow(const QString &channel) { m_channel = channel; }

    /// Publishes `count` messages on `channel`, at most `window` of them unacknowledged.
    void flood(const QString &channel, int count, int window)
    {
        for (int i = 0; i < count; ++i)
            m_toSend.append(Envelope::create("chat.message", channel, QJsonObject{{"n", i}}));
        m_window = window;
        pump();
    }

    [[nodiscard]] bool welcomed() const { return m_welcomed; }
    [[nodiscard]] QStringList sentIds() const
    {
        QStringList ids;
        for (const Envelope &e : m_toSend)
            ids.append(e.id);
        return ids;
    }

    QList<Envelope> received;      ///< channel messages, as they came, over every connection
    QList<QJsonObject> subscribed; ///< `subscribed` payloads
    QStringList sessions;          ///< the session of every welcome
    QStringList errors;            ///< `error` codes
    QSet<QString> acked;           ///< ids acked at least once
    int disconnections = 0;
    int resent = 0; ///< messages sent again after a reconnect

private:
    void onText(const QString &text)
    {
        const auto parsed = vigil::parseEnvelope(text.toUtf8());
        if (!parsed.ok())
            return;
        const Envelope &e = parsed.envelope;
        const QJsonObject payload = e.payload.toObject();
        if (e.type == u"welcome") {
            sessions.append(payload.value("session").toString());
            m_welcomed = true;
            m_backoffMs = kMinBackoffMs;
            if (!m_channel.isEmpty()) {
                QJsonObject entry{{"name", m_channel}};
                if (m_lastSeq > 0)
                    entry.insert("since", m_lastSeq);
                send(Envelope::create("subscribe", "system",
                                      QJsonObject{{"channels", QJsonArray{entry}}}));
            }
            for (const Envelope &pending : std::as_const(m_unacked)) {
                send(pending);
                ++resent;
            }
            pump();
        } else if (e.type == u"subscribed") {
            subscribed.append(payload);
        } else if (e.type == u"ack") {
            const QString id = payload.value("id").toString();
            acked.insert(id);
            m_unacked.removeIf([&id](const Envelope &pending) { return pending.id == id; });
            pump();
        } else if (e.type == u"error") {
            errors.append(payload.value("code").toString());
        } else if (e.channel == m_channel && e.seq > 0) {
            received.append(e);
            m_lastSeq = e.seq;
        }
    }

    void onClosed(QWebSocket *socket)
    {
        if (socket != m_socket.get())
            return;
        m_welcomed = false;
        ++disconnections;
        m_socket.release()->deleteLater();
        if (!m_reconnectAtOnce)
            return;
        // A handshake refused by the balancer (no node up yet) is tried again, with backoff.
        QTimer::singleShot(m_backoffMs, this, [this] { open(); });
        m_backoffMs = std::min(m_backoffMs * 2, 1000);
    }

    void pump()
    {
        while (m_welcomed && m_unacked.size() < m_window && m_next < m_toSend.size()) {
            m_unacked.append(m_toSend.at(m_next++));
            send(m_unacked.last());
        }
    }

    void send(const Envelope &e) { m_socket->sendTextMessage(QString::fromUtf8(e.serialize())); }

    static constexpr int kMinBackoffMs = 20;
    QUrl m_url;
    bool m_reconnectAtOnce;
    std::unique_ptr<QWebSocket> m_socket;
    bool m_welcomed = false;
    int m_backoffMs = kMinBackoffMs;
    QString m_channel;
    qint64 m_lastSeq = 0;
    QList<Envelope> m_toSend;
    QList<Envelope> m_unacked; ///< in the order they were first sent
    qsizetype m_next = 0;
    int m_window = 0;
};

QStringList idsOf(const QList<Envelope> &list)
{
    QStringList ids;
    for (const Envelope &e : list)
        ids.append(e.id);
    return ids;
}

} // namespace

class TestRelayFailover : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void killedNodeDuringFlood_data();
    void killedNodeDuringFlood();

private:
    /// Which node serves `session` (asked of each node still running); empty when none does.
    QString nodeOf(const QString &session) const;

    std::unique_ptr<vigil::test::RedisServer> m_redis;
    std::map<QString, std::unique_ptr<vigil::test::RelayProcess>> m_nodes;
    std::unique_ptr<vigil::test::Haproxy> m_haproxy;
};

void TestRelayFailover::init()
{
    m_redis = std::make_unique<vigil::test::RedisServer>();
    QString error;
    QVERIFY2(m_redis->start(&error), qPrintable(error));
    QList<vigil::test::Haproxy::Backend> backends;
    for (const QString name : {"a", "b", "c"}) {
        // No rate limit worth the name: the flood is the point.
        auto node = std::make_unique<vigil::test::RelayProcess>(
            QStringList{"--broker", m_redis->url(), "--node", name, "--rate-limit", "100000",
                        "--presence-interval-ms", "200"});
        QVERIFY2(node->isRunning(), qPrintable("node " + name + " did not start"));
        backends.append({name, node->port()});
        m_nodes[name] = std::move(node);
    }
    m_haproxy = std::make_unique<vigil::test::Haproxy>();
    QVERIFY2(m_haproxy->start(backends, &error), qPrintable(error));
}

void TestRelayFailover::cleanup()
{
    m_haproxy.reset();
    m_nodes.clear();
    m_redis.reset();
}

QString TestRelayFailover::nodeOf(const QString &session) const
{
    for (const auto &[name, node] : m_nodes) {
        if (!node->isRunning())
            continue;
        const QJsonArray sessions = node->getJson("/api/sessions").value("sessions").toArray();
        for (const QJsonValue &value : sessions) {
            const QJsonObject s = value.toObject();
            // With presence, a node lists every node's sessions, each with its node.
            if (s.value("session").toString() == session && s.value("node").toString(name) == name)
                return name;
        }
    }
    return {};
}

void TestRelayFailover::killedNodeDuringFlood_data()
{
    QTest::addColumn<bool>("killSubscribersNode");
    QTest::newRow("the subscriber's node") << true;
    QTest::newRow("the publisher's node") << false;
}

void TestRelayFailover::killedNodeDuringFlood()
{
    QFETCH(bool, killSubscribersNode);
    constexpr int kMessages = 1000;
    const QUrl url = vigil::test::wsUrl(m_haproxy->port());

    // The subscriber reconnects when the test says so (after messages it must replay were
    // published); the publisher at once, as an outbox does.
    FailoverClient subscriber(url, false);
    subscriber.follow("chat");
    subscriber.open();
    QTRY_COMPARE_WITH_TIMEOUT(subscriber.subscribed.size(), 1, kWaitMs);
    FailoverClient publisher(url, true);
    publisher.open();
    QTRY_VERIFY_WITH_TIMEOUT(publisher.welcomed(), kWaitMs);
    const QString subscriberNode = nodeOf(subscriber.sessions.first());
    const QString publisherNode = nodeOf(publisher.sessions.first());
    QVERIFY(!subscriberNode.isEmpty() && !publisherNode.isEmpty());
    QVERIFY2(subscriberNode != publisherNode, "haproxy's roundrobin puts them on two nodes");
    // Every node lists both sessions (presence through Redis), each with its node.
    for (const auto &[name, node] : m_nodes) {
        QTRY_COMPARE_WITH_TIMEOUT(node->getJson("/api/sessions").value("count").toInt(), 2,
                                  kWaitMs);
        const QJsonObject nodes = node->getJson("/api/health").value("cluster")["nodes"].toObject();
        QCOMPARE(nodes.value(subscriberNode).toInt(), 1);
        QCOMPARE(nodes.value(publisherNode).toInt(), 1);
    }

    publisher.flood("chat", kMessages, 50);
    QTRY_VERIFY_WITH_TIMEOUT(subscriber.received.size() >= 200, kWaitMs);
    const QString victim = killSubscribersNode ? subscriberNode : publisherNode;
    QCOMPARE(m_nodes[victim]->stop(SIGKILL), -1); // killed, no exit code
    const int ackedAtKill = int(publisher.acked.size());
    qInfo("killed node %s with %d messages acked, %d received", qPrintable(victim), ackedAtKill,
          int(subscriber.received.size()));
    QVERIFY2(ackedAtKill < kMessages - 200, "the kill comes during the flood");

    if (killSubscribersNode) {
        QTRY_COMPARE_WITH_TIMEOUT(subscriber.disconnections, 1, kWaitMs);
        // Messages published while it is away: it must get them replayed.
        QTRY_VERIFY_WITH_TIMEOUT(int(publisher.acked.size()) >= ackedAtKill + 100, kWaitMs);
        subscriber.open();
        QTRY_COMPARE_WITH_TIMEOUT(subscriber.subscribed.size(), 2, kWaitMs);
        const QJsonObject again = subscriber.subscribed.last();
        QCOMPARE(again.value("recovered").toBool(), true);
        QVERIFY2(again.value("replayed").toInt() >= 100,
                 qPrintable(QString::number(again.value("replayed").toInt())));
        const QString now = nodeOf(subscriber.sessions.last());
        QVERIFY(!now.isEmpty());
        QVERIFY(now != victim);
    } else {
        QTRY_VERIFY_WITH_TIMEOUT(publisher.disconnections >= 1 && publisher.welcomed(), kWaitMs);
        const QString now = nodeOf(publisher.sessions.last());
        QVERIFY(!now.isEmpty());
        QVERIFY(now != victim);
        QCOMPARE(subscriber.disconnections, 0);
    }

    QTRY_COMPARE_WITH_TIMEOUT(int(publisher.acked.size()), kMessages, kWaitMs);
    // The killed node's sessions leave the survivors' lists once its presence expires; the
    // client that moved is listed under its new node.
    for (const auto &[name, node] : m_nodes) {
        if (!node->isRunning())
            continue;
        QTRY_VERIFY_WITH_TIMEOUT(
            !node->getJson("/api/sessions")["nodes"].toObject().contains(victim), kWaitMs);
        QTRY_COMPARE_WITH_TIMEOUT(node->getJson("/api/sessions").value("count").toInt(), 2,
                                  kWaitMs);
    }
    QTRY_VERIFY_WITH_TIMEOUT(subscriber.received.size() >= kMessages, kWaitMs);
    // Nothing more is on its way: one more message is the last one the subscriber gets.
    FailoverClient last(url, false);
    last.open();
    QTRY_VERIFY_WITH_TIMEOUT(last.welcomed(), kWaitMs);
    last.flood("chat", 1, 1);
    QTRY_COMPARE_WITH_TIMEOUT(subscriber.received.size(), kMessages + 1, kWaitMs);
    QCOMPARE(subscriber.received.last().id, last.sentIds().first());

    // Exactly once each, in one order with seqs 1..N: no gap, no duplicate, nothing twice.
    const QList<Envelope> flood = subscriber.received.mid(0, kMessages);
    QStringList got = idsOf(flood);
    QCOMPARE(QSet<QString>(got.begin(), got.end()).size(), kMessages);
    QStringList sent = publisher.sentIds();
    got.sort();
    sent.sort();
    QCOMPARE(got, sent);
    for (int i = 0; i < subscriber.received.size(); ++i)
        QCOMPARE(subscriber.received.at(i).seq, qint64(i + 1));
    QVERIFY2(subscriber.errors.isEmpty(), qPrintable(subscriber.errors.join(',')));
    QVERIFY2(publisher.errors.isEmpty(), qPrintable(publisher.errors.join(',')));
    if (!killSubscribersNode)
        QVERIFY(publisher.resent > 0); // the unacked ones went again, with the same ids
}

QTEST_MAIN(TestRelayFailover)
#include "tst_relayfailover.moc"
