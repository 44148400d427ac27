// The `logs` channel between ConnectionManager and a server that filters and batches it:
// relay batches unpacked into single entries before de-duplication and positions, the log
// filter in `subscribe` and `update_filter` only where the server offers it, `bad_filter`,
// seq holes left by a server filter, and the `logFilter` parameter of the HTTP fallback.
// A scripted server plays the relay, so every frame is the test's own.
#include "connection/connectionmanager.h"
#include "connection/connectionview.h"
#include "helpers/connectionfixture.h"
#include "helpers/scriptedserver.h"
#include "helpers/testsupport.h"
#include "relay/relay.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>
#include <QUrlQuery>

#include <algorithm>
#include <memory>

using vigil::ConnectionManager;
using vigil::Envelope;
using vigil::LogFilter;
using vigil::test::kWaitMs;
using vigil::test::ScriptedServer;
using State = vigil::ConnectionManager::State;

namespace {

QString text(const QJsonObject &o)
{
    return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
}

QString systemMessage(const QString &type, const QJsonObject &payload)
{
    return text(
        {{"type", type}, {"channel", "system"}, {"id", Envelope::newId()}, {"payload", payload}});
}

QString welcome(const QStringList &capabilities)
{
    return systemMessage("welcome", {{"session", "s"},
                                     {"server", "scripted"},
                                     {"capabilities", QJsonArray::fromStringList(capabilities)}});
}

QJsonObject logPayload(const QString &level, const QString &message, const QString &source)
{
    return {{"level", level}, {"message", message}, {"source", source}, {"taskId", "task-7"}};
}

/// A single `log.entry` as the relay fans it out.
QString logEntry(const QString &id, qint64 seq, const QString &level = "info")
{
    return text({{"type", "log.entry"},
                 {"channel", "logs"},
                 {"id", id},
                 {"seq", seq},
                 {"timestamp", 1000 + seq},
                 {"payload", logPayload(level, "m" + id, "api")}});
}

/// One entry of a relay batch: the envelope's id, seq and timestamp beside the payload's fields.
QJsonObject batchEntry(const QString &id, qint64 seq)
{
    QJsonObject entry = logPayload("warn", "m" + id, "db");
    entry.insert("id", id);
    entry.insert("seq", seq);
    entry.insert("timestamp", 1000 + seq);
    return entry;
}

/// A relay's `log.batch`: no seq of its own, each entry carries its own.
QString relayBatch(const QJsonArray &entries)
{
    return text({{"type", "log.batch"},
                 {"channel", "logs"},
                 {"id", "batch-" + Envelope::newId()},
                 {"timestamp", 5000},
                 {"payload", QJsonObject{{"entries", entries}}}});
}

QList<QJsonObject> receivedOfType(const ScriptedServer &server, const QString &type)
{
    QList<QJsonObject> out;
    for (const QString &frame : server.received()) {
        const QJsonObject o = QJsonDocument::fromJson(frame.toUtf8()).object();
        if (o.value("type").toString() == type)
            out.append(o);
    }
    return out;
}

/// The subscribe entry of `channel` in a `subscribe` message.
QJsonObject subscribeEntry(const QJsonObject &subscribe, const QString &channel)
{
    for (const QJsonValue &entry : subscribe.value("payload")["channels"].toArray()) {
        if (entry["name"].toString() == channel)
            return entry.toObject();
    }
    return {};
}

LogFilter filterOf(int minLevel, const QStringList &sources = {}, const QString &task = {})
{
    LogFilter f;
    f.minLevel = minLevel;
    f.sources = sources;
    f.taskId = task;
    return f;
}

vigil::ConnectionConfig clientOf(const ScriptedServer &server,
                                 const QStringList &channels = {"logs"})
{
    auto config =
        vigil::test::configFor({server.url()}, channels, vigil::TransportPreference::WebSocket);
    config.welcomeWaitMs = kWaitMs; // the test sends the welcome: wait for it
    config.heartbeatMs = 600000;    // the scripted server answers no protocol ping
    return config;
}

/// Opens `manager` against `server`, welcomes it with `capabilities` and returns the
/// `subscribe` it answered with (empty on failure).
QJsonObject welcomeAndSubscribe(ConnectionManager &manager, ScriptedServer &server,
                                const QStringList &capabilities)
{
    manager.open();
    if (!QTest::qWaitFor(
            [&] { return manager.state() == State::Connected && server.connections() == 1; },
            kWaitMs))
        return {};
    server.broadcast(welcome(capabilities));
    if (!QTest::qWaitFor([&] { return !receivedOfType(server, "subscribe").isEmpty(); }, kWaitMs))
        return {};
    return receivedOfType(server, "subscribe").first();
}

/// Sends a message through `manager` and waits until the server has it: everything the client
/// wrote before it has arrived by then.
bool marker(ConnectionManager &manager, ScriptedServer &server)
{
    const Envelope m = Envelope::create("chat.message", "chat", QJsonObject{{"c", "marker"}});
    if (!manager.send(m))
        return false;
    return QTest::qWaitFor([&] { return server.received().join('\n').contains(m.id); }, kWaitMs);
}

/// Speaks just enough HTTP to record what the fallback asks for: an event stream that stays
/// open, an empty poll answer, an empty health answer.
class HttpRecorder : public QObject
{
public:
    HttpRecorder()
    {
        m_server.listen(QHostAddress::LocalHost, 0);
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *socket = m_server.nextPendingConnection()) {
                socket->setParent(this);
                connect(socket, &QTcpSocket::readyRead, this, [this, socket] { read(socket); });
            }
        });
    }
    [[nodiscard]] QUrl wsUrl() const { return vigil::test::wsUrl(m_server.serverPort()); }
    /// The request targets (path and query, as sent) of `path`, in order.
    [[nodiscard]] QList<QUrl> requests(const QString &path) const
    {
        QList<QUrl> out;
        for (const QUrl &url : m_targets) {
            if (url.path() == path)
                out.append(url);
        }
        return out;
    }

