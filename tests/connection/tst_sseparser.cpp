// The event-stream parser against the WHATWG rules (line ends, fields, comments, ids), fed whole
// and one byte at a time, and its bounds against a stream that never ends an event.
#include "connection/sseparser.h"

#include <QTest>

using vigil::SseParser;

namespace {

struct Parsed
{
    QList<SseParser::Event> events;
    bool ok = true;
};

Parsed parse(const QByteArray &stream, qsizetype step, qsizetype maxEvent = 1024,
             qint64 maxSkip = 4096)
{
    SseParser parser(maxEvent, maxSkip);
    Parsed out;
    const auto sink = [&](const SseParser::Event &e) {
        out.events.append(e);
        return true;
    };
    for (qsizetype i = 0; i < stream.size() && out.ok; i += step)
        out.ok =
            parser.feed(QByteArrayView(stream).sliced(i, std::min(step, stream.size() - i)), sink);
    return out;
}

} // namespace

class TestSseParser : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void fields_data();
    void fields();
    void lastIdCarriesOverAndRetryIsOnlyRemembered();
    void oversizedEventIsSkippedWithItsId();
    void endlessLineIsRefusedWithinBound();
    void endlessCommentsAndBlankLinesStayBounded();
};

void TestSseParser::fields_data()
{
    QTest::addColumn<QByteArray>("stream");
    QTest::addColumn<QStringList>("data"); // data of each dispatched event, in order
    QTest::addColumn<QStringList>("ids");

    QTest::newRow("LF") << QByteArray("id: a:1\ndata: one\n\nid: a:2\ndata: two\n\n")
                        << QStringList{"one", "two"} << QStringList{"a:1", "a:2"};
    QTest::newRow("CRLF") << QByteArray("id: a:1\r\ndata: one\r\n\r\nid: a:2\r\ndata: two\r\n\r\n")
                          << QStringList{"one", "two"} << QStringList{"a:1", "a:2"};
    QTest::newRow("CR") << QByteArray("id: a:1\rdata: one\r\rid: a:2\rdata: two\r\r")
                        << QStringList{"one", "two"} << QStringList{"a:1", "a:2"};
    QTest::newRow("mixed line ends")
        << QByteArray("data: one\r\n\ndata: two\r\rdata: three\n\r\n")
        << QStringList{"one", "two", "three"} << QStringList{"", "", ""};
    QTest::newRow("data without the space") << QByteArray("data:one\n\ndata:  two\n\n")
                                            << QStringList{"one", " two"} << QStringList{"", ""};
    QTest::newRow("multi-line data joined with LF")
        << QByteArray("data: {\"a\":\ndata: 1}\n\n") << QStringList{"{\"a\":\n1}"}
        << QStringList{""};
    QTest::newRow("comments and unknown fields ignored")
        << QByteArray(": keep-alive\n\n:another\nfoo: bar\ndata: x\n: inside\n\n")
        << QStringList{"x"} << QStringList{""};
    QTest::newRow("event type does not hide data") << QByteArray("event: system\ndata: notice\n\n")
                                                   << QStringList{"notice"} << QStringList{""};
    QTest::newRow("no data, no event")
        << QByteArray("id: a:5\n\nevent: x\n\n") << QStringList{} << QStringList{};
    QTest::newRow("empty data line dispatches an empty event")
        << QByteArray("data\n\ndata:\n\n") << QStringList{"", ""} << QStringList{"", ""};
    QTest::newRow("byte-order mark") << QByteArray("\xEF\xBB\xBF"
                                                   "data: x\n\n")
                                     << QStringList{"x"} << QStringList{""};
    QTest::newRow("incomplete last event is not dispatched")
        << QByteArray("data: one\n\ndata: two\n") << QStringList{"one"} << QStringList{""};
    QTest::newRow("id with NUL is ignored")
        << QByteArray("id: a:1\ndata: x\n\nid: b\0c\ndata: y\n\n", 34) << QStringList{"x", "y"}
        << QStringList{"a:1", "a:1"};
}

