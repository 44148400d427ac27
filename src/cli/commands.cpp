#include "commands.h"

#include "connection/diagnostics.h"
#include "connection/loglimiter.h"
#include "deadline.h"
#include "delivery/outboxdrainer.h"
#include "jsonout.h"
#include "protocol/logging.h"
#include "storage/datadir.h"
#include "storage/outbox.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QJsonArray>
#include <QSet>
#include <QTimer>

#include <algorithm>
#include <cstdio>
#include <limits>
#include <memory>
#include <utility>

namespace vigil::cli {

namespace {

/// Events a server can cause at will (subscribed, skipped) go through this: the first few per
/// interval are printed, then one "suppressed" event says how many were left out.
class EventLimiter : public LogLimiter
{
public:
    EventLimiter()
        : LogLimiter(20, 10000, [](const QString &kind, int suppressed, int intervalMs) {
            printEvent({{QStringLiteral("event"), QStringLiteral("suppressed")},
                        {QStringLiteral("kind"), kind},
                        {QStringLiteral("count"), suppressed},
                        {QStringLiteral("intervalMs"), intervalMs}});
        })
    {}
};

void reportStates(ConnectionManager *manager, EventLimiter *limiter)
{
    QObject::connect(manager, &ConnectionManager::messageSkipped, manager,
                     [limiter](const QString &channel, qint64 seq, const QString &reason) {
                         if (!limiter->allow(QStringLiteral("skipped")))
                             return;
                         QJsonObject event{{QStringLiteral("event"), QStringLiteral("skipped")},
                                           {QStringLiteral("reason"), reason}};
                         if (!channel.isEmpty())
                             event.insert(QStringLiteral("channel"), channel);
                         if (seq >= 0)
                             event.insert(QStringLiteral("seq"), seq);
                         printEvent(event);
                     });
    QObject::connect(manager, &ConnectionManager::stateChanged, manager,
                     [manager](ConnectionManager::State state, const QString &reason) {
                         QJsonObject event{
                             {QStringLiteral("event"), QStringLiteral("state")},
                             {QStringLiteral("state"), ConnectionManager::stateName(state)},
                             {QStringLiteral("transport"), manager->transportName()},
                             {QStringLiteral("attempt"), manager->attempt()},
                             {QStringLiteral("reason"), reason}};
                         if (state == ConnectionManager::State::Reconnecting)
                             event.insert(QStringLiteral("delayMs"), manager->nextDelayMs());
                         printEvent(event);
                     });
    QObject::connect(
        manager, &ConnectionManager::transportChanged, manager,
        [manager](const QString &transport, const QString &reason) {
            printEvent({{QStringLiteral("event"), QStringLiteral("state")},
                        {QStringLiteral("state"), ConnectionManager::stateName(manager->state())},
                        {QStringLiteral("transport"), transport},
                        {QStringLiteral("attempt"), manager->attempt()},
                        {QStringLiteral("reason"), reason}});
        });
}

void fail(const QString &message)
{
    printEvent(
        {{QStringLiteral("event"), QStringLiteral("error")}, {QStringLiteral("message"), message}});
}

/// Applies tail's log filter to one envelope printed as `line`: a `log.entry` that does not
/// match is left out, a publisher's `log.batch` keeps the entries that match (none: left out);
/// anything else passes. The server may have filtered already; this keeps the output right
/// against servers that cannot.
bool keepLogLine(const LogFilter &filter, const Envelope &envelope, QJsonObject *line)
{
    if (filter.isEmpty() || envelope.channel != u"logs")
        return true;
    const QJsonObject payload = envelope.payload.toObject();
    if (envelope.type == u"log.entry")
        return filter.matches(payload);
    if (envelope.type != u"log.batch")
        return true;
    QJsonArray kept;
    for (const QJsonValue &entry : payload.value(QStringLiteral("entries")).toArray()) {
        if (filter.matches(entry.toObject()))
            kept.append(entry);
    }
    if (kept.isEmpty())
        return false;
    QJsonObject filtered = payload;
    filtered.insert(QStringLiteral("entries"), kept);
    line->insert(QStringLiteral("payload"), filtered);
    return true;
}

bool openOutbox(const Options &options, Outbox *outbox)
{
    const QString dir = resolveDataDir(options.dataDir);
    QString error;
    if (!ensureDataDir(dir, &error) ||
        !outbox->open(dir + QStringLiteral("/outbox.sqlite"), &error)) {
        fail(error);
        return false;
    }
    if (!outbox->recoveryNotice().isEmpty()) {
        printEvent({{QStringLiteral("event"), QStringLiteral("outbox-recovered")},
                    {QStringLiteral("message"), outbox->recoveryNotice()}});
    }
    return true;
}

} // namespace

int runTail(const Options &options)
{
    const HardDeadline deadline(options.timeoutMs, HardDeadline::kDefaultGraceMs,
                                QStringLiteral("tail"));
    EventLimiter limiter;
    ConnectionConfig config = options.connection;
    config.channels = options.channels;
    ConnectionManager manager(config);
    reportStates(&manager, &limiter);

    int received = 0;
    const LogFilter &logFilter = config.logFilter;
    QObject::connect(&manager, &ConnectionManager::envelopeReceived, &manager,
                     [&](const Envelope &envelope) {
                         // Several frames may be handled before the loop ends: stop at N.
                         if (options.count > 0 && received >= options.count)
                             return;
                         QJsonObject line = envelope.toJson();
                         if (!keepLogLine(logFilter, envelope, &line))
                             return;
                         printResult(line);
                         ++received;
                         if (options.count > 0 && received >= options.count)
                             QCoreApplication::exit(Ok);
                     });
    QObject::connect(&manager, &ConnectionManager::subscribed, &manager,
                     [&limiter](const QString &channel, qint64 head, bool recovered) {
                         if (!limiter.allow(QStringLiteral("subscribed")))
                             return;
                         printEvent({{QStringLiteral("event"), QStringLiteral("subscribed")},
                                     {QStringLiteral("channel"), channel},
                                     {QStringLiteral("head"), head},
                                     {QStringLiteral("recovered"), recovered}});
                     });
    if (!logFilter.isEmpty()) {
        QObject::connect(&manager, &ConnectionManager::logFilterApplied, &manager,
                         [&limiter](const LogFilter &applied, bool onServer) {
                             if (!limiter.allow(QStringLiteral("log-filter")))
                                 return;
                             printEvent({{QStringLiteral("event"), QStringLiteral("log-filter")},
                                         {QStringLiteral("filter"), applied.toJson()},
                                         {QStringLiteral("onServer"), onServer}});
                         });
    }
    if (options.timeoutMs > 0) {
        QTimer::singleShot(options.timeoutMs, &manager, [&] {
            fail(QStringLiteral("timed out after %1 ms with %2 of %3 envelopes")
                     .arg(options.timeoutMs)
                     .arg(received)
                     .arg(options.count > 0 ? QString::number(options.count)
                                            : QStringLiteral("unlimited")));
            QCoreApplication::exit(TimedOut);
        });
    }
    manager.open();
    return QCoreApplication::exec();
}

int runSend(const Options &options)
{
    const HardDeadline deadline(options.timeoutMs, HardDeadline::kDefaultGraceMs,
                                QStringLiteral("send"));
    EventLimiter limiter;
    Outbox outbox;
    if (!openOutbox(options, &outbox))
        return Failure;
    const QString profile = profileFor(options.connection);

    Envelope envelope =
        Envelope::create(options.type, options.channel, options.payload, options.priority);
    QString error;
    const auto id = outbox.enqueue(profile, envelope, &error, options.ttlMs);
    if (!id) {
        fail(error);
        return Failure;
    }
    // The id is printed the moment the message is durable, before any network work.
    printResult(
        {{QStringLiteral("id"), *id}, {QStringLiteral("status"), QStringLiteral("enqueued")}});

    ConnectionConfig config = options.connection;
    config.autoReconnect = false;
    config.connectTimeoutMs = options.timeoutMs;
    ConnectionManager manager(config);
    reportStates(&manager, &limiter);
    OutboxDrainer drainer(&manager, &outbox, profile);

    bool done = false;
    auto finish = [&](const QString &status, const QString &reason, int code) {
        if (std::exchange(done, true))
            return;
        QJsonObject line{{QStringLiteral("id"), *id}, {QStringLiteral("status"), status}};
        if (!reason.isEmpty())
            line.insert(QStringLiteral("reason"), reason);
        printResult(line);
        QCoreApplication::exit(code);
    };
    QObject::connect(&drainer, &OutboxDrainer::delivered, &manager, [&](const QString &which) {
        if (which == *id)
            finish(QStringLiteral("delivered"), {}, Ok);
    });
    QObject::connect(&drainer, &OutboxDrainer::failed, &manager,
                     [&](const QString &which, const QString &reason, bool dead) {
                         if (which != *id)
                             return;
                         if (dead)
                             finish(QStringLiteral("dead-lettered"), reason, Failure);
                         else
                             finish(QStringLiteral("queued"), reason, Ok);
                     });
    QObject::connect(&manager, &ConnectionManager::stateChanged, &manager,
                     [&](ConnectionManager::State state, const QString &reason) {
                         if (state == ConnectionManager::State::Disconnected ||
                             state == ConnectionManager::State::Error)
                             finish(QStringLiteral("queued"), reason, Ok);
                     });
    QTimer::singleShot(options.timeoutMs, &manager, [&] {
        finish(QStringLiteral("queued"),
               QStringLiteral("not confirmed within %1 ms").arg(options.timeoutMs), Ok);
    });
    manager.open();
    return QCoreApplication::exec();
}

int runFlush(const Options &options)
{
    const HardDeadline deadline(options.timeoutMs, HardDeadline::kDefaultGraceMs,
                                QStringLiteral("flush"));
    EventLimiter limiter;
    Outbox outbox;
    if (!openOutbox(options, &outbox))
        return Failure;
    const QString profile = profileFor(options.connection);
    int delivered = 0;
    int deadLettered = 0;
    auto report = [&] {
        const OutboxStats stats = outbox.stats(profile);
        printResult({{QStringLiteral("event"), QStringLiteral("flush")},
                     {QStringLiteral("delivered"), delivered},
                     {QStringLiteral("deadLettered"), deadLettered},
                     {QStringLiteral("remaining"), stats.depth}});
    };
    outbox.expire(QDateTime::currentMSecsSinceEpoch());
    if (outbox.stats(profile).depth == 0) {
        report();
        return Ok;
    }

    ConnectionConfig config = options.connection;
    // Keep trying within the timeout: a relay that is restarting should still get the queue.
    config.reconnect.baseMs = 250;
    config.reconnect.capMs = 5000;
    ConnectionManager manager(config);
    reportStates(&manager, &limiter);
    OutboxDrainer drainer(&manager, &outbox, profile);
    QObject::connect(&drainer, &OutboxDrainer::delivered, &manager, [&](const QString &id) {
        ++delivered;
        printResult(
            {{QStringLiteral("id"), id}, {QStringLiteral("status"), QStringLiteral("delivered")}});
    });
    QObject::connect(&drainer, &OutboxDrainer::failed, &manager,
                     [&](const QString &id, const QString &reason, bool dead) {
                         if (!dead)
                             return;
                         ++deadLettered;
                         printResult({{QStringLiteral("id"), id},
                                      {QStringLiteral("status"), QStringLiteral("dead-lettered")},
                                      {QStringLiteral("reason"), reason}});
                     });
    QObject::connect(&drainer, &OutboxDrainer::idle, &manager, [&] {
        if (outbox.stats(profile).depth == 0)
            QCoreApplication::exit(Ok);
    });
    QTimer::singleShot(options.timeoutMs, &manager, [&] {
        fail(QStringLiteral("timed out after %1 ms; %2 message(s) still queued")
                 .arg(options.timeoutMs)
                 .arg(outbox.stats(profile).depth));
        QCoreApplication::exit(TimedOut);
    });
    manager.open();
    const int rc = QCoreApplication::exec();
    report();
    return rc;
}

int runQueue(const Options &options)
{
    Outbox outbox;
    if (!openOutbox(options, &outbox))
        return Failure;
    const QString profile = profileFor(options.connection);
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    outbox.expire(now);

    if (!options.retryDead.isEmpty() || !options.purgeDead.isEmpty()) {
        const bool retry = !options.retryDead.isEmpty();
        const QString which = retry ? options.retryDead : options.purgeDead;
        const QString id = which == u"all" ? QString() : which;
        const int n =
            retry ? outbox.retryDeadLetters(profile, id) : outbox.purgeDeadLetters(profile, id);
        printResult({{QStringLiteral("event"),
                      retry ? QStringLiteral("retried") : QStringLiteral("purged")},
                     {QStringLiteral("count"), n}});
        if (n == 0 && !id.isEmpty()) {
            fail(QStringLiteral("no dead letter with id %1 for %2").arg(id, profile));
            return Failure;
        }
    }

    // Read first: rows that cannot be read move to the dead letters now, and the figures
    // below already count them there.
    const QList<OutboxEntry> entries = outbox.pending(profile);
    const OutboxStats stats = outbox.stats(profile);
    QJsonObject byPriority;
    for (Priority p : {Priority::Critical, Priority::High, Priority::Normal, Priority::Low})
        byPriority.insert(priorityName(p), stats.byPriority[size_t(p)]);
    printResult(
        {{QStringLiteral("event"), QStringLiteral("queue")},
         {QStringLiteral("profile"), profile},
         {QStringLiteral("path"), QDir::toNativeSeparators(outbox.path())},
         {QStringLiteral("depth"), stats.depth},
         {QStringLiteral("bytes"), stats.bytes},
         {QStringLiteral("byPriority"), byPriority},
         {QStringLiteral("oldestAgeMs"), stats.depth ? now - stats.oldestEnqueuedAtMs : qint64(0)},
         {QStringLiteral("deadLetters"), stats.deadLetters},
         {QStringLiteral("enqueued"), stats.enqueued},
         {QStringLiteral("sent"), stats.sent},
         {QStringLiteral("acked"), stats.acked},
         {QStringLiteral("retried"), stats.retried},
         {QStringLiteral("evicted"), stats.evicted},
         {QStringLiteral("expired"), stats.expired},
         {QStringLiteral("deadLettered"), stats.deadLettered}});
    for (const OutboxEntry &entry : entries) {
        QJsonObject line{{QStringLiteral("event"), QStringLiteral("entry")},
                         {QStringLiteral("id"), entry.envelope.id},
                         {QStringLiteral("channel"), entry.envelope.channel},
                         {QStringLiteral("type"), entry.envelope.type},
                         {QStringLiteral("priority"), priorityName(entry.envelope.priority)},
                         {QStringLiteral("attempts"), entry.attempts},
                         {QStringLiteral("failures"), entry.failures},
                         {QStringLiteral("ageMs"), now - entry.enqueuedAtMs}};
        if (!entry.lastError.isEmpty())
            line.insert(QStringLiteral("lastError"), entry.lastError);
        printResult(line);
    }
    for (const DeadLetter &dead : outbox.deadLetters(profile)) {
        printResult({{QStringLiteral("event"), QStringLiteral("dead-letter")},
                     {QStringLiteral("id"), dead.envelope.id},
                     {QStringLiteral("channel"), dead.envelope.channel},
                     {QStringLiteral("type"), dead.envelope.type},
                     {QStringLiteral("priority"), priorityName(dead.envelope.priority)},
                     {QStringLiteral("reason"), dead.reason},
                     {QStringLiteral("failures"), dead.failures},
                     {QStringLiteral("deadAgeMs"), now - dead.deadAtMs}});
    }
    for (const Eviction &evicted : outbox.evictions(profile, 20)) {
        printResult({{QStringLiteral("event"), QStringLiteral("evicted")},
                     {QStringLiteral("id"), evicted.id},
                     {QStringLiteral("channel"), evicted.channel},
                     {QStringLiteral("type"), evicted.type},
                     {QStringLiteral("priority"), priorityName(evicted.priority)},
                     {QStringLiteral("ageMs"), now - evicted.evictedAtMs}});
    }
    return Ok;
}

int runHealth(const Options &options)
{
    // health measures for --duration-ms and then reports: that is its deadline.
    const HardDeadline deadline(options.durationMs, HardDeadline::kDefaultGraceMs,
                                QStringLiteral("health"));
    EventLimiter limiter;
    ConnectionConfig config = options.connection;
    config.autoReconnect = false;
    ConnectionManager manager(config);
    reportStates(&manager, &limiter);
    QJsonObject welcome;
    QObject::connect(&manager, &ConnectionManager::welcomeReceived, &manager,
                     [&](const QJsonObject &payload) { welcome = payload; });

    bool done = false;
    auto finish = [&] {
        if (std::exchange(done, true))
            return;
        QJsonObject result = manager.healthJson();
        result.insert(QStringLiteral("event"), QStringLiteral("health"));
        result.insert(QStringLiteral("server"), welcome.value(QStringLiteral("server")));
        result.insert(QStringLiteral("capabilities"),
                      welcome.value(QStringLiteral("capabilities")));
        printResult(result);
        QCoreApplication::exit(manager.state() == ConnectionManager::State::Connected ? Ok
                                                                                      : Failure);
    };
    QObject::connect(&manager, &ConnectionManager::stateChanged, &manager,
                     [&](ConnectionManager::State state) {
                         if (state == ConnectionManager::State::Disconnected ||
                             state == ConnectionManager::State::Error)
                             finish();
                     });
    QTimer::singleShot(options.durationMs, &manager, finish);
    manager.open();
    return QCoreApplication::exec();
}

int runDiagnose(const Options &options)
{
    // One server at a time: a failover list would mix the answers of several.
    DiagnosticsConfig config;
    config.url = options.connection.urls.first();
    config.token = options.connection.token;
    config.extraCaCertificates = options.connection.extraCaCertificates;
    config.stepTimeoutMs = options.timeoutMs;
    config.pingCount = options.count;
    config.pingTimeoutMs = options.connection.heartbeatTimeoutMs;
    if (!options.channels.isEmpty())
        config.httpChannel = options.channels.first();
    // --timeout-ms bounds each step; the whole check is bounded by all of them together.
    const qint64 total = qint64(Diagnostics::StepCount) * config.stepTimeoutMs +
                         config.welcomeWaitMs + qint64(config.pingCount) * config.pingTimeoutMs;
    const HardDeadline deadline(int(std::min<qint64>(total, std::numeric_limits<int>::max() / 2)),
                                HardDeadline::kDefaultGraceMs, QStringLiteral("diagnose"));
    Diagnostics diagnostics(config);
    QObject::connect(&diagnostics, &Diagnostics::stepFinished, &diagnostics, [&](int index) {
        QJsonObject line = diagnostics.steps().at(index).toJson();
        line.insert(QStringLiteral("event"), QStringLiteral("step"));
        printResult(line);
    });
    QObject::connect(&diagnostics, &Diagnostics::finished, &diagnostics, [&](bool allPassed) {
        const QJsonObject report = diagnostics.toJson();
        printEvent({{QStringLiteral("event"), QStringLiteral("diagnose")},
                    {QStringLiteral("url"), report.value(QStringLiteral("url"))},
                    {QStringLiteral("allPassed"), allPassed},
                    {QStringLiteral("elapsedMs"), report.value(QStringLiteral("elapsedMs"))}});
        // Skipped steps do not count: only a failed one makes the check fail.
        QCoreApplication::exit(allPassed ? Ok : Failure);
    });
    diagnostics.start();
    return QCoreApplication::exec();
}

} // namespace vigil::cli
