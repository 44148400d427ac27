// Operator actions over real loopback sockets: confirmed to every subscriber with requestId and
// full data, replayed, applied once, refused with nothing fanned out, over WebSocket and POST
// alike; and the demo's colleague who receives and reads the operator's chat messages.
#include "actionclient.h"
#include "helpers/testsupport.h"
#include "protocol/envelope.h"
#include "relay/entitystates.h"
#include "relay/relay.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using vigil::Envelope;
using vigil::test::alert;
using vigil::test::Client;
using vigil::test::incident;
using vigil::test::json;
using vigil::test::kWaitMs;
using vigil::test::stateIn;
using vigil::test::summary;
using vigil::test::writeTokens;

class TestRelayActions : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void actionIsConfirmedToEverySubscriber_data();
    void actionIsConfirmedToEverySubscriber();
    void confirmationCarriesTheStateOthersPublished();
    void confirmationIsReplayedAfterReconnect();
    void resentActionIsAppliedOnce();
    void refusedAction_data();
    void refusedAction();
    void writeRightsApplyToActions();
    void postAppliesActionsLikeTheWebSocket();
    void stateIsRebuiltFromTheHistoryAtStart();
    void stateIsBounded();
    void demoIncidentsCanBeActedOn();
    void demoColleagueReceivesAndReadsOperatorMessages();

private:
    void startRelay(vigil::RelayConfig config = {});
    /// Publishes the incidents and alerts the tests act on.
    void seed();

    std::unique_ptr<vigil::Relay> m_relay;
};

void TestRelayActions::startRelay(vigil::RelayConfig config)
{
    m_relay = std::make_unique<vigil::Relay>(config);
    QString error;
    if (!m_relay->start(&error))
        qFatal("relay did not start: %s", qPrintable(error));
}

void TestRelayActions::seed()
{
    m_relay->publish(Envelope::create("incident.created", "incidents",
                                      incident("inc-1", "checkout slow", "medium", "new")));
    m_relay->publish(Envelope::create("incident.created", "incidents",
                                      incident("inc-2", "search: disk full", "high", "new")));
    m_relay->publish(Envelope::create(
        "incident.resolved", "incidents",
        QJsonObject{{"incidentId", "inc-2"}, {"type", "resolved"}, {"data", QJsonObject{}}}));
    m_relay->publish(Envelope::create("incident.created", "incidents",
                                      incident("inc-3", "payments down", "critical", "new")));
    m_relay->publish(Envelope::create("alert.raised", "alerts", alert("alert-1", "slow queries")));
    m_relay->publish(Envelope::create("alert.raised", "alerts", alert("alert-2", "cert expiry")));
    m_relay->publish(Envelope::create("alert.cleared", "alerts",
                                      QJsonObject{{"alertId", "alert-2"}, {"title", "cleared"}}));
}

void TestRelayActions::init()
{
    startRelay();
    seed();
}

void TestRelayActions::cleanup()
{
    m_relay.reset();
}

