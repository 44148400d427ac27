// The pieces the ConnectionManager is built from since it was split: the heartbeat, the
// transport choice, the backoff after a close code, the link statistics, the inbound
// ChannelStream and the splitting of HTTP answers into envelopes. Each is driven directly,
// with an injected clock, so every rule is checked without a server.
#include "connection/channelstream.h"
#include "connection/heartbeat.h"
#include "connection/linkstats.h"
#include "connection/loglimiter.h"
#include "connection/reconnectpolicy.h"
#include "connection/transportchoice.h"
#include "protocol/envelope.h"

#include "helpers/testsupport.h"

#include <QJsonArray>
#include <QSignalSpy>
#include <QTest>

using namespace vigil;

namespace {

struct FakeClock
{
    qint64 mono = 1000;
    qint64 wall = 1'700'000'000'000;
    Clock clock()
    {
        return {[this] { return mono; }, [this] { return wall; }};
    }
};

Envelope channelMessage(const QString &channel, qint64 seq, const QString &id)
{
    Envelope e = Envelope::create(QStringLiteral("incident.updated"), channel, QJsonObject{});
    e.id = id;
    e.seq = seq;
    return e;
}

Envelope control(const QString &type, const QJsonObject &payload)
{
    return Envelope::create(type, QStringLiteral("system"), payload);
}

} // namespace

class TestLinkParts : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void heartbeatMeasuresAndRecords();
    void heartbeatDeclaresDeadAfterMaxMissedInARow();
    void heartbeatTimedByTransportWaitsForItsAnswer();
    void heartbeatStoppedWhileSendingForgetsThePing();
    void choiceFallsBackAfterFailuresThenAlternates();
    void choiceFollowsRefusalAndOperatorPreference();
    void choiceFallsBackWhenCriticalTooLong();
    void backoffAfterCloseCodes();
    void statsCountReconnectsAndUnreachable();
    void splitJsonArray_data();
    void splitJsonArray();
    void streamSubscribesAtWelcomeOrAfterWait();
    void streamAsksForGapsAndPagesOnWebSocketOnly();
    void streamSubscribedFromNowResumesFromTheHead();
    void streamAnswersPingsAndPassesAcks();
};

void TestLinkParts::heartbeatMeasuresAndRecords()
{
    FakeClock fake;
    HealthStats stats;
    Heartbeat beat({60000, 60000, 3});
    beat.setClock(fake.clock());
    beat.setStats(&stats);
    int pings = 0;
    beat.setPinger([&pings] {
        ++pings;
        return Heartbeat::Sent::TimedHere;
    });
    QSignalSpy rtt(&beat, &Heartbeat::rttMeasured);
    beat.start();
    QCOMPARE(pings, 1); // one at once
    QVERIFY(beat.awaiting());
    beat.beatNow();
    QCOMPARE(pings, 1); // not while an answer is awaited
    fake.mono += 42;
    beat.answered(); // measured from when it was sent
    QCOMPARE(rtt.size(), 1);
    QCOMPARE(rtt.at(0).at(0).toLongLong(), 42);
    QCOMPARE(stats.lastRttMs(), 42);
    beat.beatNow();
    beat.answered(7); // the transport's own figure wins
    QCOMPARE(rtt.at(1).at(0).toLongLong(), 7);
    QCOMPARE(stats.sampleCount(), 2);
    beat.answered(9); // nothing awaited: ignored
    QCOMPARE(rtt.size(), 2);
}

void TestLinkParts::heartbeatDeclaresDeadAfterMaxMissedInARow()
{
    FakeClock fake;
    HealthStats stats;
    Heartbeat beat({60000, 60000, 3});
    beat.setClock(fake.clock());
    beat.setStats(&stats);
    int pings = 0;
    beat.setPinger([&pings] {
        ++pings;
        return Heartbeat::Sent::TimedHere;
    });
    QSignalSpy stalled(&beat, &Heartbeat::stalledChanged);
    QSignalSpy dead(&beat, &Heartbeat::dead);
    beat.start();
    fake.mono += 5000;
    beat.lost();
    QVERIFY(beat.stalled());
    QCOMPARE(stalled.size(), 1);
    QCOMPARE(pings, 2); // asked again at once, not an interval later
    QCOMPARE(beat.silentForMs(), 5000);
    beat.answered(); // the server is back: counting starts over
    QVERIFY(!beat.stalled());
    QCOMPARE(stalled.size(), 2);
    beat.beatNow();
    for (int i = 0; i < 3; ++i)
        beat.lost();
    QCOMPARE(dead.size(), 1);
    QCOMPARE(dead.at(0).at(0).toInt(), 3);
    QCOMPARE(pings, 5); // no ping after the third loss
    QCOMPARE(stats.lossPercent(), 100.0 * 4 / 5);
    beat.stop();
    QVERIFY(!beat.stalled());
    QCOMPARE(beat.missed(), 0);
}

