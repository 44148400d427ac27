// The relay's limits against hostile and broken WebSocket clients, checked on a real
// vigil-relay process over loopback sockets, with its memory (VmRSS) logged before and after:
// the size limit applied to what is sent, the slow-consumer rule, paged replays, subscription
// caps, a flooder's close, binary and unmasked frames, log floods, bearer in any case.
#include "helpers/faultproxy.h"
#include "helpers/testsupport.h"
#include "relayprocess.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QtEndian>

#include <sys/stat.h>

using vigil::Envelope;
using vigil::test::RelayProcess;
using vigil::test::WsClient;

namespace {

using vigil::test::kWaitMs;
constexpr qint64 kMiB = 1024;

/// The relay's RSS may grow by this much (KiB) in a test that pushes `pushed` KiB through it.
bool rssBounded(qint64 before, qint64 after, qint64 allowedKb)
{
    return before > 0 && after > 0 && after - before <= allowedKb;
}

QString writeTokens(const QTemporaryDir &dir,
                    QFile::Permissions permissions = QFile::ReadOwner | QFile::WriteOwner)
{
    const QString path = dir.filePath("tokens.json");
    QFile file(path);
    file.open(QIODevice::WriteOnly);
    file.write(R"({ "tokens": [
      { "token": "s3cret-operator", "user": "alice", "role": "operator", "read": ["*"], "write": ["*"] }
    ] })");
    file.close();
    QFile::setPermissions(path, permissions);
    return path;
}

/// A chat message whose serialized form, as sent by a client (no seq), is exactly `size` bytes.
Envelope chatOfSize(int size)
{
    Envelope e = Envelope::create("chat.message", "chat", QString());
    const int empty = int(e.serialize().size());
    e.payload = QString(size - empty, 'x');
    return e;
}

/// Raw text of a chat message with `count` numbers written short ("1e18") that Qt writes
/// longer when it serializes the envelope again.
QByteArray chatWithShortNumbers(const QString &id, int count)
{
    QByteArray numbers;
    for (int i = 0; i < count; ++i)
        numbers += (i ? "," : "") + QByteArray("1e18");
    return R"({"id":")" + id.toUtf8() +
           R"(","type":"chat.message","channel":"chat","timestamp":1700000000000,"payload":[)" +
           numbers + "]}";
}

QByteArray frameHeader(quint8 opcode, qint64 length, bool masked)
{
    QByteArray h;
    h.append(char(0x80 | opcode));
    const char maskBit = masked ? char(0x80) : char(0);
    if (length < 126) {
        h.append(char(maskBit | char(length)));
    } else if (length < 65536) {
        h.append(char(maskBit | 126));
        h.append(char(length >> 8));
        h.append(char(length & 0xff));
    } else {
        h.append(char(maskBit | 127));
        for (int shift = 56; shift >= 0; shift -= 8)
            h.append(char((length >> shift) & 0xff));
    }
    return h;
}

/// A client text frame, masked as RFC 6455 requires or (to test the relay) not.
QByteArray clientFrame(const QByteArray &payload, bool masked)
{
    QByteArray frame = frameHeader(0x1, payload.size(), masked);
    if (!masked)
        return frame + payload;
    const QByteArray key("\x37\xfa\x21\x3d", 4);
    frame += key;
    for (int i = 0; i < payload.size(); ++i)
        frame.append(char(payload.at(i) ^ key.at(i % 4)));
    return frame;
}

/// A WebSocket client on a bare TCP socket, so the test decides every byte it sends.
struct RawWebSocket
{
    QTcpSocket socket;
    QByteArray in;
    bool upgraded = false;
    QList<QByteArray> texts; ///< text frames from the server
    int closeCode = -1;