void TestRelayActions::actionIsConfirmedToEverySubscriber_data()
{
    QTest::addColumn<QString>("type");
    QTest::addColumn<QJsonObject>("request");
    QTest::addColumn<QString>("confirmation");
    QTest::addColumn<QJsonObject>("expected"); // fields of the confirmed state

    const auto row = [](const char *name, const char *type, const char *request,
                        const char *confirmation, const char *expected) {
        QTest::newRow(name) << QString(type) << json(request).toObject() << QString(confirmation)
                            << json(expected).toObject();
    };
    row("acknowledge", "incident.acknowledge", R"({"incidentId":"inc-1"})", "incident.acknowledged",
        R"({"title":"checkout slow","severity":"medium","status":"acknowledged",)"
        R"("assignedTo":"anonymous","acknowledgedBy":"anonymous"})");
    row("assign", "incident.assign", R"({"incidentId":"inc-1","assignee":"chen"})",
        "incident.updated",
        R"({"title":"checkout slow","severity":"medium","status":"investigating",)"
        R"("assignedTo":"chen"})");
    row("escalate", "incident.escalate", R"({"incidentId":"inc-1"})", "incident.escalated",
        R"({"title":"checkout slow","severity":"high","status":"new","assignedTo":null})");
    row("resolve", "incident.resolve", R"({"incidentId":"inc-1","note":"rolled back"})",
        "incident.resolved",
        R"({"title":"checkout slow","severity":"medium","status":"resolved",)"
        R"("resolutionNote":"rolled back"})");
    row("create", "incident.create",
        R"({"title":"  edge cache cold  ","severity":"low","description":"hit rate 20%"})",
        "incident.created",
        R"({"title":"edge cache cold","severity":"low","status":"new","assignedTo":null,)"
        R"("description":"hit rate 20%"})");
    row("alert acknowledge", "alert.acknowledge", R"({"alertId":"alert-1"})", "alert.acknowledged",
        R"({"alertId":"alert-1","title":"slow queries","severity":"warning","source":"search",)"
        R"("status":"acknowledged","acknowledgedBy":"anonymous"})");
    row("alert silence", "alert.silence", R"({"alertId":"alert-1","minutes":30})", "alert.silenced",
        R"({"alertId":"alert-1","title":"slow queries","status":"silenced","minutes":30})");
}

void TestRelayActions::actionIsConfirmedToEverySubscriber()
{
    QFETCH(QString, type);
    QFETCH(QJsonObject, request);
    QFETCH(QString, confirmation);
    QFETCH(QJsonObject, expected);

    Client sender(m_relay->url());
    Client watcher(m_relay->url());
    QVERIFY(sender.waitWelcomed());
    QVERIFY(watcher.waitWelcomed());
    QVERIFY(watcher.subscribe({"incidents", "alerts"}));
    const QString channel = type.startsWith("incident.") ? "incidents" : "alerts";
    const qint64 head = m_relay->head(channel);

    const Envelope action = Envelope::create(type, channel, request);
    sender.send(action);
    QTRY_COMPARE_WITH_TIMEOUT(watcher.confirming(action.id).size(), 1, kWaitMs);
    QTRY_COMPARE_WITH_TIMEOUT(sender.acks(action.id), 1, kWaitMs);

    const Envelope update = watcher.confirming(action.id).first();
    QCOMPARE(update.type, confirmation);
    QCOMPARE(update.channel, channel);
    QCOMPARE(update.seq, head + 1);
    QVERIFY(update.id != action.id); // the relay's own message, not the request fanned out
    const QJsonObject payload = update.payload.toObject();
    QCOMPARE(payload.value("actor").toString(), QStringLiteral("anonymous"));
    const QJsonObject state = stateIn(update);
    for (auto it = expected.begin(); it != expected.end(); ++it)
        QVERIFY2(state.value(it.key()) == it.value(), qPrintable(it.key()));
    if (channel == "incidents") {
        QCOMPARE(payload.value("type").toString(), confirmation.mid(int(qstrlen("incident."))));
        const QString id = payload.value("incidentId").toString();
        QVERIFY(type == "incident.create" ? id.startsWith("inc-") && id != "inc-1" : id == "inc-1");
    }
    if (type == "alert.silence") {
        QCOMPARE(state.value("silencedUntil").toInteger(), update.timestamp + 30 * 60 * 1000);
    }

    // Only the confirmation went out: the request itself is neither fanned out nor kept.
    QCOMPARE(m_relay->head(channel), head + 1);
    QVERIFY(watcher.ofType(type).isEmpty());
    QVERIFY(sender.errorAbout(action.id).isEmpty());
    QCOMPARE(summary(*m_relay).value("actionsApplied").toInt(), 1);
}

