// LiveListModel and LiveRows on their own: what is queued, what is shown, and how one flush
// per frame turns the first into the second.
#include "helpers/testsupport.h"
#include "models/livelistmodel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace vigil;

namespace {

QVariant cell(const LiveListModel &m, int row, int role)
{
    return m.data(m.index(row), role);
}

struct Pair
{
    QString id;
    QString value;
};

// The smallest live list: rows of a key and a value, queued into from the test.
class Pairs : public LiveListModel
{
public:
    explicit Pairs(int capacity = 100)
        : LiveListModel(nullptr, capacity)
        , rows(this, {{Qt::UserRole + 1, "key", [](const Pair &p) { return p.id; }},
                      {Qt::UserRole + 2, "value", [](const Pair &p) { return p.value; }}})
    {}
    void record(const Envelope &) override {}
    LiveRows<Pair> rows;
};

// Every shown row is found by its key, at its own place.
void checkLookups(const Pairs &m)
{
    for (int row = 0; row < m.rowCount(); ++row) {
        const QString key = cell(m, row, Qt::UserRole + 1).toString();
        QCOMPARE(m.rows.find(key), &m.rows.all().at(row));
    }
}

} // namespace

class TestLiveListModel : public QObject
{
    Q_OBJECT
private slots:
    void oneBatchOneSignalOfEachKind();
    void removeAndReinsertInOneBatch();
    void queuedChangesAreSeenBeforeTheFlush();
    void lookupsFollowInsertsTrimsAndRemovals();
};

void TestLiveListModel::oneBatchOneSignalOfEachKind()
{
    Pairs m(3);
    QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy count(&m, &LiveListModel::countChanged);
    QSignalSpy flushed(&m, &LiveListModel::flushed);
    QSignalSpy inserted(&m, &QAbstractItemModel::rowsInserted);
    QSignalSpy removed(&m, &QAbstractItemModel::rowsRemoved);
    QSignalSpy changed(&m, &QAbstractItemModel::dataChanged);
    m.rows.upsert({"a", "1"});
    m.rows.upsert({"b", "1"});
    QCOMPARE(m.count(), 0);                                      // nothing before the frame
    QTRY_COMPARE_WITH_TIMEOUT(flushed.size(), 1, test::kWaitMs); // the frame timer publishes
    QCOMPARE(m.count(), 2);
    QCOMPARE(count.size(), 1);
    QCOMPARE(inserted.size(), 1);

    // Updates of two rows and two new rows, one beyond the capacity: one signal each.
    m.rows.update("a", [](Pair &p) { p.value = "2"; });
    m.rows.update("b", [](Pair &p) { p.value = "2"; });
    m.rows.upsert({"c", "1"});
    m.rows.upsert({"d", "1"});
    m.flush();
    QCOMPARE(flushed.size(), 2);
    QCOMPARE(changed.size(), 2); // one per changed row
    QCOMPARE(inserted.size(), 2);
    QCOMPARE(removed.size(), 1); // the trim
    QCOMPARE(count.size(), 2);
    QCOMPARE(m.count(), 3);

    // The same values again, or nothing queued: no signal at all.
    m.rows.update("b", [](Pair &p) { p.value = "2"; });
    m.flush();
    m.flush();
    QCOMPARE(flushed.size(), 2);
    QCOMPARE(changed.size(), 2);

    m.clear(); // a new session: one reset, the figures follow
    QCOMPARE(m.count(), 0);
    QCOMPARE(count.size(), 3);
    QCOMPARE(flushed.size(), 3);
}

void TestLiveListModel::removeAndReinsertInOneBatch()
{
    // The remove path (dismissed notifications use it), mixed with inserts in one frame.
    Pairs m;
    QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
    m.rows.upsert({"a", "1"});
    m.rows.upsert({"b", "1"});
    m.flush();
    m.rows.remove("a");
    m.rows.upsert({"a", "2"}); // gone and back within one frame: one row, new value, on top
    m.rows.upsert({"c", "1"});
    m.rows.remove("c"); // never shown
    m.flush();
    QCOMPARE(m.rowCount(), 2);
    QCOMPARE(m.rows.find("a")->value, "2");
    QCOMPARE(m.value(0, Qt::UserRole + 1).toString(), "a");
    QCOMPARE(m.value(0, Qt::UserRole + 2).toString(), "2");
    QVERIFY(!m.rows.find("c"));
    checkLookups(m);
    m.rows.remove("b");
    m.flush();
    QCOMPARE(m.rowCount(), 1);
    QVERIFY(!m.rows.find("b"));
    checkLookups(m);
}

