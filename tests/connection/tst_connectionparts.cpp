// The pure parts of the connection layer: transition table, breaker, de-duplication window,
// quality grades, rate meter, and the limits against a bad server (log rate limit, bad-frame
// window, oversized-message guard).
#include "connection/channelcursor.h"
#include "connection/circuitbreaker.h"
#include "connection/connectionmanager.h"
#include "connection/dedupwindow.h"
#include "connection/healthstats.h"
#include "connection/loglimiter.h"
#include "connection/peerguard.h"
#include "connection/quality.h"
#include "connection/serverendpoint.h"

#include <QTest>

using State = vigil::ConnectionManager::State;
using vigil::QualityGrade;

class TestConnectionParts : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void transitionTable_data();
    void transitionTable();
    void breakerOpensHalfOpensCloses();
    void breakerWithoutThresholdNeverOpens();
    void dedupBoundedByCountAndAge();
    void dedupMemoryStaysFlatUnderFlood();
    void qualityGrades_data();
    void qualityGrades();
    void everyGradeHasARecommendation();
    void rateMeterAveragesOverWindow();
    void cursorKeepsPositionsOfTheSameHistory();
    void cursorStartsOverInANewHistory();
    void cursorWithoutEpochsKeepsTodaysMeaning();
    void cursorRewindForReload();
    void endpointBuildsRequestsAndReadsRefusals();
    void logLimiterWritesBurstThenOneSummaryPerInterval();
    void logLimiterSummarisesOnItsTimer();
    void badFrameWindowTripsOnlyOnABurst();
    void oversizeGuardSkipsAfterRepeatedClosesAtOnePosition();
};

void TestConnectionParts::transitionTable_data()
{
    QTest::addColumn<State>("from");
    QTest::addColumn<State>("to");
    QTest::addColumn<bool>("allowed");

    const QList<State> all = {State::Disconnected, State::Connecting, State::Connected,
                              State::Reconnecting, State::Error,      State::Closed,
                              State::Fallback};
    // The table from the class documentation, written out independently of the code.
    const QHash<State, QList<State>> allowed = {
        {State::Disconnected, {State::Connecting, State::Error, State::Closed}},
        {State::Connecting,
         {State::Connected, State::Reconnecting, State::Error, State::Disconnected, State::Closed,
          State::Fallback}},
        {State::Connected,
         {State::Reconnecting, State::Error, State::Disconnected, State::Closed, State::Fallback}},
        {State::Reconnecting, {State::Connecting, State::Error, State::Closed, State::Fallback}},
        {State::Error, {State::Connecting, State::Closed}},
        {State::Closed, {State::Connecting, State::Error}},
        {State::Fallback,
         {State::Connecting, State::Connected, State::Reconnecting, State::Error, State::Closed}},
    };
    for (State from : all) {
        for (State to : all) {
            const QByteArray name = (vigil::ConnectionManager::stateName(from) + " -> " +
                                     vigil::ConnectionManager::stateName(to))
                                        .toUtf8();
            QTest::newRow(name.constData()) << from << to << allowed.value(from).contains(to);
        }
    }
}

void TestConnectionParts::transitionTable()
{
    QFETCH(State, from);
    QFETCH(State, to);
    QFETCH(bool, allowed);
    QCOMPARE(vigil::ConnectionManager::transitionAllowed(from, to), allowed);
}

void TestConnectionParts::breakerOpensHalfOpensCloses()
{
    vigil::CircuitBreaker breaker(3);
    QVERIFY(!breaker.recordFailure());
    QVERIFY(!breaker.recordFailure());
    QVERIFY(breaker.recordFailure()); // the third opens it
    QCOMPARE(breaker.phase(), vigil::CircuitBreaker::Phase::Open);
    breaker.allowProbe();
    QCOMPARE(breaker.phase(), vigil::CircuitBreaker::Phase::HalfOpen);
    QVERIFY(breaker.recordFailure()); // the probe failed: open again
    QCOMPARE(breaker.phase(), vigil::CircuitBreaker::Phase::Open);
    breaker.allowProbe();
    breaker.recordSuccess();
    QCOMPARE(breaker.phase(), vigil::CircuitBreaker::Phase::Closed);
    QCOMPARE(breaker.failures(), 0);
    QVERIFY(!breaker.recordFailure());
}