private:
    void read(QTcpSocket *socket)
    {
        QByteArray &in = m_in[socket];
        in += socket->readAll();
        const qsizetype end = in.indexOf("\r\n\r\n");
        if (end < 0)
            return;
        const QByteArray target = in.left(in.indexOf("\r\n")).split(' ').value(1);
        in.clear();
        const QUrl url = QUrl::fromEncoded("http://127.0.0.1" + target);
        m_targets.append(url);
        if (url.path() == u"/api/stream") {
            socket->write("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
                          "Cache-Control: no-cache\r\n\r\n: open\n\n");
            return; // stays open, like a quiet stream
        }
        const QByteArray body = url.path() == u"/api/poll" ? "[]" : "{}";
        socket->write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n"
                      "Content-Length: " +
                      QByteArray::number(body.size()) + "\r\n\r\n" + body);
        socket->disconnectFromHost();
    }

    QTcpServer m_server;
    QHash<QTcpSocket *, QByteArray> m_in;
    QList<QUrl> m_targets;
};

std::optional<LogFilter> logFilterParameter(const QUrl &url)
{
    const QString json = QUrlQuery(url).queryItemValue("logFilter", QUrl::FullyDecoded);
    if (json.isEmpty())
        return std::nullopt;
    return LogFilter::fromJson(QJsonDocument::fromJson(json.toUtf8()).object());
}

} // namespace

class TestLogStream : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { qRegisterMetaType<Envelope>(); }
    void relayBatchIsUnpackedBeforeDedupAndPositions();
    void publisherBatchStaysOneEnvelope();
    void badBatchEntriesAreCountedOthersGoOn();
    void subscribeCarriesFilterAndBatchOnlyWhenOffered_data();
    void subscribeCarriesFilterAndBatchOnlyWhenOffered();
    void updateFilterIsSentAndAnswered();
    void badFilterIsSurfacedAndTheSessionGoesOn();
    void withoutTheCapabilityTheFilterStaysLocal();
    void aFilterTheServerWouldRefuseStaysLocal();
    void seqHolesUnderAServerFilterAreNoGaps_data();
    void seqHolesUnderAServerFilterAreNoGaps();
    void httpRequestsCarryTheFilter_data();
    void httpRequestsCarryTheFilter();
    void viewHandsOnABatchInOnePieceAndTheFilter();
    void realRelayFiltersAndBatches();
};

