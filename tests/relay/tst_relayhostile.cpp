// vigil-relay's HTTP side against hostile and broken peers, as real processes over real
// loopback sockets: bodies, heads and URLs it must not read, connections it must not keep,
// requests it must answer, framing it must refuse, and the rules HTTP must not get around
// (rate limits, the admin role, loopback Host names). Each hostile step notes the relay's
// resident memory before and after in the test output.
#include "helpers/childprocess.h"
#include "helpers/testcertificates.h"
#include "helpers/testsupport.h"

#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QSslConfiguration>
#include <QSslSocket>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QUuid>
#include <QWebSocket>

#include <memory>
#include <vector>

using vigil::test::ChildProcess;

namespace {

using vigil::test::kWaitMs;
constexpr qint64 kMiB = 1024 * 1024;

/// The relay's resident memory in KiB, from /proc (0 when unknown).
qint64 rssKb(const ChildProcess &process)
{
    QFile status(QStringLiteral("/proc/%1/status").arg(process.processId()));
    if (!status.open(QIODevice::ReadOnly))
        return 0;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').first().toLongLong();
    }
    return 0;
}

qint64 noteRss(const ChildProcess &process, const char *when)
{
    const qint64 kb = rssKb(process);
    qInfo("relay RSS %s: %lld KiB", when, kb);
    return kb;
}

struct Answer
{
    int status = 0;
    QByteArray head;
    QByteArray body;
    QByteArray header(const QByteArray &name) const
    {
        for (const QByteArray &line : head.split('\n')) {
            const int colon = line.indexOf(':');
            if (colon > 0 && line.left(colon).trimmed().compare(name, Qt::CaseInsensitive) == 0)
                return line.mid(colon + 1).trimmed();
        }
        return {};
    }
    QJsonObject json() const { return QJsonDocument::fromJson(body).object(); }
    QString error() const { return json().value("error").toString(); }
};

/// One raw HTTP connection: sends exactly the bytes it is given and parses what comes back.
class RawHttp
{
public:
    explicit RawHttp(const QSslConfiguration *tls = nullptr)
        : m_socket(tls ? new QSslSocket : new QTcpSocket)
    {
        if (tls)
            static_cast<QSslSocket *>(m_socket.get())->setSslConfiguration(*tls);
        QObject::connect(m_socket.get(), &QTcpSocket::readyRead, m_socket.get(), [this] {
            if (m_reading)
                m_in += m_socket->readAll();
        });
        QObject::connect(m_socket.get(), &QTcpSocket::disconnected, m_socket.get(),
                         [this] { m_closed = true; });
        QObject::connect(m_socket.get(), &QTcpSocket::errorOccurred, m_socket.get(), [this] {
            if (m_socket->state() == QAbstractSocket::UnconnectedState)
                m_closed = true;
        });
    }
    QTcpSocket *socket() const { return m_socket.get(); }
    bool bindTo(const QHostAddress &address) { return m_socket->bind(address, 0); }
    void open(quint16 port)
    {
        if (auto *tls = qobject_cast<QSslSocket *>(m_socket.get()))
            tls->connectToHostEncrypted(QStringLiteral("127.0.0.1"), port);
        else
            m_socket->connectToHost(QHostAddress::LocalHost, port);
    }
    bool isConnected() const
    {
        if (auto *tls = qobject_cast<QSslSocket *>(m_socket.get()))
            return tls->isEncrypted();
        return m_socket->state() == QAbstractSocket::ConnectedState;
    }
    bool waitConnected(int ms = kWaitMs)
    {
        return QTest::qWaitFor([this] { return isConnected() || m_closed; }, ms) && isConnected();
    }
    /// Reads nothing more: what arrives stays in the kernel (a reader that stopped).
    void stopReading(qint64 bufferBytes)
    {
        m_reading = false;
        m_socket->setReadBufferSize(bufferBytes);
    }
    void send(const QByteArray &bytes) { m_socket->write(bytes); }
    /// Not closed (yet): connecting or connected.
    bool isOpen() const
    {
        return !m_closed && m_socket->state() != QAbstractSocket::UnconnectedState;
    }
    bool waitClosed(int ms = kWaitMs)
    {
        return QTest::qWaitFor([this] { return !isOpen(); }, ms);
    }
    /// The next complete answer (head and Content-Length body), or status 0 after `ms`.
    Answer waitAnswer(int ms = kWaitMs)
    {
        Answer answer;
        [[maybe_unused]] const bool done =
            QTest::qWaitFor([&] { return take(&answer) || (m_closed && !take(&answer)); }, ms);
        return answer;
    }
    /// The head of a streamed answer (no Content-Length), once it is in.
    Answer waitHead(int ms = kWaitMs)
    {
        Answer answer;
        [[maybe_unused]] const bool done =
            QTest::qWaitFor([&] { return m_in.contains("\r\n\r\n") || m_closed; }, ms);
        const int end = int(m_in.indexOf("\r\n\r\n"));
        if (end >= 0) {
            answer.head = m_in.left(end);
            answer.status = answer.head.mid(9, 3).toInt();
            m_in.remove(0, end + 4);
        }
        return answer;
    }
    QByteArray &received() { return m_in; }

private:
    bool take(Answer *answer)
    {
        const int end = int(m_in.indexOf("\r\n\r\n"));
        if (end < 0)
            return false;
        Answer a;
        a.head = m_in.left(end);
        a.status = a.head.mid(9, 3).toInt();
        const qint64 length = a.header("Content-Length").toLongLong();
        if (m_in.size() < end + 4 + length)
            return false;
        a.body = m_in.mid(end + 4, length);
        m_in.remove(0, end + 4 + length);
        *answer = a;
        return true;
    }

