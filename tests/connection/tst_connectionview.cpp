// ConnectionView: the window's side of a connection that runs on the ingest thread. Batches
// per event-loop turn, keeps envelopes and control signals in order, copies the state, and
// passes commands to the manager's thread.
#include "connection/connectionmanager.h"
#include "connection/connectionview.h"
#include "helpers/connectionfixture.h"
#include "helpers/testsupport.h"
#include "relay/relay.h"
#include "ui/workerthread.h"

#include <QJsonObject>
#include <QSignalSpy>
#include <QTest>

using namespace vigil;
using vigil::test::kWaitMs;

class TestConnectionView : public QObject
{
    Q_OBJECT

private slots:
    void oneBatchPerTurnInOrderWithControlSignals()
    {
        ConnectionManager manager(ConnectionConfig{});
        ConnectionView view(&manager);
        QStringList events;
        connect(&view, &ConnectionView::envelopesReceived, this,
                [&events](const QList<Envelope> &batch) {
                    QStringList ids;
                    for (const Envelope &e : batch)
                        ids.append(e.id);
                    events.append(QStringLiteral("batch:") + ids.join(QLatin1Char(',')));
                });
        connect(&view, &ConnectionView::reloadFinished, this,
                [&events](const QString &channel) { events.append("reloaded:" + channel); });

        auto envelope = [](const QString &id) {
            Envelope e = Envelope::create("log.entry", "logs", QJsonObject{{"message", id}});
            e.id = id;
            return e;
        };
        // What the manager emits while it reads: two envelopes, the end of a reload, one more.
        Q_EMIT manager.envelopeReceived(envelope("a"));
        Q_EMIT manager.envelopeReceived(envelope("b"));
        Q_EMIT manager.reloadFinished("logs");
        Q_EMIT manager.envelopeReceived(envelope("c"));
        Q_EMIT manager.envelopeReceived(envelope("d"));
        // The replay's envelopes come before the signal that ends it; the rest wait for the
        // end of the turn and arrive together.
        QCOMPARE(events, (QStringList{"batch:a,b", "reloaded:logs"}));
        QTRY_COMPARE_WITH_TIMEOUT(events.size(), 3, kWaitMs);
        QCOMPARE(events.last(), QStringLiteral("batch:c,d"));
    }

    void runsTheConnectionOnTheIngestThread()
    {
        RelayConfig relayConfig;
        relayConfig.port = 0;
        relayConfig.demo = true;
        relayConfig.demoLogRate = 200;
        Relay relay(relayConfig);
        QString error;
        QVERIFY2(relay.start(&error), qPrintable(error));

        WorkerThread ingest(QStringLiteral("test-ingest"));
        std::unique_ptr<ConnectionManager> manager;
        ConnectionConfig config = vigil::test::configFor({relay.url()}, {"logs", "agents"},
                                                         TransportPreference::WebSocket);
        config.heartbeatMs = 100;
        ingest.run([&] { manager = std::make_unique<ConnectionManager>(config); });
        QCOMPARE(manager->thread(), ingest.thread());
        {
            ConnectionView view(manager.get());
            QSignalSpy states(&view, &ConnectionView::stateChanged);
            QSignalSpy rtts(&view, &ConnectionView::rttMeasured);
            QSet<QThread *> deliveredOn;
            int envelopes = 0;
            int batches = 0;
            connect(&view, &ConnectionView::envelopesReceived, this,
                    [&](const QList<Envelope> &batch) {
                        deliveredOn.insert(QThread::currentThread());
                        envelopes += int(batch.size());
                        ++batches;
                    });
            QCOMPARE(view.state(), ConnectionManager::State::Disconnected);
            view.open();
            QTRY_COMPARE_WITH_TIMEOUT(view.state(), ConnectionManager::State::Connected, kWaitMs);
            QVERIFY(view.serverSupports("ack"));
            QVERIFY(view.serverSupports("logFilter"));
            QTRY_VERIFY_WITH_TIMEOUT(envelopes > 200, kWaitMs);
            QTRY_VERIFY_WITH_TIMEOUT(rtts.size() >= 2, kWaitMs);
            // Everything reaches this (the UI) thread, in fewer calls than envelopes.
            QCOMPARE(deliveredOn, QSet<QThread *>{QThread::currentThread()});
            QVERIFY2(batches < envelopes,
                     qPrintable(QStringLiteral("%1 batches for %2").arg(batches).arg(envelopes)));
            QVERIFY(!view.healthJson().isEmpty());

            // Commands run on the ingest thread, in order.
            view.close();
            QTRY_COMPARE_WITH_TIMEOUT(view.state(), ConnectionManager::State::Closed, kWaitMs);
            QVERIFY(!states.isEmpty());
        }
        ingest.run([&] { manager.reset(); });
    }

    void commandsAfterTheManagerIsGoneAreDropped()
    {
        auto manager = std::make_unique<ConnectionManager>(ConnectionConfig{});
        ConnectionView view(manager.get());
        manager.reset();
        QVERIFY(view.manager() == nullptr);
        view.open(); // nothing to run it on: no crash, nothing happens
        view.reload({"logs"});
        view.setTrafficWanted(true);
        QCOMPARE(view.state(), ConnectionManager::State::Disconnected);
    }
};

QTEST_GUILESS_MAIN(TestConnectionView)
#include "tst_connectionview.moc"