void TestConnectionParts::breakerWithoutThresholdNeverOpens()
{
    vigil::CircuitBreaker breaker(0);
    for (int i = 0; i < 1000; ++i)
        QVERIFY(!breaker.recordFailure());
    QCOMPARE(breaker.phase(), vigil::CircuitBreaker::Phase::Closed);
}

void TestConnectionParts::dedupBoundedByCountAndAge()
{
    vigil::DedupWindow window(3, 1000);
    QVERIFY(!window.seen("a", 0));
    QVERIFY(window.seen("a", 10));
    QVERIFY(!window.seen("b", 20));
    QVERIFY(!window.seen("c", 30));
    QVERIFY(!window.seen("d", 40)); // pushes "a" out by count
    QVERIFY(!window.seen("a", 50));
    QCOMPARE(window.size(), 3);
    // Age: everything older than 1 s is forgotten.
    QVERIFY(window.seen("d", 900));
    QVERIFY(!window.seen("d", 2000));
    QCOMPARE(window.size(), 1);
}

void TestConnectionParts::dedupMemoryStaysFlatUnderFlood()
{
    vigil::DedupWindow window(1000, 60000);
    for (int i = 0; i < 200000; ++i)
        window.seen(QString::number(i), i / 100);
    QCOMPARE(window.size(), 1000);
}

void TestConnectionParts::qualityGrades_data()
{
    QTest::addColumn<double>("rtt");
    QTest::addColumn<double>("loss");
    QTest::addColumn<int>("samples");
    QTest::addColumn<QualityGrade>("grade");
    QTest::newRow("no samples") << 10.0 << 0.0 << 0 << QualityGrade::Unknown;
    QTest::newRow("excellent") << 49.0 << 0.4 << 10 << QualityGrade::Excellent;
    QTest::newRow("good by rtt") << 50.0 << 0.0 << 10 << QualityGrade::Good;
    QTest::newRow("good by loss") << 10.0 << 0.5 << 10 << QualityGrade::Good;
    QTest::newRow("fair by rtt") << 150.0 << 0.0 << 10 << QualityGrade::Fair;
    QTest::newRow("fair by loss") << 10.0 << 2.0 << 10 << QualityGrade::Fair;
    QTest::newRow("poor by rtt") << 200.0 << 0.0 << 10 << QualityGrade::Poor;
    QTest::newRow("poor by loss") << 10.0 << 9.9 << 10 << QualityGrade::Poor;
    QTest::newRow("critical by rtt") << 500.0 << 0.0 << 10 << QualityGrade::Critical;
    QTest::newRow("critical by loss") << 10.0 << 10.0 << 10 << QualityGrade::Critical;
    QTest::newRow("worse of the two") << 60.0 << 6.0 << 10 << QualityGrade::Poor;
}

void TestConnectionParts::qualityGrades()
{
    QFETCH(double, rtt);
    QFETCH(double, loss);
    QFETCH(int, samples);
    QFETCH(QualityGrade, grade);
    QCOMPARE(vigil::gradeFor(rtt, loss, samples), grade);
}

void TestConnectionParts::everyGradeHasARecommendation()
{
    QSet<QString> seen;
    for (QualityGrade g : {QualityGrade::Unknown, QualityGrade::Excellent, QualityGrade::Good,
                           QualityGrade::Fair, QualityGrade::Poor, QualityGrade::Critical}) {
        const QString text = vigil::gradeRecommendation(g);
        QVERIFY(!text.isEmpty());
        seen.insert(text);
        QVERIFY(!vigil::gradeName(g).isEmpty());
    }
    QCOMPARE(seen.size(), 6);
}