    QByteArray handshake(quint16 port) const
    {
        return "GET /ws HTTP/1.1\r\nHost: 127.0.0.1:" + QByteArray::number(port) +
               "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
               "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
    }
    void read()
    {
        in += socket.readAll();
        if (!upgraded) {
            const qsizetype end = in.indexOf("\r\n\r\n");
            if (end < 0)
                return;
            upgraded = in.startsWith("HTTP/1.1 101");
            in.remove(0, end + 4);
        }
        while (in.size() >= 2) {
            const quint8 opcode = quint8(in.at(0)) & 0x0f;
            qint64 length = quint8(in.at(1)) & 0x7f;
            int offset = 2;
            if (length == 126) {
                if (in.size() < 4)
                    return;
                length = qFromBigEndian<quint16>(in.constData() + 2);
                offset = 4;
            } else if (length == 127) {
                if (in.size() < 10)
                    return;
                length = qint64(qFromBigEndian<quint64>(in.constData() + 2));
                offset = 10;
            }
            if (in.size() < offset + length)
                return;
            const QByteArray payload = in.mid(offset, length);
            in.remove(0, offset + int(length));
            if (opcode == 0x1)
                texts << payload;
            else if (opcode == 0x8 && payload.size() >= 2)
                closeCode = qFromBigEndian<quint16>(payload.constData());
        }
    }
    bool received(const QByteArray &type) const
    {
        for (const QByteArray &t : texts) {
            if (QJsonDocument::fromJson(t).object().value("type").toString().toUtf8() == type)
                return true;
        }
        return false;
    }
};

} // namespace

class TestRelayLimits : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void oversizeAsSentIsRefused_data();
    void oversizeAsSentIsRefused();
    void slowConsumerIsJudgedOverTime_data();
    void slowConsumerIsJudgedOverTime();
    void replaysComeInPages();
    void historyIsCappedByBytes();
    void subscriptionsAreCapped();
    void flooderGetsItsAcksAndClose4429();
    void flooderThatWritesBeforeItReads();
    void binaryFramesCount_data();
    void binaryFramesCount();
    void unmaskedFramesCloseTheConnection_data();
    void unmaskedFramesCloseTheConnection();
    void refusalsAreNotLoggedOneByOne();
    void qtDebugLoggingKeepsTokensOut();
    void bearerSchemeInAnyCase_data();
    void bearerSchemeInAnyCase();
    void tokensFileOpenToOthersIsAWarning_data();
    void tokensFileOpenToOthersIsAWarning();
};

void TestRelayLimits::oversizeAsSentIsRefused_data()
{
    QTest::addColumn<QString>("how");
    QTest::newRow("exactly the limit, then the seq") << "seq";
    QTest::newRow("numbers that serialize longer") << "numbers";
    QTest::newRow("POST /api/messages") << "post";
}

void TestRelayLimits::oversizeAsSentIsRefused()
{
    QFETCH(QString, how);
    constexpr int kLimit = 2048;
    RelayProcess relay({"--max-message-bytes", QString::number(kLimit)});
    QVERIFY(relay.isRunning());
    const qint64 rssBefore = relay.logRss("before");
    WsClient watcher(relay.wsUrl());
    WsClient sender(relay.wsUrl());
    QVERIFY(watcher.waitConnected());
    QVERIFY(sender.waitConnected());
    watcher.subscribe("chat", 0);
    QTRY_COMPARE_WITH_TIMEOUT(watcher.ofType("subscribed").size(), 1, kWaitMs);

    QString id;
    QJsonObject answer;
    if (how == "seq" || how == "post") {
        const Envelope big = chatOfSize(kLimit);
        QCOMPARE(big.serialize().size(), kLimit); // within the limit as the client sends it
        id = big.id;
        if (how == "seq") {
            sender.sendEnvelope(big);
            QTRY_VERIFY_WITH_TIMEOUT(
                !sender.ofType("error").isEmpty() || !sender.ofType("ack").isEmpty(), kWaitMs);
            answer = (sender.ofType("error") + sender.ofType("ack")).first().toJson();
        } else {
            int status = 0;
            const QJsonValue reply = relay.postJson("/api/messages", big.serialize(), &status);
            QVERIFY2(reply.isArray(), qPrintable(QString::number(status)));
            answer = reply.toArray().first().toObject();
        }
    } else {
        id = Envelope::newId();
        int count = 1;
        while (chatWithShortNumbers(id, count + 1).size() <= kLimit)
            ++count;
        const QByteArray raw = chatWithShortNumbers(id, count);
        auto parsed = vigil::parseEnvelope(raw, kLimit);
        QVERIFY(parsed.ok());
        parsed.envelope.seq = 1;
        QVERIFY2(parsed.envelope.serialize().size() > kLimit, "the numbers did not grow");
        sender.socket.sendTextMessage(QString::fromUtf8(raw));
        QTRY_VERIFY_WITH_TIMEOUT(
            !sender.ofType("error").isEmpty() || !sender.ofType("ack").isEmpty(), kWaitMs);
        answer = (sender.ofType("error") + sender.ofType("ack")).first().toJson();
    }
    const QJsonObject payload = answer.value("payload").toObject();
    QCOMPARE(answer.value("type").toString(), QStringLiteral("error"));
    QCOMPARE(payload.value("code").toString(), QStringLiteral("too_large"));
    QCOMPARE(payload.value("ref").toString(), id);

    // Nothing was fanned out or kept: the next message is seq 1, and every frame fits.
    const Envelope small = Envelope::create("chat.message", "chat", QJsonObject{{"n", 1}});
    sender.sendEnvelope(small);
    QTRY_COMPARE_WITH_TIMEOUT(watcher.onChannel("chat").size(), 1, kWaitMs);
    QCOMPARE(watcher.onChannel("chat").first().id, small.id);
    QCOMPARE(watcher.onChannel("chat").first().seq, 1);
    QVERIFY(watcher.largestFrame <= kLimit);
    QCOMPARE(watcher.socket.state(), QAbstractSocket::ConnectedState);
    WsClient late(relay.wsUrl());
    QVERIFY(late.waitConnected());
    late.subscribe("chat", 0);
    QTRY_COMPARE_WITH_TIMEOUT(late.ofType("subscribed").size(), 1, kWaitMs);
    QCOMPARE(late.onChannel("chat").size(), 1);
    QVERIFY(rssBounded(rssBefore, relay.logRss("after"), 64 * kMiB));
}

