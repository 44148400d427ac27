// LogStore: the log viewer's packed ring of lines. What it keeps when it wraps or changes size,
// the ordinals views rely on, interning with recycling, memory, and snapshots that outlive
// what the store lets go.
#include "models/logstore.h"

#include <QTest>

using namespace vigil;

namespace {

LogEntryIn line(qint64 n, const QString &source = QStringLiteral("api"),
                const QString &task = QStringLiteral("task-1"))
{
    LogEntryIn e;
    e.level = QStringLiteral("info");
    e.source = source;
    e.taskId = task;
    e.message = QStringLiteral("line %1").arg(n);
    e.timestamp = 1'700'000'000'000 + n;
    e.id = QStringLiteral("id-%1").arg(n);
    e.seq = n;
    return e;
}

QList<LogEntryIn> lines(qint64 from, qint64 count)
{
    QList<LogEntryIn> out;
    out.reserve(count);
    for (qint64 n = from; n < from + count; ++n)
        out.append(line(n));
    return out;
}

// What a line costs as a struct of QStrings (the obvious container): the struct, and per
// string a heap block (header, UTF-16 text, terminator) rounded up to 16 bytes.
qsizetype qstringStructBytes(const LogEntryIn &e)
{
    auto heap = [](const QString &s) {
        return s.isEmpty() ? 0 : (16 + s.size() * 2 + 2 + 15) / 16 * 16;
    };
    return qsizetype(sizeof(LogEntryIn)) + heap(e.level) + heap(e.source) + heap(e.taskId) +
           heap(e.message) + heap(e.id);
}

} // namespace

class TestLogStore : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void appendsAndReadsBack();
    void keepsTextOfEverySize_data();
    void keepsTextOfEverySize();
    void wrapKeepsTheNewestAndTheirOrdinals();
    void oneBatchLargerThanTheRing();
    void capacityChangesBothWays();
    void capacityIsClamped();
    void internsNames();
    void recyclesNamesWhoseLinesLeft();
    void levelsAreInternedAndRanked();
    void memoryIsBoundedAndCompact();
    void snapshotOutlivesWrapAndClear();
    void clearKeepsOrdinalsGoing();
};

void TestLogStore::appendsAndReadsBack()
{
    LogStore store;
    QCOMPARE(store.capacity(), LogStore::kDefaultCapacity);
    QCOMPARE(store.size(), 0);
    store.append(lines(0, 3));
    QCOMPARE(store.size(), 3);
    QCOMPARE(store.firstOrdinal(), 0);
    QCOMPARE(store.endOrdinal(), 3);
    QCOMPARE(store.message(1), QStringLiteral("line 1"));
    QCOMPARE(store.level(1), QStringLiteral("info"));
    QCOMPARE(store.source(1), QStringLiteral("api"));
    QCOMPARE(store.taskId(1), QStringLiteral("task-1"));
    QCOMPARE(store.id(1), QStringLiteral("id-1"));
    QCOMPARE(store.seq(1), 1);
    QCOMPARE(store.timestamp(1), 1'700'000'000'001);
    QCOMPARE(store.levelRank(store.record(1)), 1);
    const LogEntryIn back = store.entry(2);
    QCOMPARE(back.message, QStringLiteral("line 2"));
    QCOMPARE(back.seq, 2);
    // Not held: empty answers, never a crash.
    QVERIFY(!store.contains(3));
    QVERIFY(store.message(3).isEmpty());
    QCOMPARE(store.seq(-1), -1);
}