void TestConnectionParts::rateMeterAveragesOverWindow()
{
    vigil::RateMeter meter(5);
    for (int second = 0; second < 5; ++second)
        meter.add(second * 1000 + 500, 10);
    QCOMPARE(meter.perSecond(4999), 10.0);
    // Ten seconds later nothing recent remains.
    QCOMPARE(meter.perSecond(15000), 0.0);
}

void TestConnectionParts::cursorKeepsPositionsOfTheSameHistory()
{
    vigil::ChannelCursor cursor;
    cursor.restore("incidents", {5, "a"});
    QVERIFY(cursor.adoptServerEpoch("a").isEmpty());
    QCOMPARE(cursor.since("incidents", false), 5);
    QVERIFY(cursor.advance("incidents", 6));
    QVERIFY(!cursor.advance("incidents", 6)); // never twice, never backwards
    QVERIFY(!cursor.advance("incidents", 2));
    QCOMPARE(cursor.position("incidents").seq, 6);
    QCOMPARE(cursor.position("incidents").epoch, QString("a"));
}

void TestConnectionParts::cursorStartsOverInANewHistory()
{
    // Saw 1..5 in history "a"; the server now names history "b": since=5 means nothing there.
    vigil::ChannelCursor cursor;
    cursor.restore("incidents", {5, "a"});
    cursor.restore("chat", {0, "a"}); // nothing seen yet: nothing to report
    QCOMPARE(cursor.adoptServerEpoch("b"), QStringList{"incidents"});
    QCOMPARE(cursor.since("incidents", false), 0); // from the start of what "b" holds
    QCOMPARE(cursor.position("incidents").epoch, QString("b"));
    QVERIFY(cursor.advance("incidents", 3)); // seq 3 of "b" is news, though 3 < 5
    QCOMPARE(cursor.lastSeq("incidents"), 3);
    QVERIFY(cursor.adoptServerEpoch("b").isEmpty()); // said once
}

void TestConnectionParts::cursorWithoutEpochsKeepsTodaysMeaning()
{
    vigil::ChannelCursor cursor;
    cursor.restore("incidents", {5, {}});                  // saved before epochs existed
    QVERIFY(cursor.adoptServerEpoch(QString()).isEmpty()); // a server without epochs
    QCOMPARE(cursor.since("incidents", false), 5);
    QVERIFY(cursor.adoptServerEpoch("a").isEmpty()); // first epoch seen: adopted, not a reset
    QCOMPARE(cursor.since("incidents", false), 5);
    QCOMPARE(cursor.position("incidents").epoch, QString("a"));
    QCOMPARE(cursor.since("chat", false), -1); // never seen: live only
    QCOMPARE(cursor.since("chat", true), 0);   // or the whole history
}

void TestConnectionParts::cursorRewindForReload()
{
    vigil::ChannelCursor cursor;
    cursor.adoptServerEpoch("a");
    QVERIFY(cursor.advance("incidents", 40));
    cursor.rewind({"incidents"});
    QCOMPARE(cursor.since("incidents", false), 0);
    const auto since = cursor.sincePositions({"incidents", "chat"}, false);
    QCOMPARE(since.value("incidents"), 0);
    QVERIFY(!since.contains("chat"));
}

void TestConnectionParts::logLimiterWritesBurstThenOneSummaryPerInterval()
{
    QList<QPair<QString, int>> summaries;
    vigil::LogLimiter limiter(3, 1000, [&](const QString &kind, int n, int) {
        summaries.append({kind, n});
    });
    int written = 0;
    for (int i = 0; i < 100; ++i)
        written += limiter.allow("bad frame", 10) ? 1 : 0;
    QCOMPARE(written, 3);
    QVERIFY(limiter.allow("server error", 10)); // kinds are counted apart
    QVERIFY(summaries.isEmpty());
    // The next interval: the summary of the last one first, then a fresh burst.
    QVERIFY(limiter.allow("bad frame", 1010));
    QCOMPARE(summaries.size(), 1);
    QCOMPARE(summaries.first(), qMakePair(QString("bad frame"), 97));
    QCOMPARE(limiter.suppressedTotal(), quint64(97));
}

