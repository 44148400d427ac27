// LogLinesModel: the log viewer's rows over a LogStore. One insert per batch and one removal
// at the top when the ring wraps; filters and searches computed off the UI thread, cancelled by
// a newer query; matches and their navigation; export and copy.
#include "helpers/testsupport.h"
#include "models/loglinesmodel.h"

#include <QAbstractItemModelTester>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>

using namespace vigil;

namespace {

// Line n: level cycles debug, info, warn, error; source cycles api, db, web; task = n / 10.
LogEntryIn line(qint64 n)
{
    static const QStringList sources = {QStringLiteral("api"), QStringLiteral("db"),
                                        QStringLiteral("web")};
    LogEntryIn e;
    e.level = logLevels().at(int(n % 4));
    e.source = sources.at(int(n % 3));
    e.taskId = QStringLiteral("task-%1").arg(n / 10);
    e.message = n % 5 == 0 ? QStringLiteral("Request %1 failed: timeout").arg(n)
                           : QStringLiteral("request %1 ok").arg(n);
    e.timestamp = 1'700'000'000'000 + n;
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

QVariant cell(const LogLinesModel &m, int row, int role)
{
    return m.data(m.index(row), role);
}

QString messageAt(const LogLinesModel &m, int row)
{
    return cell(m, row, LogLinesModel::MessageRole).toString();
}

// The rows' ordinals, top to bottom.
QList<qint64> ordinals(const LogLinesModel &m)
{
    QList<qint64> out;
    for (int row = 0; row < m.rowCount(); ++row)
        out.append(m.ordinalAt(row));
    return out;
}

// What the model should show: lines of `all` (ordinal = index) passing `keep`.
template<typename Keep> QList<qint64> expected(qint64 from, qint64 to, Keep keep)
{
    QList<qint64> out;
    for (qint64 n = from; n < to; ++n) {
        if (keep(line(n)))
            out.append(n);
    }
    return out;
}

// A model with lines [0, count) appended and flushed.
struct Fixture
{
    explicit Fixture(qint64 count, qsizetype capacity = LogStore::kDefaultCapacity)
        : model(nullptr, capacity)
        , tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest)
    {
        model.append(lines(0, count));
        model.flush();
    }
    LogLinesModel model;
    QAbstractItemModelTester tester;
};

bool settled(const LogLinesModel &m)
{
    return !m.isBusy();
}

Envelope logEnvelope(const QString &type, const QJsonObject &payload, qint64 seq)
{
    Envelope e = Envelope::create(type, QStringLiteral("logs"), payload);
    e.seq = seq;
    e.timestamp = 1'700'000'000'000;
    return e;
}

} // namespace

class TestLogLinesModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void rolesOfALine();
    void oneInsertPerBatch();
    void wrapRemovesFromTheTopOncePerBatch();
    void capacityChangesRows();
    void ingestsEntriesAndBatches();
    void filters_data();
    void filters();
    void searches_data();
    void searches();
    void invalidRegexSaysWhy();
    void matchedRanges();
    void highlightKeepsRowsAndNavigates();
    void showOnlyMatchesNavigates();
    void newLinesFollowTheFilter();
    void floodWhileFilteredGoesThroughTheWorker();
    void wrapWhileFiltered();
    void newerQueryWins();
    void clearEmptiesAndOrdinalsGoOn();
    void newSinceMark();
    void exports_data();
    void exports();
    void exportRefusesWhatCannotBeWritten();
    void copiesSelectedRows();
};

