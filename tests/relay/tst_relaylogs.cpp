// The relay's log delivery over real loopback sockets: server-side log filters (subscribe,
// update_filter, replay, SSE and long-poll), opt-in relay batches (`log.batch` frames whose
// entries keep their own ids and seqs), and the demo feed's one message per log line.
#include "actionclient.h"
#include "helpers/testsupport.h"
#include "protocol/envelope.h"
#include "relay/relay.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTest>
#include <QWebSocket>

#include <functional>
#include <memory>

using vigil::Envelope;

namespace {

using vigil::test::kWaitMs;

/// The operator-action tests' protocol-naive client, with what the log tests add: a `logs`
/// subscription with options, update_filter, and the envelopes of one channel.
class LogClient : public vigil::test::Client
{
public:
    using Client::Client;
    using Client::subscribe;
    /// Subscribes to `logs` with `options` (filter, since, batch) and returns the request's id.
    QString subscribe(QJsonObject options = {})
    {
        options.insert("name", "logs");
        const Envelope request =
            Envelope::create("subscribe", "system", QJsonObject{{"channels", QJsonArray{options}}});
        send(request);
        return request.id;
    }
    bool waitSubscribed(int count = 1)
    {
        return QTest::qWaitFor([&] { return ofType("subscribed").size() >= count; }, kWaitMs);
    }
    QString updateFilter(const QJsonValue &filter, const QString &channel = "logs")
    {
        const Envelope request = Envelope::create(
            "update_filter", "system", QJsonObject{{"channel", channel}, {"filter", filter}});
        send(request);
        return request.id;
    }
    QList<Envelope> onChannel(const QString &channel) const
    {
        QList<Envelope> out;
        for (const Envelope &e : received) {
            if (e.channel == channel)
                out.append(e);
        }
        return out;
    }
    bool waitFor(const std::function<bool()> &condition)
    {
        return QTest::qWaitFor(condition, kWaitMs);
    }
};

/// One log line as the client sees it: its id, seq and payload, from a single `log.entry` or
/// unpacked from a relay batch.
struct Line
{
    QString id;
    qint64 seq = -1;
    QJsonObject payload;
};

/// Every log line `client` received on `logs`, in arrival order, batches unpacked.
QList<Line> linesOf(const LogClient &client)
{
    QList<Line> out;
    for (const Envelope &e : client.onChannel("logs")) {
        if (e.type == "log.entry") {
            out.append({e.id, e.seq, e.payload.toObject()});
        } else if (e.type == "log.batch" && !e.hasSeq()) {
            for (const QJsonValue &v : e.payload.toObject().value("entries").toArray()) {
                QJsonObject entry = v.toObject();
                const Line line{entry.value("id").toString(), entry.value("seq").toInteger(-1),
                                entry};
                entry.remove("id");
                entry.remove("seq");
                entry.remove("timestamp");
                out.append({line.id, line.seq, entry});
            }
        }
    }
    return out;
}

QList<qint64> seqsOf(const QList<Line> &lines)
{
    QList<qint64> out;
    for (const Line &l : lines)
        out.append(l.seq);
    return out;
}

QJsonObject logLine(const QString &level, const QString &source, const QString &task = {})
{
    QJsonObject p{{"level", level}, {"message", "something happened"}, {"source", source}};
    if (!task.isEmpty())
        p.insert("taskId", task);
    return p;
}

/// The levels and sources a mixed stream of lines cycles through.
QJsonObject mixedLine(int i)
{
    static const QStringList levels = {"debug", "info", "warn", "error"};
    static const QStringList sources = {"api", "db", "web"};
    return logLine(levels.at(i % levels.size()), sources.at((i / 4) % sources.size()),
                   QStringLiteral("task-%1").arg(i % 5));
}

struct Answer
{
    int status = 0;
    QByteArray body;
    QJsonDocument json() const { return QJsonDocument::fromJson(body); }
};

/// Parses an SSE byte stream into the envelopes of its events.
struct SseReader
{
    QByteArray buffer;
    QList<Envelope> events;
    void feed(const QByteArray &bytes)
    {
        buffer += bytes;
        qsizetype end;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
            const QByteArray block = buffer.left(end);
            buffer.remove(0, end + 2);
            for (const QByteArray &line : block.split('\n')) {
                if (line.startsWith("data: ")) {
                    const auto parsed = vigil::parseEnvelope(line.mid(6));
                    if (parsed.ok())
                        events.append(parsed.envelope);
                }
            }
        }
    }
};