void TestRelayLimits::slowConsumerIsJudgedOverTime_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<bool>("resume"); // the stalled reader reads again once the burst is sent
    QTest::addColumn<bool>("dropped");
    QTest::newRow("a burst a healthy reader drains") << QStringList{} << true << false;
    QTest::newRow("behind for longer than --max-lag-ms")
        << QStringList{"--max-lag-ms", "1500"} << false << true;
    QTest::newRow("more than --max-backlog-bytes")
        << QStringList{"--max-lag-ms", "600000", "--max-backlog-bytes", "16777216"} << false
        << true;
}

void TestRelayLimits::slowConsumerIsJudgedOverTime()
{
    QFETCH(QStringList, args);
    QFETCH(bool, resume);
    QFETCH(bool, dropped);
    RelayProcess relay(args);
    QVERIFY(relay.isRunning());
    vigil::test::FaultProxy proxy(relay.port());
    QVERIFY(proxy.listen());
    QUrl viaProxy = relay.wsUrl();
    viaProxy.setPort(proxy.port());
    WsClient slow(viaProxy);
    WsClient healthy(relay.wsUrl());
    WsClient publisher(relay.wsUrl());
    QVERIFY(slow.waitConnected());
    QVERIFY(healthy.waitConnected());
    QVERIFY(publisher.waitConnected());
    slow.subscribe("logs");
    healthy.subscribe("logs");
    QTRY_COMPARE_WITH_TIMEOUT(slow.ofType("subscribed").size(), 1, kWaitMs);
    QTRY_COMPARE_WITH_TIMEOUT(healthy.ofType("subscribed").size(), 1, kWaitMs);
    const qint64 rssBefore = relay.logRss("before");

    // 40 MiB within the rate limit: far more than the 8 MiB the old rule allowed at once.
    proxy.setStall(vigil::test::FaultProxy::ServerToClient, true);
    constexpr int kMessages = 40;
    const QString big(1000 * 1000, 'l');
    for (int i = 0; i < kMessages; ++i) {
        publisher.sendEnvelope(Envelope::create("log.entry", "logs", QJsonObject{{"m", big}}));
        // The healthy reader lives in this process too: it reads each one before the next, so
        // only the stalled one falls behind.
        QTRY_COMPARE_WITH_TIMEOUT(healthy.onChannel("logs").size(), i + 1, kWaitMs);
    }
    QTRY_COMPARE_WITH_TIMEOUT(publisher.ofType("ack").size(), kMessages, kWaitMs);
    relay.logRss("with the backlog");
    if (resume) {
        proxy.setStall(vigil::test::FaultProxy::ServerToClient, false);
        QTRY_COMPARE_WITH_TIMEOUT(slow.onChannel("logs").size(), kMessages, kWaitMs);
        QCOMPARE(slow.socket.state(), QAbstractSocket::ConnectedState);
        QCOMPARE(
            relay.getJson("/api/health").value("websocket").toObject().value("clients").toInt(), 3);
    } else {
        QTRY_COMPARE_WITH_TIMEOUT(
            relay.getJson("/api/health").value("websocket").toObject().value("clients").toInt(), 2,
            kWaitMs);
        // The others go on as before.
        publisher.sendEnvelope(Envelope::create("log.entry", "logs", QJsonObject{{"m", "after"}}));
        QTRY_COMPARE_WITH_TIMEOUT(healthy.onChannel("logs").size(), kMessages + 1, kWaitMs);
    }
    QCOMPARE(relay.stderrText().contains("closing session"), dropped);
    // What the relay holds is bounded: its history (64 MiB) and one client's backlog.
    QVERIFY(rssBounded(rssBefore, relay.logRss("after"), 400 * kMiB));
}