    std::unique_ptr<QTcpSocket> m_socket;
    QByteArray m_in;
    bool m_reading = true;
    bool m_closed = false;
};

QByteArray requestHead(const QByteArray &method, const QByteArray &target,
                       const QByteArray &token = {}, const QByteArray &extra = {})
{
    QByteArray head = method + ' ' + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    if (!token.isEmpty())
        head += "Authorization: Bearer " + token + "\r\n";
    return head + extra + "\r\n";
}

/// One request on a connection of its own.
Answer exchange(quint16 port, const QByteArray &bytes, const QSslConfiguration *tls = nullptr)
{
    RawHttp http(tls);
    http.open(port);
    if (!http.waitConnected())
        return {};
    http.send(bytes);
    return http.waitAnswer();
}

Answer get(quint16 port, const QByteArray &target, const QByteArray &token = {})
{
    return exchange(port, requestHead("GET", target, token));
}

QByteArray postBody(const QByteArray &body, const QByteArray &token = {})
{
    return requestHead("POST", "/api/messages", token,
                       "Content-Type: application/json\r\nContent-Length: " +
                           QByteArray::number(body.size()) + "\r\n") +
           body;
}

/// `count` chat messages with a payload of `payloadBytes`, as a JSON array.
QByteArray batch(int count, int payloadBytes, const QString &channel = "chat",
                 const QString &type = "chat.message")
{
    QJsonArray items;
    const QString filler(payloadBytes, 'x');
    for (int i = 0; i < count; ++i) {
        items.append(QJsonObject{{"id", QUuid::createUuid().toString(QUuid::WithoutBraces)},
                                 {"type", type},
                                 {"channel", channel},
                                 {"payload", QJsonObject{{"n", i}, {"text", filler}}}});
    }
    return QJsonDocument(items).toJson(QJsonDocument::Compact);
}

int countType(const QJsonArray &answers, const QString &typeOrCode)
{
    int n = 0;
    for (const QJsonValue &v : answers) {
        const QJsonObject o = v.toObject();
        if (o.value("type").toString() == typeOrCode ||
            o.value("payload").toObject().value("code").toString() == typeOrCode)
            ++n;
    }
    return n;
}

} // namespace

class TestRelayHostile : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    // 1: a Server-Sent Events reader that stops reading
    void sseReaderThatStopsReadingIsDropped();
    // 2: bodies, heads and URLs that must not be read
    void unauthenticatedHugeBodiesAreNotRead();
    void oversizeRequestsAreRefusedBeforeReading_data();
    void oversizeRequestsAreRefusedBeforeReading();
    void keptAliveConnectionGetsTheSameChecks();
    // 4: slowloris, limits and timeouts, every request answered
    void halfSentRequestsCannotLockOthersOut();
    void totalConnectionLimitHolds();
    void slowHeadsBodiesAndIdleConnectionsTimeOut();
    void everyRequestIsAnswered_data();
    void everyRequestIsAnswered();
    // 5: HTTP publishing within the rules
    void postIsRateLimitedPerPrincipal();
    void postMessageCountIsLimited();
    void largeBatchDoesNotStallTheRelay();
    // 9: who may see sessions and metrics
    void sessionsAndMetricsNeedTheAdminRole();
    // 14: DNS rebinding
    void foreignHostIsRefusedWithoutTokens();
    // 15: upgrades on /ws only
    void upgradesOnlyOnWs_data();
    void upgradesOnlyOnWs();
    // 18: ambiguous framing
    void ambiguousFramingIsRefused_data();
    void ambiguousFramingIsRefused();
    // 19: logs an attacker cannot flood
    void refusalsAreLoggedSparingly();
    // TLS keeps working within the limits
    void tlsWorksWithinTheLimits();

private:
    std::unique_ptr<ChildProcess> relay(const QStringList &args, quint16 *port);
    QStringList withTokens(const QStringList &args) const
    {
        return QStringList{"--tokens", m_tokens} + args;
    }

    QTemporaryDir m_dir;
    QString m_tokens;
};

void TestRelayHostile::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_tokens = m_dir.filePath("tokens.json");
    QFile file(m_tokens);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(R"({"tokens":[
        {"token":"tok-admin","user":"root","role":"admin","read":["*"],"write":["*"]},
        {"token":"tok-op","user":"alice","role":"operator","read":["*"],"write":["*"]},
        {"token":"tok-view","user":"bob","role":"viewer","read":["incidents"],"write":[]}]})");
    file.close();
    QFile::setPermissions(m_tokens, QFile::ReadOwner | QFile::WriteOwner);
}

std::unique_ptr<ChildProcess> TestRelayHostile::relay(const QStringList &args, quint16 *port)
{
    auto process = vigil::test::startRelayProcess(args, port);
    if (!process)
        qWarning("vigil-relay did not start with %s", qPrintable(args.join(' ')));
    return process;
}