QString encoded(const QJsonObject &filter)
{
    return QString::fromLatin1(
        QUrl::toPercentEncoding(QJsonDocument(filter).toJson(QJsonDocument::Compact)));
}

} // namespace

class TestRelayLogs : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void welcomeListsLogCapabilities();
    void filterAppliesBeforeFanOut();
    void filterAppliesToReplay();
    void updateFilterChangesItWithoutResubscribing();
    void badFilterIsRefusedAndTheOldOneKept_data();
    void badFilterIsRefusedAndTheOldOneKept();
    void updateFilterWithoutSubscriptionIsRefused();
    void batchesCarryEveryEntryWithItsOwnIdAndSeq();
    void otherMessagesWaitForTheBatchBeforeThem();
    void replayIsBatchedAndFiltered();
    void sseHonoursLogFilter();
    void pollHonoursLogFilter();
    void badLogFilterOverHttpIs400_data();
    void badLogFilterOverHttpIs400();
    void demoFeedSendsEachLineAsItsOwnMessage();

private:
    void startRelay(vigil::RelayConfig config = {});
    Envelope publish(const QJsonObject &payload, const QString &type = "log.entry");
    Answer get(const QString &path);

    std::unique_ptr<vigil::Relay> m_relay;
    QNetworkAccessManager m_net;
};

void TestRelayLogs::startRelay(vigil::RelayConfig config)
{
    m_relay = std::make_unique<vigil::Relay>(config);
    QString error;
    if (!m_relay->start(&error))
        qFatal("relay did not start: %s", qPrintable(error));
}

void TestRelayLogs::init()
{
    startRelay();
}

void TestRelayLogs::cleanup()
{
    m_relay.reset();
}

Envelope TestRelayLogs::publish(const QJsonObject &payload, const QString &type)
{
    const Envelope e = m_relay->publish(Envelope::create(type, "logs", payload));
    if (e.seq < 0)
        qFatal("not published");
    return e;
}

Answer TestRelayLogs::get(const QString &path)
{
    QNetworkReply *reply = m_net.get(QNetworkRequest(m_relay->httpUrl().resolved(QUrl(path))));
    QSignalSpy done(reply, &QNetworkReply::finished);
    if (!reply->isFinished())
        done.wait(kWaitMs);
    Answer a{reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), reply->readAll()};
    reply->deleteLater();
    return a;
}

void TestRelayLogs::welcomeListsLogCapabilities()
{
    LogClient client(m_relay->url());
    QVERIFY(client.waitWelcomed());
    const QJsonArray caps =
        client.ofType("welcome").first().payload.toObject().value("capabilities").toArray();
    QVERIFY(caps.contains("logFilter"));
    QVERIFY(caps.contains("logBatch"));
    QVERIFY(caps.contains("ack")); // the others stay
}