void TestRelayActions::confirmationCarriesTheStateOthersPublished()
{
    Client operatorA(m_relay->url());
    QVERIFY(operatorA.waitWelcomed());
    QVERIFY(operatorA.subscribe({"incidents"}));
    // Another client's own update changes what the relay knows of inc-1...
    const Envelope update = Envelope::create(
        "incident.updated", "incidents",
        QJsonObject{{"incidentId", "inc-1"},
                    {"type", "updated"},
                    {"data", QJsonObject{{"status", "mitigating"}, {"assignedTo", "dana"}}}});
    operatorA.send(update);
    QTRY_COMPARE_WITH_TIMEOUT(operatorA.acks(update.id), 1, kWaitMs);
    // ...so the escalation's confirmation carries all of it: the title from the creation, the
    // status and assignee from the update, the severity one step up.
    const Envelope escalate =
        Envelope::create("incident.escalate", "incidents", QJsonObject{{"incidentId", "inc-1"}});
    operatorA.send(escalate);
    QTRY_COMPARE_WITH_TIMEOUT(operatorA.confirming(escalate.id).size(), 1, kWaitMs);
    QCOMPARE(stateIn(operatorA.confirming(escalate.id).first()),
             (QJsonObject{{"title", "checkout slow"},
                          {"severity", "high"},
                          {"status", "mitigating"},
                          {"assignedTo", "dana"},
                          {"escalatedBy", "anonymous"}}));
    // And the next action starts from the confirmed state: high becomes critical.
    const Envelope again =
        Envelope::create("incident.escalate", "incidents", QJsonObject{{"incidentId", "inc-1"}});
    operatorA.send(again);
    QTRY_COMPARE_WITH_TIMEOUT(operatorA.confirming(again.id).size(), 1, kWaitMs);
    QCOMPARE(stateIn(operatorA.confirming(again.id).first()).value("severity").toString(),
             QStringLiteral("critical"));
}

void TestRelayActions::confirmationIsReplayedAfterReconnect()
{
    const qint64 seen = m_relay->head("incidents");
    Envelope action;
    qint64 confirmedSeq = -1;
    QString confirmedId;
    {
        Client sender(m_relay->url());
        QVERIFY(sender.waitWelcomed());
        QVERIFY(sender.subscribe({"incidents"}, seen));
        action = Envelope::create("incident.acknowledge", "incidents",
                                  QJsonObject{{"incidentId", "inc-1"}});
        sender.send(action);
        QTRY_COMPARE_WITH_TIMEOUT(sender.acks(action.id), 1, kWaitMs);
        QCOMPARE(sender.confirming(action.id).size(), 1);
        confirmedSeq = sender.confirming(action.id).first().seq;
        confirmedId = sender.confirming(action.id).first().id;
    }
    // A client that was away resumes from its last seq and gets the confirmation from history,
    // the same message with the same id and seq.
    Client back(m_relay->url());
    QVERIFY(back.waitWelcomed());
    QVERIFY(back.subscribe({"incidents"}, seen));
    QCOMPARE(back.confirming(action.id).size(), 1);
    const Envelope replayed = back.confirming(action.id).first();
    QCOMPARE(replayed.seq, confirmedSeq);
    QCOMPARE(replayed.id, confirmedId);
    QCOMPARE(replayed.type, QStringLiteral("incident.acknowledged"));
    QCOMPARE(stateIn(replayed).value("status").toString(), QStringLiteral("acknowledged"));
    const QJsonObject subscribed = back.ofType("subscribed").first().payload.toObject();
    QCOMPARE(subscribed.value("replayed").toInt(), 1);
    QCOMPARE(subscribed.value("recovered").toBool(), true);
}