void TestLogLinesModel::rolesOfALine()
{
    Fixture f(3);
    const auto &m = f.model;
    QCOMPARE(m.rowCount(), 3);
    QCOMPARE(messageAt(m, 0), QStringLiteral("Request 0 failed: timeout")); // oldest first
    QCOMPARE(cell(m, 1, LogLinesModel::LevelRole).toString(), QStringLiteral("info"));
    QCOMPARE(cell(m, 1, LogLinesModel::LevelRankRole).toInt(), 1);
    QCOMPARE(cell(m, 1, LogLinesModel::SourceRole).toString(), QStringLiteral("db"));
    QCOMPARE(cell(m, 1, LogLinesModel::TaskRole).toString(), QStringLiteral("task-0"));
    QCOMPARE(cell(m, 2, LogLinesModel::OrdinalRole).toLongLong(), 2);
    QCOMPARE(cell(m, 2, LogLinesModel::SeqRole).toLongLong(), 2);
    QCOMPARE(cell(m, 2, LogLinesModel::TimestampRole).toLongLong(), 1'700'000'000'002);
    const QString time = cell(m, 2, LogLinesModel::TimeRole).toString();
    QCOMPARE(time, QDateTime::fromMSecsSinceEpoch(1'700'000'000'002).toString(u"hh:mm:ss.zzz"));
    QCOMPARE(cell(m, 0, LogLinesModel::IsMatchRole).toBool(), false);
    QVERIFY(cell(m, 0, LogLinesModel::MatchedRangesRole).toList().isEmpty());
    const auto names = m.roleNames();
    for (const char *name : {"time", "timestamp", "level", "levelRank", "source", "taskId",
                             "message", "ordinal", "matchedRanges", "isMatch", "entryId", "seq"})
        QVERIFY2(names.values().contains(name), name);
}

void TestLogLinesModel::oneInsertPerBatch()
{
    Fixture f(0);
    QSignalSpy inserted(&f.model, &QAbstractItemModel::rowsInserted);
    QSignalSpy counted(&f.model, &LogLinesModel::countChanged);
    for (int batch = 0; batch < 3; ++batch) {
        // Several frames before a flush are still one batch.
        f.model.append(lines(batch * 1000, 400));
        f.model.append(lines(batch * 1000 + 400, 600));
        f.model.flush();
    }
    QCOMPARE(inserted.size(), 3);
    QCOMPARE(inserted.at(1).at(1).toInt(), 1000);
    QCOMPARE(inserted.at(1).at(2).toInt(), 1999);
    QCOMPARE(counted.size(), 3);
    QCOMPARE(f.model.count(), 3000);
    // The timer flushes on its own.
    f.model.append(lines(3000, 10));
    QVERIFY(inserted.wait(test::kWaitMs));
    QCOMPARE(f.model.count(), 3010);
}