void TestRelayLogs::filterAppliesBeforeFanOut()
{
    LogClient filtered(m_relay->url());
    LogClient everything(m_relay->url());
    QVERIFY(filtered.waitWelcomed());
    QVERIFY(everything.waitWelcomed());
    filtered.subscribe(
        {{"filter", QJsonObject{{"minLevel", "warn"}, {"sources", QJsonArray{"api"}}}}});
    everything.subscribe();
    QVERIFY(filtered.waitSubscribed());
    QVERIFY(everything.waitSubscribed());
    // `subscribed` tells the filter as applied.
    QCOMPARE(filtered.ofType("subscribed").first().payload.toObject().value("filter").toObject(),
             (QJsonObject{{"minLevel", "warn"}, {"sources", QJsonArray{"api"}}}));
    QVERIFY(!everything.ofType("subscribed").first().payload.toObject().contains("filter"));

    QList<qint64> expected;
    for (int i = 0; i < 24; ++i) {
        const QJsonObject line = mixedLine(i);
        const Envelope e = publish(line);
        const bool matches = line.value("source") == "api" &&
                             (line.value("level") == "warn" || line.value("level") == "error");
        if (matches)
            expected.append(e.seq);
    }
    // A publisher's batch keeps only its matching entries, under its own seq.
    const Envelope batch =
        publish(QJsonObject{{"entries", QJsonArray{logLine("info", "api"), logLine("error", "api"),
                                                   logLine("error", "db")}}},
                "log.batch");
    const Envelope quiet =
        publish(QJsonObject{{"entries", QJsonArray{logLine("info", "api")}}}, "log.batch");
    // Other types on the channel pass the filter.
    const Envelope marker = publish(QJsonObject{{"note", "end"}}, "alert.raised");

    QVERIFY(filtered.waitFor([&] { return !filtered.ofType("alert.raised").isEmpty(); }));
    QVERIFY(everything.waitFor([&] { return !everything.ofType("alert.raised").isEmpty(); }));
    QVERIFY(!expected.isEmpty());
    QList<qint64> got;
    for (const Envelope &e : filtered.ofType("log.entry")) {
        got.append(e.seq);
        QCOMPARE(e.payload.toObject().value("source").toString(), QStringLiteral("api"));
    }
    QCOMPARE(got, expected);
    QCOMPARE(filtered.ofType("log.batch").size(), 1);
    const Envelope cut = filtered.ofType("log.batch").first();
    QCOMPARE(cut.seq, batch.seq);
    QCOMPARE(cut.id, batch.id);
    QCOMPARE(cut.payload.toObject().value("entries").toArray(),
             QJsonArray{logLine("error", "api")});
    QCOMPARE(filtered.ofType("alert.raised").first().seq, marker.seq);
    QVERIFY(quiet.seq < marker.seq);
    // The unfiltered subscriber got everything, untouched.
    QCOMPARE(everything.ofType("log.entry").size(), 24);
    QCOMPARE(everything.ofType("log.batch").size(), 2);
    QCOMPARE(
        everything.ofType("log.batch").first().payload.toObject().value("entries").toArray().size(),
        3);
}

void TestRelayLogs::filterAppliesToReplay()
{
    QList<qint64> expected;
    for (int i = 0; i < 40; ++i) {
        const Envelope e = publish(mixedLine(i));
        if (mixedLine(i).value("taskId") == "task-3")
            expected.append(e.seq);
    }
    LogClient client(m_relay->url());
    QVERIFY(client.waitWelcomed());
    client.subscribe({{"since", 0}, {"filter", QJsonObject{{"taskId", "task-3"}}}});
    QVERIFY(client.waitSubscribed());
    QCOMPARE(seqsOf(linesOf(client)), expected);
    const QJsonObject subscribed = client.ofType("subscribed").first().payload.toObject();
    QCOMPARE(subscribed.value("replayed").toInt(), int(expected.size()));
    QCOMPARE(subscribed.value("head").toInteger(), 40);
    QVERIFY(subscribed.value("recovered").toBool());
    QCOMPARE(subscribed.value("filter").toObject(), (QJsonObject{{"taskId", "task-3"}}));
}