void TestLogStream::relayBatchIsUnpackedBeforeDedupAndPositions()
{
    ScriptedServer server;
    QVERIFY(server.listen());
    ConnectionManager manager(clientOf(server));
    QSignalSpy received(&manager, &ConnectionManager::envelopeReceived);
    QSignalSpy positions(&manager, &ConnectionManager::positionAdvanced);
    QSignalSpy bad(&manager, &ConnectionManager::protocolError);
    const QJsonObject subscribe = welcomeAndSubscribe(manager, server, {"ack", "logBatch"});
    const QJsonObject entry = subscribeEntry(subscribe, "logs");
    QCOMPARE(entry.value("batch"), QJsonValue(true)); // offered and wanted (the default)
    QVERIFY(!entry.contains("filter"));               // no filter asked for, none offered
    server.broadcast(systemMessage("subscribed", {{"channel", "logs"}, {"head", 0}}));

    // e1 arrives alone, then again inside a batch (as a replay on another link would bring it).
    server.broadcast(logEntry("e1", 1));
    server.broadcast(relayBatch({batchEntry("e1", 1), batchEntry("e2", 2), batchEntry("e3", 3)}));
    QTRY_COMPARE_WITH_TIMEOUT(received.size(), 3, kWaitMs);
    QCOMPARE(manager.duplicatesDropped(), 1u);
    const QStringList ids = {"e1", "e2", "e3"};
    for (int i = 0; i < 3; ++i) {
        const auto e = received.at(i).first().value<Envelope>();
        QCOMPARE(e.id, ids.at(i));
        QCOMPARE(e.type, QStringLiteral("log.entry"));
        QCOMPARE(e.channel, QStringLiteral("logs"));
        QCOMPARE(e.seq, i + 1);
        QCOMPARE(e.timestamp, 1000 + i + 1);
    }
    // The payload is the entry's own fields, exactly what a single log.entry carries.
    const QJsonObject payload = received.at(2).first().value<Envelope>().payload.toObject();
    QCOMPARE(payload, logPayload("warn", "me3", "db"));
    QCOMPARE(manager.lastSeq("logs"), 3);
    QCOMPARE(positions.last().at(1).toLongLong(), 3);
    QCOMPARE(bad.size(), 0);

    // What came in a batch is known by id: the same entry alone is a duplicate.
    server.broadcast(logEntry("e3", 3));
    server.broadcast(relayBatch({batchEntry("e4", 4)}));
    QTRY_COMPARE_WITH_TIMEOUT(received.size(), 4, kWaitMs);
    QCOMPARE(received.last().first().value<Envelope>().id, QStringLiteral("e4"));
    QCOMPARE(manager.duplicatesDropped(), 2u);
    QCOMPARE(manager.lastSeq("logs"), 4);
    // No entry looked like a gap: the only subscribe is the first.
    QVERIFY(marker(manager, server));
    QCOMPARE(receivedOfType(server, "subscribe").size(), 1);
}

void TestLogStream::publisherBatchStaysOneEnvelope()
{
    ScriptedServer server;
    QVERIFY(server.listen());
    ConnectionManager manager(clientOf(server));
    QSignalSpy received(&manager, &ConnectionManager::envelopeReceived);
    QVERIFY(!welcomeAndSubscribe(manager, server, {"ack", "logBatch"}).isEmpty());
    server.broadcast(systemMessage("subscribed", {{"channel", "logs"}, {"head", 0}}));
    // A publisher's batch is one channel message: one seq for the frame, none in its entries.
    const QJsonArray entries = {logPayload("info", "a", "api"), logPayload("error", "b", "db")};
    server.broadcast(text({{"type", "log.batch"},
                           {"channel", "logs"},
                           {"id", "pub-1"},
                           {"seq", 1},
                           {"payload", QJsonObject{{"entries", entries}}}}));
    QTRY_COMPARE_WITH_TIMEOUT(received.size(), 1, kWaitMs);
    const auto e = received.first().first().value<Envelope>();
    QCOMPARE(e.type, QStringLiteral("log.batch"));
    QCOMPARE(e.id, QStringLiteral("pub-1"));
    QCOMPARE(e.seq, 1);
    QCOMPARE(e.payload.toObject().value("entries").toArray(), entries);
    QCOMPARE(manager.lastSeq("logs"), 1);
}

