#include "connection/healthstats.h"
#include "connection/quality.h"
#include "connection/reconnectpolicy.h"

#include <QTest>

class TestReconnectPolicy : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void ceilingGrowsThenCaps_data();
    void ceilingGrowsThenCaps();
    void fullJitterStaysWithinBounds();
    void defaultJitterKeepsAFloor();
    void noJitterIsTheCeiling();
    void healthFigures();
    void lossWindowDecays();
};

void TestReconnectPolicy::ceilingGrowsThenCaps_data()
{
    QTest::addColumn<int>("attempt");
    QTest::addColumn<int>("ceiling");
    QTest::newRow("1") << 1 << 1000;
    QTest::newRow("2") << 2 << 2000;
    QTest::newRow("3") << 3 << 4000;
    QTest::newRow("5") << 5 << 16000;
    QTest::newRow("6 capped") << 6 << 30000;
    QTest::newRow("50 capped") << 50 << 30000;
    QTest::newRow("0 treated as 1") << 0 << 1000;
}

void TestReconnectPolicy::ceilingGrowsThenCaps()
{
    QFETCH(int, attempt);
    QFETCH(int, ceiling);
    QCOMPARE(vigil::ReconnectPolicy{}.ceilingMs(attempt), ceiling);
}

void TestReconnectPolicy::fullJitterStaysWithinBounds()
{
    vigil::ReconnectPolicy policy;
    policy.jitterSpread = 1.0;
    QCOMPARE(policy.delayMs(3, [] { return 0.0; }), 0);
    QCOMPARE(policy.delayMs(3, [] { return 0.5; }), 2000);
    QCOMPARE(policy.delayMs(3, [] { return 0.999999; }), 4000);
    // Out-of-range draws are clamped rather than trusted.
    QCOMPARE(policy.delayMs(3, [] { return 7.0; }), 4000);
}

void TestReconnectPolicy::defaultJitterKeepsAFloor()
{
    // The default keeps half of the ceiling fixed: even draws of 0 cannot make a storm.
    const vigil::ReconnectPolicy policy;
    QCOMPARE(policy.delayMs(3, [] { return 0.0; }), 2000);
    QCOMPARE(policy.delayMs(3, [] { return 0.5; }), 3000);
    QCOMPARE(policy.delayMs(3, [] { return 1.0; }), 4000);
    // The connection budget of the defaults: attempts that start within the first 15 s when every
    // draw is 0 (the worst case): t = 0, 0.5, 1.5, 3.5, 7.5 -> 5 connections.
    int attempts = 1;
    qint64 t = 0;
    for (int n = 1;; ++n) {
        t += policy.delayMs(n, [] { return 0.0; });
        if (t >= 15000)
            break;
        ++attempts;
    }
    QCOMPARE(attempts, 5);
}

void TestReconnectPolicy::noJitterIsTheCeiling()
{
    vigil::ReconnectPolicy policy;
    policy.jitter = false;
    QCOMPARE(policy.delayMs(4, [] { return 0.1; }), 8000);
}

void TestReconnectPolicy::healthFigures()
{
    vigil::HealthStats stats(10);
    for (qint64 rtt : {10, 20, 30, 40})
        stats.recordRtt(rtt);
    stats.recordLoss();
    QCOMPARE(stats.lastRttMs(), 40);
    QCOMPARE(stats.averageRttMs(), 25.0);
    QCOMPARE(stats.p95RttMs(), 40);
    QCOMPARE(stats.jitterMs(), 10.0);
    QCOMPARE(stats.lossPercent(), 20.0);
    // The window is bounded: old samples fall out.
    for (int i = 0; i < 20; ++i)
        stats.recordRtt(5);
    QCOMPARE(stats.sampleCount(), 10);
    QCOMPARE(stats.lossPercent(), 0.0);
    QCOMPARE(stats.averageRttMs(), 5.0);
}

QTEST_GUILESS_MAIN(TestReconnectPolicy)
void TestReconnectPolicy::lossWindowDecays()
{
    // An outage loses two heartbeats; the link then answers every 10 s in 15 ms.
    vigil::HealthStats stats(100, 60000);
    stats.recordRtt(15, 0);
    stats.recordLoss(10000);
    stats.recordLoss(20000);
    stats.recordRtt(15, 30000);
    QVERIFY(stats.lossPercent(30000) > 25.0);
    qint64 t = 30000;
    while (t < 80000) {
        t += 10000;
        stats.recordRtt(15, t);
    }
    // A minute after the last loss, the window holds only answered heartbeats.
    QCOMPARE(stats.lossPercent(t), 0.0);
    QCOMPARE(vigil::gradeFor(stats.averageRttMs(), stats.lossPercent(t), stats.sampleCount()),
             vigil::QualityGrade::Excellent);
    // Without times, every sample in the window counts (the old figure).
    QVERIFY(stats.lossPercent() > 0.0);
}

#include "tst_reconnectpolicy.moc"
