#include "models/channelcountsmodel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using vigil::ChannelCountsModel;
using vigil::Envelope;

class TestChannelCountsModel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void startsWithKnownChannels();
    void countsAreCoalescedPerFlush();
    void unknownChannelsAreInsertedOnce();
    void flushesByItself();
};

void TestChannelCountsModel::startsWithKnownChannels()
{
    ChannelCountsModel model(nullptr);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(model.rowCount(), vigil::knownChannels().size());
    QCOMPARE(model.data(model.index(0), ChannelCountsModel::NameRole).toString(),
             vigil::knownChannels().first());
    QCOMPARE(model.data(model.index(0), ChannelCountsModel::CountRole).toLongLong(), 0);
    QCOMPARE(model.roleNames().value(ChannelCountsModel::CountRole), QByteArray("count"));
}

void TestChannelCountsModel::countsAreCoalescedPerFlush()
{
    ChannelCountsModel model(nullptr);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    for (int i = 0; i < 500; ++i)
        model.record(Envelope::create("log.entry", "logs"));
    model.record(Envelope::create("chat.message", "chat"));
    QCOMPARE(changed.size(), 0); // nothing reaches the view before the flush
    model.flush();
    QCOMPARE(changed.size(), 1); // one signal for the whole batch
    const QList<int> roles = changed.first().at(2).value<QList<int>>();
    QVERIFY(roles.contains(ChannelCountsModel::CountRole));
    QCOMPARE(model.total(), 501);
    const int logs = int(vigil::knownChannels().indexOf("logs"));
    QCOMPARE(model.data(model.index(logs), ChannelCountsModel::CountRole).toLongLong(), 500);
    QCOMPARE(model.data(model.index(logs), ChannelCountsModel::LastTypeRole).toString(),
             QStringLiteral("log.entry"));
}

void TestChannelCountsModel::unknownChannelsAreInsertedOnce()
{
    ChannelCountsModel model(nullptr);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    const int before = model.rowCount();
    model.record(Envelope::create("x", "zeta"));
    model.record(Envelope::create("x", "alpha"));
    model.record(Envelope::create("x", "zeta"));
    model.flush();
    QCOMPARE(inserted.size(), 1);
    QCOMPARE(model.rowCount(), before + 2);
    QCOMPARE(model.data(model.index(before), ChannelCountsModel::NameRole).toString(), "alpha");
    QCOMPARE(model.data(model.index(before + 1), ChannelCountsModel::CountRole).toLongLong(), 2);
}

void TestChannelCountsModel::flushesByItself()
{
    ChannelCountsModel model(nullptr);
    QSignalSpy total(&model, &ChannelCountsModel::totalChanged);
    model.record(Envelope::create("agent.status", "agents"));
    QVERIFY(total.wait(5000));
    QCOMPARE(model.total(), 1);
}

QTEST_GUILESS_MAIN(TestChannelCountsModel)
#include "tst_channelcountsmodel.moc"