void TestLogStream::badBatchEntriesAreCountedOthersGoOn()
{
    ScriptedServer server;
    QVERIFY(server.listen());
    ConnectionManager manager(clientOf(server));
    QSignalSpy received(&manager, &ConnectionManager::envelopeReceived);
    QSignalSpy bad(&manager, &ConnectionManager::protocolError);
    QVERIFY(!welcomeAndSubscribe(manager, server, {"logBatch"}).isEmpty());
    server.broadcast(systemMessage("subscribed", {{"channel", "logs"}, {"head", 0}}));
    QJsonObject noSeq = batchEntry("x", 0);
    noSeq.remove("seq");
    QJsonObject noId = batchEntry("y", 0);
    noId.remove("id");
    server.broadcast(
        relayBatch({batchEntry("e1", 1), noSeq, "not an entry", noId, batchEntry("e2", 2)}));
    QTRY_COMPARE_WITH_TIMEOUT(received.size(), 2, kWaitMs);
    QCOMPARE(received.at(0).first().value<Envelope>().id, QStringLiteral("e1"));
    QCOMPARE(received.at(1).first().value<Envelope>().id, QStringLiteral("e2"));
    QCOMPARE(bad.size(), 1); // one frame, one count
    QVERIFY(bad.first().first().toString().contains("3 of 5 entries"));
    QCOMPARE(manager.state(), State::Connected);
}

void TestLogStream::subscribeCarriesFilterAndBatchOnlyWhenOffered_data()
{
    QTest::addColumn<QStringList>("capabilities");
    QTest::addColumn<bool>("sendWelcome");
    QTest::addColumn<bool>("wantBatch");
    QTest::addColumn<bool>("expectFilter");
    QTest::addColumn<bool>("expectBatch");
    QTest::newRow("vigil server of old") << QStringList{"ack"} << true << true << false << false;
    QTest::newRow("filter offered")
        << QStringList{"ack", "logFilter"} << true << true << true << false;
    QTest::newRow("batch offered") << QStringList{"logBatch"} << true << true << false << true;
    QTest::newRow("both offered") << QStringList{"logFilter", "logBatch"} << true << true << true
                                  << true;
    QTest::newRow("batch declined")
        << QStringList{"logFilter", "logBatch"} << true << false << true << false;
    QTest::newRow("basic server, no welcome") << QStringList{} << false << true << false << false;
}

void TestLogStream::subscribeCarriesFilterAndBatchOnlyWhenOffered()
{
    QFETCH(QStringList, capabilities);
    QFETCH(bool, sendWelcome);
    QFETCH(bool, wantBatch);
    QFETCH(bool, expectFilter);
    QFETCH(bool, expectBatch);
    ScriptedServer server;
    QVERIFY(server.listen());
    auto config = clientOf(server, {"chat", "logs"});
    config.logFilter = filterOf(2, {"api", "db"}, "task-7");
    config.logBatch = wantBatch;
    if (!sendWelcome)
        config.welcomeWaitMs = 10; // a basic server: subscribed after a short wait
    ConnectionManager manager(config);
    QSignalSpy applied(&manager, &ConnectionManager::logFilterApplied);
    QJsonObject subscribe;
    if (sendWelcome) {
        subscribe = welcomeAndSubscribe(manager, server, capabilities);
    } else {
        manager.open();
        QTRY_VERIFY_WITH_TIMEOUT(!receivedOfType(server, "subscribe").isEmpty(), kWaitMs);
        subscribe = receivedOfType(server, "subscribe").first();
    }
    const QJsonObject logs = subscribeEntry(subscribe, "logs");
    QCOMPARE(logs.value("name").toString(), QStringLiteral("logs"));
    QCOMPARE(logs.contains("filter"), expectFilter);
    if (expectFilter) {
        QCOMPARE(logs.value("filter").toObject(), config.logFilter.toJson());
        QCOMPARE(logs.value("filter")["minLevel"].toString(), QStringLiteral("warn"));
    }
    QCOMPARE(logs.contains("batch"), expectBatch);
    if (expectBatch)
        QCOMPARE(logs.value("batch"), QJsonValue(true));
    // Other channels never carry either.
    const QJsonObject chat = subscribeEntry(subscribe, "chat");
    QVERIFY(!chat.contains("filter") && !chat.contains("batch"));
    // Where the filter applies is said once: the caller filters locally unless on the server.
    QCOMPARE(applied.size(), 1);
    QCOMPARE(applied.first().at(0).value<LogFilter>(), config.logFilter);
    QCOMPARE(applied.first().at(1).toBool(), expectFilter);
    QCOMPARE(manager.serverFiltersLogs(), expectFilter);
}