void TestRelayLogs::updateFilterChangesItWithoutResubscribing()
{
    LogClient client(m_relay->url());
    QVERIFY(client.waitWelcomed());
    client.subscribe();
    QVERIFY(client.waitSubscribed());
    publish(logLine("debug", "db"));
    QVERIFY(client.waitFor([&] { return client.ofType("log.entry").size() == 1; }));

    // Spelled loosely: answered with the filter as the relay applies it.
    const QString ref = client.updateFilter(
        QJsonObject{{"minLevel", "WARNING"}, {"sources", QJsonArray{"db", "db", "api"}}});
    QVERIFY(client.waitFor([&] { return !client.ofType("filter_updated").isEmpty(); }));
    const QJsonObject updated = client.ofType("filter_updated").first().payload.toObject();
    QCOMPARE(updated.value("channel").toString(), QStringLiteral("logs"));
    QCOMPARE(updated.value("filter").toObject(),
             (QJsonObject{{"minLevel", "warn"}, {"sources", QJsonArray{"db", "api"}}}));
    QVERIFY(client.errorAbout(ref).isEmpty());

    publish(logLine("info", "db"));
    const Envelope warn = publish(logLine("warn", "db"));
    publish(logLine("error", "web"));
    const Envelope marker = publish(QJsonObject{}, "alert.raised");
    QVERIFY(client.waitFor([&] { return !client.ofType("alert.raised").isEmpty(); }));
    QCOMPARE(client.ofType("log.entry").size(), 2);
    QCOMPARE(client.ofType("log.entry").last().seq, warn.seq);
    QCOMPARE(client.ofType("subscribed").size(), 1); // no resubscribe
    QVERIFY(marker.seq > warn.seq);

    // An empty filter lets everything through again.
    client.updateFilter(QJsonObject{});
    QVERIFY(client.waitFor([&] { return client.ofType("filter_updated").size() == 2; }));
    QCOMPARE(client.ofType("filter_updated").last().payload.toObject().value("filter").toObject(),
             QJsonObject{});
    publish(logLine("debug", "web"));
    QVERIFY(client.waitFor([&] { return client.ofType("log.entry").size() == 3; }));
}

void TestRelayLogs::badFilterIsRefusedAndTheOldOneKept_data()
{
    QTest::addColumn<QJsonValue>("filter");
    QTest::newRow("unknown level") << QJsonValue(QJsonObject{{"minLevel", "loud"}});
    QTest::newRow("level not a string") << QJsonValue(QJsonObject{{"minLevel", 3}});
    QTest::newRow("sources not an array") << QJsonValue(QJsonObject{{"sources", "api"}});
    QTest::newRow("taskId not a string") << QJsonValue(QJsonObject{{"taskId", 7}});
    QTest::newRow("not an object") << QJsonValue("warn");
}

void TestRelayLogs::badFilterIsRefusedAndTheOldOneKept()
{
    QFETCH(QJsonValue, filter);
    LogClient client(m_relay->url());
    QVERIFY(client.waitWelcomed());
    client.subscribe({{"filter", QJsonObject{{"minLevel", "error"}}}});
    QVERIFY(client.waitSubscribed());

    const QString ref = client.updateFilter(filter);
    QVERIFY(client.waitFor([&] { return !client.errorAbout(ref).isEmpty(); }));
    QCOMPARE(client.errorAbout(ref).value("code").toString(), QStringLiteral("bad_filter"));
    QVERIFY(!client.errorAbout(ref).value("message").toString().isEmpty());
    QVERIFY(client.ofType("filter_updated").isEmpty());

    // A subscribe with a bad filter is refused too, and changes nothing.
    const QString again = client.subscribe({{"filter", filter}});
    QVERIFY(client.waitFor([&] { return !client.errorAbout(again).isEmpty(); }));
    QCOMPARE(client.errorAbout(again).value("code").toString(), QStringLiteral("bad_filter"));
    QCOMPARE(client.ofType("subscribed").size(), 1);

    publish(logLine("warn", "api"));
    const Envelope error = publish(logLine("error", "api"));
    publish(QJsonObject{}, "alert.raised");
    QVERIFY(client.waitFor([&] { return !client.ofType("alert.raised").isEmpty(); }));
    QCOMPARE(client.ofType("log.entry").size(), 1);
    QCOMPARE(client.ofType("log.entry").first().seq, error.seq);
}

