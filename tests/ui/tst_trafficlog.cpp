// The Debug page's raw frames: bounded, pausable, filterable, taken only while the page is on,
// and never showing a secret, however deep in a frame it hides.
#include "connection/connectionmanager.h"
#include "helpers/connectionfixture.h"
#include "helpers/testsupport.h"
#include "relay/relay.h"
#include "ui/trafficlog.h"

#include <QAbstractItemModelTester>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTest>

using namespace vigil;
using vigil::test::kWaitMs;

namespace {

Envelope frame(const QString &type, const QString &channel, const QJsonValue &payload = {})
{
    return Envelope::create(type, channel, payload);
}

// Every value of every role of every row, as text: what a view could ever show.
QString everythingShown(const QAbstractItemModel &m)
{
    QString out;
    for (int row = 0; row < m.rowCount(); ++row) {
        for (int role : m.roleNames().keys())
            out += m.data(m.index(row, 0), role).toString() + QLatin1Char('\n');
    }
    return out;
}

QStringList types(const QAbstractItemModel &m)
{
    QStringList out;
    for (int row = 0; row < m.rowCount(); ++row)
        out.append(m.data(m.index(row, 0), TrafficLog::TypeRole).toString());
    return out;
}

} // namespace

class TestTrafficLog : public QObject
{
    Q_OBJECT
private slots:
    void framesNewestFirstWithTheirDetails();
    void keepsOnlyTheLastFrames();
    void pauseKeepsTheListStillAndCounts();
    void filterByDirectionChannelAndType();
    void secretsNeverShow_data();
    void secretsNeverShow();
    void ordinaryTextIsLeftAlone();
    void takesFramesOnlyWhileCapturing();
};

void TestTrafficLog::framesNewestFirstWithTheirDetails()
{
    TrafficLog log(nullptr);
    QAbstractItemModelTester tester(&log, QAbstractItemModelTester::FailureReportingMode::QtTest);
    Envelope sub = frame("subscribe", "system", QJsonObject{{"channels", QJsonArray{"logs"}}});
    log.take(true, sub, 80);
    log.take(false, frame("log.entry", "logs", QJsonObject{{"message", "hi"}}), 120);
    log.flush();
    QCOMPARE(log.rowCount(), 2);
    QCOMPARE(log.value(0, TrafficLog::TypeRole).toString(), QStringLiteral("log.entry"));
    QCOMPARE(log.value(0, TrafficLog::OutboundRole).toBool(), false);
    QCOMPARE(log.value(0, TrafficLog::ChannelRole).toString(), QStringLiteral("logs"));
    QCOMPARE(log.value(0, TrafficLog::BytesRole).toLongLong(), 120);
    QVERIFY(log.value(0, TrafficLog::TimeRole).toLongLong() > 0);
    QCOMPARE(log.value(1, TrafficLog::OutboundRole).toBool(), true);
    // The whole envelope, compact, as it went out.
    const QJsonObject json =
        QJsonDocument::fromJson(log.value(1, TrafficLog::JsonRole).toString().toUtf8()).object();
    QCOMPARE(json.value("id").toString(), sub.id);
    QCOMPARE(json.value("type").toString(), QStringLiteral("subscribe"));
    QCOMPARE(json.value("payload").toObject().value("channels").toArray().size(), 1);
    QVERIFY(!log.value(1, TrafficLog::JsonRole).toString().contains('\n'));
    QCOMPARE(log.seenCount(), 2);
    QCOMPARE(log.seenChannels(), (QStringList{"logs", "system"}));
    // The same envelope again is another frame, not an update of the first.
    log.take(true, sub, 80);
    log.flush();
    QCOMPARE(log.rowCount(), 3);
}