void TestLogStream::updateFilterIsSentAndAnswered()
{
    ScriptedServer server;
    QVERIFY(server.listen());
    ConnectionManager manager(clientOf(server));
    QSignalSpy applied(&manager, &ConnectionManager::logFilterApplied);
    QSignalSpy received(&manager, &ConnectionManager::envelopeReceived);
    const QJsonObject subscribe = welcomeAndSubscribe(manager, server, {"ack", "logFilter"});
    QVERIFY(!subscribeEntry(subscribe, "logs").contains("filter")); // nothing asked for yet
    server.broadcast(systemMessage("subscribed", {{"channel", "logs"}, {"head", 0}}));
    QVERIFY(manager.serverFiltersLogs());
    applied.clear();

    const LogFilter wanted = filterOf(3, {"db"});
    manager.setLogFilter(wanted);
    QCOMPARE(manager.logFilter(), wanted);
    QTRY_COMPARE_WITH_TIMEOUT(receivedOfType(server, "update_filter").size(), 1, kWaitMs);
    const QJsonObject update = receivedOfType(server, "update_filter").first();
    QCOMPARE(update.value("channel").toString(), QStringLiteral("system"));
    QCOMPARE(update.value("payload")["channel"].toString(), QStringLiteral("logs"));
    QCOMPARE(update.value("payload")["filter"].toObject(), wanted.toJson());
    QCOMPARE(applied.size(), 0); // not before the server said so
    server.broadcast(
        systemMessage("filter_updated", {{"channel", "logs"}, {"filter", wanted.toJson()}}));
    QTRY_COMPARE_WITH_TIMEOUT(applied.size(), 1, kWaitMs);
    QCOMPARE(applied.first().at(0).value<LogFilter>(), wanted);
    QCOMPARE(applied.first().at(1).toBool(), true);
    QCOMPARE(received.size(), 0); // filter_updated is a control message, not a channel one

    // Cleared: once the server confirms, its holes end and a jump in seq is a gap again.
    manager.setLogFilter(LogFilter());
    QTRY_COMPARE_WITH_TIMEOUT(receivedOfType(server, "update_filter").size(), 2, kWaitMs);
    QCOMPARE(receivedOfType(server, "update_filter").last().value("payload")["filter"].toObject(),
             QJsonObject());
    server.broadcast(
        systemMessage("filter_updated", {{"channel", "logs"}, {"filter", QJsonObject()}}));
    QTRY_COMPARE_WITH_TIMEOUT(applied.size(), 2, kWaitMs);
    QVERIFY(applied.last().at(0).value<LogFilter>().isEmpty());
    server.broadcast(logEntry("a", 1));
    server.broadcast(logEntry("b", 3));
    QTRY_COMPARE_WITH_TIMEOUT(received.size(), 2, kWaitMs);
    QTRY_COMPARE_WITH_TIMEOUT(receivedOfType(server, "subscribe").size(), 2, kWaitMs);
    QCOMPARE(subscribeEntry(receivedOfType(server, "subscribe").last(), "logs")["since"].toInt(),
             1);
}

void TestLogStream::badFilterIsSurfacedAndTheSessionGoesOn()
{
    ScriptedServer server;
    QVERIFY(server.listen());
    auto config = clientOf(server);
    const LogFilter first = filterOf(2);
    config.logFilter = first;
    ConnectionManager manager(config);
    QSignalSpy applied(&manager, &ConnectionManager::logFilterApplied);
    QSignalSpy errors(&manager, &ConnectionManager::serverError);
    QSignalSpy received(&manager, &ConnectionManager::envelopeReceived);
    QSignalSpy states(&manager, &ConnectionManager::stateChanged);
    const QJsonObject subscribe = welcomeAndSubscribe(manager, server, {"logFilter"});
    QCOMPARE(subscribeEntry(subscribe, "logs").value("filter").toObject(), first.toJson());
    server.broadcast(systemMessage("subscribed", {{"channel", "logs"}, {"head", 0}}));
    QCOMPARE(applied.size(), 1);
    QCOMPARE(applied.first().at(1).toBool(), true);
    states.clear();

    manager.setLogFilter(filterOf(0, {"api"}));
    QTRY_COMPARE_WITH_TIMEOUT(receivedOfType(server, "update_filter").size(), 1, kWaitMs);
    const QString ref = receivedOfType(server, "update_filter").first().value("id").toString();
    server.broadcast(systemMessage(
        "error", {{"code", "bad_filter"}, {"message", "sources: not allowed"}, {"ref", ref}}));
    QTRY_COMPARE_WITH_TIMEOUT(errors.size(), 1, kWaitMs);
    QCOMPARE(errors.first().at(0).toString(), QStringLiteral("bad_filter"));
    QCOMPARE(errors.first().at(2).toString(), ref);
    // The server keeps the filter it had, and says so.
    QCOMPARE(applied.size(), 2);
    QCOMPARE(applied.last().at(0).value<LogFilter>(), first);
    QCOMPARE(applied.last().at(1).toBool(), true);
    // The session goes on: same link, messages still arrive.
    server.broadcast(logEntry("w1", 1, "warn"));
    QTRY_COMPARE_WITH_TIMEOUT(received.size(), 1, kWaitMs);
    QCOMPARE(manager.state(), State::Connected);
    QCOMPARE(states.size(), 0);
    QCOMPARE(server.connections(), 1);
}