void TestRelayLogs::updateFilterWithoutSubscriptionIsRefused()
{
    LogClient client(m_relay->url());
    QVERIFY(client.waitWelcomed());
    const QString ref = client.updateFilter(QJsonObject{{"minLevel", "warn"}});
    QVERIFY(client.waitFor([&] { return !client.errorAbout(ref).isEmpty(); }));
    QCOMPARE(client.errorAbout(ref).value("code").toString(), QStringLiteral("not_subscribed"));
    // Still not subscribed: nothing of logs arrives.
    publish(logLine("error", "api"));
    client.send(
        Envelope::create("subscribe", "system", QJsonObject{{"channels", QJsonArray{"alerts"}}}));
    QVERIFY(client.waitSubscribed());
    QVERIFY(client.onChannel("logs").isEmpty());
    QVERIFY(client.ofType("filter_updated").isEmpty());
}

void TestRelayLogs::batchesCarryEveryEntryWithItsOwnIdAndSeq()
{
    LogClient batching(m_relay->url());
    LogClient single(m_relay->url());
    QVERIFY(batching.waitWelcomed());
    QVERIFY(single.waitWelcomed());
    batching.subscribe({{"batch", true}});
    single.subscribe();
    QVERIFY(batching.waitSubscribed());
    QVERIFY(single.waitSubscribed());
    QVERIFY(batching.ofType("subscribed").first().payload.toObject().value("batch").toBool());

    // Published in one go: the cap of 500 entries per frame is what cuts the first frames,
    // the 50 ms timer the last one.
    constexpr int kCount = 1234;
    for (int i = 0; i < kCount; ++i)
        publish(mixedLine(i));
    QVERIFY(single.waitFor([&] { return single.ofType("log.entry").size() == kCount; }));
    QVERIFY(batching.waitFor([&] { return linesOf(batching).size() == kCount; }));

    QVERIFY(batching.ofType("log.entry").isEmpty());
    QVERIFY(single.ofType("log.batch").isEmpty());
    const QList<Envelope> frames = batching.ofType("log.batch");
    QVERIFY(frames.size() >= 3);
    bool full = false;
    for (const Envelope &frame : frames) {
        QVERIFY(!frame.hasSeq()); // not a channel message
        QVERIFY(frame.id.startsWith("batch-"));
        QCOMPARE(frame.channel, QStringLiteral("logs"));
        const qsizetype n = frame.payload.toObject().value("entries").toArray().size();
        QVERIFY(n >= 1 && n <= 500);
        full = full || n == 500;
    }
    QVERIFY(full);
    QCOMPARE(frames.at(0).payload.toObject().value("entries").toArray().size(), 500);

    // Entry by entry what the single subscriber saw: same ids, seqs and payloads, in order.
    const QList<Line> lines = linesOf(batching);
    const QList<Envelope> entries = single.ofType("log.entry");
    for (int i = 0; i < kCount; ++i) {
        QCOMPARE(lines.at(i).id, entries.at(i).id);
        QCOMPARE(lines.at(i).seq, entries.at(i).seq);
        QCOMPARE(lines.at(i).payload, entries.at(i).payload.toObject());
        if (i > 0)
            QVERIFY(lines.at(i).seq > lines.at(i - 1).seq);
    }
    const QJsonObject first =
        frames.first().payload.toObject().value("entries").toArray().first().toObject();
    QCOMPARE(first.value("timestamp").toInteger(), entries.first().timestamp);
}