void TestRelayActions::resentActionIsAppliedOnce()
{
    Client watcher(m_relay->url());
    QVERIFY(watcher.waitWelcomed());
    QVERIFY(watcher.subscribe({"incidents"}));
    // Escalation is not idempotent (each one raises the severity), so a second application
    // would show.
    const Envelope escalate =
        Envelope::create("incident.escalate", "incidents", QJsonObject{{"incidentId", "inc-1"}});
    {
        Client sender(m_relay->url());
        QVERIFY(sender.waitWelcomed());
        sender.send(escalate);
        QTRY_COMPARE_WITH_TIMEOUT(sender.acks(escalate.id), 1, kWaitMs);
    }
    const qint64 head = m_relay->head("incidents");
    // The ack was lost with the connection: the client sends it again after reconnecting.
    Client again(m_relay->url());
    QVERIFY(again.waitWelcomed());
    again.send(escalate);
    again.send(escalate);
    QTRY_COMPARE_WITH_TIMEOUT(again.acks(escalate.id), 2, kWaitMs);
    QCOMPARE(m_relay->head("incidents"), head);
    QVERIFY(again.errorAbout(escalate.id).isEmpty());
    // The next, different action sees the severity raised once: medium -> high -> critical.
    const Envelope next =
        Envelope::create("incident.escalate", "incidents", QJsonObject{{"incidentId", "inc-1"}});
    again.send(next);
    QTRY_COMPARE_WITH_TIMEOUT(watcher.confirming(next.id).size(), 1, kWaitMs);
    QCOMPARE(watcher.confirming(escalate.id).size(), 1);
    QCOMPARE(stateIn(watcher.confirming(next.id).first()).value("severity").toString(),
             QStringLiteral("critical"));
}

void TestRelayActions::refusedAction_data()
{
    QTest::addColumn<QString>("type");
    QTest::addColumn<QString>("channel");
    QTest::addColumn<QJsonValue>("request");
    QTest::addColumn<QString>("code");

    const auto row = [](const char *name, const char *type, const char *channel,
                        const QJsonValue &request, const char *code) {
        QTest::newRow(name) << QString(type) << QString(channel) << request << QString(code);
    };
    const char *ack = "incident.acknowledge";
    const char *create = "incident.create";
    const char *silence = "alert.silence";
    const char *invalid = "invalid_action";
    row("unknown incident", ack, "incidents", json(R"({"incidentId":"inc-404"})"), "not_found");
    row("no incidentId", ack, "incidents", json("{}"), invalid);
    row("incidentId not a string", ack, "incidents", json(R"({"incidentId":1})"), invalid);
    row("payload not an object", ack, "incidents", json(R"("inc-1")"), invalid);
    row("on another channel", ack, "chat", json(R"({"incidentId":"inc-1"})"), invalid);
    row("assign without assignee", "incident.assign", "incidents",
        json(R"({"incidentId":"inc-1"})"), invalid);
    row("assign to blank", "incident.assign", "incidents",
        json(R"({"incidentId":"inc-1","assignee":"  "})"), invalid);
    row("note not a string", "incident.resolve", "incidents",
        json(R"({"incidentId":"inc-1","note":5})"), invalid);
    row("note too long", "incident.resolve", "incidents",
        QJsonObject{{"incidentId", "inc-1"}, {"note", QString(4001, 'n')}}, invalid);
    row("blank title", create, "incidents", json(R"({"title":" ","severity":"low"})"), invalid);
    row("title too long", create, "incidents",
        QJsonObject{{"title", QString(201, 't')}, {"severity", "low"}}, invalid);
    row("unknown severity", create, "incidents", json(R"({"title":"x","severity":"urgent"})"),
        invalid);
    row("no severity", create, "incidents", json(R"({"title":"x"})"), invalid);
    row("description not a string", create, "incidents",
        json(R"({"title":"x","severity":"low","description":true})"), invalid);
    row("unknown alert", "alert.acknowledge", "alerts", json(R"({"alertId":"alert-404"})"),
        "not_found");
    row("silence for 0 minutes", silence, "alerts", json(R"({"alertId":"alert-1","minutes":0})"),
        invalid);
    row("silence for 1441 minutes", silence, "alerts",
        json(R"({"alertId":"alert-1","minutes":1441})"), invalid);
    row("silence for 2.5 minutes", silence, "alerts",
        json(R"({"alertId":"alert-1","minutes":2.5})"), invalid);
    row("silence for -5 minutes", silence, "alerts", json(R"({"alertId":"alert-1","minutes":-5})"),
        invalid);
    row("minutes as text", silence, "alerts", json(R"({"alertId":"alert-1","minutes":"30"})"),
        invalid);
    row("no minutes", silence, "alerts", json(R"({"alertId":"alert-1"})"), invalid);
    row("silence a cleared alert", silence, "alerts", json(R"({"alertId":"alert-2","minutes":5})"),
        "conflict");
    row("acknowledge a cleared alert", "alert.acknowledge", "alerts",
        json(R"({"alertId":"alert-2"})"), "conflict");
    const QJsonValue resolved = json(R"({"incidentId":"inc-2"})");
    row("acknowledge a resolved incident", ack, "incidents", resolved, "conflict");
    row("escalate a resolved incident", "incident.escalate", "incidents", resolved, "conflict");
    row("resolve a resolved incident", "incident.resolve", "incidents", resolved, "conflict");
    row("assign a resolved incident", "incident.assign", "incidents",
        json(R"({"incidentId":"inc-2","assignee":"chen"})"), "conflict");
    row("escalate a critical incident", "incident.escalate", "incidents",
        json(R"({"incidentId":"inc-3"})"), "conflict");
}