void TestRelayLimits::replaysComeInPages()
{
    constexpr int kPage = 64 * 1024;
    RelayProcess relay({"--replay-page-bytes", QString::number(kPage), "--rate-limit", "10000"});
    QVERIFY(relay.isRunning());
    const qint64 rssBefore = relay.logRss("before");
    WsClient publisher(relay.wsUrl());
    QVERIFY(publisher.waitConnected());
    constexpr int kMessages = 100;
    for (int i = 0; i < kMessages; ++i) {
        publisher.sendEnvelope(
            Envelope::create("log.entry", "logs", QJsonObject{{"m", QString(2000, 'p')}}));
    }
    QTRY_COMPARE_WITH_TIMEOUT(publisher.ofType("ack").size(), kMessages, kWaitMs);

    WsClient reader(relay.wsUrl());
    QVERIFY(reader.waitConnected());
    qint64 since = 0;
    int pages = 0;
    for (; pages < 50; ++pages) {
        const qint64 bytesBefore = reader.bytesReceived;
        const int before = int(reader.ofType("subscribed").size());
        reader.subscribe("logs", since);
        QTRY_COMPARE_WITH_TIMEOUT(reader.ofType("subscribed").size(), before + 1, kWaitMs);
        const QJsonObject sub = reader.ofType("subscribed").last().payload.toObject();
        // One answer is at most a page (the `subscribed` line aside).
        QVERIFY2(reader.bytesReceived - bytesBefore <= kPage + 1024,
                 qPrintable(QString::number(reader.bytesReceived - bytesBefore)));
        QCOMPARE(sub.value("recovered").toBool(), true);
        QCOMPARE(sub.value("head").toInteger(), kMessages);
        if (!sub.value("more").toBool())
            break;
        QVERIFY(sub.value("replayed").toInt() > 0);
        since = sub.value("nextSince").toInteger();
    }
    QVERIFY2(pages >= 2, "the replay came in one answer");
    const QList<Envelope> got = reader.onChannel("logs");
    QCOMPARE(got.size(), kMessages);
    for (int i = 0; i < got.size(); ++i)
        QCOMPARE(got.at(i).seq, i + 1);
    QVERIFY(rssBounded(rssBefore, relay.logRss("after"), 64 * kMiB));
}

void TestRelayLimits::historyIsCappedByBytes()
{
    constexpr int kCap = 100000;
    RelayProcess relay({"--history-bytes", QString::number(kCap), "--rate-limit", "10000"});
    QVERIFY(relay.isRunning());
    const qint64 rssBefore = relay.logRss("before");
    WsClient publisher(relay.wsUrl());
    QVERIFY(publisher.waitConnected());
    constexpr int kMessages = 200;
    for (int i = 0; i < kMessages; ++i) {
        publisher.sendEnvelope(
            Envelope::create("log.entry", "logs", QJsonObject{{"m", QString(2000, 'h')}}));
    }
    QTRY_COMPARE_WITH_TIMEOUT(publisher.ofType("ack").size(), kMessages, kWaitMs);
    WsClient reader(relay.wsUrl());
    QVERIFY(reader.waitConnected());
    reader.subscribe("logs", 0);
    QTRY_COMPARE_WITH_TIMEOUT(reader.ofType("subscribed").size(), 1, kWaitMs);
    const QJsonObject sub = reader.ofType("subscribed").first().payload.toObject();
    QCOMPARE(sub.value("recovered").toBool(), false); // the oldest went to keep the cap
    const QList<Envelope> kept = reader.onChannel("logs");
    QVERIFY(!kept.isEmpty());
    QCOMPARE(kept.last().seq, kMessages);
    qint64 bytes = 0;
    for (const Envelope &e : kept)
        bytes += e.serialize().size();
    QVERIFY2(bytes <= kCap, qPrintable(QString::number(bytes)));
    QVERIFY(rssBounded(rssBefore, relay.logRss("after"), 64 * kMiB));
}

