// A restarted app resumes where it stopped: positions saved by one run are the `since` of
// the next, against a real relay.
#include "connection/connectionmanager.h"
#include "delivery/positionkeeper.h"
#include "helpers/testsupport.h"
#include "relay/relay.h"
#include "storage/positionstore.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using vigil::ConnectionManager;
using vigil::Envelope;

using vigil::test::kWaitMs;

class TestPositionKeeper : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { qRegisterMetaType<Envelope>(); }
    void secondRunResumesAfterFirst();
};

void TestPositionKeeper::secondRunResumesAfterFirst()
{
    vigil::Relay relay({});
    QString error;
    QVERIFY(relay.start(&error));
    QTemporaryDir dir;
    const QString path = dir.filePath("positions.sqlite");
    vigil::ConnectionConfig config;
    config.urls = {relay.url()};
    config.channels = {"incidents"};
    config.replayHistory = true;

    for (int i = 0; i < 3; ++i)
        relay.publish(Envelope::create("incident.updated", "incidents", QJsonObject{{"n", i}}));

    { // first run: sees everything, saves its position on the way out
        vigil::PositionStore store;
        QVERIFY(store.open(path, &error));
        ConnectionManager manager(config);
        vigil::PositionKeeper keeper(&manager, &store, "profile");
        QSignalSpy received(&manager, &ConnectionManager::envelopeReceived);
        manager.open();
        QTRY_COMPARE_WITH_TIMEOUT(received.size(), 3, 15000);
        manager.close();
    }
    for (int i = 3; i < 5; ++i)
        relay.publish(Envelope::create("incident.updated", "incidents", QJsonObject{{"n", i}}));

    { // second run: only what it missed
        vigil::PositionStore store;
        QVERIFY(store.open(path, &error));
        QCOMPARE(store.load("profile").value("incidents").seq, 3);
        QVERIFY(!store.load("profile").value("incidents").epoch.isEmpty());
        ConnectionManager manager(config);
        vigil::PositionKeeper keeper(&manager, &store, "profile");
        QSignalSpy received(&manager, &ConnectionManager::envelopeReceived);
        manager.open();
        QTRY_COMPARE_WITH_TIMEOUT(received.size(), 2, 15000);
        QCOMPARE(received.at(0).first().value<Envelope>().seq, 4);
        QCOMPARE(received.at(1).first().value<Envelope>().seq, 5);
        // And nothing else: a marker published now arrives after anything the replay could
        // still have sent, so a duplicate of 1..3 would show up before it.
        relay.publish(Envelope::create("incident.updated", "incidents", QJsonObject{{"n", 5}}));
        QTRY_COMPARE_WITH_TIMEOUT(received.size(), 3, kWaitMs);
        QCOMPARE(received.at(2).first().value<Envelope>().seq, 6);
    }
}

QTEST_GUILESS_MAIN(TestPositionKeeper)
#include "tst_positionkeeper.moc"