void TestTrafficLog::keepsOnlyTheLastFrames()
{
    TrafficLog log(nullptr, 5);
    QAbstractItemModelTester tester(&log, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(log.capacity(), 5);
    for (int i = 0; i < 12; ++i)
        log.take(false, frame(QStringLiteral("t%1").arg(i), "logs"), 10);
    log.flush();
    QCOMPARE(types(log), (QStringList{"t11", "t10", "t9", "t8", "t7"}));
    QCOMPARE(log.seenCount(), 12);
    QCOMPARE(TrafficLog(nullptr).capacity(), TrafficLog::kDefaultCapacity);
    QCOMPARE(TrafficLog(nullptr, 1 << 30).capacity(), TrafficLog::kMaxCapacity);

    log.clearFrames();
    QCOMPARE(log.rowCount(), 0);
    QCOMPARE(log.seenCount(), 0);
    QVERIFY(log.seenChannels().isEmpty());
}

void TestTrafficLog::pauseKeepsTheListStillAndCounts()
{
    TrafficLog log(nullptr, 4);
    QAbstractItemModelTester tester(&log, QAbstractItemModelTester::FailureReportingMode::QtTest);
    log.take(false, frame("a", "logs"), 1);
    QSignalSpy paused(&log, &TrafficLog::pausedChanged);
    log.pause(); // what came before the click is shown
    QCOMPARE(paused.size(), 1);
    QVERIFY(log.paused());
    QCOMPARE(types(log), QStringList{"a"});

    QSignalSpy inserted(&log, &QAbstractItemModel::rowsInserted);
    QSignalSpy counts(&log, &TrafficLog::countsChanged);
    for (const char *type : {"b", "c", "d", "e", "f", "g"})
        log.take(false, frame(type, "logs"), 1);
    log.flush();
    QCOMPARE(types(log), QStringList{"a"}); // still
    QCOMPARE(inserted.size(), 0);
    QCOMPARE(log.seenCount(), 7); // still counted
    QCOMPARE(log.heldCount(), 4); // no more than the list could show
    QCOMPARE(counts.size(), 6);

    log.resume();
    QVERIFY(!log.paused());
    QCOMPARE(log.heldCount(), 0);
    QCOMPARE(types(log), (QStringList{"g", "f", "e", "d"}));
    QCOMPARE(inserted.size(), 1); // in one batch
    log.take(false, frame("h", "logs"), 1);
    log.flush();
    QCOMPARE(types(log).first(), QStringLiteral("h"));
}

void TestTrafficLog::filterByDirectionChannelAndType()
{
    TrafficLog log(nullptr);
    TrafficFilter view;
    QAbstractItemModelTester tester(&view, QAbstractItemModelTester::FailureReportingMode::QtTest);
    view.setSourceModel(&log);
    log.take(true, frame("subscribe", "system"), 1);
    log.take(false, frame("welcome", "system"), 1);
    log.take(false, frame("incident.created", "incidents"), 1);
    log.take(true, frame("incident.acknowledge", "incidents"), 1);
    log.take(false, frame("log.entry", "logs"), 1);
    log.flush();
    QCOMPARE(view.count(), 5);
    view.setDirection(TrafficFilter::Direction::Outbound);
    QCOMPARE(types(view), (QStringList{"incident.acknowledge", "subscribe"}));
    view.setDirection(TrafficFilter::Direction::Inbound);
    QCOMPARE(types(view), (QStringList{"log.entry", "incident.created", "welcome"}));
    view.setChannel("incidents");
    QCOMPARE(types(view), QStringList{"incident.created"});
    view.setDirection(TrafficFilter::Direction::Both);
    view.setTypeText("ACK");
    QCOMPARE(types(view), QStringList{"incident.acknowledge"});
    view.setChannel("");
    view.setTypeText("  ");
    QCOMPARE(view.count(), 5);
    // New frames pass the filter or not as they come.
    view.setTypeText("log");
    log.take(false, frame("log.batch", "logs"), 1);
    log.take(false, frame("pong", "system"), 1);
    log.flush();
    QCOMPARE(types(view), (QStringList{"log.batch", "log.entry"}));
}

void TestTrafficLog::secretsNeverShow_data()
{
    // Each secret is a marker that must appear nowhere a view can read; each row hides it in
    // another place a server or a client might put it.
    QTest::addColumn<QJsonValue>("payload");
    QTest::addColumn<QString>("secret");
    QTest::newRow("top-level token")
        << QJsonValue(QJsonObject{{"token", "S3CR3T-1"}}) << "S3CR3T-1";
    QTest::newRow("key case and affixes")
        << QJsonValue(QJsonObject{{"accessToken", "S3CR3T-2"}, {"X-API-TOKEN", "S3CR3T-2"}})
        << "S3CR3T-2";
    QTest::newRow("deep in arrays and objects")
        << QJsonValue(QJsonObject{
               {"a",
                QJsonArray{1, QJsonObject{{"b", QJsonObject{{"refresh_token", "S3CR3T-3"}}}}}}})
        << "S3CR3T-3";
    QTest::newRow("secret, password, authorization")
        << QJsonValue(QJsonObject{{"clientSecret", "S3CR3T-4a"},
                                  {"Password", QJsonObject{{"nested", "S3CR3T-4b"}}},
                                  {"authorization", QJsonArray{"S3CR3T-4c"}}})
        << "S3CR3T-4";
    QTest::newRow("url query") << QJsonValue(
                                      QJsonObject{{"url", "wss://h.example/ws?x=1&token=S3CR3T-5"}})
                               << "S3CR3T-5";
    QTest::newRow("url query, other case and name")
        << QJsonValue(QJsonArray{"see https://h/api?Access_Token=S3CR3T-6#frag"}) << "S3CR3T-6";
    QTest::newRow("name=value in text")
        << QJsonValue(QJsonObject{{"message", "login with password=S3CR3T-7 failed"}})
        << "S3CR3T-7";
    QTest::newRow("bearer in text")
        << QJsonValue(QJsonObject{{"header", "Bearer S3CR3T-8"}, {"note", "bearer S3CR3T-8"}})
        << "S3CR3T-8";
    QTest::newRow("payload is only the string")
        << QJsonValue("ws://h/ws?token=S3CR3T-9") << "S3CR3T-9";
}

void TestTrafficLog::secretsNeverShow()
{
    QFETCH(QJsonValue, payload);
    QFETCH(QString, secret);
    TrafficLog log(nullptr);
    TrafficFilter view;
    view.setSourceModel(&log);
    log.take(false, frame("hello", "system", payload), 100);
    log.take(true, frame("hello", "system", payload), 100);
    log.pause();
    log.take(false, frame("hello", "system", payload), 100); // held while paused, same rules
    log.resume();
    QCOMPARE(log.rowCount(), 3);
    const QString shown = everythingShown(log) + everythingShown(view);
    QVERIFY2(!shown.contains(secret), qPrintable(shown));
    QVERIFY(shown.contains(QStringLiteral("[redacted]")));
    // The JSON is still JSON, the rest of the frame still there.
    const QJsonDocument doc =
        QJsonDocument::fromJson(log.value(0, TrafficLog::JsonRole).toString().toUtf8());
    QVERIFY(doc.isObject());
    QCOMPARE(doc.object().value("type").toString(), QStringLiteral("hello"));
}

void TestTrafficLog::ordinaryTextIsLeftAlone()
{
    const QJsonObject payload{
        {"title", "Disk full on db-1"},
        {"url", "https://h.example/incidents?id=7&page=2"},
        {"count", 3},
        {"tags", QJsonArray{"a", true, QJsonValue()}},
    };
    QCOMPARE(redactedJson(payload), QJsonValue(payload));
    QCOMPARE(redactedText("tokens are described in the manual"),
             QStringLiteral("tokens are described in the manual"));
    QCOMPARE(redactedText("wss://h/ws?a=1&token=x&b=2"), QStringLiteral("wss://h/ws?[redacted]"));
}

void TestTrafficLog::takesFramesOnlyWhileCapturing()
{
    Relay relay{RelayConfig{}};
    QString error;
    QVERIFY2(relay.start(&error), qPrintable(error));
    ConnectionConfig config =
        vigil::test::configFor({relay.url()}, {"logs"}, vigil::TransportPreference::WebSocket);
    config.logBatch = false; // raw frames as sent: single entries, not the relay's batches
    ConnectionManager manager(config);
    TrafficLog log(nullptr);
    log.attach(vigil::test::viewOf(manager)); // the Debug page is off: nothing is taken
    manager.open();
    QTRY_COMPARE_WITH_TIMEOUT(manager.state(), ConnectionManager::State::Connected, kWaitMs);
    log.flush();
    QCOMPARE(log.seenCount(), 0);

    QSignalSpy capturing(&log, &TrafficLog::capturingChanged);
    log.setCapturing(true);
    QCOMPARE(capturing.size(), 1);
    QVERIFY(manager.send(Envelope::create("log.entry", "logs", QJsonObject{{"message", "m1"}})));
    // Out, then back from the relay (fanned out to its sender, a subscriber of logs).
    QTRY_VERIFY_WITH_TIMEOUT(types(log).count("log.entry") == 2, kWaitMs);
    QList<bool> directions;
    for (int row = 0; row < log.rowCount(); ++row) {
        if (log.value(row, TrafficLog::TypeRole).toString() == u"log.entry")
            directions.append(log.value(row, TrafficLog::OutboundRole).toBool());
    }
    QCOMPARE(directions, (QList<bool>{false, true})); // newest first: back in, after out

    // The page goes off: frames still flow, none is taken.
    log.setCapturing(false);
    const int seen = log.seenCount();
    QSignalSpy received(&manager, &ConnectionManager::envelopeReceived);
    auto cameBack = [&](const QString &message) {
        for (const QList<QVariant> &args : std::as_const(received)) {
            const auto e = args.at(0).value<Envelope>();
            if (e.payload.toObject().value("message").toString() == message)
                return true;
        }
        return false;
    };
    QVERIFY(manager.send(Envelope::create("log.entry", "logs", QJsonObject{{"message", "m2"}})));
    QTRY_VERIFY_WITH_TIMEOUT(cameBack("m2"), kWaitMs);
    QCOMPARE(log.seenCount(), seen);

    // Following no manager (between sessions), capturing takes nothing from the old one.
    log.attach(nullptr);
    log.setCapturing(true);
    QVERIFY(manager.send(Envelope::create("log.entry", "logs", QJsonObject{{"message", "m3"}})));
    QTRY_VERIFY_WITH_TIMEOUT(cameBack("m3"), kWaitMs);
    QCOMPARE(log.seenCount(), seen);
}

QTEST_GUILESS_MAIN(TestTrafficLog)
#include "tst_trafficlog.moc"