void TestRelayActions::refusedAction()
{
    QFETCH(QString, type);
    QFETCH(QString, channel);
    QFETCH(QJsonValue, request);
    QFETCH(QString, code);

    Client sender(m_relay->url());
    QVERIFY(sender.waitWelcomed());
    QVERIFY(sender.subscribe({"incidents", "alerts", "chat"}));
    const qint64 incidents = m_relay->head("incidents");
    const qint64 alerts = m_relay->head("alerts");
    const qint64 chat = m_relay->head("chat");
    const qsizetype received = sender.received.size();

    const Envelope action = Envelope::create(type, channel, request);
    sender.send(action);
    QTRY_VERIFY_WITH_TIMEOUT(!sender.errorAbout(action.id).isEmpty(), kWaitMs);
    const QJsonObject error = sender.errorAbout(action.id);
    QCOMPARE(error.value("code").toString(), code);
    QVERIFY(!error.value("message").toString().isEmpty());
    // Refused: neither acked nor applied, and nothing went out on any channel.
    QCOMPARE(sender.acks(action.id), 0);
    QCOMPARE(m_relay->head("incidents"), incidents);
    QCOMPARE(m_relay->head("alerts"), alerts);
    QCOMPARE(m_relay->head("chat"), chat);
    QCOMPARE(sender.received.size(), received + 1); // the error, nothing else
    QCOMPARE(summary(*m_relay).value("actionsRefused").toInt(), 1);
}

