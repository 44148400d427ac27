// The connection manager against a real relay on loopback.
#include "connection/connectionmanager.h"
#include "helpers/connectionfixture.h"
#include "helpers/loopback.h"
#include "helpers/testsupport.h"
#include "relay/relay.h"

#include <QJsonObject>
#include <QLoggingCategory>
#include <QSignalSpy>
#include <QTest>

#include <algorithm>

#include <memory>

using vigil::ConnectionManager;
using State = vigil::ConnectionManager::State;

namespace {

using vigil::test::closedPort;
using vigil::test::kWaitMs;

std::unique_ptr<vigil::Relay> startRelay(quint16 port = 0, bool demo = false)
{
    vigil::RelayConfig config;
    config.port = port;
    config.demo = demo;
    auto relay = std::make_unique<vigil::Relay>(config);
    QString error;
    if (!relay->start(&error))
        qFatal("relay did not start: %s", qPrintable(error));
    return relay;
}

/// A client of two channels that heartbeats every 200 ms, so round trips are measured quickly.
vigil::ConnectionConfig relayClient(const QUrl &url)
{
    auto config = vigil::test::configFor({url}, {"incidents", "chat"},
                                         vigil::TransportPreference::Auto, {50, 200});
    config.heartbeatMs = 200;
    config.heartbeatTimeoutMs = 2000;
    return config;
}

} // namespace

class TestConnectionManager : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { qRegisterMetaType<vigil::Envelope>(); }
    void connectsSubscribesAndReceives();
    void heartbeatMeasuresRoundTrips();
    void sendIsAcked();
    void reconnectsAfterRelayRestartAndResubscribesWithSince();
    void pagedReplayIsFollowedToTheEnd();
    void refusedConnectionSchedulesJitteredRetry();
    void closeStopsRetrying();
    void tokenNeverAppearsInLogs();
    void trafficShowsEveryEnvelopeBothWays();
};

void TestConnectionManager::connectsSubscribesAndReceives()
{
    auto relay = startRelay();
    ConnectionManager manager(relayClient(relay->url()));
    QSignalSpy states(&manager, &ConnectionManager::stateChanged);
    QSignalSpy welcome(&manager, &ConnectionManager::welcomeReceived);
    QSignalSpy subscribed(&manager, &ConnectionManager::subscribed);
    QSignalSpy received(&manager, &ConnectionManager::envelopeReceived);
    manager.open();
    QTRY_COMPARE_WITH_TIMEOUT(manager.state(), State::Connected, kWaitMs);
    QCOMPARE(states.first().first().value<State>(), State::Connecting);
    QTRY_COMPARE_WITH_TIMEOUT(welcome.size(), 1, kWaitMs);
    QVERIFY(manager.serverSupports("ack"));
    QTRY_COMPARE_WITH_TIMEOUT(subscribed.size(), 2, kWaitMs);

    relay->publish(vigil::Envelope::create("incident.created", "incidents", QJsonObject{{"n", 1}}));
    relay->publish(vigil::Envelope::create("alert.raised", "alerts", QJsonObject{})); // not ours
    relay->publish(vigil::Envelope::create("chat.message", "chat", QJsonObject{{"n", 2}}));
    QTRY_COMPARE_WITH_TIMEOUT(received.size(), 2, kWaitMs);
    QCOMPARE(received.at(0).first().value<vigil::Envelope>().channel, QStringLiteral("incidents"));
    QCOMPARE(received.at(1).first().value<vigil::Envelope>().channel, QStringLiteral("chat"));
    QCOMPARE(manager.lastSeq("incidents"), 1);
    QCOMPARE(manager.lastSeq("alerts"), -1);
}

void TestConnectionManager::heartbeatMeasuresRoundTrips()
{
    auto relay = startRelay();
    ConnectionManager manager(relayClient(relay->url()));
    QSignalSpy rtt(&manager, &ConnectionManager::rttMeasured);
    manager.open();
    QTRY_VERIFY_WITH_TIMEOUT(rtt.size() >= 3, kWaitMs);
    QVERIFY(manager.health().sampleCount() >= 3);
    QCOMPARE(manager.health().lossPercent(), 0.0);
    QVERIFY(manager.health().lastRttMs() >= 0);
}