void TestLogStore::keepsTextOfEverySize_data()
{
    QTest::addColumn<QString>("message");
    QTest::addColumn<QString>("id");
    QTest::newRow("empty") << QString() << QString();
    QTest::newRow("non-ASCII") << QStringLiteral("Größe überschritten: 東京 🚀")
                               << QStringLiteral("ü-1");
    QTest::newRow("lone surrogate") << QString(QChar(0xd800)) << QStringLiteral("x");
    // Beyond what is encoded straight into a chunk, and beyond a whole chunk.
    QTest::newRow("long") << QString(200'000, QLatin1Char('a')) << QStringLiteral("long");
    QTest::newRow("larger than a chunk") << QString(500'000, QChar(0x6771)) << QString();
}

void TestLogStore::keepsTextOfEverySize()
{
    QFETCH(QString, message);
    QFETCH(QString, id);
    LogStore store;
    store.append(lines(0, 5));
    LogEntryIn e = line(5);
    e.message = message;
    e.id = id;
    store.append({e});
    store.append(lines(6, 5));
    // An unpaired surrogate cannot be UTF-8: it reads back as the replacement character.
    const QString expected = message == QString(QChar(0xd800)) ? QString(QChar(0xfffd)) : message;
    QCOMPARE(store.message(5), expected);
    QCOMPARE(store.id(5), id);
    QCOMPARE(store.message(4), QStringLiteral("line 4"));
    QCOMPARE(store.message(6), QStringLiteral("line 6"));
}

void TestLogStore::wrapKeepsTheNewestAndTheirOrdinals()
{
    LogStore store(10'000);
    for (qint64 from = 0; from < 25'000; from += 1'000)
        store.append(lines(from, 1'000));
    QCOMPARE(store.size(), 10'000);
    QCOMPARE(store.firstOrdinal(), 15'000);
    QCOMPARE(store.endOrdinal(), 25'000);
    QVERIFY(!store.contains(14'999));
    QVERIFY(store.message(14'999).isEmpty());
    // Each line keeps its ordinal: the same line is found by the same number after the wrap.
    for (qint64 o : {qint64(15'000), qint64(20'123), qint64(24'999)}) {
        QCOMPARE(store.message(o), QStringLiteral("line %1").arg(o));
        QCOMPARE(store.seq(o), o);
    }
}

void TestLogStore::oneBatchLargerThanTheRing()
{
    LogStore store(10'000);
    store.append(lines(0, 100));
    store.append(lines(100, 30'000));
    QCOMPARE(store.size(), 10'000);
    // Lines the batch itself would drop are never stored, nor numbered.
    QCOMPARE(store.message(store.firstOrdinal()), QStringLiteral("line 20100"));
    QCOMPARE(store.message(store.endOrdinal() - 1), QStringLiteral("line 30099"));
}

void TestLogStore::capacityChangesBothWays()
{
    LogStore store(20'000);
    store.append(lines(0, 20'000));
    store.setCapacity(10'000); // shrinking drops the oldest at once
    QCOMPARE(store.capacity(), 10'000);
    QCOMPARE(store.size(), 10'000);
    QCOMPARE(store.firstOrdinal(), 10'000);
    QCOMPARE(store.message(10'000), QStringLiteral("line 10000"));

    store.setCapacity(30'000); // growing keeps every line and makes room
    QCOMPARE(store.size(), 10'000);
    store.append(lines(20'000, 15'000));
    QCOMPARE(store.size(), 25'000);
    QCOMPARE(store.firstOrdinal(), 10'000);
    store.append(lines(35'000, 10'000));
    QCOMPARE(store.size(), 30'000);
    QCOMPARE(store.firstOrdinal(), 15'000);
    QCOMPARE(store.message(44'999), QStringLiteral("line 44999"));
}

void TestLogStore::capacityIsClamped()
{
    LogStore store(5);
    QCOMPARE(store.capacity(), LogStore::kMinCapacity);
    store.setCapacity(1'000'000'000);
    QCOMPARE(store.capacity(), LogStore::kMaxCapacity);
    store.setCapacity(-1);
    QCOMPARE(store.capacity(), LogStore::kMinCapacity);
}

void TestLogStore::internsNames()
{
    LogStore store;
    QList<LogEntryIn> batch;
    const QStringList sources = {QStringLiteral("web"), QStringLiteral("api"),
                                 QStringLiteral("db")};
    for (int n = 0; n < 30'000; ++n)
        batch.append(line(n, sources.at(n % 3), QStringLiteral("task-%1").arg(n % 100)));
    store.append(batch);
    QCOMPARE(store.sourceCount(), 3);
    QCOMPARE(store.taskCount(), 100);
    QCOMPARE(store.sources(),
             (QStringList{QStringLiteral("api"), QStringLiteral("db"), QStringLiteral("web")}));
    // One index per name, shared by every line with it.
    const quint32 api = store.sourceIndex(QStringLiteral("api"));
    QVERIFY(api != LogStore::kNoIndex);
    QCOMPARE(store.record(1).source, api);
    QCOMPARE(store.record(4).source, api);
    QCOMPARE(store.sourceIndex(QStringLiteral("nobody")), LogStore::kNoIndex);
    QCOMPARE(store.taskIndex(QStringLiteral("task-7")), store.record(7).task);
    // No source is index 0 and counts as none.
    LogEntryIn anonymous = line(99);
    anonymous.source.clear();
    store.append({anonymous});
    QCOMPARE(store.record(store.endOrdinal() - 1).source, 0u);
    QCOMPARE(store.sourceCount(), 3);
}

void TestLogStore::recyclesNamesWhoseLinesLeft()
{
    LogStore store(10'000);
    QList<LogEntryIn> old;
    for (int n = 0; n < 10'000; ++n)
        old.append(line(n, QStringLiteral("old-%1").arg(n % 10), QStringLiteral("old-%1").arg(n)));
    store.append(old);
    QCOMPARE(store.taskCount(), 10'000);
    const quint64 sourcesBefore = store.sourcesVersion();

    // Every old line leaves the ring: their 10,000 task ids go, and new ids take their slots.
    QList<LogEntryIn> fresh;
    for (int n = 0; n < 10'000; ++n)
        fresh.append(line(n, QStringLiteral("new"), QStringLiteral("new-%1").arg(n % 50)));
    store.append(fresh);
    QCOMPARE(store.taskCount(), 50);
    QCOMPARE(store.sourceCount(), 1);
    QCOMPARE(store.taskIndex(QStringLiteral("old-1")), LogStore::kNoIndex);
    QVERIFY(store.sourcesVersion() != sourcesBefore);
    QCOMPARE(store.sources(), QStringList{QStringLiteral("new")});
    quint32 highest = 0;
    for (qint64 o = store.firstOrdinal(); o < store.endOrdinal(); ++o)
        highest = std::max(highest, store.record(o).task);
    QVERIFY2(highest <= 10'000, "a recycled slot is reused, the table does not grow");
    QCOMPARE(store.taskId(store.endOrdinal() - 1), QStringLiteral("new-49"));
}

void TestLogStore::levelsAreInternedAndRanked()
{
    LogStore store;
    const QStringList levels = {QStringLiteral("debug"), QStringLiteral("WARNING"),
                                QStringLiteral("error"), QStringLiteral("trace"), QString()};
    QList<LogEntryIn> batch;
    for (const QString &level : levels) {
        LogEntryIn e = line(batch.size());
        e.level = level;
        batch.append(e);
    }
    store.append(batch);
    QCOMPARE(store.level(1), QStringLiteral("WARNING")); // kept as sent
    QCOMPARE(store.levelRank(store.record(0)), 0);
    QCOMPARE(store.levelRank(store.record(1)), 2);
    QCOMPARE(store.levelRank(store.record(2)), 3);
    QCOMPARE(store.levelRank(store.record(3)), -1);
    QCOMPARE(store.levelRank(store.record(4)), -1);

    // The table is bounded: past 256 names, a new one reads "?".
    QList<LogEntryIn> many;
    for (int n = 0; n < 300; ++n) {
        LogEntryIn e = line(n);
        e.level = QStringLiteral("level-%1").arg(n);
        many.append(e);
    }
    store.append(many);
    QCOMPARE(store.level(store.firstOrdinal() + 5 + 100), QStringLiteral("level-100"));
    QCOMPARE(store.level(store.endOrdinal() - 1), QStringLiteral("?"));
    QCOMPARE(store.level(0), QStringLiteral("debug"));
}

void TestLogStore::memoryIsBoundedAndCompact()
{
    constexpr qsizetype kCapacity = 100'000;
    LogStore store(kCapacity);
    auto realistic = [](qint64 n) {
        LogEntryIn e;
        e.level = n % 10 == 0 ? QStringLiteral("warn") : QStringLiteral("info");
        e.source = QStringLiteral("service-%1").arg(n % 12);
        e.taskId = QStringLiteral("task-%1").arg(n / 40);
        e.message =
            QStringLiteral("GET /api/v1/orders/%1 completed in %2 ms (user 4711, region eu)")
                .arg(n)
                .arg(n % 997);
        e.timestamp = 1'700'000'000'000 + n;
        e.id = QStringLiteral("3f1c2a9e-0c1d-4a8b-9d6e-%1").arg(n, 12, 10, QLatin1Char('0'));
        e.seq = n;
        return e;
    };
    qsizetype baseline = 0;
    qsizetype text = 0;
    QList<LogEntryIn> batch;
    for (qint64 n = 0; n < kCapacity; ++n) {
        batch.append(realistic(n));
        baseline += qstringStructBytes(batch.last());
        text += batch.last().message.toUtf8().size() + batch.last().id.toUtf8().size();
        if (batch.size() == 5'000)
            store.append(std::exchange(batch, {}));
    }
    const qsizetype full = store.memoryBytes();
    // A record and the UTF-8 text per line, plus at most one block and one chunk of slack and
    // the tables: well under half of the QString-per-line struct.
    QVERIFY2(full <= kCapacity * qsizetype(sizeof(LogRecord)) + text +
                         qsizetype(sizeof(LogRecordBlock)) + LogStore::kChunkBytes +
                         store.taskCount() * 200 + 12 * 200,
             qPrintable(QString::number(full)));
    QVERIFY2(full * 2 < baseline, qPrintable(QStringLiteral("%1 vs %2").arg(full).arg(baseline)));

    // Three more rings' worth: lines come and go, the memory does not grow with them.
    for (qint64 n = kCapacity; n < 4 * kCapacity; n += 5'000) {
        for (qint64 k = n; k < n + 5'000; ++k)
            batch.append(realistic(k));
        store.append(std::exchange(batch, {}));
    }
    QCOMPARE(store.size(), kCapacity);
    // At most a block and a chunk more than at the start: the one kept for reuse, and a partly
    // used one at the oldest end (three rings' worth of lines would be three times the memory).
    const qsizetype slack = 2 * (qsizetype(sizeof(LogRecordBlock)) + LogStore::kChunkBytes);
    QVERIFY2(store.memoryBytes() <= full + slack,
             qPrintable(QStringLiteral("%1 vs %2").arg(store.memoryBytes()).arg(full)));
    // Task ids of lines gone were recycled: 100,000 lines of 40 per task.
    QCOMPARE(store.taskCount(), kCapacity / 40);
}

void TestLogStore::snapshotOutlivesWrapAndClear()
{
    LogStore store(10'000);
    store.append(lines(0, 10'000));
    const LogSnapshot snapshot = store.snapshot();
    store.append(lines(10'000, 20'000)); // every line of the snapshot leaves the store
    QVERIFY(!store.contains(5));
    QCOMPARE(snapshot.firstOrdinal(), 0);
    QCOMPARE(snapshot.endOrdinal(), 10'000);
    QCOMPARE(snapshot.message(5), QStringLiteral("line 5"));
    QCOMPARE(snapshot.source(9'999), QStringLiteral("api"));
    QCOMPARE(snapshot.taskId(9'999), QStringLiteral("task-1"));
    // Lines appended after it are not in it.
    QVERIFY(!snapshot.contains(10'000));
    store.clear();
    QCOMPARE(snapshot.message(9'999), QStringLiteral("line 9999"));
}

void TestLogStore::clearKeepsOrdinalsGoing()
{
    LogStore store;
    store.append(lines(0, 100));
    store.clear();
    QCOMPARE(store.size(), 0);
    QCOMPARE(store.firstOrdinal(), 100);
    QCOMPARE(store.sourceCount(), 0);
    QCOMPARE(store.taskCount(), 0);
    store.append(lines(100, 10));
    QCOMPARE(store.firstOrdinal(), 100);
    QCOMPARE(store.message(105), QStringLiteral("line 105"));
    QVERIFY(store.memoryBytes() > 0);
}

QTEST_GUILESS_MAIN(TestLogStore)
#include "tst_logstore.moc"