void TestRelayActions::writeRightsApplyToActions()
{
    QTemporaryDir dir;
    vigil::RelayConfig config;
    config.tokensFile = writeTokens(dir);
    startRelay(config);
    seed();

    Client alice(m_relay->url(), "op-token");
    Client bob(m_relay->url(), "viewer-token");
    QVERIFY(alice.waitWelcomed());
    QVERIFY(bob.waitWelcomed());
    QVERIFY(bob.subscribe({"incidents"}));
    const qint64 incidents = m_relay->head("incidents");
    const qint64 alerts = m_relay->head("alerts");

    // A viewer may not act, and an operator only on the channels it may write.
    const Envelope byViewer =
        Envelope::create("incident.acknowledge", "incidents", QJsonObject{{"incidentId", "inc-1"}});
    bob.send(byViewer);
    const Envelope onAlerts =
        Envelope::create("alert.acknowledge", "alerts", QJsonObject{{"alertId", "alert-1"}});
    alice.send(onAlerts);
    QTRY_VERIFY_WITH_TIMEOUT(!bob.errorAbout(byViewer.id).isEmpty(), kWaitMs);
    QTRY_VERIFY_WITH_TIMEOUT(!alice.errorAbout(onAlerts.id).isEmpty(), kWaitMs);
    QCOMPARE(bob.errorAbout(byViewer.id).value("code").toString(),
             QStringLiteral("forbidden_channel"));
    QCOMPARE(alice.errorAbout(onAlerts.id).value("code").toString(),
             QStringLiteral("forbidden_channel"));
    QCOMPARE(m_relay->head("incidents"), incidents);
    QCOMPARE(m_relay->head("alerts"), alerts);

    // The operator's acknowledgement reaches the viewer, in the operator's name.
    const Envelope byOperator =
        Envelope::create("incident.acknowledge", "incidents", QJsonObject{{"incidentId", "inc-1"}});
    alice.send(byOperator);
    QTRY_COMPARE_WITH_TIMEOUT(bob.confirming(byOperator.id).size(), 1, kWaitMs);
    const Envelope update = bob.confirming(byOperator.id).first();
    QCOMPARE(update.payload.toObject().value("actor").toString(), QStringLiteral("alice"));
    QCOMPARE(stateIn(update).value("assignedTo").toString(), QStringLiteral("alice"));
    QCOMPARE(bob.confirming(byViewer.id).size(), 0);
}

void TestRelayActions::postAppliesActionsLikeTheWebSocket()
{
    Client watcher(m_relay->url());
    QVERIFY(watcher.waitWelcomed());
    QVERIFY(watcher.subscribe({"incidents"}));
    const qint64 head = m_relay->head("incidents");

    QNetworkAccessManager net;
    const auto post = [&](const QByteArray &body) {
        QNetworkRequest request(m_relay->httpUrl().resolved(QUrl("/api/messages")));
        request.setHeader(QNetworkRequest::ContentTypeHeader, "application/json");
        QNetworkReply *reply = net.post(request, body);
        QSignalSpy done(reply, &QNetworkReply::finished);
        if (!reply->isFinished())
            done.wait(kWaitMs);
        reply->deleteLater();
        return QJsonDocument::fromJson(reply->readAll()).array();
    };
    const QByteArray batch = R"([
        {"id":"h-1","type":"incident.resolve","channel":"incidents","payload":{"incidentId":"inc-1"}},
        {"id":"h-2","type":"incident.resolve","channel":"incidents","payload":{"incidentId":"inc-1"}},
        {"id":"h-3","type":"incident.create","channel":"incidents","payload":{"title":"","severity":"low"}}])";
    const QJsonArray answers = post(batch);
    QCOMPARE(answers.size(), 3);
    QCOMPARE(answers.at(0).toObject().value("type").toString(), QStringLiteral("ack"));
    QCOMPARE(answers.at(0).toObject().value("payload").toObject().value("id").toString(),
             QStringLiteral("h-1"));
    // The second resolve of the same batch finds the incident resolved by the first.
    const QJsonObject conflict = answers.at(1).toObject().value("payload").toObject();
    QCOMPARE(answers.at(1).toObject().value("type").toString(), QStringLiteral("error"));
    QCOMPARE(conflict.value("code").toString(), QStringLiteral("conflict"));
    QCOMPARE(conflict.value("ref").toString(), QStringLiteral("h-2"));
    const QJsonObject invalid = answers.at(2).toObject().value("payload").toObject();
    QCOMPARE(invalid.value("code").toString(), QStringLiteral("invalid_action"));
    QCOMPARE(invalid.value("ref").toString(), QStringLiteral("h-3"));

    QTRY_COMPARE_WITH_TIMEOUT(watcher.confirming("h-1").size(), 1, kWaitMs);
    QCOMPARE(watcher.confirming("h-1").first().type, QStringLiteral("incident.resolved"));
    QCOMPARE(m_relay->head("incidents"), head + 1);

    // Sent again (the answer was lost): acked again, not applied again, no conflict either.
    const QJsonArray again = post(R"({"id":"h-1","type":"incident.resolve","channel":"incidents",
                                      "payload":{"incidentId":"inc-1"}})");
    QCOMPARE(again.size(), 1);
    QCOMPARE(again.at(0).toObject().value("type").toString(), QStringLiteral("ack"));
    QCOMPARE(m_relay->head("incidents"), head + 1);
}