// Opens `count` requests whose head never ends, from 127.0.0.1 (addresses == 1) or spread
// over 127.0.0.2 onwards, letting the relay keep up after every 50.
void openHalfSent(quint16 port, int count, int addresses,
                  std::vector<std::unique_ptr<RawHttp>> *slow)
{
    for (int i = 0; i < count; ++i) {
        auto http = std::make_unique<RawHttp>();
        if (addresses > 1)
            QVERIFY(
                http->bindTo(QHostAddress(QStringLiteral("127.0.0.%1").arg(2 + i % addresses))));
        http->open(port);
        http->send("GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Wait: "); // never ends
        slow->push_back(std::move(http));
        if (i % 50 == 49) {
            QTRY_VERIFY_WITH_TIMEOUT(
                std::all_of(slow->begin(), slow->end(),
                            [](const auto &h) { return h->isConnected() || !h->isOpen(); }),
                kWaitMs);
        }
    }
}

qsizetype openCount(const std::vector<std::unique_ptr<RawHttp>> &slow)
{
    return std::count_if(slow.begin(), slow.end(), [](const auto &h) { return h->isOpen(); });
}

// Item 1: the slow-reader drop and the fan-out loop both deleted the stream (SIGSEGV).
void TestRelayHostile::sseReaderThatStopsReadingIsDropped()
{
    quint16 port = 0;
    auto process = relay({"--rate-limit", "1000000", "--history", "20"}, &port);
    QVERIFY(process);
    RawHttp reader;
    reader.open(port);
    QVERIFY(reader.waitConnected());
    reader.send(requestHead("GET", "/api/stream?channels=chat"));
    QCOMPARE(reader.waitHead().status, 200);
    reader.stopReading(16 * 1024);
    QTRY_COMPARE_WITH_TIMEOUT(
        get(port, "/api/health").json().value("http").toObject().value("streams").toInt(), 1,
        kWaitMs);

    const qint64 before = noteRss(*process, "before the flood");
    // About 1 MiB a request, until the relay gives up on the reader (within reason).
    RawHttp publisher;
    publisher.open(port);
    QVERIFY(publisher.waitConnected());
    int posted = 0;
    int streams = 1;
    while (streams > 0 && posted < 600) {
        publisher.send(postBody(batch(16, 60 * 1024)));
        const Answer a = publisher.waitAnswer();
        QCOMPARE(a.status, 200);
        ++posted;
        if (posted % 8 == 0)
            streams =
                get(port, "/api/health").json().value("http").toObject().value("streams").toInt();
    }
    qInfo("posted %d MiB-sized requests before the reader was dropped", posted);
    const qint64 after = noteRss(*process, "after the flood");
    QCOMPARE(process->state(), QProcess::Running);
    QCOMPARE(streams, 0);
    // What the relay holds for a reader at most (--max-backlog-bytes, 64 MiB) and some slack.
    QVERIFY2(after - before < 150 * 1024, "the relay's memory grew by more than 150 MiB");
    // Still serving, and the dropped reader's connection is closed.
    QCOMPARE(get(port, "/api/health").status, 200);
}

// Item 2: three 200 MiB POSTs without a token were read whole (RSS 1.37 GB) before the 401.
void TestRelayHostile::unauthenticatedHugeBodiesAreNotRead()
{
    quint16 port = 0;
    auto process = relay(withTokens({}), &port);
    QVERIFY(process);
    const qint64 before = noteRss(*process, "before three 200 MiB POSTs without a token");
    std::vector<std::unique_ptr<RawHttp>> attackers;
    for (int i = 0; i < 3; ++i) {
        auto http = std::make_unique<RawHttp>();
        http->open(port);
        QVERIFY(http->waitConnected());
        http->send(requestHead("POST", "/api/messages", {},
                               "Content-Type: application/json\r\nContent-Length: 209715200\r\n"));
        http->send(QByteArray(kMiB, 'x')); // the start of the body; the rest never comes
        attackers.push_back(std::move(http));
    }
    for (auto &http : attackers) {
        const Answer a = http->waitAnswer();
        QCOMPARE(a.status, 401);
        QCOMPARE(a.error(), QStringLiteral("unauthorized"));
        QCOMPARE(a.header("Connection"), QByteArray("close"));
        QVERIFY(http->waitClosed());
    }
    const qint64 after = noteRss(*process, "after");
    QVERIFY2(after - before < 50 * 1024, "the relay's memory grew by more than 50 MiB");
    QCOMPARE(get(port, "/api/health", "tok-op").status, 200);
}

void TestRelayHostile::oversizeRequestsAreRefusedBeforeReading_data()
{
    QTest::addColumn<QByteArray>("start");
    QTest::addColumn<qint64>("flood"); // bytes sent after `start`, never completing it
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("error");
    QTest::newRow("200 MiB body with a token")
        << requestHead("POST", "/api/messages", "tok-op",
                       "Content-Type: application/json\r\nContent-Length: 209715200\r\n")
        << kMiB << 413 << "too_large";
    QTest::newRow("1 MiB of headers")
        << QByteArray("GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: ") << kMiB << 431
        << "headers_too_large";
    QTest::newRow("1 MiB URL") << QByteArray("GET /api/health?pad=") << kMiB << 414
                               << "url_too_long";
    QTest::newRow("9 KiB URL, complete")
        << requestHead("GET", "/api/health?pad=" + QByteArray(9 * 1024, 'u'), "tok-op") << qint64(0)
        << 414 << "url_too_long";
}