void TestRelayLogs::otherMessagesWaitForTheBatchBeforeThem()
{
    LogClient client(m_relay->url());
    QVERIFY(client.waitWelcomed());
    client.subscribe({{"batch", true}});
    QVERIFY(client.waitSubscribed());
    for (int i = 0; i < 3; ++i)
        publish(mixedLine(i));
    const Envelope alert = publish(QJsonObject{{"alertId", "a-1"}}, "alert.raised");
    for (int i = 0; i < 2; ++i)
        publish(mixedLine(i));
    QVERIFY(client.waitFor([&] { return linesOf(client).size() == 5; }));

    // Batch (1-3), the alert (4), batch (5-6): in seq order, the batch never overtaken.
    QList<qint64> order;
    QStringList types;
    for (const Envelope &e : client.onChannel("logs")) {
        types.append(e.type);
        if (e.type == "log.batch") {
            for (const QJsonValue &v : e.payload.toObject().value("entries").toArray())
                order.append(v.toObject().value("seq").toInteger());
        } else {
            order.append(e.seq);
        }
    }
    QCOMPARE(types, (QStringList{"log.batch", "alert.raised", "log.batch"}));
    QCOMPARE(order, (QList<qint64>{1, 2, 3, 4, 5, 6}));
    QCOMPARE(client.ofType("alert.raised").first().id, alert.id);
}

void TestRelayLogs::replayIsBatchedAndFiltered()
{
    // 1200 published, 1000 kept (the default history): the replay from 0 starts at 201.
    QList<qint64> expected;
    for (int i = 0; i < 1200; ++i) {
        const Envelope e = publish(mixedLine(i));
        if (e.seq > 200 && mixedLine(i).value("level") != "debug")
            expected.append(e.seq);
    }
    LogClient client(m_relay->url());
    QVERIFY(client.waitWelcomed());
    client.subscribe(
        {{"since", 0}, {"batch", true}, {"filter", QJsonObject{{"minLevel", "info"}}}});
    QVERIFY(client.waitSubscribed());
    // Everything replayed came before `subscribed`, in batches of at most 500.
    QVERIFY(client.ofType("log.entry").isEmpty());
    const QList<Envelope> frames = client.ofType("log.batch");
    QCOMPARE(frames.size(), 2);
    QCOMPARE(frames.at(0).payload.toObject().value("entries").toArray().size(), 500);
    QCOMPARE(client.received.last().type, QStringLiteral("subscribed"));
    QCOMPARE(seqsOf(linesOf(client)), expected);
    for (const Line &line : linesOf(client))
        QVERIFY(line.payload.value("level").toString() != "debug");
    const QJsonObject subscribed = client.ofType("subscribed").first().payload.toObject();
    QCOMPARE(subscribed.value("replayed").toInt(), int(expected.size()));
    QVERIFY(!subscribed.value("recovered").toBool()); // 1-200 left the history
}

void TestRelayLogs::sseHonoursLogFilter()
{
    QList<qint64> expected;
    for (int i = 0; i < 12; ++i) {
        const Envelope e = publish(mixedLine(i));
        if (mixedLine(i).value("level") == "error")
            expected.append(e.seq);
    }
    const QString url =
        "/api/stream?channels=logs&since=logs:0&logFilter=" + encoded({{"minLevel", "error"}});
    QNetworkReply *reply = m_net.get(QNetworkRequest(m_relay->httpUrl().resolved(QUrl(url))));
    SseReader sse;
    connect(reply, &QNetworkReply::readyRead, this, [&] { sse.feed(reply->readAll()); });
    QTRY_COMPARE_WITH_TIMEOUT(sse.events.size(), int(expected.size()), kWaitMs);
    QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);

    // Live: the filter holds, other types pass.
    publish(logLine("info", "api"));
    const Envelope live = publish(logLine("error", "db"));
    const Envelope marker = publish(QJsonObject{}, "alert.raised");
    expected << live.seq << marker.seq;
    QTRY_COMPARE_WITH_TIMEOUT(sse.events.size(), int(expected.size()), kWaitMs);
    QList<qint64> got;
    for (const Envelope &e : std::as_const(sse.events))
        got.append(e.seq);
    QCOMPARE(got, expected);
    reply->abort();
    reply->deleteLater();
}