void TestConnectionParts::logLimiterSummarisesOnItsTimer()
{
    // A flood that stops still gets its summary, from the limiter's own timer.
    QList<int> summaries;
    vigil::LogLimiter limiter(2, 50, [&](const QString &, int n, int) { summaries.append(n); });
    for (int i = 0; i < 10; ++i)
        limiter.allow("gap");
    QTRY_COMPARE(summaries, QList<int>{8});
}

void TestConnectionParts::badFrameWindowTripsOnlyOnABurst()
{
    vigil::BadFrameWindow window(3, 1000);
    // One now and then never trips.
    for (qint64 t = 0; t < 10000; t += 600)
        QVERIFY(!window.record(t));
    QVERIFY(!window.record(20000));
    QVERIFY(!window.record(20100));
    QVERIFY(window.record(20200)); // three within a second
    QCOMPARE(window.count(), 0);   // and the next link starts afresh
    QVERIFY(!window.record(20300));
    vigil::BadFrameWindow never(0, 1000);
    for (int i = 0; i < 100; ++i)
        QVERIFY(!never.record(i));
}

void TestConnectionParts::oversizeGuardSkipsAfterRepeatedClosesAtOnePosition()
{
    vigil::OversizeGuard guard(2);
    // A live oversized message: the channel is unknown, nothing to skip yet.
    QCOMPARE(guard.record("incidents=2", QString(), -1), -1);
    // The replay after the reconnect brings it again at the same place: skip seq 3.
    QCOMPARE(guard.record("incidents=2", "incidents", 2), 3);
    // Counting starts afresh at the new position (a hole in the history needs two more).
    QCOMPARE(guard.record("incidents=3", "incidents", 3), -1);
    QCOMPARE(guard.record("incidents=3", "incidents", 3), 4);
    // Progress in between resets the count.
    QCOMPARE(guard.record("incidents=4", "incidents", 4), -1);
    QCOMPARE(guard.record("incidents=9", "incidents", 9), -1);
    QCOMPARE(guard.closesAtSamePosition(), 1);
}

void TestConnectionParts::endpointBuildsRequestsAndReadsRefusals()
{
    const vigil::ServerEndpoint endpoint("s3cret", {});
    const QNetworkRequest plain = endpoint.request(QUrl("ws://relay.example:8765/ws"));
    QCOMPARE(plain.rawHeader("Authorization"), QByteArray("Bearer s3cret"));
    QVERIFY(
        vigil::ServerEndpoint().request(QUrl("ws://x/ws")).rawHeader("Authorization").isEmpty());
    // Secure schemes carry the trust configuration: the system CAs (plus any --ca-file).
    QCOMPARE(endpoint.request(QUrl("https://relay.example/api/health"))
                 .sslConfiguration()
                 .caCertificates()
                 .size(),
             QSslConfiguration::defaultConfiguration().caCertificates().size());
    QCOMPARE(endpoint.tls().caCertificates().size(),
             QSslConfiguration::defaultConfiguration().caCertificates().size());
    // Never a token or credentials in what may be shown or logged.
    QCOMPARE(vigil::ServerEndpoint::redacted(QUrl("wss://user:pw@relay.example/ws?token=s3cret#x")),
             QString("wss://relay.example/ws"));
    // QWebSocket's only report of a refused upgrade is its error text.
    QCOMPARE(
        vigil::ServerEndpoint::refusedUpgradeStatus(
            "QWebSocketPrivate::processHandshake: Unhandled http status code: 403 (Forbidden)."),
        403);
    QCOMPARE(vigil::ServerEndpoint::refusedUpgradeStatus("Unhandled http status code: 401"), 401);
    QCOMPARE(vigil::ServerEndpoint::refusedUpgradeStatus("Connection refused"), 0);
    QCOMPARE(vigil::ServerEndpoint::refusedUpgradeStatus("status code: 99999999999"), 0);
}

QTEST_GUILESS_MAIN(TestConnectionParts)
#include "tst_connectionparts.moc"