void TestLogStream::withoutTheCapabilityTheFilterStaysLocal()
{
    ScriptedServer server;
    QVERIFY(server.listen());
    ConnectionManager manager(clientOf(server, {"chat", "logs"}));
    QSignalSpy applied(&manager, &ConnectionManager::logFilterApplied);
    QVERIFY(!welcomeAndSubscribe(manager, server, {"ack", "logBatch"}).isEmpty());
    applied.clear();
    const LogFilter wanted = filterOf(1, {}, "task-9");
    manager.setLogFilter(wanted);
    QCOMPARE(applied.size(), 1); // at once: nobody to ask
    QCOMPARE(applied.first().at(0).value<LogFilter>(), wanted);
    QCOMPARE(applied.first().at(1).toBool(), false);
    QVERIFY(!manager.serverFiltersLogs());
    QVERIFY(marker(manager, server));
    QCOMPARE(receivedOfType(server, "update_filter").size(), 0);
}

void TestLogStream::aFilterTheServerWouldRefuseStaysLocal()
{
    ScriptedServer server;
    QVERIFY(server.listen());
    auto config = clientOf(server);
    QStringList many;
    for (int i = 0; i <= LogFilter::kMaxSources; ++i)
        many.append(QString("source-%1").arg(i));
    config.logFilter = filterOf(0, many);
    ConnectionManager manager(config);
    QSignalSpy applied(&manager, &ConnectionManager::logFilterApplied);
    const QJsonObject subscribe = welcomeAndSubscribe(manager, server, {"logFilter"});
    QVERIFY(!subscribeEntry(subscribe, "logs").contains("filter"));
    QCOMPARE(applied.size(), 1);
    QCOMPARE(applied.first().at(1).toBool(), false);
    manager.setLogFilter(filterOf(1, many));
    QCOMPARE(applied.size(), 2);
    QCOMPARE(applied.last().at(1).toBool(), false);
    QVERIFY(marker(manager, server));
    QCOMPARE(receivedOfType(server, "update_filter").size(), 0);
}

void TestLogStream::seqHolesUnderAServerFilterAreNoGaps_data()
{
    QTest::addColumn<QStringList>("capabilities");
    QTest::addColumn<bool>("filtered");
    QTest::addColumn<bool>("gapsAskedFor");
    QTest::newRow("server filter") << QStringList{"logFilter"} << true << false;
    QTest::newRow("no filter") << QStringList{"logFilter"} << false << true;
    QTest::newRow("filter the server cannot apply") << QStringList{"ack"} << true << true;
}

void TestLogStream::seqHolesUnderAServerFilterAreNoGaps()
{
    QFETCH(QStringList, capabilities);
    QFETCH(bool, filtered);
    QFETCH(bool, gapsAskedFor);
    ScriptedServer server;
    QVERIFY(server.listen());
    auto config = clientOf(server);
    if (filtered)
        config.logFilter = filterOf(2);
    ConnectionManager manager(config);
    QSignalSpy received(&manager, &ConnectionManager::envelopeReceived);
    QVERIFY(!welcomeAndSubscribe(manager, server, capabilities).isEmpty());
    server.broadcast(systemMessage("subscribed", {{"channel", "logs"}, {"head", 0}}));
    server.broadcast(logEntry("a", 1, "warn"));
    server.broadcast(logEntry("b", 4, "warn"));
    server.broadcast(relayBatch({batchEntry("c", 9)}));
    server.broadcast(logEntry("b", 4, "warn")); // still a duplicate
    QTRY_COMPARE_WITH_TIMEOUT(received.size(), 3, kWaitMs);
    QVERIFY(marker(manager, server));
    QCOMPARE(manager.duplicatesDropped(), 1u);
    QCOMPARE(manager.lastSeq("logs"), 9);
    const QList<QJsonObject> subscribes = receivedOfType(server, "subscribe");
    if (gapsAskedFor) {
        QVERIFY(subscribes.size() >= 2);
        QCOMPARE(subscribeEntry(subscribes.at(1), "logs")["since"].toInt(), 1);
    } else {
        QCOMPARE(subscribes.size(), 1);
    }
}