void TestRelayLimits::subscriptionsAreCapped()
{
    RelayProcess relay({"--max-subscriptions", "5"});
    QVERIFY(relay.isRunning());
    const qint64 rssBefore = relay.logRss("before");
    WsClient client(relay.wsUrl());
    QVERIFY(client.waitConnected());
    QTRY_COMPARE_WITH_TIMEOUT(client.ofType("welcome").size(), 1, kWaitMs);
    for (int i = 0; i < 5; ++i)
        client.subscribe(QStringLiteral("c%1").arg(i));
    QTRY_COMPARE_WITH_TIMEOUT(client.ofType("subscribed").size(), 5, kWaitMs);
    client.subscribe("one-too-many");
    QTRY_COMPARE_WITH_TIMEOUT(client.ofType("error").size(), 1, kWaitMs);
    QCOMPARE(client.errorCodes().first(), QStringLiteral("too_many_channels"));

    // Floods of names: one error per subscribe, nothing kept.
    constexpr int kFrames = 20;
    for (int f = 0; f < kFrames; ++f) {
        QJsonArray names;
        for (int i = 0; i < 40000; ++i)
            names.append(QStringLiteral("n%1-%2").arg(f).arg(i));
        client.sendEnvelope(
            Envelope::create("subscribe", "system", QJsonObject{{"channels", names}}));
    }
    QTRY_COMPARE_WITH_TIMEOUT(client.ofType("error").size(), 1 + kFrames, kWaitMs);
    const QJsonObject ping{{"type", "ping"}, {"payload", QJsonObject{{"t", 1}}}};
    client.socket.sendTextMessage(QString::fromUtf8(QJsonDocument(ping).toJson()));
    QTRY_COMPARE_WITH_TIMEOUT(client.ofType("pong").size(), 1, kWaitMs);
    QCOMPARE(client.ofType("subscribed").size(), 5);
    QCOMPARE(client.ofType("error").size(), 1 + kFrames);
    QVERIFY(rssBounded(rssBefore, relay.logRss("after"), 64 * kMiB));
}

void TestRelayLimits::flooderGetsItsAcksAndClose4429()
{
    RelayProcess relay({"--rate-limit", "50"});
    QVERIFY(relay.isRunning());
    const qint64 rssBefore = relay.logRss("before");
    WsClient watcher(relay.wsUrl());
    QVERIFY(watcher.waitConnected());
    watcher.subscribe("chat");
    QTRY_COMPARE_WITH_TIMEOUT(watcher.ofType("subscribed").size(), 1, kWaitMs);
    // Several rounds: a reset instead of a close is a race the relay must never lose.
    for (int round = 0; round < 3; ++round) {
        WsClient flooder(relay.wsUrl());
        QVERIFY(flooder.waitConnected());
        QTRY_COMPARE_WITH_TIMEOUT(flooder.ofType("welcome").size(), 1, kWaitMs);
        const int fannedBefore = int(watcher.onChannel("chat").size());
        QStringList sent;
        // Big enough that the flood is still arriving when the relay has had enough.
        for (int i = 0; i < 3000; ++i) {
            const Envelope e = Envelope::create(
                "chat.message", "chat",
                QJsonObject{{"round", round}, {"i", i}, {"text", QString(4000, 'f')}});
            sent << e.id;
            flooder.sendEnvelope(e);
        }
        QCOMPARE(flooder.waitClosed(), 4429);
        QVERIFY(flooder.errorCodes().contains("rate_limited"));
        // Every message that was published was acked before the close, and only those.
        QVERIFY(!flooder.ofType("ack").isEmpty());
        QTRY_COMPARE_WITH_TIMEOUT(int(watcher.onChannel("chat").size()) - fannedBefore,
                                  int(flooder.ofType("ack").size()), kWaitMs);
        const QList<Envelope> fanned = watcher.onChannel("chat").mid(fannedBefore);
        const QList<Envelope> acks = flooder.ofType("ack");
        for (int i = 0; i < acks.size(); ++i)
            QCOMPARE(acks.at(i).payload.toObject().value("id").toString(), fanned.at(i).id);
    }
    QVERIFY(rssBounded(rssBefore, relay.logRss("after"), 64 * kMiB));
}

