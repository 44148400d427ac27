// The tray icon follows the real connection state, and critical alerts become desktop
// notifications.
#include "helpers/testsupport.h"
#include "trayicon.h"

#include "connection/connectionmanager.h"
#include "models/connectionstatus.h"
#include "models/notificationsmodel.h"
#include "relay/relay.h"

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
    void stateClasses_data();
    void stateClasses();
    void iconsDifferByState();
    void followsTheRealConnection();
    void criticalAlertsBecomeNotifications();
};

void TestTrayIcon::stateClasses_data()
{
    QTest::addColumn<QString>("state");
    QTest::addColumn<QString>("cls");
    QTest::newRow("connected") << "connected"
                               << "ok";
    QTest::newRow("connecting") << "connecting"
                                << "busy";
    QTest::newRow("reconnecting") << "reconnecting"
                                  << "busy";
    QTest::newRow("fallback") << "fallback"
                              << "busy";
    QTest::newRow("error") << "error"
                           << "error";
    QTest::newRow("closed") << "closed"
                            << "idle";
    QTest::newRow("disconnected") << "disconnected"
                                  << "idle";
}

void TestTrayIcon::stateClasses()
{
    QFETCH(QString, state);
    QFETCH(QString, cls);
    QCOMPARE(TrayIcon::stateClassFor(state), cls);
}

void TestTrayIcon::iconsDifferByState()
{
    for (const char *cls : {"ok", "busy", "error", "idle"}) {
        const QString name = QString::fromLatin1(cls);
        const QColor seen = dotColor(TrayIcon::iconFor(name));
        const QColor wanted = TrayIcon::colorFor(name);
        QVERIFY2(std::abs(seen.red() - wanted.red()) < 8 &&
                     std::abs(seen.green() - wanted.green()) < 8 &&
                     std::abs(seen.blue() - wanted.blue()) < 8,
                 qPrintable(name + " " + seen.name()));
    }
    QVERIFY(TrayIcon::colorFor("ok") != TrayIcon::colorFor("error"));
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
    status.attach(&manager);
    TrayIcon tray(&status, nullptr);
    QCOMPARE(tray.stateClass(), QStringLiteral("idle"));
    manager.open();
    QTRY_COMPARE_WITH_TIMEOUT(tray.stateClass(), QStringLiteral("ok"), kWaitMs);
    QVERIFY2(tray.toolTip().startsWith("Vigil - "), qPrintable(tray.toolTip()));
    QCOMPARE(dotColor(tray.icon()).name(), dotColor(TrayIcon::iconFor("ok")).name());

    relay.reset();
    QTRY_COMPARE_WITH_TIMEOUT(tray.stateClass(), QStringLiteral("busy"), kWaitMs);
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