void TestLogLinesModel::wrapRemovesFromTheTopOncePerBatch()
{
    Fixture f(10'000, 10'000);
    QSignalSpy removed(&f.model, &QAbstractItemModel::rowsRemoved);
    QSignalSpy inserted(&f.model, &QAbstractItemModel::rowsInserted);
    f.model.append(lines(10'000, 500));
    f.model.flush();
    QCOMPARE(removed.size(), 1);
    QCOMPARE(removed.at(0).at(1).toInt(), 0);
    QCOMPARE(removed.at(0).at(2).toInt(), 499);
    QCOMPARE(inserted.size(), 1);
    QCOMPARE(f.model.count(), 10'000);
    QCOMPARE(f.model.ordinalAt(0), 500);
    QCOMPARE(messageAt(f.model, 9'999), QStringLiteral("request 10499 ok"));

    // A batch larger than the ring replaces every row.
    f.model.append(lines(10'500, 25'000));
    f.model.flush();
    QCOMPARE(f.model.count(), 10'000);
    QCOMPARE(f.model.ordinalAt(0), f.model.store().firstOrdinal());
    QCOMPARE(messageAt(f.model, 9'999), QStringLiteral("request 35499 ok"));
}

void TestLogLinesModel::capacityChangesRows()
{
    Fixture f(30'000, 30'000);
    QSignalSpy removed(&f.model, &QAbstractItemModel::rowsRemoved);
    QSignalSpy capacity(&f.model, &LogLinesModel::capacityChanged);
    f.model.setCapacity(10'000);
    QCOMPARE(capacity.size(), 1);
    QCOMPARE(removed.size(), 1);
    QCOMPARE(f.model.count(), 10'000);
    QCOMPARE(f.model.ordinalAt(0), 20'000);
    f.model.setCapacity(50'000);
    QCOMPARE(f.model.capacity(), 50'000);
    QCOMPARE(f.model.count(), 10'000);
    f.model.setCapacity(50'000);
    QCOMPARE(capacity.size(), 2);
}

void TestLogLinesModel::ingestsEntriesAndBatches()
{
    Fixture f(0);
    auto entry = [](const QString &message) {
        return QJsonObject{{QStringLiteral("level"), QStringLiteral("warn")},
                           {QStringLiteral("message"), message},
                           {QStringLiteral("source"), QStringLiteral("api")},
                           {QStringLiteral("taskId"), QStringLiteral("t1")}};
    };
    const Envelope single =
        logEnvelope(QStringLiteral("log.entry"), entry(QStringLiteral("one")), 7);
    // A publisher's batch: one channel message, its entries share its seq and have no id.
    const Envelope published = logEnvelope(
        QStringLiteral("log.batch"),
        QJsonObject{{QStringLiteral("entries"),
                     QJsonArray{entry(QStringLiteral("two")), entry(QStringLiteral("three"))}}},
        8);
    // A relay's batch not unpacked: each entry carries its own id, seq and time.
    QJsonObject relayed = entry(QStringLiteral("four"));
    relayed.insert(QStringLiteral("id"), QStringLiteral("e-9"));
    relayed.insert(QStringLiteral("seq"), 9);
    relayed.insert(QStringLiteral("timestamp"), 1'700'000'000'999.0);
    Envelope relayBatch =
        logEnvelope(QStringLiteral("log.batch"),
                    QJsonObject{{QStringLiteral("entries"), QJsonArray{relayed}}}, -1);
    Envelope elsewhere = Envelope::create(QStringLiteral("log.entry"), QStringLiteral("chat"),
                                          entry(QStringLiteral("not a log")));
    QSignalSpy inserted(&f.model, &QAbstractItemModel::rowsInserted);
    f.model.ingest({single, published, relayBatch, elsewhere});
    f.model.flush();
    QCOMPARE(inserted.size(), 1);
    QCOMPARE(f.model.count(), 4);
    QCOMPARE(messageAt(f.model, 0), QStringLiteral("one"));
    QCOMPARE(cell(f.model, 0, LogLinesModel::EntryIdRole).toString(), single.id);
    QCOMPARE(cell(f.model, 0, LogLinesModel::SeqRole).toLongLong(), 7);
    QCOMPARE(cell(f.model, 0, LogLinesModel::LevelRole).toString(), QStringLiteral("warn"));
    QCOMPARE(cell(f.model, 0, LogLinesModel::TaskRole).toString(), QStringLiteral("t1"));
    QCOMPARE(messageAt(f.model, 2), QStringLiteral("three"));
    QCOMPARE(cell(f.model, 2, LogLinesModel::SeqRole).toLongLong(), 8);
    QVERIFY(cell(f.model, 2, LogLinesModel::EntryIdRole).toString().isEmpty());
    QCOMPARE(cell(f.model, 3, LogLinesModel::EntryIdRole).toString(), QStringLiteral("e-9"));
    QCOMPARE(cell(f.model, 3, LogLinesModel::SeqRole).toLongLong(), 9);
    QCOMPARE(cell(f.model, 3, LogLinesModel::TimestampRole).toLongLong(), 1'700'000'000'999);
    QCOMPARE(f.model.knownSources(), QStringList{QStringLiteral("api")});
}

void TestLogLinesModel::filters_data()
{
    QTest::addColumn<int>("minLevel");
    QTest::addColumn<QStringList>("sources");
    QTest::addColumn<QString>("task");
    QTest::newRow("warn and above") << 2 << QStringList() << QString();
    QTest::newRow("two sources") << 0 << QStringList{QStringLiteral("api"), QStringLiteral("web")}
                                 << QString();
    QTest::newRow("one task") << 0 << QStringList() << QStringLiteral("task-4321");
    QTest::newRow("all three") << 3 << QStringList{QStringLiteral("db")}
                               << QStringLiteral("task-77");
    QTest::newRow("unknown source") << 0 << QStringList{QStringLiteral("nobody")} << QString();
}

void TestLogLinesModel::filters()
{
    QFETCH(int, minLevel);
    QFETCH(QStringList, sources);
    QFETCH(QString, task);
    constexpr qint64 kLines = 100'000;
    Fixture f(kLines);
    QSignalSpy reset(&f.model, &QAbstractItemModel::modelReset);
    QSignalSpy filterChanged(&f.model, &LogLinesModel::filterChanged);
    f.model.setMinLevel(minLevel);
    f.model.setSources(sources);
    f.model.setTaskFilter(task);
    QVERIFY(f.model.isBusy());
    QTRY_VERIFY_WITH_TIMEOUT(settled(f.model), test::kWaitMs);
    QCOMPARE(reset.size(), 1); // the newest query's result only, in one reset
    QVERIFY(filterChanged.size() >= 1);
    QCOMPARE(f.model.minLevel(), minLevel);
    LogFilter filter;
    filter.minLevel = minLevel;
    filter.sources = sources;
    filter.taskId = task;
    QCOMPARE(f.model.filter(), filter);
    const QList<qint64> want = expected(0, kLines, [&](const LogEntryIn &e) {
        return filter.matches(e.level, e.source, e.taskId);
    });
    QCOMPARE(ordinals(f.model), want);

    f.model.clearFilter();
    QTRY_VERIFY_WITH_TIMEOUT(settled(f.model), test::kWaitMs);
    QCOMPARE(f.model.count(), kLines);
}

void TestLogLinesModel::searches_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("regex");
    QTest::addColumn<bool>("caseSensitive");
    QTest::addColumn<QString>("needle"); // what a matching message contains (plain) or matches
    QTest::newRow("plain, any case") << QStringLiteral("REQUEST 12") << false << false << QString();
    QTest::newRow("plain, exact case") << QStringLiteral("Request 1") << false << true << QString();
    QTest::newRow("regex") << QStringLiteral("^request \\d*7 ") << true << false << QString();
    QTest::newRow("regex, exact case")
        << QStringLiteral("^Request \\d+5 failed") << true << true << QString();
    QTest::newRow("nothing matches")
        << QStringLiteral("no such text") << false << false << QString();
}

void TestLogLinesModel::searches()
{
    QFETCH(QString, text);
    QFETCH(bool, regex);
    QFETCH(bool, caseSensitive);
    constexpr qint64 kLines = 50'000;
    Fixture f(kLines);
    const Qt::CaseSensitivity cs = caseSensitive ? Qt::CaseSensitive : Qt::CaseInsensitive;
    const QRegularExpression re(text, caseSensitive ? QRegularExpression::NoPatternOption
                                                    : QRegularExpression::CaseInsensitiveOption);
    const QList<qint64> want = expected(0, kLines, [&](const LogEntryIn &e) {
        return regex ? re.match(e.message).hasMatch() : e.message.contains(text, cs);
    });

    // Showing only matches: the rows are the matches.
    f.model.setShowOnlyMatches(true);
    f.model.setSearch(text, regex, caseSensitive);
    QCOMPARE(f.model.searchText(), text);
    QTRY_VERIFY_WITH_TIMEOUT(settled(f.model), test::kWaitMs);
    QVERIFY(f.model.searchError().isEmpty());
    QCOMPARE(ordinals(f.model), want);
    QCOMPARE(f.model.matchCount(), want.size());

    // Highlighting: every line stays, the matches are counted.
    f.model.setShowOnlyMatches(false);
    QTRY_VERIFY_WITH_TIMEOUT(settled(f.model), test::kWaitMs);
    QCOMPARE(f.model.count(), kLines);
    QCOMPARE(f.model.matchCount(), want.size());
    for (qint64 ordinal : want.mid(0, 20))
        QVERIFY(cell(f.model, int(ordinal), LogLinesModel::IsMatchRole).toBool());
}

void TestLogLinesModel::invalidRegexSaysWhy()
{
    Fixture f(1000);
    QSignalSpy error(&f.model, &LogLinesModel::searchErrorChanged);
    f.model.setShowOnlyMatches(true);
    f.model.setSearch(QStringLiteral("(unclosed"), true, false);
    QCOMPARE(error.size(), 1);
    QVERIFY(!f.model.searchError().isEmpty());
    QVERIFY(f.model.searchError().contains(QStringLiteral("10"))); // where: past the end
    // Nothing is searched: every line shows, none is a match.
    QTRY_VERIFY_WITH_TIMEOUT(settled(f.model), test::kWaitMs);
    QCOMPARE(f.model.count(), 1000);
    QCOMPARE(f.model.matchCount(), 0);
    QCOMPARE(f.model.nextMatch(-1), -1);

    f.model.setSearch(QStringLiteral("(closed)"), true, false);
    QCOMPARE(error.size(), 2);
    QVERIFY(f.model.searchError().isEmpty());
    QTRY_VERIFY_WITH_TIMEOUT(settled(f.model), test::kWaitMs);
    QCOMPARE(f.model.count(), 0);
}

void TestLogLinesModel::matchedRanges()
{
    Fixture f(0);
    LogEntryIn e = line(0);
    e.message = QStringLiteral("error: Error ERROR — érror");
    f.model.append({e});
    f.model.flush();
    auto ranges = [&] {
        QList<std::pair<int, int>> out;
        for (const QVariant &v : cell(f.model, 0, LogLinesModel::MatchedRangesRole).toList()) {
            const QVariantMap r = v.toMap();
            out.append({r.value(QStringLiteral("start")).toInt(),
                        r.value(QStringLiteral("length")).toInt()});
        }
        return out;
    };
    f.model.setSearch(QStringLiteral("error"), false, false);
    QTRY_VERIFY_WITH_TIMEOUT(settled(f.model), test::kWaitMs);
    QCOMPARE(ranges(), (QList<std::pair<int, int>>{{0, 5}, {7, 5}, {13, 5}}));
    f.model.setSearch(QStringLiteral("Error"), false, true);
    QTRY_VERIFY_WITH_TIMEOUT(settled(f.model), test::kWaitMs);
    QCOMPARE(ranges(), (QList<std::pair<int, int>>{{7, 5}}));
    f.model.setSearch(QStringLiteral("[eé]rror"), true, false);
    QTRY_VERIFY_WITH_TIMEOUT(settled(f.model), test::kWaitMs);
    QCOMPARE(ranges().size(), 4);
    QCOMPARE(ranges().last(), (std::pair<int, int>{21, 5}));
    // A non-ASCII needle folds case the Unicode way.
    f.model.setSearch(QStringLiteral("ÉRROR"), false, false);
    QTRY_VERIFY_WITH_TIMEOUT(settled(f.model), test::kWaitMs);
    QCOMPARE(f.model.matchCount(), 1);
    QCOMPARE(ranges(), (QList<std::pair<int, int>>{{21, 5}}));
}

void TestLogLinesModel::highlightKeepsRowsAndNavigates()
{
    Fixture f(100);
    QSignalSpy reset(&f.model, &QAbstractItemModel::modelReset);
    QSignalSpy changed(&f.model, &QAbstractItemModel::dataChanged);
    QSignalSpy matches(&f.model, &LogLinesModel::matchesChanged);
    f.model.setSearch(QStringLiteral("failed"), false, false); // lines 0, 5, 10, ...
    QTRY_VERIFY_WITH_TIMEOUT(settled(f.model), test::kWaitMs);
    QCOMPARE(reset.size(), 0); // the list keeps its place
    QCOMPARE(changed.size(), 1);
    QCOMPARE(changed.at(0).at(2).value<QList<int>>(),
             (QList<int>{LogLinesModel::MatchedRangesRole, LogLinesModel::IsMatchRole}));
    QVERIFY(matches.size() >= 1);
    QCOMPARE(f.model.count(), 100);
    QCOMPARE(f.model.matchCount(), 20);
    QCOMPARE(f.model.nextMatch(-1), 0);
    QCOMPARE(f.model.nextMatch(0), 5);
    QCOMPARE(f.model.nextMatch(7), 10);
    QCOMPARE(f.model.nextMatch(95), -1);
    QCOMPARE(f.model.previousMatch(f.model.count()), 95);
    QCOMPARE(f.model.previousMatch(10), 5);
    QCOMPARE(f.model.previousMatch(0), -1);
    QCOMPARE(f.model.matchIndex(10), 2);
    QCOMPARE(f.model.matchIndex(11), -1);

    // With a filter the rows change; matches are among them.
    f.model.setSources({QStringLiteral("api")}); // lines 0, 3, 6, ...: matches 0, 15, 30...
    QTRY_VERIFY_WITH_TIMEOUT(settled(f.model), test::kWaitMs);
    QCOMPARE(f.model.count(), 34);
    QCOMPARE(f.model.matchCount(), 7);
    const int second = f.model.nextMatch(0);
    QCOMPARE(f.model.ordinalAt(second), 15);
    QCOMPARE(f.model.previousMatch(second), 0);
    QCOMPARE(f.model.matchIndex(second), 1);

    f.model.setSearch(QString(), false, false);
    QTRY_VERIFY_WITH_TIMEOUT(settled(f.model), test::kWaitMs);
    QCOMPARE(f.model.matchCount(), 0);
    QCOMPARE(f.model.nextMatch(-1), -1);
}

void TestLogLinesModel::showOnlyMatchesNavigates()
{
    Fixture f(100);
    f.model.setShowOnlyMatches(true);
    f.model.setSearch(QStringLiteral("failed"), false, false);
    QTRY_VERIFY_WITH_TIMEOUT(settled(f.model), test::kWaitMs);
    QCOMPARE(f.model.count(), 20);
    QCOMPARE(f.model.matchCount(), 20);
    QCOMPARE(f.model.nextMatch(-1), 0);
    QCOMPARE(f.model.nextMatch(3), 4);
    QCOMPARE(f.model.nextMatch(19), -1);
    QCOMPARE(f.model.previousMatch(20), 19);
    QCOMPARE(f.model.previousMatch(0), -1);
    QVERIFY(cell(f.model, 3, LogLinesModel::IsMatchRole).toBool());
    QCOMPARE(f.model.ordinalAt(3), 15);
    QCOMPARE(f.model.rowForOrdinal(15), 3);
    QCOMPARE(f.model.rowForOrdinal(16), 4); // the next row after it
    QCOMPARE(f.model.rowForOrdinal(1000), -1);
}

void TestLogLinesModel::newLinesFollowTheFilter()
{
    Fixture f(1000);
    f.model.setMinLevel(3); // error: every fourth line
    f.model.setSearch(QStringLiteral("request 1"), false, false);
    QTRY_VERIFY_WITH_TIMEOUT(settled(f.model), test::kWaitMs);
    QCOMPARE(f.model.count(), 250);
    const int matchesBefore = f.model.matchCount();

    QSignalSpy inserted(&f.model, &QAbstractItemModel::rowsInserted);
    QSignalSpy reset(&f.model, &QAbstractItemModel::modelReset);
    f.model.append(lines(1000, 1000)); // one frame's batch: tested on the spot
    f.model.flush();
    QCOMPARE(inserted.size(), 1);
    QCOMPARE(reset.size(), 0);
    QCOMPARE(f.model.count(), 500);
    QCOMPARE(f.model.ordinalAt(499), 1999);
    const int newMatches =
        int(expected(1000, 2000, [](const LogEntryIn &e) {
                return e.level == QStringLiteral("error") &&
                       e.message.contains(QStringLiteral("request 1"), Qt::CaseInsensitive);
            }).size());
    QCOMPARE(f.model.matchCount(), matchesBefore + newMatches);
}

void TestLogLinesModel::floodWhileFilteredGoesThroughTheWorker()
{
    Fixture f(1000);
    f.model.setSources({QStringLiteral("db")});
    QTRY_VERIFY_WITH_TIMEOUT(settled(f.model), test::kWaitMs);
    QSignalSpy inserted(&f.model, &QAbstractItemModel::rowsInserted);
    const qint64 flood = 3 * LogLinesModel::kIncrementalLimit;
    f.model.append(lines(1000, flood));
    f.model.flush();
    QCOMPARE(inserted.size(), 0); // too many for the UI thread: the worker tests them
    const auto want = expected(
        0, 1000 + flood, [](const LogEntryIn &e) { return e.source == QStringLiteral("db"); });
    QTRY_COMPARE_WITH_TIMEOUT(f.model.count(), want.size(), test::kWaitMs);
    QCOMPARE(inserted.size(), 1);
    QCOMPARE(ordinals(f.model), want);
}

void TestLogLinesModel::wrapWhileFiltered()
{
    Fixture f(10'000, 10'000);
    f.model.setSources({QStringLiteral("api")});
    QTRY_VERIFY_WITH_TIMEOUT(settled(f.model), test::kWaitMs);
    QSignalSpy removed(&f.model, &QAbstractItemModel::rowsRemoved);
    f.model.append(lines(10'000, 3000));
    f.model.flush();
    QCOMPARE(removed.size(), 1);
    QTRY_COMPARE_WITH_TIMEOUT(f.model.ordinalAt(f.model.count() - 1), 12'999, test::kWaitMs);
    QCOMPARE(ordinals(f.model), expected(3000, 13'000, [](const LogEntryIn &e) {
                 return e.source == QStringLiteral("api");
             }));
}

void TestLogLinesModel::newerQueryWins()
{
    constexpr qint64 kLines = 300'000;
    Fixture f(kLines);
    QSignalSpy reset(&f.model, &QAbstractItemModel::modelReset);
    QSignalSpy busy(&f.model, &LogLinesModel::busyChanged);
    // The first pass is on the worker when the second query comes: it is cancelled (or its
    // result dropped), and only the second query's rows are ever published.
    f.model.setSearch(QStringLiteral("request 1"), false, false);
    f.model.setShowOnlyMatches(true);
    f.model.setSearch(QStringLiteral("^request \\d+3 ok$"), true, false);
    QTRY_VERIFY_WITH_TIMEOUT(settled(f.model), test::kWaitMs);
    QCOMPARE(reset.size(), 1);
    QCOMPARE(busy.size(), 2); // busy once, idle once
    const QRegularExpression re(QStringLiteral("^request \\d+3 ok$"),
                                QRegularExpression::CaseInsensitiveOption);
    QCOMPARE(ordinals(f.model), expected(0, kLines, [&](const LogEntryIn &e) {
                 return re.match(e.message).hasMatch();
             }));

    // Back to what is shown while a pass runs: the pass is dropped at once, the rows stay.
    f.model.setSearch(QStringLiteral("timeout"), false, false);
    QVERIFY(f.model.isBusy());
    f.model.setSearch(QStringLiteral("^request \\d+3 ok$"), true, false);
    QVERIFY(!f.model.isBusy());
    // The worker runs passes in order: once the next query is shown, the dropped pass has
    // answered too, and changed nothing.
    f.model.setSearch(QStringLiteral("request 2"), false, false);
    QTRY_VERIFY_WITH_TIMEOUT(settled(f.model), test::kWaitMs);
    QCOMPARE(reset.size(), 2);
    QCOMPARE(ordinals(f.model), expected(0, kLines, [](const LogEntryIn &e) {
                 return e.message.contains(QStringLiteral("request 2"), Qt::CaseInsensitive);
             }));
}

void TestLogLinesModel::clearEmptiesAndOrdinalsGoOn()
{
    Fixture f(500);
    QSignalSpy reset(&f.model, &QAbstractItemModel::modelReset);
    f.model.clear();
    QCOMPARE(reset.size(), 1);
    QCOMPARE(f.model.count(), 0);
    QCOMPARE(f.model.storedCount(), 0);
    f.model.append(lines(500, 10));
    f.model.flush();
    QCOMPARE(f.model.count(), 10);
    QCOMPARE(f.model.ordinalAt(0), 500);
}

void TestLogLinesModel::newSinceMark()
{
    Fixture f(100);
    QCOMPARE(f.model.newSinceMark(), 0);
    f.model.markSeen();
    QSignalSpy fresh(&f.model, &LogLinesModel::newSinceMarkChanged);
    f.model.append(lines(100, 30));
    f.model.flush();
    QCOMPARE(f.model.newSinceMark(), 30);
    QCOMPARE(fresh.size(), 1);
    f.model.markSeen();
    QCOMPARE(f.model.newSinceMark(), 0);
}

void TestLogLinesModel::exports_data()
{
    QTest::addColumn<LogLinesModel::ExportFormat>("format");
    QTest::newRow("plain text") << LogLinesModel::ExportFormat::PlainText;
    QTest::newRow("JSON lines") << LogLinesModel::ExportFormat::JsonLines;
}

void TestLogLinesModel::exports()
{
    QFETCH(LogLinesModel::ExportFormat, format);
    Fixture f(0);
    QList<LogEntryIn> batch = lines(0, 100);
    batch[0].message = QStringLiteral("say \"hi\"\tand\nleave ü");
    batch[0].id = QStringLiteral("id-0");
    batch[3].seq = -1; // neither id nor seq known
    f.model.append(batch);
    f.model.flush();
    f.model.setSources({QStringLiteral("api")}); // the filtered lines only
    QTRY_VERIFY_WITH_TIMEOUT(settled(f.model), test::kWaitMs);
    QCOMPARE(f.model.count(), 34);

    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("logs.out"));
    QSignalSpy finished(&f.model, &LogLinesModel::exportFinished);
    QSignalSpy exporting(&f.model, &LogLinesModel::exportingChanged);
    f.model.exportTo(QUrl::fromLocalFile(path).toString(), format);
    QVERIFY(f.model.isExporting());
    QVERIFY(finished.wait(test::kWaitMs));
    QCOMPARE(finished.at(0).at(0).toBool(), true);
    QVERIFY(finished.at(0).at(1).toString().isEmpty());
    QVERIFY(!f.model.isExporting());
    QCOMPARE(exporting.size(), 2);

    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray text = file.readAll();
    if (format == LogLinesModel::ExportFormat::PlainText) {
        QVERIFY(text.startsWith("2023-11-14T22:13:20.000Z debug api task-0 say \"hi\"\tand\nleave "
                                "\xc3\xbc\n"));
        QVERIFY(text.contains("\n2023-11-14T22:13:20.003Z error api task-0 request 3 ok\n"));
        QVERIFY(text.endsWith("2023-11-14T22:13:20.099Z error api task-9 request 99 ok\n"));
        QCOMPARE(text.count('\n'), 34 + 1); // one line each, one message has a line break
        return;
    }
    const QList<QByteArray> rows = text.trimmed().split('\n');
    QCOMPARE(rows.size(), 34);
    QJsonParseError error;
    const QJsonObject first = QJsonDocument::fromJson(rows.at(0), &error).object();
    QCOMPARE(error.error, QJsonParseError::NoError);
    QCOMPARE(first.value(QStringLiteral("message")).toString(), batch[0].message);
    QCOMPARE(first.value(QStringLiteral("id")).toString(), QStringLiteral("id-0"));
    QCOMPARE(first.value(QStringLiteral("seq")).toInteger(), 0);
    QCOMPARE(first.value(QStringLiteral("timestamp")).toInteger(), 1'700'000'000'000);
    QCOMPARE(first.value(QStringLiteral("level")).toString(), QStringLiteral("debug"));
    QCOMPARE(first.value(QStringLiteral("source")).toString(), QStringLiteral("api"));
    QCOMPARE(first.value(QStringLiteral("taskId")).toString(), QStringLiteral("task-0"));
    const QJsonObject second = QJsonDocument::fromJson(rows.at(1)).object();
    QCOMPARE(second.value(QStringLiteral("message")).toString(), QStringLiteral("request 3 ok"));
    QVERIFY(!second.contains(QStringLiteral("id"))); // not known: left out
    QVERIFY(!second.contains(QStringLiteral("seq")));
    QCOMPARE(second.value(QStringLiteral("level")).toString(), QStringLiteral("error"));
}

void TestLogLinesModel::exportRefusesWhatCannotBeWritten()
{
    Fixture f(10);
    QTemporaryDir dir;
    QSignalSpy finished(&f.model, &LogLinesModel::exportFinished);
    f.model.exportTo(dir.path(), LogLinesModel::ExportFormat::PlainText); // a folder
    QVERIFY(finished.wait(test::kWaitMs));
    QCOMPARE(finished.at(0).at(0).toBool(), false);
    const QString why = finished.at(0).at(1).toString();
    QVERIFY2(why.contains(dir.path()), qPrintable(why));
    QVERIFY2(why.contains(QStringLiteral("directory")), qPrintable(why));

    f.model.exportTo(dir.filePath(QStringLiteral("missing/logs.txt")),
                     LogLinesModel::ExportFormat::JsonLines);
    QVERIFY(finished.wait(test::kWaitMs));
    QCOMPARE(finished.at(1).at(0).toBool(), false);
    QVERIFY(!finished.at(1).at(1).toString().isEmpty());

    // A path that goes through a plain file: no user, root included, can create it there.
    const QString blocker = dir.filePath(QStringLiteral("blocker"));
    QFile file(blocker);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.close();
    f.model.exportTo(blocker + QStringLiteral("/logs.txt"), LogLinesModel::ExportFormat::PlainText);
    QVERIFY(finished.wait(test::kWaitMs));
    QCOMPARE(finished.at(2).at(0).toBool(), false);
    QVERIFY(!finished.at(2).at(1).toString().isEmpty());
    QVERIFY(QFileInfo(blocker).isFile()); // untouched
}

void TestLogLinesModel::copiesSelectedRows()
{
    Fixture f(10);
    const QString text = f.model.textOf({3, 1, 3, 42});
    QCOMPARE(text, QStringLiteral("2023-11-14T22:13:20.001Z info db task-0 request 1 ok\n"
                                  "2023-11-14T22:13:20.003Z error api task-0 request 3 ok"));
    QVERIFY(f.model.textOf({}).isEmpty());
}

QTEST_MAIN(TestLogLinesModel)
#include "tst_loglinesmodel.moc"