void TestLogStream::httpRequestsCarryTheFilter_data()
{
    QTest::addColumn<vigil::TransportPreference>("transport");
    QTest::addColumn<QString>("path");
    QTest::newRow("sse") << vigil::TransportPreference::Sse << "/api/stream";
    QTest::newRow("poll") << vigil::TransportPreference::Poll << "/api/poll";
}

void TestLogStream::httpRequestsCarryTheFilter()
{
    QFETCH(vigil::TransportPreference, transport);
    QFETCH(QString, path);
    HttpRecorder server;
    auto config = vigil::test::configFor({server.wsUrl()}, {"logs", "chat"}, transport);
    config.heartbeatMs = 600000;
    // Characters that mean something in a URL survive the trip.
    const LogFilter first = filterOf(2, {"api", "a&b=c+d %41#"}, "task/7");
    config.logFilter = first;
    ConnectionManager manager(config);
    QSignalSpy applied(&manager, &ConnectionManager::logFilterApplied);
    manager.open();
    QTRY_COMPARE_WITH_TIMEOUT(manager.state(), State::Fallback, kWaitMs);
    QVERIFY(!server.requests(path).isEmpty());
    QVERIFY(logFilterParameter(server.requests(path).first()) == first);
    // No welcome over HTTP: nothing says this server filters, so the caller filters too.
    QCOMPARE(applied.size(), 1);
    QCOMPARE(applied.last().at(1).toBool(), false);
    QVERIFY(!manager.serverFiltersLogs());

    // A request sent before a change may reach the server after it (seen once, at a load of
    // 7): each step waits for the newest request to carry what the change asked for.
    const auto newest = [&] { return server.requests(path).last(); };
    const qsizetype before = server.requests(path).size();
    const LogFilter second = filterOf(3, {"db"});
    manager.setLogFilter(second);
    QTRY_VERIFY_WITH_TIMEOUT(
        server.requests(path).size() > before && logFilterParameter(newest()) == second, kWaitMs);
    QCOMPARE(applied.last().at(0).value<LogFilter>(), second);

    // One the server would refuse (400) is left out, as is a cleared one.
    QStringList many;
    for (int i = 0; i <= LogFilter::kMaxSources; ++i)
        many.append(QString("s%1").arg(i));
    const qsizetype refused = server.requests(path).size();
    manager.setLogFilter(filterOf(1, many));
    QTRY_VERIFY_WITH_TIMEOUT(server.requests(path).size() > refused &&
                                 !QUrlQuery(newest()).hasQueryItem("logFilter"),
                             kWaitMs);
    QCOMPARE(applied.last().at(1).toBool(), false);
    const qsizetype cleared = server.requests(path).size();
    manager.setLogFilter(LogFilter());
    QTRY_VERIFY_WITH_TIMEOUT(server.requests(path).size() > cleared &&
                                 !QUrlQuery(newest()).hasQueryItem("logFilter"),
                             kWaitMs);
}