void TestLinkParts::heartbeatTimedByTransportWaitsForItsAnswer()
{
    Heartbeat beat({60000, 1, 3}); // a 1 ms timeout: the heartbeat must not use it
    beat.setPinger([] { return Heartbeat::Sent::TimedByTransport; });
    QSignalSpy missed(&beat, &Heartbeat::missedBeat);
    beat.start();
    QVERIFY(beat.awaiting());
    // Proof that nothing timed out meanwhile: a timer queued after the 1 ms one has run.
    QTimer marker;
    marker.setSingleShot(true);
    QSignalSpy markerFired(&marker, &QTimer::timeout);
    marker.start(5);
    QVERIFY(markerFired.wait(test::kWaitMs));
    QCOMPARE(missed.size(), 0);
    QVERIFY(beat.awaiting());
    beat.lost(); // the transport reports the loss
    QCOMPARE(missed.size(), 1);
}

void TestLinkParts::heartbeatStoppedWhileSendingForgetsThePing()
{
    Heartbeat beat({60000, 1, 3});
    // Sending fails the link, and whoever handles that stops the heartbeat.
    beat.setPinger([&beat] {
        beat.stop();
        return Heartbeat::Sent::TimedHere;
    });
    QSignalSpy missed(&beat, &Heartbeat::missedBeat);
    beat.beatNow();
    QVERIFY(!beat.awaiting());
    QTimer marker;
    marker.setSingleShot(true);
    QSignalSpy markerFired(&marker, &QTimer::timeout);
    marker.start(5);
    QVERIFY(markerFired.wait(test::kWaitMs));
    QCOMPARE(missed.size(), 0); // no timeout armed for a ping of a link that is gone
}

void TestLinkParts::choiceFallsBackAfterFailuresThenAlternates()
{
    ConnectionConfig config;
    config.fallbackAfterFailures = 2;
    TransportChoice choice(config);
    QVERIFY(!choice.nextIsHttp());
    choice.attemptStarted(false);
    choice.attemptFailed(false);
    QVERIFY(!choice.nextIsHttp());
    choice.attemptFailed(false);
    QVERIFY(choice.nextIsHttp());
    QCOMPARE(choice.takeHttpReason(), QStringLiteral("WebSocket failed 2 times in a row"));
    choice.attemptStarted(true);
    choice.attemptFailed(false);   // an HTTP attempt does not count toward WebSocket failures
    QVERIFY(!choice.nextIsHttp()); // alternates: WebSocket again
    choice.attemptStarted(false);
    QVERIFY(choice.nextIsHttp());
    choice.webSocketWorks();
    QVERIFY(!choice.nextIsHttp());
    choice.attemptFailed(true); // a link that worked and dropped is no failed attempt
    choice.attemptFailed(true);
    QVERIFY(!choice.nextIsHttp());
}

void TestLinkParts::choiceFollowsRefusalAndOperatorPreference()
{
    ConnectionConfig config;
    TransportChoice choice(config);
    choice.upgradeRefused();
    QVERIFY(choice.nextIsHttp());
    QCOMPARE(choice.takeHttpReason(),
             QStringLiteral("the WebSocket upgrade is refused on the way"));
    QCOMPARE(choice.httpMode(), HttpTransport::Mode::Sse);
    choice.setHttpMode(HttpTransport::Mode::Poll);
    QCOMPARE(choice.httpMode(), HttpTransport::Mode::Poll);
    config.transport = TransportPreference::Sse; // read live, as the operator switches
    QCOMPARE(choice.httpMode(), HttpTransport::Mode::Sse);
    choice.attemptStarted(true);
    QVERIFY(choice.nextIsHttp()); // HTTP only: no alternation
    config.transport = TransportPreference::WebSocket;
    QVERIFY(!choice.nextIsHttp());
}