void TestConnectionManager::sendIsAcked()
{
    auto relay = startRelay();
    ConnectionManager manager(relayClient(relay->url()));
    QSignalSpy acked(&manager, &ConnectionManager::acked);
    QSignalSpy received(&manager, &ConnectionManager::envelopeReceived);
    manager.open();
    QTRY_VERIFY_WITH_TIMEOUT(manager.serverSentWelcome(), kWaitMs);
    const auto message = vigil::Envelope::create("chat.message", "chat", QJsonObject{{"c", "hi"}});
    QVERIFY(manager.send(message));
    QTRY_COMPARE_WITH_TIMEOUT(acked.size(), 1, kWaitMs);
    QCOMPARE(acked.first().first().toString(), message.id);
    // Subscribed to chat, so our own message comes back fanned out with a seq.
    QTRY_COMPARE_WITH_TIMEOUT(received.size(), 1, kWaitMs);
    QCOMPARE(received.first().first().value<vigil::Envelope>().id, message.id);
}

void TestConnectionManager::reconnectsAfterRelayRestartAndResubscribesWithSince()
{
    auto relay = startRelay();
    const quint16 port = relay->port();
    ConnectionManager manager(relayClient(relay->url()));
    QSignalSpy subscribed(&manager, &ConnectionManager::subscribed);
    QSignalSpy received(&manager, &ConnectionManager::envelopeReceived);
    manager.open();
    QTRY_COMPARE_WITH_TIMEOUT(subscribed.size(), 2, kWaitMs);
    for (int i = 0; i < 3; ++i)
        relay->publish(vigil::Envelope::create("incident.updated", "incidents", QJsonObject{}));
    QTRY_COMPARE_WITH_TIMEOUT(received.size(), 3, kWaitMs);
    QCOMPARE(manager.lastSeq("incidents"), 3);

    relay.reset(); // the relay goes away (close 1001)
    QTRY_COMPARE_WITH_TIMEOUT(manager.state(), State::Reconnecting, kWaitMs);

    // A relay without the old history comes back on the same port with a new epoch and two
    // messages published before the client is back: the client sees that its since=3 names
    // another history, replays the new one from its start and loses nothing.
    relay = startRelay(port);
    for (int i = 0; i < 2; ++i)
        relay->publish(vigil::Envelope::create("incident.updated", "incidents", QJsonObject{}));
    QSignalSpy reset(&manager, &ConnectionManager::historyReset);
    QSignalSpy failed(&manager, &ConnectionManager::recoveryFailed);
    subscribed.clear();
    received.clear();
    QTRY_COMPARE_WITH_TIMEOUT(manager.state(), State::Connected, kWaitMs);
    QTRY_COMPARE_WITH_TIMEOUT(subscribed.size(), 2, kWaitMs);
    QTRY_COMPARE_WITH_TIMEOUT(received.size(), 2, kWaitMs);
    QCOMPARE(reset.size(), 1);
    QCOMPARE(reset.first().at(0).toStringList(), QStringList{"incidents"});
    QCOMPARE(failed.size(), 0);
    for (const auto &args : subscribed)
        QVERIFY(args.at(2).toBool()); // recovered: nothing is silently missing
    QCOMPARE(manager.lastSeq("incidents"), 2);
}

void TestConnectionManager::pagedReplayIsFollowedToTheEnd()
{
    // The relay answers a long replay in pages (subscribed with "more"); the client asks for
    // the next page from where the last one ended until it has everything, once each.
    vigil::RelayConfig config;
    config.replayPageBytes = 2048; // a few messages a page
    vigil::Relay relay(config);
    QString error;
    QVERIFY2(relay.start(&error), qPrintable(error));
    for (int i = 0; i < 60; ++i)
        relay.publish(vigil::Envelope::create("incident.updated", "incidents",
                                              QJsonObject{{"n", i}, {"pad", QString(40, 'x')}}));
    auto c = relayClient(relay.url());
    c.channels = {"incidents"};
    c.replayHistory = true;
    ConnectionManager manager(c);
    QSignalSpy subscribed(&manager, &ConnectionManager::subscribed);
    QList<qint64> seqs;
    connect(&manager, &ConnectionManager::envelopeReceived, this,
            [&](const vigil::Envelope &e) { seqs.append(e.seq); });
    manager.open();
    QTRY_COMPARE_WITH_TIMEOUT(seqs.size(), 60, kWaitMs);
    QVERIFY(subscribed.size() > 1); // it took several pages
    for (int i = 0; i < seqs.size(); ++i)
        QCOMPARE(seqs.at(i), qint64(i + 1)); // in order, none twice
    QCOMPARE(manager.lastSeq("incidents"), 60);
}

