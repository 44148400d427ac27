#include "storage/outbox.h"
#include "ui/queuestatus.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using vigil::Envelope;

class TestQueueStatus : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void reflectsTheOutbox();
    void retryAndPurgeDeadLetters();
};

void TestQueueStatus::reflectsTheOutbox()
{
    QTemporaryDir dir;
    vigil::Outbox outbox;
    QString error;
    QVERIFY(outbox.open(dir.filePath("o.sqlite"), &error));
    vigil::QueueStatus status(nullptr);
    status.attach(&outbox, "p", nullptr);
    QCOMPARE(status.depth(), 0);
    QVERIFY(
        outbox.enqueue("p", Envelope::create("t", "chat", {}, vigil::Priority::Critical), &error));
    QVERIFY(outbox.enqueue("p", Envelope::create("t", "chat", {}, vigil::Priority::Low), &error));
    QVERIFY(outbox.enqueue("other", Envelope::create("t", "chat"), &error));
    QSignalSpy changed(&status, &vigil::QueueStatus::changed);
    status.refreshSoon();
    QVERIFY(changed.wait(5000));
    QCOMPARE(status.depth(), 2);
    QCOMPARE(status.critical(), 1);
    QCOMPARE(status.low(), 1);
    QCOMPARE(status.enqueued(), 2);
    QVERIFY(status.oldestEnqueuedAt() > 0);
    QVERIFY(status.notice().isEmpty());
    status.setNotice("disk full");
    QCOMPARE(status.notice(), QStringLiteral("disk full"));
}

void TestQueueStatus::retryAndPurgeDeadLetters()
{
    QTemporaryDir dir;
    vigil::Outbox outbox;
    QString error;
    QVERIFY(outbox.open(dir.filePath("o.sqlite"), &error));
    for (int i = 0; i < 2; ++i) {
        const QString id = *outbox.enqueue("p", Envelope::create("t", "chat"), &error);
        QVERIFY(outbox.recordFailure(id, "refused", {}, 1));
    }
    vigil::QueueStatus status(nullptr);
    status.attach(&outbox, "p", nullptr);
    QCOMPARE(status.deadLetters(), 2);
    QCOMPARE(status.deadLettered(), 2);
    QCOMPARE(status.retryDeadLetters(), 2);
    QCOMPARE(status.depth(), 2);
    QCOMPARE(status.deadLetters(), 0);
    for (const auto &entry : outbox.pending("p"))
        QVERIFY(outbox.recordFailure(entry.envelope.id, "refused", {}, 1));
    QCOMPARE(status.purgeDeadLetters(), 2);
    QCOMPARE(status.deadLetters(), 0);
    QCOMPARE(status.depth(), 0);
}

QTEST_GUILESS_MAIN(TestQueueStatus)
#include "tst_queuestatus.moc"