void TestLiveListModel::queuedChangesAreSeenBeforeTheFlush()
{
    // LiveRows on its own: what is shown, what is queued, and the order they apply in.
    Pairs m;
    QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
    auto set = [](const QString &value) { return [value](Pair &p) { p.value = value; }; };

    m.rows.upsert({"a", "1"});
    QVERIFY(!m.rows.find("a")); // not shown before the frame...
    QVERIFY(m.rows.known("a")); // ...but known, and current as it will be
    QCOMPARE(m.rows.current("a")->value, "1");
    m.rows.update("a", set("2"));
    m.rows.update("b", set("x")); // no such row: nothing
    QCOMPARE(m.rows.current("a")->value, "2");
    QVERIFY(!m.rows.current("b"));
    QVERIFY(!m.rows.known("b"));
    m.flush();
    QCOMPARE(m.rowCount(), 1);
    QCOMPARE(m.rows.find("a")->value, "2");

    m.rows.remove("a");
    QVERIFY(!m.rows.known("a"));
    QVERIFY(!m.rows.current("a"));
    QVERIFY(m.rows.find("a"));    // still shown until the frame
    m.rows.update("a", set("3")); // removed: nothing to update
    QVERIFY(!m.rows.current("a"));
    m.rows.upsert("a", set("4")); // back: a new row, without the old fields
    QCOMPARE(m.rows.current("a")->value, "4");
    QVERIFY(m.rows.known("a"));
    QSignalSpy removed(&m, &QAbstractItemModel::rowsRemoved);
    QSignalSpy inserted(&m, &QAbstractItemModel::rowsInserted);
    m.flush();
    QCOMPARE(removed.size(), 1);
    QCOMPARE(inserted.size(), 1);
    QCOMPARE(m.rows.find("a")->value, "4");
}

void TestLiveListModel::lookupsFollowInsertsTrimsAndRemovals()
{
    // New rows go on top and the oldest drop off the bottom; every lookup (and so every
    // update) still finds its row at its place.
    Pairs m(5);
    QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
    auto put = [&m](const char *keys) {
        for (const char *k = keys; *k; ++k)
            m.rows.upsert({QString(QChar::fromLatin1(*k)), "new"});
        m.flush();
    };
    auto keys = [&m] {
        QString out;
        for (int row = 0; row < m.rowCount(); ++row)
            out += cell(m, row, Qt::UserRole + 1).toString();
        return out;
    };
    put("abc");
    put("defg");
    QCOMPARE(keys(), "gfedc");
    QVERIFY(!m.rows.find("a"));
    QVERIFY(!m.rows.find("b"));
    checkLookups(m);

    QSignalSpy changed(&m, &QAbstractItemModel::dataChanged);
    m.rows.update("c", [](Pair &p) { p.value = "bottom"; });
    m.rows.update("a", [](Pair &p) { p.value = "gone"; }); // dropped off: nothing
    m.flush();
    QCOMPARE(changed.size(), 1);
    QCOMPARE(changed.at(0).at(0).toModelIndex().row(), 4);
    QCOMPARE(cell(m, 4, Qt::UserRole + 2).toString(), "bottom");

    m.rows.remove("e"); // from the middle, with new rows in the same frame
    put("hi");
    QCOMPARE(keys(), "ihgfd");
    checkLookups(m);
    put("jklmnopq"); // more than the capacity in one frame: only the newest go in
    QCOMPARE(keys(), "qponm");
    checkLookups(m);
    m.rows.update("m", [](Pair &p) { p.value = "last"; });
    m.flush();
    QCOMPARE(cell(m, 4, Qt::UserRole + 2).toString(), "last");
    m.clear();
    put("z");
    QCOMPARE(keys(), "z");
    checkLookups(m);
}

QTEST_GUILESS_MAIN(TestLiveListModel)
#include "tst_livelistmodel.moc"
