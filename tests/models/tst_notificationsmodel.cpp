#include "models/notificationsmodel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using vigil::Envelope;
using vigil::NotificationsModel;

namespace {
Envelope notification(const QString &id, const QString &severity)
{
    return Envelope::create(
        "notification", "notifications",
        QJsonObject{{"id", id}, {"title", "T " + id}, {"message", "m"}, {"severity", severity}});
}
} // namespace

class TestNotificationsModel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void newestFirstInOneBatch();
    void readStateAndDismiss();
    void criticalAlertsAndRepeats();
    void capacityDropsTheOldest();
};

void TestNotificationsModel::newestFirstInOneBatch()
{
    NotificationsModel model(nullptr);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    model.record(notification("a", "info"));
    model.record(notification("b", "high"));
    model.record(Envelope::create("log.entry", "logs", QJsonObject{})); // not a notification
    QCOMPARE(model.rowCount(), 0);
    model.flush();
    QCOMPARE(inserted.size(), 1);
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.data(model.index(0), NotificationsModel::IdRole).toString(),
             QStringLiteral("b"));
    QCOMPARE(model.data(model.index(1), NotificationsModel::TitleRole).toString(),
             QStringLiteral("T a"));
    QCOMPARE(model.unreadCount(), 2);
    QCOMPARE(model.roleNames().value(NotificationsModel::ReadRole), QByteArray("read"));
}

void TestNotificationsModel::readStateAndDismiss()
{
    NotificationsModel model(nullptr);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    for (const char *id : {"a", "b", "c"})
        model.record(notification(QString::fromLatin1(id), "info"));
    model.flush();
    QSignalSpy unread(&model, &NotificationsModel::unreadCountChanged);
    model.markRead("b");
    QCOMPARE(model.unreadCount(), 2);
    QCOMPARE(model.data(model.index(1), NotificationsModel::ReadRole).toBool(), true);
    model.markRead("b"); // twice changes nothing
    QCOMPARE(model.unreadCount(), 2);
    model.dismiss("c");
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.unreadCount(), 1);
    model.markAllRead();
    QCOMPARE(model.unreadCount(), 0);
    QCOMPARE(unread.size(), 3);
    // A replay of a notification already read leaves it read (and adds no row).
    model.record(notification("a", "info"));
    model.flush();
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.unreadCount(), 0);
}

void TestNotificationsModel::criticalAlertsAndRepeats()
{
    NotificationsModel model(nullptr);
    QSignalSpy critical(&model, &NotificationsModel::criticalArrived);
    model.record(Envelope::create("alert.raised", "alerts",
                                  QJsonObject{{"alertId", "al-1"},
                                              {"severity", "critical"},
                                              {"title", "Disk full"},
                                              {"source", "db"}}));
    model.record(Envelope::create(
        "alert.raised", "alerts",
        QJsonObject{{"alertId", "al-2"}, {"severity", "warning"}, {"title", "x"}}));
    model.record(notification("n-1", "critical"));
    model.flush();
    model.record(notification("n-1", "critical")); // replayed after a reconnect
    model.flush();
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(critical.size(), 2);
    QCOMPARE(critical.first().at(0).toString(), QStringLiteral("Disk full"));
}

void TestNotificationsModel::capacityDropsTheOldest()
{
    NotificationsModel model(nullptr, 3);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    for (int i = 0; i < 5; ++i)
        model.record(notification(QString::number(i), "info"));
    model.flush();
    QCOMPARE(model.rowCount(), 3);
    QCOMPARE(model.data(model.index(0), NotificationsModel::IdRole).toString(),
             QStringLiteral("4"));
    QCOMPARE(model.data(model.index(2), NotificationsModel::IdRole).toString(),
             QStringLiteral("2"));
    QCOMPARE(model.unreadCount(), 3);
}

QTEST_GUILESS_MAIN(TestNotificationsModel)
#include "tst_notificationsmodel.moc"
