// The banners tell the truth, driven by real connection states against a real relay.
#include "connection/connectionmanager.h"
#include "helpers/scriptedserver.h"
#include "helpers/testsupport.h"
#include "models/connectionstatus.h"
#include "relay/relay.h"

#include <QRegularExpression>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTest>

#include <memory>

using vigil::ConnectionManager;
using vigil::ConnectionStatus;

namespace {
using vigil::test::kWaitMs;

vigil::ConnectionConfig configFor(const QUrl &url)
{
    vigil::ConnectionConfig c;
    c.urls = {url};
    c.channels = {"chat"};
    c.transport = vigil::TransportPreference::WebSocket;
    c.reconnect.baseMs = 3000; // a countdown long enough to read
    c.reconnect.capMs = 3000;
    c.reconnect.jitter = false;
    return c;
}
} // namespace

class TestConnectionStatus : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void offlineBannerComesAndGoesWithTheRelay();
    void unauthorizedBanner();
    void gaveUpBanner();
    void missedMessagesBannerAndReload();
};

void TestConnectionStatus::offlineBannerComesAndGoesWithTheRelay()
{
    auto relay = std::make_unique<vigil::Relay>(vigil::RelayConfig{});
    QString error;
    QVERIFY(relay->start(&error));
    const quint16 port = relay->port();
    ConnectionManager manager(configFor(relay->url()));
    ConnectionStatus status(nullptr);
    status.attach(&manager);
    int queued = 3;
    status.setQueuedCount([&] { return queued; });
    manager.open();
    QTRY_COMPARE_WITH_TIMEOUT(status.state(), QStringLiteral("connected"), kWaitMs);
    QCOMPARE(status.banner(), QString());

    relay.reset(); // the relay goes away
    QTRY_COMPARE_WITH_TIMEOUT(status.banner(), QStringLiteral("reconnecting"), kWaitMs);
    QVERIFY2(
        status.bannerText().startsWith("Offline - 3 action(s) queued, they will be sent when "
                                       "the connection returns. Reconnecting in 3 s (attempt 1)"),
        qPrintable(status.bannerText()));
    QCOMPARE(status.bannerAction(), QStringLiteral("Retry now"));
    // The countdown moves without anyone asking.
    QTRY_VERIFY_WITH_TIMEOUT(status.bannerText().contains("Reconnecting in 2 s") ||
                                 status.bannerText().contains("Reconnecting in 1 s"),
                             kWaitMs);

    vigil::RelayConfig again;
    again.port = port;
    relay = std::make_unique<vigil::Relay>(again);
    QVERIFY(relay->start(&error));
    status.triggerBannerAction(); // Retry now
    QTRY_COMPARE_WITH_TIMEOUT(status.state(), QStringLiteral("connected"), kWaitMs);
    QCOMPARE(status.banner(), QString());
}

void TestConnectionStatus::unauthorizedBanner()
{
    vigil::test::ScriptedServer server;
    server.closeCode = 4401;
    QVERIFY(server.listen());
    ConnectionManager manager(configFor(server.url()));
    ConnectionStatus status(nullptr);
    status.attach(&manager);
    manager.open();
    QTRY_COMPARE_WITH_TIMEOUT(status.banner(), QStringLiteral("unauthorized"), kWaitMs);
    QCOMPARE(status.bannerText(), QStringLiteral("Unauthorized - check your token"));
}

void TestConnectionStatus::gaveUpBanner()
{
    quint16 closed = 0;
    {
        QTcpServer probe; // a port nobody listens on once this closes
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        closed = probe.serverPort();
    }
    auto config = configFor(QUrl(QStringLiteral("ws://127.0.0.1:%1/ws").arg(closed)));
    config.reconnect.baseMs = 10;
    config.reconnect.capMs = 10;
    config.maxAttempts = 2;
    config.breakerCooldownMs = 600000;
    ConnectionManager manager(config);
    ConnectionStatus status(nullptr);
    status.attach(&manager);
    manager.open();
    QTRY_COMPARE_WITH_TIMEOUT(status.banner(), QStringLiteral("gave-up"), kWaitMs);
    QCOMPARE(status.bannerText(), QStringLiteral("Gave up after 2 attempt(s) - next try in 600 s"));
    QVERIFY2(status.summary().contains(QRegularExpression(
                 "^Server unreachable since \\d\\d:\\d\\d:\\d\\d - next try in 600 s$")),
             qPrintable(status.summary()));
    QCOMPARE(status.tone(), QStringLiteral("danger"));
    QCOMPARE(status.bannerAction(), QStringLiteral("Retry"));
}

void TestConnectionStatus::missedMessagesBannerAndReload()
{
    vigil::RelayConfig small;
    small.historySize = 1;
    vigil::Relay relay(small);
    QString error;
    QVERIFY(relay.start(&error));
    for (int i = 0; i < 5; ++i)
        relay.publish(vigil::Envelope::create("chat.message", "chat", QJsonObject{}));
    ConnectionManager manager(configFor(relay.url()));
    manager.setLastSeq("chat", 1); // we stopped at 1; the relay only keeps 5
    ConnectionStatus status(nullptr);
    status.attach(&manager);
    manager.open();
    QTRY_COMPARE_WITH_TIMEOUT(status.banner(), QStringLiteral("missed"), kWaitMs);
    QCOMPARE(status.bannerText(), QStringLiteral("Missed messages could not be recovered (chat)"));
    QCOMPARE(status.bannerAction(), QStringLiteral("Reload"));
    // Reload fetches what the relay still holds (seq 5) on the same link: no reconnect, no
    // impossible transition, and the banner leaves only once the replay is done.
    QSignalSpy states(&manager, &ConnectionManager::stateChanged);
    QSignalSpy received(&manager, &ConnectionManager::envelopeReceived);
    QSignalSpy finished(&manager, &ConnectionManager::reloadFinished);
    const quint64 duplicatesBefore = manager.duplicatesDropped();
    status.triggerBannerAction();
    QCOMPARE(status.banner(), QStringLiteral("reloading"));
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, kWaitMs);
    QCOMPARE(status.banner(), QString());
    // The relay sent seq 5 again (fetched afresh); the client already had it, so no new row.
    QCOMPARE(manager.duplicatesDropped(), duplicatesBefore + 1);
    QCOMPARE(received.size(), 0);
    QCOMPARE(states.size(), 0);
    QCOMPARE(status.state(), QStringLiteral("connected"));
}

QTEST_GUILESS_MAIN(TestConnectionStatus)
#include "tst_connectionstatus.moc"