void TestRelayLimits::flooderThatWritesBeforeItReads()
{
    // A client that sends its whole flood before it reads (a script, a blocking client): the
    // relay must read and drop the rest of the flood before it closes, or the kernel answers
    // the unread bytes with a reset, the client's next write fails, and what the relay sent it
    // (acks, the 4429) is lost with the connection: the client sees 1006.
    RelayProcess relay({"--rate-limit", "50"});
    QVERIFY(relay.isRunning());
    const qint64 rssBefore = relay.logRss("before");
    WsClient watcher(relay.wsUrl());
    QVERIFY(watcher.waitConnected());
    watcher.subscribe("chat");
    QTRY_COMPARE_WITH_TIMEOUT(watcher.ofType("subscribed").size(), 1, kWaitMs);

    RawWebSocket raw;
    raw.socket.connectToHost(QHostAddress::LocalHost, relay.port());
    QVERIFY(raw.socket.waitForConnected(kWaitMs));
    raw.socket.write(raw.handshake(relay.port()));
    while (!raw.received("welcome") && raw.socket.waitForReadyRead(kWaitMs))
        raw.read();
    QVERIFY(raw.upgraded);
    QByteArray flood;
    for (int i = 0; i < 3000; ++i) {
        const Envelope e = Envelope::create("chat.message", "chat",
                                            QJsonObject{{"i", i}, {"text", QString(4000, 'w')}});
        flood += clientFrame(e.serialize(), true);
    }
    raw.socket.write(flood);
    while (raw.socket.bytesToWrite() > 0 && raw.socket.waitForBytesWritten(kWaitMs))
        raw.read(); // what arrives meanwhile is kept, even if the connection then breaks
    const bool allWritten =
        raw.socket.bytesToWrite() == 0 && raw.socket.state() == QAbstractSocket::ConnectedState;
    const QString writeError = raw.socket.errorString();
    while (raw.closeCode < 0 && raw.socket.state() == QAbstractSocket::ConnectedState &&
           raw.socket.waitForReadyRead(kWaitMs))
        raw.read();
    raw.read();
    QVERIFY2(allWritten, qPrintable(writeError));
    QCOMPARE(raw.closeCode, 4429);
    int acks = 0;
    for (const QByteArray &text : std::as_const(raw.texts))
        acks += QJsonDocument::fromJson(text).object().value("type").toString() == "ack";
    QVERIFY(acks > 0);
    QTRY_COMPARE_WITH_TIMEOUT(int(watcher.onChannel("chat").size()), acks, kWaitMs);
    QVERIFY(rssBounded(rssBefore, relay.logRss("after"), 64 * kMiB));
}

void TestRelayLimits::binaryFramesCount_data()
{
    QTest::addColumn<QString>("rule");
    QTest::newRow("the bad-frame rule") << "bad frames";
    QTest::newRow("the rate limit") << "rate";
}

void TestRelayLimits::binaryFramesCount()
{
    QFETCH(QString, rule);
    RelayProcess relay({"--rate-limit", "1"}); // bursts of 10
    QVERIFY(relay.isRunning());
    const qint64 rssBefore = relay.logRss("before");
    WsClient client(relay.wsUrl());
    QVERIFY(client.waitConnected());
    QTRY_COMPARE_WITH_TIMEOUT(client.ofType("welcome").size(), 1, kWaitMs);
    const QString ping = R"({"type":"ping","payload":{}})";
    if (rule == "bad frames") {
        // Ten binary frames in a row are ten bad frames: closed like ten bad text frames.
        for (int i = 0; i < 10; ++i)
            client.socket.sendBinaryMessage(QByteArray(16, char(i)));
        QCOMPARE(client.waitClosed(), int(QWebSocketProtocol::CloseCodePolicyViolated));
        QVERIFY(client.errorCodes().contains("bad_message"));
    } else {
        // Binary frames take from the same budget: 5 of them and 8 pings are over a burst of
        // 10 (pings in between keep the bad-frame count from closing the connection).
        for (int i = 0; i < 5; ++i) {
            client.socket.sendBinaryMessage(QByteArray(16, 'b'));
            client.socket.sendTextMessage(ping);
        }
        for (int i = 0; i < 3; ++i)
            client.socket.sendTextMessage(ping);
        QTRY_VERIFY_WITH_TIMEOUT(client.errorCodes().contains("rate_limited"), kWaitMs);
        QVERIFY(client.ofType("pong").size() < 8);
    }
    QVERIFY(rssBounded(rssBefore, relay.logRss("after"), 32 * kMiB));
}

