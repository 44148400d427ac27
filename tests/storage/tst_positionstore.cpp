#include "storage/positionstore.h"

#include <QDir>
#include <QFile>
#include <QSqlDatabase>
#include <QSqlQuery>
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
    void anotherEpochReplacesThePosition();
    void versionOneFileGainsEpochs();
};

void TestPositionStore::savedPositionsSurviveReopen()
{
    QTemporaryDir dir;
    const QString path = dir.filePath("positions.sqlite");
    {
        vigil::PositionStore store;
        QString error;
        QVERIFY2(store.open(path, &error), qPrintable(error));
        QVERIFY(store.save("ws://a/ws", {{"incidents", {41, {}}}, {"chat", {7, {}}}}));
    }
    vigil::PositionStore store;
    QString error;
    QVERIFY(store.open(path, &error));
    const auto loaded = store.load("ws://a/ws");
    QCOMPARE(loaded.value("incidents").seq, 41);
    QCOMPARE(loaded.value("chat").seq, 7);
}

void TestPositionStore::positionsOnlyMoveForward()
{
    QTemporaryDir dir;
    vigil::PositionStore store;
    QString error;
    QVERIFY(store.open(dir.filePath("p.sqlite"), &error));
    QVERIFY(store.save("p", {{"logs", {100, {}}}}));
    QVERIFY(store.save("p", {{"logs", {90, {}}}}));
    QCOMPARE(store.load("p").value("logs").seq, 100);
    QVERIFY(store.save("p", {{"logs", {101, {}}}}));
    QCOMPARE(store.load("p").value("logs").seq, 101);
}

void TestPositionStore::profilesAreSeparate()
{
    QTemporaryDir dir;
    vigil::PositionStore store;
    QString error;
    QVERIFY(store.open(dir.filePath("p.sqlite"), &error));
    QVERIFY(store.save("ws://a/ws", {{"chat", {1, {}}}}));
    QVERIFY(store.save("ws://b/ws", {{"chat", {2, {}}}}));
    QCOMPARE(store.load("ws://a/ws").value("chat").seq, 1);
    QCOMPARE(store.load("ws://b/ws").value("chat").seq, 2);
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
    QVERIFY(store.save("p", {{"chat", {3, {}}}}));
    QCOMPARE(QDir(dir.path()).entryList({"positions.sqlite.corrupt-*"}).size(), 1);
}

void TestPositionStore::anotherEpochReplacesThePosition()
{
    // The server restarted without its history: seq 3 of the new history is later than seq 90
    // of the old one, so an epoch change replaces the position even when the seq is smaller.
    QTemporaryDir dir;
    vigil::PositionStore store;
    QString error;
    QVERIFY(store.open(dir.filePath("p.sqlite"), &error));
    QVERIFY(store.save("p", {{"logs", {90, "epoch-a"}}}));
    QVERIFY(store.save("p", {{"logs", {3, "epoch-b"}}}));
    QCOMPARE(store.load("p").value("logs").seq, 3);
    QCOMPARE(store.load("p").value("logs").epoch, QString("epoch-b"));
    QVERIFY(store.save("p", {{"logs", {2, "epoch-b"}}})); // same epoch: never backwards
    QCOMPARE(store.load("p").value("logs").seq, 3);
}

void TestPositionStore::versionOneFileGainsEpochs()
{
    // A file written before epochs existed keeps its positions, with an empty epoch.
    QTemporaryDir dir;
    const QString path = dir.filePath("positions.sqlite");
    {
        QSqlDatabase db = QSqlDatabase::addDatabase("QSQLITE", "v1");
        db.setDatabaseName(path);
        QVERIFY(db.open());
        QSqlQuery q(db);
        QVERIFY(q.exec("CREATE TABLE positions (profile TEXT NOT NULL, channel TEXT NOT NULL,"
                       " seq INTEGER NOT NULL, PRIMARY KEY(profile, channel))"));
        QVERIFY(q.exec("INSERT INTO positions VALUES('p', 'chat', 12)"));
        QVERIFY(q.exec("PRAGMA user_version = 1"));
        db.close();
    }
    QSqlDatabase::removeDatabase("v1");
    vigil::PositionStore store;
    QString error;
    QVERIFY2(store.open(path, &error), qPrintable(error));
    QCOMPARE(store.load("p").value("chat").seq, 12);
    QVERIFY(store.load("p").value("chat").epoch.isEmpty());
}

QTEST_GUILESS_MAIN(TestPositionStore)
#include "tst_positionstore.moc"