void TestRelayHostile::oversizeRequestsAreRefusedBeforeReading()
{
    QFETCH(QByteArray, start);
    QFETCH(qint64, flood);
    QFETCH(int, status);
    QFETCH(QString, error);
    quint16 port = 0;
    auto process = relay(withTokens({}), &port);
    QVERIFY(process);
    const qint64 before = noteRss(*process, "before");
    std::vector<std::unique_ptr<RawHttp>> peers;
    for (int i = 0; i < 3; ++i) {
        auto http = std::make_unique<RawHttp>();
        http->open(port);
        QVERIFY(http->waitConnected());
        http->send(start);
        if (flood > 0)
            http->send(QByteArray(flood, 'a'));
        peers.push_back(std::move(http));
    }
    for (auto &http : peers) {
        const Answer a = http->waitAnswer();
        QCOMPARE(a.status, status);
        QCOMPARE(a.error(), error);
        QVERIFY(http->waitClosed());
    }
    const qint64 after = noteRss(*process, "after");
    QVERIFY2(after - before < 50 * 1024, "the relay's memory grew by more than 50 MiB");
    QCOMPARE(get(port, "/api/health", "tok-op").status, 200);
}

// A second request on a kept-alive connection goes through every check the first did.
void TestRelayHostile::keptAliveConnectionGetsTheSameChecks()
{
    quint16 port = 0;
    auto process = relay(withTokens({}), &port);
    QVERIFY(process);
    const qint64 before = noteRss(*process, "before");
    RawHttp http;
    http.open(port);
    QVERIFY(http.waitConnected());
    // Two requests in one go (pipelined): two answers, in order.
    http.send(requestHead("GET", "/api/health", "tok-op") +
              requestHead("GET", "/nothing", "tok-op"));
    QCOMPARE(http.waitAnswer().status, 200);
    QCOMPARE(http.waitAnswer().status, 404);
    RawHttp kept;
    kept.open(port);
    QVERIFY(kept.waitConnected());
    kept.send(requestHead("GET", "/api/health", "tok-op"));
    QCOMPARE(kept.waitAnswer().status, 200);
    kept.send(requestHead("POST", "/api/messages", {},
                          "Content-Type: application/json\r\nContent-Length: 209715200\r\n"));
    kept.send(QByteArray(kMiB, 'x'));
    QCOMPARE(kept.waitAnswer().status, 401);
    QVERIFY(kept.waitClosed());
    RawHttp big;
    big.open(port);
    QVERIFY(big.waitConnected());
    big.send(requestHead("GET", "/api/health", "tok-op"));
    QCOMPARE(big.waitAnswer().status, 200);
    big.send("GET /api/health HTTP/1.1\r\nX-Padding: " + QByteArray(kMiB, 'p'));
    QCOMPARE(big.waitAnswer().status, 431);
    QVERIFY(big.waitClosed());
    const qint64 after = noteRss(*process, "after");
    QVERIFY2(after - before < 50 * 1024, "the relay's memory grew by more than 50 MiB");
}

// Item 4: 1,100 idle half-sent requests stopped the relay from serving anyone.
void TestRelayHostile::halfSentRequestsCannotLockOthersOut()
{
    quint16 port = 0;
    // Timeouts far away: the limits alone must keep the relay serving.
    auto process = relay({"--http-header-timeout-ms", "600000"}, &port);
    QVERIFY(process);
    const qint64 before = noteRss(*process, "before 1,100 half-sent requests");
    std::vector<std::unique_ptr<RawHttp>> slow;
    openHalfSent(port, 1100, 1, &slow);
    if (QTest::currentTestFailed())
        return;
    const auto stillOpen = [&] { return openCount(slow); };
    // One address holds at most 64 HTTP connections; the others were turned away (503) or
    // made room for newer ones.
    QTRY_VERIFY_WITH_TIMEOUT(stillOpen() <= 64, 60000);
    qInfo("%d of 1100 half-sent requests still open", int(stillOpen()));
    // A client that sends its request at once is served, from the very same address.
    Answer health;
    QTRY_VERIFY_WITH_TIMEOUT((health = get(port, "/api/health")).status == 200, 30000);
    QVERIFY(health.json().value("http").toObject().value("connections").toInt() <= 64);
    const qint64 after = noteRss(*process, "after");
    QVERIFY2(after - before < 100 * 1024, "the relay's memory grew by more than 100 MiB");
}

// Item 4: the total over many addresses (127.0.0.2-23, all loopback) is capped too.
void TestRelayHostile::totalConnectionLimitHolds()
{
    {
        QTcpSocket probe;
        if (!probe.bind(QHostAddress("127.0.0.2"), 0))
            QSKIP("this machine cannot bind 127.0.0.2");
    }
    quint16 port = 0;
    auto process = relay({"--http-header-timeout-ms", "600000"}, &port);
    QVERIFY(process);
    const qint64 before = noteRss(*process, "before 1,100 half-sent requests from 22 addresses");
    std::vector<std::unique_ptr<RawHttp>> slow;
    openHalfSent(port, 1100, 22, &slow);
    if (QTest::currentTestFailed())
        return;
    const auto stillOpen = [&] { return openCount(slow); };
    QTRY_VERIFY_WITH_TIMEOUT(stillOpen() <= 1024, 60000);
    qInfo("%d of 1100 half-sent requests still open", int(stillOpen()));
    Answer health;
    QTRY_VERIFY_WITH_TIMEOUT((health = get(port, "/api/health")).status == 200, 30000);
    QVERIFY(health.json().value("http").toObject().value("connections").toInt() <= 1024);
    const qint64 after = noteRss(*process, "after");
    QVERIFY2(after - before < 100 * 1024, "the relay's memory grew by more than 100 MiB");
}