void TestConnectionManager::refusedConnectionSchedulesJitteredRetry()
{
    const QUrl url = vigil::test::wsUrl(closedPort());
    auto config = relayClient(url);
    config.reconnect.baseMs = 1000;
    config.reconnect.capMs = 30000;
    ConnectionManager manager(config);
    manager.setRandomSource([] { return 0.25; });
    QSignalSpy scheduled(&manager, &ConnectionManager::reconnectScheduled);
    manager.open();
    QVERIFY(scheduled.wait(kWaitMs));
    QCOMPARE(scheduled.first().at(0).toInt(), 1);   // attempt
    QCOMPARE(scheduled.first().at(1).toInt(), 625); // half fixed, 0.25 of the other half
    QCOMPARE(manager.state(), State::Reconnecting);
}

void TestConnectionManager::closeStopsRetrying()
{
    const QUrl url = vigil::test::wsUrl(closedPort());
    ConnectionManager manager(relayClient(url));
    QSignalSpy scheduled(&manager, &ConnectionManager::reconnectScheduled);
    manager.open();
    QVERIFY(scheduled.wait(kWaitMs));
    const int due = manager.nextDelayMs(); // the retry that close() must cancel
    manager.close();
    QCOMPARE(manager.state(), State::Closed);
    scheduled.clear();
    QSignalSpy states(&manager, &ConnectionManager::stateChanged);
    // Nothing more happens: by the time a retry due then would have run, none was scheduled
    // and the state never left Closed.
    QVERIFY(vigil::test::outlastRetry(due));
    QCOMPARE(scheduled.size(), 0);
    QCOMPARE(states.size(), 0);
    QCOMPARE(manager.state(), State::Closed);
}

void TestConnectionManager::trafficShowsEveryEnvelopeBothWays()
{
    auto relay = startRelay();
    ConnectionManager manager(relayClient(relay->url()));
    QSignalSpy traffic(&manager, &ConnectionManager::traffic);
    QSignalSpy subscribed(&manager, &ConnectionManager::subscribed);
    manager.open();
    QTRY_COMPARE_WITH_TIMEOUT(subscribed.size(), 2, kWaitMs);
    relay->publish(vigil::Envelope::create("chat.message", "chat", QJsonObject{{"n", 2}}));
    QTRY_VERIFY_WITH_TIMEOUT(std::any_of(traffic.cbegin(), traffic.cend(),
                                         [](const QList<QVariant> &args) {
                                             return args.at(1).value<vigil::Envelope>().type ==
                                                    "chat.message";
                                         }),
                             kWaitMs);
    QStringList in;
    QStringList out;
    for (const QList<QVariant> &args : std::as_const(traffic)) {
        const auto e = args.at(1).value<vigil::Envelope>();
        QVERIFY(args.at(2).toLongLong() > 0); // the size as sent
        (args.at(0).toBool() ? out : in).append(e.type);
    }
    // Control messages too: what the Debug page shows is what crossed the link.
    QCOMPARE(in.first(), QStringLiteral("welcome"));
    QVERIFY(in.contains("subscribed"));
    QVERIFY(in.contains("chat.message"));
    QVERIFY(out.contains("subscribe"));
}

namespace {
QStringList g_logLines;
void captureLog(QtMsgType, const QMessageLogContext &, const QString &message)
{
    g_logLines.append(message);
}
} // namespace

void TestConnectionManager::tokenNeverAppearsInLogs()
{
    auto relay = startRelay();
    auto config = relayClient(relay->url());
    const QString token = QStringLiteral("tok-7f3a9c-secret");
    config.token = token;
    ConnectionManager manager(config);
    g_logLines.clear();
    QLoggingCategory::setFilterRules("vigil.*=true");
    const auto previous = qInstallMessageHandler(captureLog);
    manager.open();
    QTRY_COMPARE_WITH_TIMEOUT(manager.state(), State::Connected, kWaitMs);
    relay.reset();
    QTRY_COMPARE_WITH_TIMEOUT(manager.state(), State::Reconnecting, kWaitMs);
    manager.close();
    qInstallMessageHandler(previous);
    QLoggingCategory::setFilterRules(QString());
    QVERIFY(g_logLines.size() >= 3);
    for (const QString &line : std::as_const(g_logLines))
        QVERIFY2(!line.contains(token), qPrintable(line));
}

QTEST_GUILESS_MAIN(TestConnectionManager)
#include "tst_connectionmanager.moc"