void TestLinkParts::choiceFallsBackWhenCriticalTooLong()
{
    ConnectionConfig config;
    config.criticalFallbackMs = 1000;
    TransportChoice choice(config);
    QString why;
    QVERIFY(!choice.stayedCritical(true, 0, &why));
    QVERIFY(!choice.stayedCritical(true, 999, &why));
    QVERIFY(!choice.stayedCritical(false, 1500, &why)); // recovered: the clock starts over
    QVERIFY(!choice.stayedCritical(true, 2000, &why));
    QVERIFY(choice.stayedCritical(true, 3000, &why));
    QCOMPARE(why, QStringLiteral("the WebSocket link stayed critical for 1 s"));
    QVERIFY(choice.nextIsHttp());
    QCOMPARE(choice.takeHttpReason(), why);
    config.transport = TransportPreference::WebSocket;
    QVERIFY(!choice.stayedCritical(true, 10000, &why));
    QVERIFY(!choice.stayedCritical(true, 20000, &why)); // only Auto falls back
}

void TestLinkParts::backoffAfterCloseCodes()
{
    ReconnectPolicy policy{1000, 2.0, 30000, false};
    const auto none = std::function<double()>();
    QCOMPARE(policy.delayAfterClose(-1, 4, none, 15000), 8000);
    QCOMPARE(policy.delayAfterClose(1001, 4, none, 15000), 1000);  // going away: promptly
    QCOMPARE(policy.delayAfterClose(1012, 4, none, 15000), 1000);  // restarting
    QCOMPARE(policy.delayAfterClose(4429, 2, none, 15000), 17000); // rate limited: the floor
}

void TestLinkParts::statsCountReconnectsAndUnreachable()
{
    LinkStats stats(10, 60000);
    stats.linkUp(100);
    QCOMPARE(stats.reconnects(), 0); // the first link is no reconnect
    stats.linkDown(1000);
    stats.unreachable(5000);
    stats.unreachable(6000); // since the first failure
    QCOMPARE(stats.unreachableSinceMs(), 5000);
    stats.linkUp(3500);
    QCOMPARE(stats.reconnects(), 1);
    QCOMPARE(stats.lastTimeToReconnectMs(), 2500);
    QCOMPARE(stats.unreachableSinceMs(), -1);
    stats.frameIn(100, 3600);
    stats.messageOut(40, 3600);
    stats.messageOut(0, 3600); // a post: counted, no bytes known
    stats.countError(ErrorCategory::Tls);
    const QJsonObject json = stats.toJson(3700);
    QCOMPARE(json.value(QStringLiteral("messagesIn")).toInt(), 1);
    QCOMPARE(json.value(QStringLiteral("messagesOut")).toInt(), 2);
    QCOMPARE(json.value(QStringLiteral("bytesOut")).toInt(), 40);
    QCOMPARE(json.value(QStringLiteral("reconnects")).toInt(), 1);
    QCOMPARE(json.value(QStringLiteral("errors")).toObject().value(QStringLiteral("tls")).toInt(),
             1);
}

void TestLinkParts::splitJsonArray_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<bool>("ok");
    QTest::addColumn<QList<QByteArray>>("elements");
    QTest::newRow("empty") << QByteArray(" [ ] ") << true << QList<QByteArray>{};
    QTest::newRow("two") << QByteArray(R"([{"a":1}, {"b":[1,2,{"c":"]"}]}])") << true
                         << QList<QByteArray>{R"({"a":1})", R"({"b":[1,2,{"c":"]"}]})"};
    QTest::newRow("escapes") << QByteArray(R"([{"s":"a\"},{"}, 3])") << true
                             << QList<QByteArray>{R"({"s":"a\"},{"})", "3"};
    QTest::newRow("as sent") << QByteArray("[ {\"x\" : 1 } ]") << true
                             << QList<QByteArray>{"{\"x\" : 1 }"};
    QTest::newRow("not an array") << QByteArray(R"({"a":1})") << false << QList<QByteArray>{};
    QTest::newRow("unterminated") << QByteArray(R"([{"a":1})") << false << QList<QByteArray>{};
    QTest::newRow("unterminated string")
        << QByteArray(R"([{"a":"1}])") << false << QList<QByteArray>{};
    QTest::newRow("trailing data") << QByteArray(R"([1] x)") << false << QList<QByteArray>{};
    QTest::newRow("empty element") << QByteArray(R"([1,,2])") << false << QList<QByteArray>{};
    QTest::newRow("stray brace") << QByteArray(R"([1}])") << false << QList<QByteArray>{};
}