void TestRelayHostile::slowHeadsBodiesAndIdleConnectionsTimeOut()
{
    quint16 port = 0;
    auto process =
        relay({"--http-header-timeout-ms", "500", "--http-idle-timeout-ms", "800"}, &port);
    QVERIFY(process);
    const qint64 before = noteRss(*process, "before");
    // Half a head: 408, closed.
    RawHttp head;
    head.open(port);
    QVERIFY(head.waitConnected());
    head.send("GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    const Answer slowHead = head.waitAnswer();
    QCOMPARE(slowHead.status, 408);
    QVERIFY(head.waitClosed());
    // Nothing at all: closed.
    RawHttp silent;
    silent.open(port);
    QVERIFY(silent.waitConnected());
    QVERIFY(silent.waitClosed());
    // Half a body: 408, closed.
    RawHttp body;
    body.open(port);
    QVERIFY(body.waitConnected());
    body.send(requestHead("POST", "/api/messages", {}, "Content-Length: 1000\r\n") + "[{\"id\":");
    QCOMPARE(body.waitAnswer().status, 408);
    QVERIFY(body.waitClosed());
    // Kept alive after an answer, then idle: closed.
    RawHttp idle;
    idle.open(port);
    QVERIFY(idle.waitConnected());
    idle.send(requestHead("GET", "/api/health"));
    QCOMPARE(idle.waitAnswer().status, 200);
    QVERIFY(idle.isOpen());
    QVERIFY(idle.waitClosed());
    noteRss(*process, "after");
    Q_UNUSED(before)
}

void TestRelayHostile::everyRequestIsAnswered_data()
{
    QTest::addColumn<QByteArray>("request");
    QTest::addColumn<int>("status");
    QTest::newRow("GET /ws without Upgrade") << requestHead("GET", "/ws") << 426;
    QTest::newRow("upgrade without a key")
        << requestHead("GET", "/ws", {},
                       "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n")
        << 400;
    QTest::newRow("WebSocket version 8")
        << requestHead(
               "GET", "/ws", {},
               "Upgrade: websocket\r\nConnection: Upgrade\r\n"
               "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 8\r\n")
        << 426;
    // What QWebSocketServer would drop without a word is answered here.
    QTest::newRow("Upgrade names more than websocket")
        << requestHead(
               "GET", "/ws", {},
               "Upgrade: h2c, websocket\r\nConnection: Upgrade\r\n"
               "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n")
        << 400;
    QTest::newRow("two Connection headers")
        << requestHead(
               "GET", "/ws", {},
               "Upgrade: websocket\r\nConnection: keep-alive\r\nConnection: Upgrade\r\n"
               "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n")
        << 400;
    QTest::newRow("DELETE /api/health") << requestHead("DELETE", "/api/health") << 405;
    QTest::newRow("POST /api/health") << requestHead("POST", "/api/health") << 405;
    QTest::newRow("unknown path") << requestHead("GET", "/nothing/here") << 404;
    QTest::newRow("HTTP/2.0") << QByteArray("GET /api/health HTTP/2.0\r\nHost: x\r\n\r\n") << 505;
    QTest::newRow("garbage") << QByteArray("\x16\x03\x01 hello there\r\n\r\n") << 400;
    QTest::newRow("bare LF") << QByteArray("GET /api/health HTTP/1.1\nHost: 127.0.0.1\n\n") << 400;
    QTest::newRow("POST without a length") << requestHead("POST", "/api/messages") << 411;
    QTest::newRow("Expect: something")
        << requestHead("GET", "/api/health", {}, "Expect: 42-wishes\r\n") << 417;
}

void TestRelayHostile::everyRequestIsAnswered()
{
    QFETCH(QByteArray, request);
    QFETCH(int, status);
    quint16 port = 0;
    auto process = relay({}, &port);
    QVERIFY(process);
    const Answer a = exchange(port, request);
    QCOMPARE(a.status, status);
    QVERIFY(!a.error().isEmpty());
    if (status == 426 && request.contains("Sec-WebSocket-Key"))
        QCOMPARE(a.header("Sec-WebSocket-Version"), QByteArray("13"));
    else if (status == 426)
        QCOMPARE(a.header("Upgrade"), QByteArray("websocket"));
}

// Item 5: POST /api/messages bypassed the rate limit (100k messages in 4.5 s against 100/s).
void TestRelayHostile::postIsRateLimitedPerPrincipal()
{
    quint16 port = 0;
    auto process = relay(withTokens({"--rate-limit", "10"}), &port); // burst 20
    QVERIFY(process);
    QElapsedTimer clock;
    clock.start();
    const Answer first = exchange(port, postBody(batch(30, 16), "tok-op"));
    QCOMPARE(first.status, 200);
    const QJsonArray answers = QJsonDocument::fromJson(first.body).array();
    QCOMPARE(answers.size(), 30);
    const int acked = countType(answers, "ack");
    qInfo("%d of 30 acked, %d rate limited", acked, countType(answers, "rate_limited"));
    QVERIFY(acked >= 20);
    QCOMPARE(acked + countType(answers, "rate_limited"), 30);
    // The budget is the principal's, whatever connection it comes over: soon a whole request is
    // refused with 429, and what is acked never exceeds the burst plus the rate.
    int total = acked;
    Answer refused;
    for (int i = 0; i < 50 && refused.status != 429; ++i) {
        const Answer a = exchange(port, postBody(batch(5, 16), "tok-op"));
        if (a.status == 429)
            refused = a;
        else
            total += countType(QJsonDocument::fromJson(a.body).array(), "ack");
    }
    QCOMPARE(refused.status, 429);
    QCOMPARE(refused.error(), QStringLiteral("rate_limited"));
    QCOMPARE(refused.header("Retry-After"), QByteArray("1"));
    const double seconds = double(clock.elapsed()) / 1000.0;
    QVERIFY2(total <= 20 + int(10 * seconds) + 1,
             qPrintable(QStringLiteral("%1 acked in %2 s").arg(total).arg(seconds)));
    // Another principal has a budget of its own.
    QCOMPARE(exchange(port, postBody(batch(1, 16), "tok-admin")).status, 200);
}

void TestRelayHostile::postMessageCountIsLimited()
{
    quint16 port = 0;
    auto process = relay({"--rate-limit", "1000000"}, &port);
    QVERIFY(process);
    const qint64 before = noteRss(*process, "before");
    const Answer tooMany = exchange(port, postBody(batch(1001, 8)));
    QCOMPARE(tooMany.status, 413);
    QCOMPARE(tooMany.error(), QStringLiteral("too_large"));
    const Answer ok = exchange(port, postBody(batch(1000, 8)));
    QCOMPARE(ok.status, 200);
    QCOMPARE(countType(QJsonDocument::fromJson(ok.body).array(), "ack"), 1000);
    noteRss(*process, "after");
    Q_UNUSED(before)
    // And the limit is an option.
    quint16 small = 0;
    auto limited = relay({"--rate-limit", "1000000", "--http-max-batch", "50"}, &small);
    QVERIFY(limited);
    QCOMPARE(exchange(small, postBody(batch(51, 8))).status, 413);
    QCOMPARE(exchange(small, postBody(batch(50, 8))).status, 200);
}

// Item 5: one POST of 367k messages froze the relay for about 20 s. A batch is worked through
// in slices, so other requests are answered while it runs.
void TestRelayHostile::largeBatchDoesNotStallTheRelay()
{
    quint16 port = 0;
    // A batch far larger than the default limits allow, so it takes the relay a while.
    auto process = relay({"--rate-limit", "1000000", "--http-max-batch", "20000",
                          "--http-max-body-bytes", "16777216"},
                         &port);
    QVERIFY(process);
    // Readers make each message cost the relay some work.
    std::vector<std::unique_ptr<RawHttp>> readers;
    for (int i = 0; i < 10; ++i) {
        auto reader = std::make_unique<RawHttp>();
        reader->open(port);
        QVERIFY(reader->waitConnected());
        reader->send(requestHead("GET", "/api/stream?channels=chat"));
        QCOMPARE(reader->waitHead().status, 200);
        readers.push_back(std::move(reader));
    }
    const qint64 before = noteRss(*process, "before");
    RawHttp poster;
    RawHttp probe;
    // As soon as the batch is being published, ask for the health on another connection, and
    // note which answer comes first.
    int order = 0;
    int healthAt = 0;
    int postAt = 0;
    RawHttp *first = readers.front().get();
    QObject::connect(first->socket(), &QTcpSocket::readyRead, first->socket(), [&] {
        if (probe.socket()->state() == QAbstractSocket::UnconnectedState &&
            first->received().contains("\"chat.message\"")) {
            probe.open(port);
            probe.send(requestHead("GET", "/api/health"));
        }
    });
    QObject::connect(probe.socket(), &QTcpSocket::readyRead, probe.socket(), [&] {
        if (!healthAt && probe.received().contains("\r\n\r\n"))
            healthAt = ++order;
    });
    QObject::connect(poster.socket(), &QTcpSocket::readyRead, poster.socket(), [&] {
        if (!postAt && poster.received().contains("\r\n\r\n"))
            postAt = ++order;
    });
    poster.open(port);
    QVERIFY(poster.waitConnected());
    QElapsedTimer clock;
    clock.start();
    poster.send(postBody(batch(20000, 64)));
    QTRY_VERIFY_WITH_TIMEOUT(postAt > 0 && healthAt > 0, 60000);
    qInfo("the batch took %lld ms; the health answer came %s", clock.elapsed(),
          healthAt < postAt ? "first" : "after it");
    QVERIFY2(healthAt < postAt, "the health request waited for the whole batch");
    QCOMPARE(probe.waitAnswer().status, 200);
    const Answer posted = poster.waitAnswer();
    QCOMPARE(posted.status, 200);
    QCOMPARE(countType(QJsonDocument::fromJson(posted.body).array(), "ack"), 20000);
    noteRss(*process, "after");
    Q_UNUSED(before)
}

// Item 9: /api/sessions and /api/websocket/metrics showed every user's name, role, address,
// subscriptions and every channel to any token.
void TestRelayHostile::sessionsAndMetricsNeedTheAdminRole()
{
    quint16 port = 0;
    auto process = relay(withTokens({}), &port);
    QVERIFY(process);
    QCOMPARE(exchange(port, postBody(batch(1, 8, "chat"), "tok-admin")).status, 200);
    QCOMPARE(
        exchange(port, postBody(batch(1, 8, "incidents", "incident.updated"), "tok-admin")).status,
        200);
    auto connect = [port](QWebSocket *ws, const QByteArray &token) {
        QNetworkRequest request(QUrl(QStringLiteral("ws://127.0.0.1:%1/ws").arg(port)));
        request.setRawHeader("Authorization", "Bearer " + token);
        QSignalSpy welcome(ws, &QWebSocket::textMessageReceived);
        ws->open(request);
        return welcome.wait(kWaitMs);
    };
    QWebSocket alice;
    QWebSocket bob;
    QVERIFY(connect(&alice, "tok-op"));
    QVERIFY(connect(&bob, "tok-view"));

    // A restricted token sees only its own session, and in it only what it may read.
    const Answer own = get(port, "/api/sessions", "tok-view");
    QCOMPARE(own.status, 200);
    QCOMPARE(own.json().value("count").toInt(), 1);
    const QJsonObject bobSession = own.json().value("sessions").toArray().first().toObject();
    QCOMPARE(bobSession.value("user").toString(), QStringLiteral("bob"));
    for (const QJsonValue &channel : bobSession.value("channels").toArray())
        QCOMPARE(channel.toString(), QStringLiteral("incidents"));
    QVERIFY(!own.body.contains("alice"));
    QCOMPARE(get(port, "/api/sessions", "tok-op").json().value("count").toInt(), 1);
    const Answer all = get(port, "/api/sessions", "tok-admin");
    QCOMPARE(all.status, 200);
    QCOMPARE(all.json().value("count").toInt(), 2);

    const Answer mine = get(port, "/api/websocket/metrics", "tok-view");
    QCOMPARE(mine.status, 200);
    const QJsonArray connections = mine.json().value("connections").toArray();
    QCOMPARE(connections.size(), 1);
    QCOMPARE(connections.first().toObject().value("user").toString(), QStringLiteral("bob"));
    QCOMPARE(mine.json().value("channels").toObject().keys(), QStringList{"incidents"});
    QVERIFY(!mine.body.contains("alice"));
    const Answer everything = get(port, "/api/websocket/metrics", "tok-admin");
    QCOMPARE(everything.json().value("connections").toArray().size(), 2);
    QCOMPARE(everything.json().value("channels").toObject().keys(),
             (QStringList{"chat", "incidents"}));
}

// Item 14: without tokens a web page could read the relay through DNS rebinding.
void TestRelayHostile::foreignHostIsRefusedWithoutTokens()
{
    quint16 port = 0;
    auto process = relay({"--allow-host", "vigil.test"}, &port);
    QVERIFY(process);
    auto withHost = [port](const QByteArray &host) {
        return exchange(port, "GET /api/health HTTP/1.1\r\nHost: " + host + "\r\n\r\n");
    };
    const Answer evil = withHost("evil.example:" + QByteArray::number(port));
    QCOMPARE(evil.status, 403);
    QCOMPARE(evil.error(), QStringLiteral("forbidden_host"));
    QCOMPARE(withHost("evil.example").status, 403);
    QCOMPARE(withHost("localhost:" + QByteArray::number(port)).status, 200);
    QCOMPARE(withHost("LocalHost").status, 200);
    QCOMPARE(withHost("127.0.0.1:" + QByteArray::number(port)).status, 200);
    QCOMPARE(withHost("[::1]:" + QByteArray::number(port)).status, 200);
    QCOMPARE(withHost("vigil.test:" + QByteArray::number(port)).status, 200);
    // The WebSocket upgrade too.
    const Answer upgrade =
        exchange(port, "GET /ws HTTP/1.1\r\nHost: evil.example\r\nUpgrade: websocket\r\n"
                       "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                       "Sec-WebSocket-Version: 13\r\n\r\n");
    QCOMPARE(upgrade.status, 403);
    // With tokens the token is what counts.
    quint16 guarded = 0;
    auto withTokensProcess = relay(withTokens({}), &guarded);
    QVERIFY(withTokensProcess);
    QCOMPARE(exchange(guarded, "GET /api/health HTTP/1.1\r\nHost: relay.example\r\n"
                               "Authorization: Bearer tok-view\r\n\r\n")
                 .status,
             200);
}

void TestRelayHostile::upgradesOnlyOnWs_data()
{
    QTest::addColumn<QByteArray>("target");
    QTest::addColumn<int>("status");
    QTest::newRow("/api/health") << QByteArray("/api/health") << 404;
    QTest::newRow("/api/sessions") << QByteArray("/api/sessions") << 404;
    QTest::newRow("/api/stream") << QByteArray("/api/stream?channels=chat") << 404;
    QTest::newRow("/api/poll") << QByteArray("/api/poll?channels=chat") << 404;
    QTest::newRow("/ws") << QByteArray("/ws") << 101;
}

// Item 15: upgrades were accepted on every path, with HTTP answers then written into the
// WebSocket stream.
void TestRelayHostile::upgradesOnlyOnWs()
{
    QFETCH(QByteArray, target);
    QFETCH(int, status);
    quint16 port = 0;
    auto process = relay({}, &port);
    QVERIFY(process);
    RawHttp http;
    http.open(port);
    QVERIFY(http.waitConnected());
    http.send(requestHead("GET", target, {},
                          "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                          "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                          "Sec-WebSocket-Version: 13\r\n"));
    const Answer a = http.waitHead();
    QCOMPARE(a.status, status);
    if (status == 404)
        QVERIFY(http.waitClosed());
}

void TestRelayHostile::ambiguousFramingIsRefused_data()
{
    QTest::addColumn<QByteArray>("extra");
    QTest::addColumn<int>("status");
    QTest::newRow("Content-Length with chunked")
        << QByteArray("Content-Length: 5\r\nTransfer-Encoding: chunked\r\n") << 400;
    QTest::newRow("chunked with Content-Length")
        << QByteArray("Transfer-Encoding: chunked\r\nContent-Length: 5\r\n") << 400;
    QTest::newRow("two equal Content-Length")
        << QByteArray("Content-Length: 5\r\nContent-Length: 5\r\n") << 400;
    QTest::newRow("two different Content-Length")
        << QByteArray("Content-Length: 5\r\nContent-Length: 50\r\n") << 400;
    QTest::newRow("a list in Content-Length") << QByteArray("Content-Length: 5, 5\r\n") << 400;
    QTest::newRow("negative Content-Length") << QByteArray("Content-Length: -5\r\n") << 400;
    QTest::newRow("chunked alone") << QByteArray("Transfer-Encoding: chunked\r\n") << 411;
    QTest::newRow("folded header") << QByteArray("X-One: a\r\n b\r\nContent-Length: 5\r\n") << 400;
    QTest::newRow("space before colon") << QByteArray("Content-Length : 5\r\n") << 400;
    QTest::newRow("two Host headers") << QByteArray("Host: other\r\nContent-Length: 5\r\n") << 400;
}

// Item 18: Content-Length with chunked, and duplicate Content-Length, were accepted.
void TestRelayHostile::ambiguousFramingIsRefused()
{
    QFETCH(QByteArray, extra);
    QFETCH(int, status);
    quint16 port = 0;
    auto process = relay({}, &port);
    QVERIFY(process);
    RawHttp http;
    http.open(port);
    QVERIFY(http.waitConnected());
    http.send(requestHead("POST", "/api/messages", {}, extra) + "0\r\n\r\n");
    const Answer a = http.waitAnswer();
    QCOMPARE(a.status, status);
    QCOMPARE(a.header("Connection"), QByteArray("close"));
    QVERIFY(http.waitClosed());
    // Nothing of it was taken as a message.
    QCOMPARE(get(port, "/api/websocket/metrics")
                 .json()
                 .value("channels")
                 .toObject()
                 .value("chat")
                 .toObject()
                 .value("head")
                 .toInt(),
             0);
}

// Item 19: two warning lines per unauthenticated attempt let anyone flood the log.
void TestRelayHostile::refusalsAreLoggedSparingly()
{
    quint16 port = 0;
    auto process = relay(withTokens({}), &port);
    QVERIFY(process);
    for (int i = 0; i < 50; ++i)
        QCOMPARE(get(port, "/api/health", i % 2 ? "wrong-token" : QByteArray()).status, 401);
    // A different refusal after them: once its line is in, all earlier lines are too.
    QCOMPARE(get(port, "/after-the-flood").status, 404);
    QByteArray log;
    QTRY_VERIFY_WITH_TIMEOUT((log += process->readAllStandardError()).contains("/after-the-flood"),
                             kWaitMs);
    const auto lines = log.split('\n');
    const auto refusals = std::count_if(lines.begin(), lines.end(), [](const QByteArray &line) {
        return line.contains("401") || line.contains("unauthorized");
    });
    qInfo("%d log lines about the 50 refused requests", int(refusals));
    QVERIFY2(refusals >= 1 && refusals <= 3, log.constData());
    QVERIFY(!log.contains("wrong-token"));
}

// TLS (--tls-cert/--tls-key) goes through the same limits.
void TestRelayHostile::tlsWorksWithinTheLimits()
{
    QVERIFY(vigil::test::makeTestCertificates(m_dir.path(), "Vigil Hostile Test CA"));
    quint16 port = 0;
    auto process = relay(withTokens({"--tls-cert", m_dir.filePath("server.pem"), "--tls-key",
                                     m_dir.filePath("server.key"), "--rate-limit", "100000"}),
                         &port);
    QVERIFY(process);
    QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
    tls.setCaCertificates(QSslCertificate::fromPath(m_dir.filePath("ca.pem")));
    QCOMPARE(exchange(port, requestHead("GET", "/api/health", "tok-op"), &tls).status, 200);
    // A body much larger than what the relay buffers of a head, over TLS.
    const Answer posted = exchange(port, postBody(batch(20, 70 * 1024), "tok-op"), &tls);
    QCOMPARE(posted.status, 200);
    QCOMPARE(countType(QJsonDocument::fromJson(posted.body).array(), "ack"), 20);
    const qint64 before = noteRss(*process, "before a 200 MiB POST over TLS without a token");
    RawHttp attacker(&tls);
    attacker.open(port);
    QVERIFY(attacker.waitConnected());
    attacker.send(requestHead("POST", "/api/messages", {},
                              "Content-Type: application/json\r\nContent-Length: 209715200\r\n"));
    attacker.send(QByteArray(kMiB, 'x'));
    QCOMPARE(attacker.waitAnswer().status, 401);
    const qint64 after = noteRss(*process, "after");
    QVERIFY2(after - before < 50 * 1024, "the relay's memory grew by more than 50 MiB");
    // wss:// still upgrades.
    QWebSocket ws;
    ws.setSslConfiguration(tls);
    QNetworkRequest request(QUrl(QStringLiteral("wss://127.0.0.1:%1/ws").arg(port)));
    request.setRawHeader("Authorization", "Bearer tok-op");
    QSignalSpy welcome(&ws, &QWebSocket::textMessageReceived);
    ws.open(request);
    QVERIFY(welcome.wait(kWaitMs));
    QVERIFY(welcome.first().first().toString().contains("\"welcome\""));
}

QTEST_GUILESS_MAIN(TestRelayHostile)
#include "tst_relayhostile.moc"
