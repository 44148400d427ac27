// The banners tell the truth, driven by real connection states against a real relay.
#include "connection/connectionmanager.h"
#include "helpers/connectionfixture.h"
#include "helpers/scriptedserver.h"
#include "helpers/testsupport.h"
#include "relay/relay.h"
#include "ui/connectionstatus.h"

#include <QRegularExpression>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTest>

#include <memory>

using vigil::ConnectionManager;
using vigil::ConnectionStatus;

namespace {
using vigil::test::kWaitMs;

vigil::ConnectionConfig statusClient(const QUrl &url)
{
    // A countdown long enough to read, always the same length.
    vigil::ConnectionConfig c = vigil::test::configFor(
        {url}, {"chat"}, vigil::TransportPreference::WebSocket, {3000, 3000});
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
    void chosenHttpTransportIsSaid();
};

void TestConnectionStatus::offlineBannerComesAndGoesWithTheRelay()
{
    auto relay = std::make_unique<vigil::Relay>(vigil::RelayConfig{});
    QString error;
    QVERIFY(relay->start(&error));
    const quint16 port = relay->port();
    ConnectionManager manager(statusClient(relay->url()));
    ConnectionStatus status(nullptr);
    status.attach(vigil::test::viewOf(manager));
    int queued = 3;
    status.setQueuedCount([&] { return queued; });
    manager.open();
    QTRY_COMPARE_WITH_TIMEOUT(status.state(), QStringLiteral("connected"), kWaitMs);
    QCOMPARE(status.banner(), QString());
    QCOMPARE(status.bannerKind(), ConnectionStatus::NoBanner);
    QCOMPARE(status.bannerTone(), vigil::Tone::Idle);
    QCOMPARE(status.toneValue(), vigil::Tone::Ok);

    relay.reset(); // the relay goes away
    QTRY_COMPARE_WITH_TIMEOUT(status.banner(), QStringLiteral("reconnecting"), kWaitMs);
    QCOMPARE(status.bannerKind(), ConnectionStatus::Reconnecting);
    QCOMPARE(status.bannerTone(), vigil::Tone::Warning);
    QCOMPARE(status.toneValue(), vigil::Tone::Danger);
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
    ConnectionManager manager(statusClient(server.url()));
    ConnectionStatus status(nullptr);
    status.attach(vigil::test::viewOf(manager));
    manager.open();
    QTRY_COMPARE_WITH_TIMEOUT(status.banner(), QStringLiteral("unauthorized"), kWaitMs);
    QCOMPARE(status.bannerKind(), ConnectionStatus::Unauthorized);
    QCOMPARE(status.bannerTone(), vigil::Tone::Danger);
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
    auto config = statusClient(QUrl(QStringLiteral("ws://127.0.0.1:%1/ws").arg(closed)));
    config.reconnect.baseMs = 10;
    config.reconnect.capMs = 10;
    config.maxAttempts = 2;
    config.breakerCooldownMs = 600000;
    ConnectionManager manager(config);
    ConnectionStatus status(nullptr);
    status.attach(vigil::test::viewOf(manager));
    manager.open();
    QTRY_COMPARE_WITH_TIMEOUT(status.banner(), QStringLiteral("gave-up"), kWaitMs);
    QCOMPARE(status.bannerText(), QStringLiteral("Gave up after 2 attempt(s) - next try in 600 s"));
    QVERIFY2(status.summary().contains(QRegularExpression(
                 "^Server unreachable since \\d\\d:\\d\\d:\\d\\d - next try in 600 s$")),
             qPrintable(status.summary()));
    QCOMPARE(status.tone(), QStringLiteral("danger"));
    QCOMPARE(status.toneValue(), vigil::Tone::Danger);
    QCOMPARE(status.bannerKind(), ConnectionStatus::GaveUp);
    QCOMPARE(status.bannerTone(), vigil::Tone::Danger);
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
    ConnectionManager manager(statusClient(relay.url()));
    manager.setLastSeq("chat", 1); // we stopped at 1; the relay only keeps 5
    ConnectionStatus status(nullptr);
    status.attach(vigil::test::viewOf(manager));
    manager.open();
    QTRY_COMPARE_WITH_TIMEOUT(status.banner(), QStringLiteral("missed"), kWaitMs);
    QCOMPARE(status.bannerText(), QStringLiteral("Missed messages could not be recovered (chat)"));
    QCOMPARE(status.bannerAction(), QStringLiteral("Reload"));
    QCOMPARE(status.bannerKind(), ConnectionStatus::Missed);
    QCOMPARE(status.bannerTone(), vigil::Tone::Warning);
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

// The operator picks SSE by hand: the window says HTTP is in use, as chosen, and the selector
// shows the choice.
void TestConnectionStatus::chosenHttpTransportIsSaid()
{
    vigil::Relay relay{vigil::RelayConfig{}};
    QString error;
    QVERIFY(relay.start(&error));
    ConnectionManager manager(statusClient(relay.url()));
    ConnectionStatus status(nullptr);
    status.attach(vigil::test::viewOf(manager));
    QCOMPARE(ConnectionStatus::transportChoices(),
             (QStringList{"auto", "websocket", "sse", "poll"}));
    manager.open();
    QTRY_COMPARE_WITH_TIMEOUT(status.state(), QStringLiteral("connected"), kWaitMs);
    QCOMPARE(status.overHttp(), false);
    QCOMPARE(status.transportNotice(), QString());
    QCOMPARE(status.transportChoice(), 1); // websocket

    status.setTransportPreference("sse");
    QCOMPARE(status.transportChoice(), 2);
    QTRY_COMPARE_WITH_TIMEOUT(status.transport(), QStringLiteral("sse"), kWaitMs);
    QTRY_VERIFY_WITH_TIMEOUT(status.connected(), kWaitMs);
    QCOMPARE(status.overHttp(), true);
    QCOMPARE(status.transportNotice(), QStringLiteral("Using HTTP (SSE)"));
    // The banner reads notice then reason: one "chosen", no doubled words.
    QCOMPARE(status.fallbackReason(), QStringLiteral("chosen by the operator (transport sse)"));
    QCOMPARE(status.toneValue(), vigil::Tone::Warning); // HTTP carries the messages: not ok

    status.setTransportPreference("websocket");
    QTRY_COMPARE_WITH_TIMEOUT(status.transport(), QStringLiteral("websocket"), kWaitMs);
    QCOMPARE(status.overHttp(), false);
    QCOMPARE(status.transportNotice(), QString());
}

QTEST_GUILESS_MAIN(TestConnectionStatus)
#include "tst_connectionstatus.moc"
