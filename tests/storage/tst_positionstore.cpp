#include "storage/positionstore.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

class TestPositionStore : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void savedPositionsSurviveReopen();
    void positionsOnlyMoveForward();
    void profilesAreSeparate();
    void damagedFileIsReplaced();
};

void TestPositionStore::savedPositionsSurviveReopen()
{
    QTemporaryDir dir;
    const QString path = dir.filePath("positions.sqlite");
    {
        vigil::PositionStore store;
        QString error;
        QVERIFY2(store.open(path, &error), qPrintable(error));
        QVERIFY(store.save("ws://a/ws", {{"incidents", 41}, {"chat", 7}}));
    }
    vigil::PositionStore store;
    QString error;
    QVERIFY(store.open(path, &error));
    const auto loaded = store.load("ws://a/ws");
    QCOMPARE(loaded.value("incidents"), 41);
    QCOMPARE(loaded.value("chat"), 7);
}

void TestPositionStore::positionsOnlyMoveForward()
{
    QTemporaryDir dir;
    vigil::PositionStore store;
    QString error;
    QVERIFY(store.open(dir.filePath("p.sqlite"), &error));
    QVERIFY(store.save("p", {{"logs", 100}}));
    QVERIFY(store.save("p", {{"logs", 90}}));
    QCOMPARE(store.load("p").value("logs"), 100);
    QVERIFY(store.save("p", {{"logs", 101}}));
    QCOMPARE(store.load("p").value("logs"), 101);
}

void TestPositionStore::profilesAreSeparate()
{
    QTemporaryDir dir;
    vigil::PositionStore store;
    QString error;
    QVERIFY(store.open(dir.filePath("p.sqlite"), &error));
    QVERIFY(store.save("ws://a/ws", {{"chat", 1}}));
    QVERIFY(store.save("ws://b/ws", {{"chat", 2}}));
    QCOMPARE(store.load("ws://a/ws").value("chat"), 1);
    QCOMPARE(store.load("ws://b/ws").value("chat"), 2);
    QVERIFY(store.load("ws://c/ws").isEmpty());
}

void TestPositionStore::damagedFileIsReplaced()
{
    QTemporaryDir dir;
    const QString path = dir.filePath("positions.sqlite");
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("this is not a database, just text that happens to be here");
    f.close();
    vigil::PositionStore store;
    QString error;
    QVERIFY2(store.open(path, &error), qPrintable(error));
    QVERIFY(!store.recoveryNotice().isEmpty());
    QVERIFY(store.save("p", {{"chat", 3}}));
    QCOMPARE(QDir(dir.path()).entryList({"positions.sqlite.corrupt-*"}).size(), 1);
}

QTEST_GUILESS_MAIN(TestPositionStore)
#include "tst_positionstore.moc"