void TestLinkParts::splitJsonArray()
{
    QFETCH(QByteArray, text);
    QFETCH(bool, ok);
    QFETCH(QList<QByteArray>, elements);
    QList<QByteArray> got;
    QCOMPARE(vigil::splitJsonArray(text, &got), ok);
    if (ok)
        QCOMPARE(got, elements);
}

void TestLinkParts::streamSubscribesAtWelcomeOrAfterWait()
{
    ConnectionConfig config;
    config.channels = {QStringLiteral("incidents")};
    config.welcomeWaitMs = 10;
    LinkStats stats(10, 60000);
    LogLimiter log;
    ChannelStream stream(config, stats, log);
    QList<Envelope> sent;
    stream.setSender([&sent](const Envelope &e) {
        sent.append(e);
        return true;
    });
    // A Vigil server: subscribed once it said who it is.
    stream.webSocketOpened();
    QVERIFY(sent.isEmpty());
    QSignalSpy welcomed(&stream, &ChannelStream::welcomeReceived);
    stream.take(control(QStringLiteral("welcome"),
                        {{QStringLiteral("epoch"), QStringLiteral("e1")},
                         {QStringLiteral("capabilities"), QJsonArray{QStringLiteral("ack")}}}),
                0);
    QCOMPARE(welcomed.size(), 1);
    QCOMPARE(sent.size(), 1);
    QCOMPARE(sent.at(0).type, QStringLiteral("subscribe"));
    QVERIFY(stream.welcome().contains(QStringLiteral("capabilities")));
    QCOMPARE(stream.cursor().serverEpoch(), QStringLiteral("e1"));
    // A basic server sends no welcome: subscribed after the wait, then at once next time.
    stream.linkEnded();
    QVERIFY(stream.welcome().isEmpty());
    sent.clear();
    stream.webSocketOpened();
    QTRY_COMPARE_WITH_TIMEOUT(sent.size(), 1, test::kWaitMs);
    stream.linkEnded();
    sent.clear();
    stream.webSocketOpened();
    QCOMPARE(sent.size(), 1);
}

void TestLinkParts::streamSubscribedFromNowResumesFromTheHead()
{
    // vigil-cli tail subscribes from now (no history). A link lost before the channel's first
    // message must still resume from the head it was told, or what is published while it is
    // away is missed without a word (a chaos soak found one such message).
    ConnectionConfig config;
    config.channels = {QStringLiteral("agents")};
    config.replayHistory = false;
    config.welcomeWaitMs = 0;
    LinkStats stats(10, 60000);
    LogLimiter log;
    ChannelStream stream(config, stats, log);
    QList<Envelope> sent;
    stream.setSender([&sent](const Envelope &e) {
        sent.append(e);
        return true;
    });
    const QString agents = QStringLiteral("agents");
    const auto sinceAsked = [&sent] {
        return sent.last()
            .payload.toObject()
            .value(QStringLiteral("channels"))
            .toArray()
            .at(0)
            .toObject()
            .value(QStringLiteral("since"));
    };
    stream.webSocketOpened();
    QCOMPARE(sent.size(), 1);
    QVERIFY(sinceAsked().isUndefined()); // from now
    QSignalSpy advanced(&stream, &ChannelStream::positionAdvanced);
    stream.take(control(QStringLiteral("subscribed"),
                        {{QStringLiteral("channel"), agents}, {QStringLiteral("head"), 5838}}),
                0);
    QCOMPARE(stream.cursor().lastSeq(agents), 5838);
    QCOMPARE(advanced.size(), 1);

    stream.linkEnded();
    sent.clear();
    stream.webSocketOpened();
    QCOMPARE(sent.size(), 1);
    QCOMPARE(sinceAsked().toInteger(-1), 5838);
    // A later answer never moves a position back, nor past what was received.
    QVERIFY(stream.take(channelMessage(agents, 5839, QStringLiteral("m")), 0));
    stream.take(control(QStringLiteral("subscribed"),
                        {{QStringLiteral("channel"), agents}, {QStringLiteral("head"), 9000}}),
                0);
    QCOMPARE(stream.cursor().lastSeq(agents), 5839);
}