void TestSseParser::fields()
{
    QFETCH(QByteArray, stream);
    QFETCH(QStringList, data);
    QFETCH(QStringList, ids);
    // Whole, and cut at every byte: a CRLF split between two reads is still one line end.
    for (const qsizetype step : {stream.size(), qsizetype(1), qsizetype(2), qsizetype(3)}) {
        const Parsed p = parse(stream, std::max<qsizetype>(1, step));
        QVERIFY(p.ok);
        QStringList gotData;
        QStringList gotIds;
        for (const auto &e : p.events) {
            gotData.append(QString::fromUtf8(e.data));
            gotIds.append(QString::fromUtf8(e.id));
            QVERIFY(!e.oversized);
        }
        QCOMPARE(gotData, data);
        QCOMPARE(gotIds, ids);
    }
}

void TestSseParser::lastIdCarriesOverAndRetryIsOnlyRemembered()
{
    SseParser parser(1024, 4096);
    QList<SseParser::Event> events;
    QVERIFY(parser.feed("retry: 10\nid: c:7\ndata: a\n\ndata: b\n\nretry: x\nretry: 99999999999\n",
                        [&](const SseParser::Event &e) {
                            events.append(e);
                            return true;
                        }));
    QCOMPARE(events.size(), 2);
    QCOMPARE(events.at(1).id, QByteArray("c:7")); // kept from the event before, as the spec says
    QCOMPARE(parser.lastEventId(), QByteArray("c:7"));
    QCOMPARE(parser.retryMs(),
             qint64(3600000)); // bounded; reconnect timing is not the server's to set
}

void TestSseParser::oversizedEventIsSkippedWithItsId()
{
    // A message over the limit: dropped as it arrives, dispatched as oversized with its id.
    const QByteArray big = "id: incidents:3\ndata: " + QByteArray(5000, 'x') + "\n\n";
    const QByteArray manyLines =
        "id: incidents:4\n" + QByteArray("data: 0123456789\n").repeated(200) + "\n";
    const QByteArray stream =
        "id: incidents:2\ndata: ok\n\n" + big + manyLines + "id: incidents:5\ndata: fine\r\n\r\n";
    for (const qsizetype step : {stream.size(), qsizetype(7), qsizetype(1000)}) {
        const Parsed p = parse(stream, step, 1024, 64 * 1024);
        QVERIFY(p.ok);
        QCOMPARE(p.events.size(), 4);
        QCOMPARE(p.events.at(0).data, QByteArray("ok"));
        QVERIFY(p.events.at(1).oversized);
        QVERIFY(p.events.at(1).data.isEmpty());
        QCOMPARE(p.events.at(1).id, QByteArray("incidents:3"));
        QVERIFY(p.events.at(1).bytes > 5000);
        QVERIFY(p.events.at(2).oversized);
        QCOMPARE(p.events.at(2).id, QByteArray("incidents:4"));
        QCOMPARE(p.events.at(3).data, QByteArray("fine"));
        QVERIFY(!p.events.at(3).oversized);
    }
}

void TestSseParser::endlessLineIsRefusedWithinBound()
{
    SseParser parser(1024, 64 * 1024);
    const QByteArray chunk(4096, 'x');
    int events = 0;
    const auto sink = [&](const SseParser::Event &) {
        ++events;
        return true;
    };
    QVERIFY(parser.feed("data: ", sink));
    int fed = 0;
    bool ok = true;
    while (ok && fed < 1000) { // far more than the bound: the parser must refuse long before
        ok = parser.feed(chunk, sink);
        ++fed;
        QVERIFY(parser.bufferedBytes() <= 1024);
    }
    QVERIFY(!ok);
    QVERIFY(fed * chunk.size() <= 64 * 1024 + chunk.size());
    QVERIFY(parser.error().contains("without ending an event"));
    QCOMPARE(events, 0);
}

void TestSseParser::endlessCommentsAndBlankLinesStayBounded()
{
    // Keep-alives and blank lines for ever are no event: nothing grows, nothing is refused.
    SseParser parser(1024, 4096);
    const QByteArray chunk = QByteArray(": keep-alive\r\n\r\n\n\r").repeated(100);
    for (int i = 0; i < 1000; ++i) {
        QVERIFY(parser.feed(chunk, [](const SseParser::Event &) { return true; }));
        QVERIFY(parser.bufferedBytes() < 64);
    }
}

QTEST_GUILESS_MAIN(TestSseParser)
#include "tst_sseparser.moc"