void TestRelayActions::stateIsRebuiltFromTheHistoryAtStart()
{
    QTemporaryDir dir;
    vigil::RelayConfig config;
    config.dataDir = dir.path();
    startRelay(config);
    seed();
    m_relay.reset(); // saved at stop

    startRelay(config);
    Client sender(m_relay->url());
    QVERIFY(sender.waitWelcomed());
    QVERIFY(sender.subscribe({"incidents"}));
    const Envelope assign =
        Envelope::create("incident.assign", "incidents",
                         QJsonObject{{"incidentId", "inc-1"}, {"assignee", "emeka"}});
    sender.send(assign);
    QTRY_COMPARE_WITH_TIMEOUT(sender.confirming(assign.id).size(), 1, kWaitMs);
    const QJsonObject state = stateIn(sender.confirming(assign.id).first());
    QCOMPARE(state.value("title").toString(), QStringLiteral("checkout slow"));
    QCOMPARE(state.value("assignedTo").toString(), QStringLiteral("emeka"));
    // What was resolved before the restart is still resolved.
    const Envelope late =
        Envelope::create("incident.resolve", "incidents", QJsonObject{{"incidentId", "inc-2"}});
    sender.send(late);
    QTRY_VERIFY_WITH_TIMEOUT(!sender.errorAbout(late.id).isEmpty(), kWaitMs);
    QCOMPARE(sender.errorAbout(late.id).value("code").toString(), QStringLiteral("conflict"));
}

void TestRelayActions::stateIsBounded()
{
    // One incident with a huge field keeps only what a confirmation needs...
    QJsonObject huge = incident("inc-huge", "big", "low", "new");
    QJsonObject data = huge.value("data").toObject();
    data.insert("attachment", QString(100 * 1024, 'x'));
    huge.insert("data", data);
    m_relay->publish(Envelope::create("incident.created", "incidents", huge));
    // ...and beyond the count limit, the incident changed longest ago is forgotten.
    for (int i = 0; i < vigil::EntityStates::kMaxPerKind; ++i) {
        m_relay->publish(
            Envelope::create("incident.created", "incidents",
                             incident(QStringLiteral("bulk-%1").arg(i), "bulk", "low", "new")));
    }
    Client sender(m_relay->url());
    QVERIFY(sender.waitWelcomed());
    QVERIFY(sender.subscribe({"incidents"}));
    const Envelope forgotten =
        Envelope::create("incident.acknowledge", "incidents", QJsonObject{{"incidentId", "inc-1"}});
    const Envelope kept = Envelope::create(
        "incident.acknowledge", "incidents",
        QJsonObject{
            {"incidentId", QStringLiteral("bulk-%1").arg(vigil::EntityStates::kMaxPerKind - 1)}});
    sender.send(forgotten);
    sender.send(kept);
    QTRY_COMPARE_WITH_TIMEOUT(sender.acks(kept.id), 1, kWaitMs);
    QCOMPARE(sender.errorAbout(forgotten.id).value("code").toString(), QStringLiteral("not_found"));

    startRelay();
    m_relay->publish(Envelope::create("incident.created", "incidents", huge));
    Client again(m_relay->url());
    QVERIFY(again.waitWelcomed());
    QVERIFY(again.subscribe({"incidents"}));
    const Envelope onHuge =
        Envelope::create("incident.escalate", "incidents", QJsonObject{{"incidentId", "inc-huge"}});
    again.send(onHuge);
    QTRY_COMPARE_WITH_TIMEOUT(again.confirming(onHuge.id).size(), 1, kWaitMs);
    QCOMPARE(stateIn(again.confirming(onHuge.id).first()),
             (QJsonObject{{"title", "big"},
                          {"severity", "medium"},
                          {"status", "new"},
                          {"assignedTo", QJsonValue::Null},
                          {"escalatedBy", "anonymous"}}));
}