void TestLinkParts::streamAsksForGapsAndPagesOnWebSocketOnly()
{
    ConnectionConfig config;
    config.channels = {QStringLiteral("incidents")};
    config.welcomeWaitMs = 0;
    LinkStats stats(10, 60000);
    LogLimiter log;
    ChannelStream stream(config, stats, log);
    QList<Envelope> sent;
    stream.setSender([&sent](const Envelope &e) {
        sent.append(e);
        return true;
    });
    const QString incidents = QStringLiteral("incidents");
    // Over HTTP (no WebSocket open) positions ride on the requests: nothing is asked for.
    QVERIFY(stream.take(channelMessage(incidents, 1, QStringLiteral("a")), 0));
    QVERIFY(stream.take(channelMessage(incidents, 5, QStringLiteral("b")), 0));
    QVERIFY(sent.isEmpty());
    QVERIFY(!stream.take(channelMessage(incidents, 5, QStringLiteral("b")), 0)); // duplicate
    QCOMPARE(stats.duplicates(), quint64(1));

    stream.webSocketOpened();
    QCOMPARE(sent.size(), 1); // subscribe from 5
    stream.take(control(QStringLiteral("subscribed"), {{QStringLiteral("channel"), incidents}}), 0);
    sent.clear();
    QVERIFY(stream.take(channelMessage(incidents, 9, QStringLiteral("c")), 0));
    QCOMPARE(sent.size(), 1); // the gap 6..8 is asked for, from before the message
    const QJsonObject entry =
        sent.at(0).payload.toObject().value(QStringLiteral("channels")).toArray().at(0).toObject();
    QCOMPARE(entry.value(QStringLiteral("since")).toInteger(), 5);
    QCOMPARE(stream.cursor().lastSeq(incidents), 9);
    // A paged replay: the next page is asked for while each page moves forward.
    sent.clear();
    const QJsonObject more{{QStringLiteral("channel"), incidents}, {QStringLiteral("more"), true}};
    stream.take(control(QStringLiteral("subscribed"), more), 0);
    QCOMPARE(sent.size(), 1);
    stream.take(control(QStringLiteral("subscribed"), more), 0);
    QCOMPARE(sent.size(), 1); // a page that moved nothing ends the paging
}

void TestLinkParts::streamAnswersPingsAndPassesAcks()
{
    ConnectionConfig config;
    LinkStats stats(10, 60000);
    LogLimiter log;
    ChannelStream stream(config, stats, log);
    QList<Envelope> sent;
    stream.setSender([&sent](const Envelope &e) {
        sent.append(e);
        return true;
    });
    QSignalSpy pongs(&stream, &ChannelStream::pongReceived);
    QSignalSpy acks(&stream, &ChannelStream::acked);
    QSignalSpy errors(&stream, &ChannelStream::serverError);
    QVERIFY(!stream.take(control(QStringLiteral("ping"), {{QStringLiteral("t"), 5}}), 0));
    QCOMPARE(sent.size(), 1);
    QCOMPARE(sent.at(0).type, QStringLiteral("pong"));
    QCOMPARE(sent.at(0).payload.toObject().value(QStringLiteral("t")).toInt(), 5);
    stream.take(control(QStringLiteral("pong"), {}), 0);
    QCOMPARE(pongs.size(), 1);
    stream.take(control(QStringLiteral("ack"), {{QStringLiteral("id"), QStringLiteral("m1")}}), 0);
    QCOMPARE(acks.at(0).at(0).toString(), QStringLiteral("m1"));
    stream.take(control(QStringLiteral("error"),
                        {{QStringLiteral("code"), QStringLiteral("rate_limited")}}),
                0);
    QCOMPARE(errors.size(), 1);
    QCOMPARE(stats.errors(ErrorCategory::RateLimited), quint64(1));
}

QTEST_GUILESS_MAIN(TestLinkParts)
#include "tst_linkparts.moc"
