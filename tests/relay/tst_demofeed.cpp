#include "relay/demofeed.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>
#include <QSignalSpy>
#include <QTest>

namespace {

struct Recorded
{
    QString type;
    QString channel;
    QJsonObject payload;
};

QList<Recorded> run(quint32 seed, int ticks, double logRate = 5)
{
    vigil::DemoFeed feed(seed, logRate);
    QList<Recorded> out;
    QObject::connect(&feed, &vigil::DemoFeed::message,
                     [&](const QString &type, const QString &channel, const QJsonObject &p) {
                         out.append({type, channel, p});
                     });
    for (int i = 0; i < ticks; ++i)
        feed.step();
    return out;
}

// What makes a scenario: everything except wall-clock fields.
QStringList fingerprint(const QList<Recorded> &messages)
{
    QStringList out;
    for (Recorded m : messages) {
        m.payload.remove("lastSeen");
        m.payload.remove("timestamp");
        out.append(m.type + ' ' +
                   QString::fromUtf8(QJsonDocument(m.payload).toJson(QJsonDocument::Compact)));
    }
    return out;
}

} // namespace

class TestDemoFeed : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void coversEveryChannel();
    void sameSeedSameScenario();
    void differentSeedDifferentScenario();
    void agentCountInRange();
    void incidentsMoveThroughTheirLifecycle();
    void logRateIsHonoured();
};

void TestDemoFeed::coversEveryChannel()
{
    const auto messages = run(1, 600); // one minute of scenario
    QSet<QString> channels;
    QSet<QString> types;
    for (const Recorded &m : messages) {
        channels.insert(m.channel);
        types.insert(m.type);
    }
    for (const char *c :
         {"incidents", "agents", "chat", "alerts", "activity", "logs", "metrics", "notifications"})
        QVERIFY2(channels.contains(QString::fromLatin1(c)), c);
    for (const char *t :
         {"incident.created", "agent.status", "chat.message", "chat.delivered", "chat.read",
          "alert.raised", "activity.event", "log.entry", "metric.update"})
        QVERIFY2(types.contains(QString::fromLatin1(t)), t);
}

void TestDemoFeed::sameSeedSameScenario()
{
    QCOMPARE(fingerprint(run(42, 300)), fingerprint(run(42, 300)));
}

void TestDemoFeed::differentSeedDifferentScenario()
{
    QVERIFY(fingerprint(run(1, 300)) != fingerprint(run(2, 300)));
}

void TestDemoFeed::agentCountInRange()
{
    for (quint32 seed = 0; seed < 50; ++seed) {
        vigil::DemoFeed feed(seed);
        QVERIFY(feed.agentCount() >= 8 && feed.agentCount() <= 20);
    }
}

void TestDemoFeed::incidentsMoveThroughTheirLifecycle()
{
    const auto messages = run(7, 3000); // five minutes
    QSet<QString> kinds;
    for (const Recorded &m : messages) {
        if (m.channel == "incidents")
            kinds.insert(m.type);
    }
    QVERIFY(kinds.contains("incident.created"));
    QVERIFY(kinds.contains("incident.acknowledged"));
    QVERIFY(kinds.contains("incident.resolved"));
    QVERIFY(kinds.contains("incident.escalated"));
}

void TestDemoFeed::logRateIsHonoured()
{
    // 10 s of scenario at 2000 logs/s: batched, and the entry count is exact.
    const auto messages = run(3, 100, 2000);
    int entries = 0;
    for (const Recorded &m : messages) {
        if (m.type == "log.batch")
            entries += m.payload.value("entries").toArray().size();
        else if (m.type == "log.entry")
            ++entries;
    }
    QCOMPARE(entries, 20000);
}

QTEST_GUILESS_MAIN(TestDemoFeed)
#include "tst_demofeed.moc"