void TestRelayActions::demoIncidentsCanBeActedOn()
{
    vigil::RelayConfig config;
    config.demo = true;
    config.demoLogRate = 0;
    startRelay(config);
    Client sender(m_relay->url());
    QVERIFY(sender.waitWelcomed());
    QVERIFY(sender.subscribe({"incidents"}, 0));
    // The scenario opens its first incident at once (and cannot resolve it within 15 s).
    QTRY_VERIFY_WITH_TIMEOUT(!sender.ofType("incident.created").isEmpty(), kWaitMs);
    const QJsonObject created = sender.ofType("incident.created").first().payload.toObject();
    const QString id = created.value("incidentId").toString();

    const Envelope action = Envelope::create(
        "incident.assign", "incidents", QJsonObject{{"incidentId", id}, {"assignee", "alice"}});
    sender.send(action);
    QTRY_COMPARE_WITH_TIMEOUT(sender.confirming(action.id).size(), 1, kWaitMs);
    const QJsonObject state = stateIn(sender.confirming(action.id).first());
    QCOMPARE(state.value("title"), created.value("data").toObject().value("title"));
    QCOMPARE(state.value("assignedTo").toString(), QStringLiteral("alice"));
}

void TestRelayActions::demoColleagueReceivesAndReadsOperatorMessages()
{
    vigil::RelayConfig config;
    config.demo = true;
    startRelay(config);
    Client operatorA(m_relay->url());
    QVERIFY(operatorA.waitWelcomed());
    QVERIFY(operatorA.subscribe({"chat"}));

    const Envelope message = Envelope::create("chat.message", "chat",
                                              QJsonObject{{"id", "op-msg-1"},
                                                          {"conversationId", "conv-2"},
                                                          {"senderId", "alice"},
                                                          {"content", "I am on it"}});
    operatorA.send(message);
    QTRY_COMPARE_WITH_TIMEOUT(operatorA.acks(message.id), 1, kWaitMs);
    // The scenario's own chat (questions, the bot's receipts and answers) goes on meanwhile;
    // only the receipts naming the operator's message count here.
    QTRY_COMPARE_WITH_TIMEOUT(operatorA.receipts("chat.read", "op-msg-1").size(), 1, kWaitMs);
    QCOMPARE(operatorA.receipts("chat.delivered", "op-msg-1").size(), 1);

    QCOMPARE(operatorA.withId(message.id).size(), 1);
    const Envelope fanned = operatorA.withId(message.id).first();
    QCOMPARE(fanned.payload, message.payload); // the message itself went out as sent
    const Envelope delivered = operatorA.receipts("chat.delivered", "op-msg-1").first();
    const Envelope read = operatorA.receipts("chat.read", "op-msg-1").first();
    QVERIFY(fanned.seq < delivered.seq);
    QVERIFY(delivered.seq < read.seq);
    for (const Envelope &receipt : {delivered, read}) {
        const QJsonObject p = receipt.payload.toObject();
        QCOMPARE(p.value("conversationId").toString(), QStringLiteral("conv-2"));
        QCOMPARE(p.value("messageIds").toArray(), QJsonArray{"op-msg-1"});
        QVERIFY(!p.value("by").toString().isEmpty());
        QVERIFY(p.value("by").toString() != "alice");
    }
    QCOMPARE(delivered.payload.toObject().value("by"), read.payload.toObject().value("by"));
}

QTEST_GUILESS_MAIN(TestRelayActions)
#include "tst_relayactions.moc"