void TestLogStream::viewHandsOnABatchInOnePieceAndTheFilter()
{
    // The window reads a connection through a ConnectionView, which hands on the envelopes of
    // one event-loop turn as one list: the entries of one relay batch arrive together.
    ScriptedServer server;
    QVERIFY(server.listen());
    ConnectionManager manager(clientOf(server));
    vigil::ConnectionView view(&manager);
    QSignalSpy batches(&view, &vigil::ConnectionView::envelopesReceived);
    QSignalSpy applied(&view, &vigil::ConnectionView::logFilterApplied);
    QVERIFY(!welcomeAndSubscribe(manager, server, {"logBatch", "logFilter"}).isEmpty());
    server.broadcast(systemMessage("subscribed", {{"channel", "logs"}, {"head", 0}}));
    server.broadcast(relayBatch({batchEntry("e1", 1), batchEntry("e2", 2), batchEntry("e3", 3)}));
    QTRY_COMPARE_WITH_TIMEOUT(batches.size(), 1, kWaitMs);
    const auto list = batches.first().first().value<QList<Envelope>>();
    QCOMPARE(list.size(), 3);
    QCOMPARE(list.at(0).id, QStringLiteral("e1"));
    QCOMPARE(list.at(2).id, QStringLiteral("e3"));

    applied.clear();
    const LogFilter wanted = filterOf(3);
    view.setLogFilter(wanted);
    QCOMPARE(view.config().logFilter, wanted);
    QTRY_COMPARE_WITH_TIMEOUT(receivedOfType(server, "update_filter").size(), 1, kWaitMs);
    server.broadcast(
        systemMessage("filter_updated", {{"channel", "logs"}, {"filter", wanted.toJson()}}));
    QTRY_COMPARE_WITH_TIMEOUT(applied.size(), 1, kWaitMs);
    QCOMPARE(applied.first().at(0).value<LogFilter>(), wanted);
    QVERIFY(applied.first().at(1).toBool());
}

void TestLogStream::realRelayFiltersAndBatches()
{
    // End to end with vigil-relay in this process: the filter rides on the subscribe, the
    // relay sends only what matches, in batches, and the client sees single entries with
    // holes in their seqs that are not gaps.
    vigil::Relay relay(vigil::RelayConfig{});
    QString error;
    QVERIFY2(relay.start(&error), qPrintable(error));
    auto config =
        vigil::test::configFor({relay.url()}, {"logs"}, vigil::TransportPreference::WebSocket);
    config.logFilter = filterOf(2); // warn and above
    ConnectionManager manager(config);
    QSignalSpy received(&manager, &ConnectionManager::envelopeReceived);
    QSignalSpy subscribed(&manager, &ConnectionManager::subscribed);
    QSignalSpy applied(&manager, &ConnectionManager::logFilterApplied);
    QList<Envelope> inbound;
    int subscribes = 0;
    connect(&manager, &ConnectionManager::traffic, this, [&](bool outbound, const Envelope &e) {
        if (!outbound)
            inbound.append(e);
        else if (e.type == u"subscribe")
            ++subscribes;
    });
    manager.open();
    QTRY_COMPARE_WITH_TIMEOUT(subscribed.size(), 1, kWaitMs);
    QVERIFY(manager.serverFiltersLogs());
    QCOMPARE(applied.last().at(0).value<LogFilter>(), config.logFilter);
    QVERIFY(applied.last().at(1).toBool());

    const QStringList levels = {"info", "warn", "debug", "error", "info", "warn"};
    for (const QString &level : levels)
        relay.publish(Envelope::create("log.entry", "logs", logPayload(level, level, "api")));
    QTRY_COMPARE_WITH_TIMEOUT(received.size(), 3, kWaitMs);
    const QList<qint64> seqs = {2, 4, 6};
    for (int i = 0; i < 3; ++i) {
        const auto e = received.at(i).first().value<Envelope>();
        QCOMPARE(e.type, QStringLiteral("log.entry"));
        QCOMPARE(e.seq, seqs.at(i));
        QVERIFY(config.logFilter.matches(e.payload.toObject()));
    }
    QCOMPARE(manager.lastSeq("logs"), 6);
    QVERIFY(std::any_of(inbound.begin(), inbound.end(),
                        [](const Envelope &e) { return e.type == u"log.batch"; }));

    // A narrower filter without resubscribing.
    manager.setLogFilter(filterOf(3));
    QTRY_VERIFY_WITH_TIMEOUT(applied.last().at(0).value<LogFilter>() == filterOf(3), kWaitMs);
    QVERIFY(applied.last().at(1).toBool());
    relay.publish(Envelope::create("log.entry", "logs", logPayload("warn", "w", "api")));
    relay.publish(Envelope::create("log.entry", "logs", logPayload("error", "e", "api")));
    QTRY_COMPARE_WITH_TIMEOUT(received.size(), 4, kWaitMs);
    QCOMPARE(received.last().first().value<Envelope>().seq, 8);
    QCOMPARE(manager.duplicatesDropped(), 0u);
    QCOMPARE(subscribes, 1); // no hole was taken for a gap
}

QTEST_GUILESS_MAIN(TestLogStream)
#include "tst_logstream.moc"
