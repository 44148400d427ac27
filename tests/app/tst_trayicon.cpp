// The tray icon follows the real connection state, and critical alerts become desktop
// notifications.
#include "helpers/connectionfixture.h"
#include "helpers/testsupport.h"
#include "trayicon.h"

#include "connection/connectionmanager.h"
#include "models/notificationsmodel.h"
#include "relay/relay.h"
#include "ui/connectionstatus.h"
#include "ui/palette.h"

#include <QApplication>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTest>

#include <memory>

using vigil::app::TrayIcon;

namespace {
using vigil::test::kWaitMs;

QColor dotColor(const QIcon &icon)
{
    const QImage image = icon.pixmap(64, 64).toImage();
    return image.pixelColor(int(64 * 0.76), int(64 * 0.76)); // the centre of the state dot
}
} // namespace

class TestTrayIcon : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void tones_data();
    void tones();
    void iconsDifferByState();
    void followsTheRealConnection();
    void criticalAlertsBecomeNotifications();
};

void TestTrayIcon::tones_data()
{
    using State = vigil::ConnectionManager::State;
    QTest::addColumn<State>("state");
    QTest::addColumn<vigil::Tone::Value>("tone");
    QTest::newRow("connected") << State::Connected << vigil::Tone::Ok;
    QTest::newRow("connecting") << State::Connecting << vigil::Tone::Warning;
    QTest::newRow("reconnecting") << State::Reconnecting << vigil::Tone::Warning;
    QTest::newRow("fallback") << State::Fallback << vigil::Tone::Warning;
    QTest::newRow("error") << State::Error << vigil::Tone::Danger;
    QTest::newRow("closed") << State::Closed << vigil::Tone::Idle;
    QTest::newRow("disconnected") << State::Disconnected << vigil::Tone::Idle;
}

void TestTrayIcon::tones()
{
    QFETCH(vigil::ConnectionManager::State, state);
    QFETCH(vigil::Tone::Value, tone);
    QCOMPARE(TrayIcon::toneFor(state), tone);
}

void TestTrayIcon::iconsDifferByState()
{
    // The dot has the window's colour of the tone (palette.h, which the Theme reads too).
    for (vigil::Tone::Value tone :
         {vigil::Tone::Ok, vigil::Tone::Warning, vigil::Tone::Danger, vigil::Tone::Idle}) {
        const QColor seen = dotColor(TrayIcon::iconFor(tone));
        const QColor wanted = vigil::palette::toneColor(tone);
        QVERIFY2(std::abs(seen.red() - wanted.red()) < 8 &&
                     std::abs(seen.green() - wanted.green()) < 8 &&
                     std::abs(seen.blue() - wanted.blue()) < 8,
                 qPrintable(vigil::Tone::name(tone) + " " + seen.name()));
    }
    QVERIFY(vigil::palette::toneColor(vigil::Tone::Ok) !=
            vigil::palette::toneColor(vigil::Tone::Danger));
}

void TestTrayIcon::followsTheRealConnection()
{
    auto relay = std::make_unique<vigil::Relay>(vigil::RelayConfig{});
    QString error;
    QVERIFY(relay->start(&error));
    vigil::ConnectionConfig config;
    config.urls = {relay->url()};
    config.channels = {"chat"};
    config.transport = vigil::TransportPreference::WebSocket;
    config.reconnect.baseMs = 60000; // stays reconnecting while we look
    config.reconnect.capMs = 60000;
    vigil::ConnectionManager manager(config);
    vigil::ConnectionStatus status(nullptr);
    status.attach(vigil::test::viewOf(manager));
    TrayIcon tray(&status, nullptr);
    QCOMPARE(tray.tone(), vigil::Tone::Idle);
    QCOMPARE(dotColor(tray.icon()).name(), dotColor(TrayIcon::iconFor(vigil::Tone::Idle)).name());
    manager.open();
    QTRY_COMPARE_WITH_TIMEOUT(tray.tone(), vigil::Tone::Ok, kWaitMs);
    QVERIFY2(tray.toolTip().startsWith("Vigil - "), qPrintable(tray.toolTip()));
    QCOMPARE(dotColor(tray.icon()).name(), dotColor(TrayIcon::iconFor(vigil::Tone::Ok)).name());

    relay.reset();
    QTRY_COMPARE_WITH_TIMEOUT(tray.tone(), vigil::Tone::Warning, kWaitMs);
    QVERIFY2(tray.toolTip().contains("Server unreachable since"), qPrintable(tray.toolTip()));
}

void TestTrayIcon::criticalAlertsBecomeNotifications()
{
    vigil::ConnectionStatus status(nullptr);
    vigil::NotificationsModel notifications(nullptr);
    TrayIcon tray(&status, &notifications);
    vigil::Envelope warning;
    warning.id = "e1";
    warning.type = "alert.raised";
    warning.channel = "alerts";
    warning.payload = QJsonObject{{"alertId", "a1"}, {"severity", "warning"}, {"title", "slow"}};
    notifications.record(warning);
    QCOMPARE(tray.notificationCount(), 0);

    vigil::Envelope critical = warning;
    critical.id = "e2";
    critical.payload = QJsonObject{{"alertId", "a2"},
                                   {"severity", "critical"},
                                   {"title", "database down"},
                                   {"source", "db-1"}};
    notifications.record(critical);
    QCOMPARE(tray.notificationCount(), 1);
    QCOMPARE(tray.lastNotification(), QStringLiteral("database down: db-1"));
    notifications.record(critical); // a replay of the same alert is not a second notification
    QCOMPARE(tray.notificationCount(), 1);
}

QTEST_MAIN(TestTrayIcon)
#include "tst_trayicon.moc"
