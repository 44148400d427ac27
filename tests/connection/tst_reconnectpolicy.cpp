#include "connection/healthstats.h"
#include "connection/reconnectpolicy.h"

#include <QTest>

class TestReconnectPolicy : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void ceilingGrowsThenCaps_data();
    void ceilingGrowsThenCaps();
    void fullJitterStaysWithinBounds();
    void noJitterIsTheCeiling();
    void healthFigures();
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
    const vigil::ReconnectPolicy policy;
    QCOMPARE(policy.delayMs(3, [] { return 0.0; }), 0);
    QCOMPARE(policy.delayMs(3, [] { return 0.5; }), 2000);
    QCOMPARE(policy.delayMs(3, [] { return 0.999999; }), 4000);
    // Out-of-range draws are clamped rather than trusted.
    QCOMPARE(policy.delayMs(3, [] { return 7.0; }), 4000);
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
#include "tst_reconnectpolicy.moc"
