#include "relay/demofeed.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>
#include <QSignalSpy>
#include <QTest>

#include <algorithm>
#include <functional>

namespace {

struct Recorded
{
    QString type;
    QString channel;
    QJsonObject payload;
};

/// Runs `ticks` of the scenario; `operatorAt` is called before the tick of its number.
QList<Recorded> run(quint32 seed, int ticks, double logRate = 5,
                    const std::function<void(vigil::DemoFeed &, int)> &operatorAt = {})
{
    vigil::DemoFeed feed(seed, logRate);
    QList<Recorded> out;
    QObject::connect(&feed, &vigil::DemoFeed::message,
                     [&](const QString &type, const QString &channel, const QJsonObject &p) {
                         out.append({type, channel, p});
                     });
    for (int i = 0; i < ticks; ++i) {
        if (operatorAt)
            operatorAt(feed, i);
        feed.step();
    }
    return out;
}

/// Whether a message is about the incident `id` (its own update, or activity naming it).
bool mentions(const Recorded &m, const QString &id)
{
    return m.payload.value("incidentId").toString() == id ||
           m.payload.value("target").toString() == id;
}

/// The chat receipts in `messages` naming the chat message `id`.
QList<Recorded> receiptsFor(const QList<Recorded> &messages, const QString &id)
{
    QList<Recorded> out;
    for (const Recorded &m : messages) {
        if (m.type.startsWith("chat.") && m.payload.value("messageIds").toArray().contains(id))
            out.append(m);
    }
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
    void colleagueReceivesAndReadsOperatorMessages();
    void operatorChatDoesNotChangeTheStory();
    void scenarioFollowsTheOperatorsResolution();
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
    // 10 s of scenario at 2000 logs/s: one log.entry per line (the relay batches, not the
    // feed), and the count is exact.
    const auto messages = run(3, 100, 2000);
    int entries = 0;
    for (const Recorded &m : messages) {
        QVERIFY(m.type != "log.batch");
        if (m.type == "log.entry")
            ++entries;
    }
    QCOMPARE(entries, 20000);
}

void TestDemoFeed::colleagueReceivesAndReadsOperatorMessages()
{
    const QJsonObject message{{"id", "op-1"}, {"conversationId", "conv-9"}, {"senderId", "alice"}};
    const int sentAt = 50;
    QList<int> receiptTicks;
    vigil::DemoFeed feed(5);
    QList<Recorded> out;
    int tick = 0;
    QObject::connect(&feed, &vigil::DemoFeed::message,
                     [&](const QString &type, const QString &channel, const QJsonObject &p) {
                         out.append({type, channel, p});
                         if (p.value("messageIds").toArray().contains("op-1"))
                             receiptTicks.append(tick);
                     });
    for (; tick < sentAt + 40; ++tick) {
        if (tick == sentAt)
            feed.answerOperator(message, "envelope-1", "alice");
        feed.step();
    }
    const QList<Recorded> receipts = receiptsFor(out, "op-1");
    QCOMPARE(receipts.size(), 2);
    QCOMPARE(receipts.at(0).type, QStringLiteral("chat.delivered"));
    QCOMPARE(receipts.at(1).type, QStringLiteral("chat.read"));
    QCOMPARE(receiptTicks, (QList<int>{sentAt + vigil::DemoFeed::kColleagueDeliveredTicks,
                                       sentAt + vigil::DemoFeed::kColleagueReadTicks}));
    for (const Recorded &r : receipts) {
        QCOMPARE(r.channel, QStringLiteral("chat"));
        QCOMPARE(r.payload.value("conversationId").toString(), QStringLiteral("conv-9"));
        QCOMPARE(r.payload.value("by").toString(), QStringLiteral("bruno")); // not alice herself
    }

    // Without an id of its own in the payload, the envelope's id is the one receipted; without
    // a conversation there is nothing to receipt.
    out.clear();
    feed.answerOperator({{"conversationId", "conv-1"}}, "envelope-2", "chen");
    feed.answerOperator({{"id", "op-3"}}, "envelope-3", "chen");
    for (int i = 0; i <= vigil::DemoFeed::kColleagueReadTicks; ++i)
        feed.step();
    QCOMPARE(receiptsFor(out, "envelope-2").size(), 2);
    QCOMPARE(receiptsFor(out, "envelope-2").first().payload.value("by").toString(),
             QStringLiteral("alice"));
    QCOMPARE(receiptsFor(out, "op-3").size(), 0);
}

void TestDemoFeed::operatorChatDoesNotChangeTheStory()
{
    const auto chatty = [](vigil::DemoFeed &feed, int tick) {
        if (tick % 25 == 3) {
            feed.answerOperator(
                {{"id", QStringLiteral("op-%1").arg(tick)}, {"conversationId", "conv-1"}},
                "envelope", "alice");
        }
    };
    QList<Recorded> withOperator = run(11, 600, 5, chatty);
    const qsizetype all = withOperator.size();
    withOperator.removeIf([](const Recorded &m) {
        return m.payload.value("messageIds").toArray().at(0).toString().startsWith("op-");
    });
    QCOMPARE(all - withOperator.size(), 2 * 24); // both receipts of every message sent in time
    QCOMPARE(fingerprint(withOperator), fingerprint(run(11, 600)));
}

void TestDemoFeed::scenarioFollowsTheOperatorsResolution()
{
    // Left alone, the scenario's first incident goes on after its creation...
    const QList<Recorded> alone = run(7, 3000);
    QVERIFY(std::count_if(alone.begin(), alone.end(),
                          [](const Recorded &m) { return mentions(m, "inc-1001"); }) > 2);
    // ...resolved by an operator at once, it is never heard of again.
    const QList<Recorded> resolved = run(7, 3000, 5, [](vigil::DemoFeed &feed, int tick) {
        if (tick == 1) {
            feed.followIncident({{"incidentId", "inc-1001"},
                                 {"type", "resolved"},
                                 {"data", QJsonObject{{"status", "resolved"}}}});
        }
    });
    QCOMPARE(std::count_if(resolved.begin(), resolved.end(),
                           [](const Recorded &m) { return mentions(m, "inc-1001"); }),
             2); // its creation and the activity line saying so, both at tick 0
    QVERIFY(std::any_of(resolved.begin(), resolved.end(),
                        [](const Recorded &m) { return m.type == "incident.resolved"; }));
}

QTEST_GUILESS_MAIN(TestDemoFeed)
#include "tst_demofeed.moc"