void TestRelayLogs::pollHonoursLogFilter()
{
    for (int i = 0; i < 8; ++i)
        publish(mixedLine(i));
    const QString filter = encoded({{"sources", QJsonArray{"db"}}, {"minLevel", "warn"}});
    const Answer ready = get("/api/poll?since=logs:0&waitMs=25000&logFilter=" + filter);
    QCOMPARE(ready.status, 200);
    const QJsonArray out = ready.json().array();
    QCOMPARE(out.size(), 2); // lines 6 and 7: warn and error from db
    QCOMPARE(out.at(0).toObject().value("seq").toInt(), 7);
    QCOMPARE(out.at(1).toObject().value("seq").toInt(), 8);

    // A parked poll is not woken by what its filter drops.
    QNetworkReply *parked = m_net.get(QNetworkRequest(m_relay->httpUrl().resolved(
        QUrl("/api/poll?since=logs:8&waitMs=30000&logFilter=" + filter))));
    QSignalSpy finished(parked, &QNetworkReply::finished);
    const auto polls = [this] {
        return get("/api/health").json().object().value("http").toObject().value("polls").toInt();
    };
    QTRY_COMPARE_WITH_TIMEOUT(polls(), 1, kWaitMs);
    publish(logLine("error", "api"));
    publish(logLine("info", "db"));
    // Still parked after the relay handled both (a health round trip comes after them).
    QCOMPARE(polls(), 1);
    QCOMPARE(finished.size(), 0);
    const Envelope match = publish(logLine("error", "db"));
    QVERIFY(finished.wait(kWaitMs));
    const QJsonArray woken = QJsonDocument::fromJson(parked->readAll()).array();
    QCOMPARE(woken.size(), 1);
    QCOMPARE(woken.first().toObject().value("seq").toInteger(), match.seq);
    parked->deleteLater();
}

void TestRelayLogs::badLogFilterOverHttpIs400_data()
{
    QTest::addColumn<QString>("path");
    const QString bad = encoded({{"minLevel", "loud"}});
    const QString notJson = QString::fromLatin1(QUrl::toPercentEncoding("{minLevel"));
    QTest::newRow("stream, unknown level") << "/api/stream?channels=logs&logFilter=" + bad;
    QTest::newRow("poll, unknown level") << "/api/poll?channels=logs&waitMs=0&logFilter=" + bad;
    QTest::newRow("stream, not JSON") << "/api/stream?channels=logs&logFilter=" + notJson;
    QTest::newRow("poll, not JSON") << "/api/poll?since=logs:0&logFilter=" + notJson;
    QTest::newRow("poll, not an object")
        << "/api/poll?since=logs:0&logFilter=" + QString::fromLatin1(QUrl::toPercentEncoding("[]"));
}

void TestRelayLogs::badLogFilterOverHttpIs400()
{
    QFETCH(QString, path);
    publish(logLine("error", "api"));
    const Answer a = get(path);
    QCOMPARE(a.status, 400);
    QCOMPARE(a.json().object().value("error").toString(), QStringLiteral("bad_filter"));
    QVERIFY(!a.json().object().value("message").toString().isEmpty());
}

void TestRelayLogs::demoFeedSendsEachLineAsItsOwnMessage()
{
    vigil::RelayConfig config;
    config.demo = true;
    config.demoLogRate = 2000; // 200 lines a tick: the feed used to send these as one batch
    startRelay(config);
    LogClient client(m_relay->url());
    QVERIFY(client.waitWelcomed());
    client.subscribe();
    QVERIFY(client.waitSubscribed());
    QVERIFY(client.waitFor([&] { return client.onChannel("logs").size() >= 600; }));
    qint64 previous = -1;
    for (const Envelope &e : client.onChannel("logs")) {
        QCOMPARE(e.type, QStringLiteral("log.entry"));
        QVERIFY(!e.payload.toObject().value("level").toString().isEmpty());
        if (previous >= 0)
            QCOMPARE(e.seq, previous + 1); // one seq per line, none skipped
        previous = e.seq;
    }
}

QTEST_MAIN(TestRelayLogs)
#include "tst_relaylogs.moc"