void TestRelayLimits::unmaskedFramesCloseTheConnection_data()
{
    QTest::addColumn<bool>("masked");
    QTest::addColumn<bool>("withHandshake"); // frame sent in the same write as the upgrade
    QTest::newRow("masked (the client is right)") << true << false;
    QTest::newRow("unmasked") << false << false;
    QTest::newRow("unmasked, right behind the upgrade request") << false << true;
}

void TestRelayLimits::unmaskedFramesCloseTheConnection()
{
    QFETCH(bool, masked);
    QFETCH(bool, withHandshake);
    RelayProcess relay({});
    QVERIFY(relay.isRunning());
    const qint64 rssBefore = relay.logRss("before");
    WsClient watcher(relay.wsUrl());
    QVERIFY(watcher.waitConnected());
    watcher.subscribe("chat");
    QTRY_COMPARE_WITH_TIMEOUT(watcher.ofType("subscribed").size(), 1, kWaitMs);

    RawWebSocket raw;
    QObject::connect(&raw.socket, &QTcpSocket::readyRead, &raw.socket, [&raw] { raw.read(); });
    raw.socket.connectToHost(QHostAddress::LocalHost, relay.port());
    QVERIFY(raw.socket.waitForConnected(kWaitMs));
    const Envelope message = Envelope::create("chat.message", "chat", QJsonObject{{"c", "x"}});
    const QByteArray frame = clientFrame(message.serialize(), masked);
    if (withHandshake) {
        raw.socket.write(raw.handshake(relay.port()) + frame);
    } else {
        raw.socket.write(raw.handshake(relay.port()));
        QTRY_VERIFY_WITH_TIMEOUT(raw.received("welcome"), kWaitMs);
        raw.socket.write(frame);
    }
    if (masked) {
        QTRY_VERIFY_WITH_TIMEOUT(raw.received("ack"), kWaitMs);
        QTRY_COMPARE_WITH_TIMEOUT(watcher.onChannel("chat").size(), 1, kWaitMs);
        QCOMPARE(raw.socket.state(), QAbstractSocket::ConnectedState);
    } else {
        QTRY_COMPARE_WITH_TIMEOUT(raw.socket.state(), QAbstractSocket::UnconnectedState, kWaitMs);
        if (!withHandshake)
            QCOMPARE(raw.closeCode, 1002); // protocol error
        QVERIFY(!raw.received("ack"));
        // Not published: the next message is seq 1.
        WsClient other(relay.wsUrl());
        QVERIFY(other.waitConnected());
        other.sendEnvelope(Envelope::create("chat.message", "chat", QJsonObject{{"c", "y"}}));
        QTRY_COMPARE_WITH_TIMEOUT(watcher.onChannel("chat").size(), 1, kWaitMs);
        QCOMPARE(watcher.onChannel("chat").first().seq, 1);
        QVERIFY(relay.stderrText().contains("unmasked frame"));
    }
    QVERIFY(rssBounded(rssBefore, relay.logRss("after"), 32 * kMiB));
}

void TestRelayLimits::refusalsAreNotLoggedOneByOne()
{
    QTemporaryDir dir;
    RelayProcess relay({"--tokens", writeTokens(dir)});
    QVERIFY(relay.isRunning());
    const qint64 rssBefore = relay.logRss("before");
    constexpr int kAttempts = 30;
    for (int i = 0; i < kAttempts; ++i) {
        WsClient intruder(relay.wsUrl());
        QCOMPARE(intruder.waitClosed(), 4401);
    }
    QVERIFY(rssBounded(rssBefore, relay.logRss("after"), 32 * kMiB));
    QCOMPARE(relay.stop(), 0);
    const QByteArray log = relay.stderrText();
    const int refused = int(log.count("refused a connection"));
    QVERIFY2(refused >= 1 && refused <= 3, log.constData());
    // Qt's own line for each refused handshake, if it still writes one, is held back too.
    QVERIFY2(log.count("QIODevice::peek") <= 3, log.constData());
    QVERIFY2(log.count('\n') < kAttempts, log.constData());
}

void TestRelayLimits::qtDebugLoggingKeepsTokensOut()
{
    QTemporaryDir dir;
    qputenv("QT_LOGGING_RULES", "*.debug=true");
    RelayProcess relay({"--tokens", writeTokens(dir)});
    qunsetenv("QT_LOGGING_RULES");
    QVERIFY(relay.isRunning());
    int status = 0;
    relay.getJson("/api/health?token=query-secret-1", &status, "header-secret-2");
    QCOMPARE(status, 401);
    relay.getJson("/api/health?token=s3cret-operator", &status);
    QCOMPARE(status, 200);
    QUrl withToken = relay.wsUrl();
    withToken.setQuery("token=query-secret-3");
    WsClient intruder(withToken, "Bearer header-secret-4");
    QCOMPARE(intruder.waitClosed(), 4401);
    WsClient alice(relay.wsUrl(), "Bearer s3cret-operator");
    QTRY_COMPARE_WITH_TIMEOUT(alice.ofType("welcome").size(), 1, kWaitMs);
    QCOMPARE(relay.stop(), 0);
    const QByteArray log = relay.stderrText();
    QVERIFY2(log.contains("debug"), "Qt debug logging was not on");
    for (const char *secret : {"secret-1", "secret-2", "secret-3", "secret-4", "s3cret"})
        QVERIFY2(!log.contains(secret), secret);
}

void TestRelayLimits::bearerSchemeInAnyCase_data()
{
    QTest::addColumn<QByteArray>("authorization");
    QTest::newRow("Bearer") << QByteArray("Bearer s3cret-operator");
    QTest::newRow("bearer") << QByteArray("bearer s3cret-operator");
    QTest::newRow("BEARER") << QByteArray("BEARER s3cret-operator");
    QTest::newRow("two spaces") << QByteArray("bEaReR  s3cret-operator");
}

void TestRelayLimits::bearerSchemeInAnyCase()
{
    QFETCH(QByteArray, authorization);
    QTemporaryDir dir;
    RelayProcess relay({"--tokens", writeTokens(dir)});
    QVERIFY(relay.isRunning());
    WsClient client(relay.wsUrl(), authorization);
    QTRY_COMPARE_WITH_TIMEOUT(client.ofType("welcome").size(), 1, kWaitMs);
    QCOMPARE(client.ofType("welcome").first().payload.toObject().value("user").toString(),
             QStringLiteral("alice"));
    WsClient wrong(relay.wsUrl(), "Basic s3cret-operator");
    QCOMPARE(wrong.waitClosed(), 4401);
}

void TestRelayLimits::tokensFileOpenToOthersIsAWarning_data()
{
    QTest::addColumn<int>("mode");
    QTest::addColumn<bool>("warned");
    QTest::newRow("0600") << 0600 << false;
    QTest::newRow("0640") << 0640 << false;
    QTest::newRow("0644") << 0644 << true;
    QTest::newRow("0666") << 0666 << true;
}

void TestRelayLimits::tokensFileOpenToOthersIsAWarning()
{
    QFETCH(int, mode);
    QFETCH(bool, warned);
    QTemporaryDir dir;
    const QString tokens = writeTokens(dir);
    QVERIFY(::chmod(QFile::encodeName(tokens).constData(), mode_t(mode)) == 0);
    RelayProcess relay({"--tokens", tokens});
    QVERIFY(relay.isRunning());
    QCOMPARE(relay.stop(), 0);
    const QByteArray log = relay.stderrText();
    QCOMPARE(log.contains("can be read or changed by every user"), warned);
    QVERIFY(!log.contains("s3cret"));
}

QTEST_GUILESS_MAIN(TestRelayLimits)
#include "tst_relaylimits.moc"
