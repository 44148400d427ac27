#include "commands.h"

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

#include <cstdio>
#include <memory>
#include <utility>

namespace vigil::cli {

namespace {

// How long to wait for `welcome` before treating the peer as a basic server (no acks).
constexpr int kWelcomeGraceMs = 1000;

void reportStates(ConnectionManager *manager)
{
    QObject::connect(manager, &ConnectionManager::stateChanged, manager,
                     [manager](ConnectionManager::State state, const QString &reason) {
                         QJsonObject event{
                             {QStringLiteral("event"), QStringLiteral("state")},
                             {QStringLiteral("state"), ConnectionManager::stateName(state)},
                             {QStringLiteral("transport"), QStringLiteral("websocket")},
                             {QStringLiteral("attempt"), manager->attempt()},
                             {QStringLiteral("reason"), reason}};
                         if (state == ConnectionManager::State::Reconnecting)
                             event.insert(QStringLiteral("delayMs"), manager->nextDelayMs());
                         printEvent(event);
                     });
}

void fail(const QString &message)
{
    printEvent(
        {{QStringLiteral("event"), QStringLiteral("error")}, {QStringLiteral("message"), message}});
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

/// \brief Drains the outbox of one profile through a connection: in priority order, removing a
/// message on its ack (ack-capable server) or once written (basic server).
class Delivery : public QObject
{
    Q_OBJECT
public:
    Delivery(ConnectionManager *manager, Outbox *outbox, QString profile)
        : m_manager(manager)
        , m_outbox(outbox)
        , m_profile(std::move(profile))
    {
        m_welcomeGrace.setSingleShot(true);
        connect(&m_welcomeGrace, &QTimer::timeout, this, &Delivery::drain);
        connect(manager, &ConnectionManager::stateChanged, this,
                [this](ConnectionManager::State state) {
                    m_inFlight.clear(); // unacked messages stay queued and go again, same id
                    if (state == ConnectionManager::State::Connected)
                        m_welcomeGrace.start(kWelcomeGraceMs);
                    else
                        m_welcomeGrace.stop();
                });
        connect(manager, &ConnectionManager::welcomeReceived, this, [this] {
            m_welcomeGrace.stop();
            drain();
        });
        connect(manager, &ConnectionManager::acked, this, [this](const QString &id) {
            if (m_inFlight.remove(id))
                settle(id);
        });
    }

Q_SIGNALS:
    void delivered(const QString &id);
    void drained();

private:
    void drain()
    {
        const bool acks = m_manager->serverSupports(QStringLiteral("ack"));
        const QList<OutboxEntry> entries = m_outbox->pending(m_profile);
        for (const OutboxEntry &entry : entries) {
            const QString &id = entry.envelope.id;
            if (m_inFlight.contains(id))
                continue;
            m_outbox->recordAttempt(id);
            if (!m_manager->send(entry.envelope))
                return; // the connection went away; the rest waits for the next connect
            if (acks)
                m_inFlight.insert(id);
            else
                settle(id); // a basic server never acks: written is as good as it gets
        }
        if (m_inFlight.isEmpty())
            Q_EMIT drained();
    }

    void settle(const QString &id)
    {
        m_outbox->remove(id);
        Q_EMIT delivered(id);
        if (m_inFlight.isEmpty() && m_outbox->stats(m_profile).depth == 0)
            Q_EMIT drained();
    }

    ConnectionManager *m_manager;
    Outbox *m_outbox;
    QString m_profile;
    QSet<QString> m_inFlight;
    QTimer m_welcomeGrace;
};

} // namespace

int runTail(const Options &options)
{
    ConnectionConfig config = options.connection;
    config.channels = options.channels;
    ConnectionManager manager(config);
    reportStates(&manager);

    int received = 0;
    QObject::connect(&manager, &ConnectionManager::envelopeReceived, &manager,
                     [&](const Envelope &envelope) {
                         printResult(envelope.toJson());
                         ++received;
                         if (options.count > 0 && received >= options.count)
                             QCoreApplication::exit(Ok);
                     });
    QObject::connect(&manager, &ConnectionManager::subscribed, &manager,
                     [](const QString &channel, qint64 head, bool recovered) {
                         printEvent({{QStringLiteral("event"), QStringLiteral("subscribed")},
                                     {QStringLiteral("channel"), channel},
                                     {QStringLiteral("head"), head},
                                     {QStringLiteral("recovered"), recovered}});
                     });
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
    Outbox outbox;
    if (!openOutbox(options, &outbox))
        return Failure;
    const QString profile = profileFor(options.connection);

    Envelope envelope =
        Envelope::create(options.type, options.channel, options.payload, options.priority);
    QString error;
    const auto id = outbox.enqueue(profile, envelope, &error);
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
    reportStates(&manager);
    Delivery delivery(&manager, &outbox, profile);

    bool done = false;
    auto finishQueued = [&](const QString &reason) {
        if (std::exchange(done, true))
            return;
        printResult({{QStringLiteral("id"), *id},
                     {QStringLiteral("status"), QStringLiteral("queued")},
                     {QStringLiteral("reason"), reason}});
        QCoreApplication::exit(Ok);
    };
    QObject::connect(&delivery, &Delivery::delivered, &manager, [&](const QString &delivered) {
        if (delivered != *id || std::exchange(done, true))
            return;
        printResult(
            {{QStringLiteral("id"), *id}, {QStringLiteral("status"), QStringLiteral("delivered")}});
        QCoreApplication::exit(Ok);
    });
    QObject::connect(&manager, &ConnectionManager::stateChanged, &manager,
                     [&](ConnectionManager::State state, const QString &reason) {
                         if (state == ConnectionManager::State::Disconnected ||
                             state == ConnectionManager::State::Error)
                             finishQueued(reason);
                     });
    QTimer::singleShot(options.timeoutMs, &manager, [&] {
        finishQueued(QStringLiteral("not confirmed within %1 ms").arg(options.timeoutMs));
    });
    manager.open();
    return QCoreApplication::exec();
}

int runFlush(const Options &options)
{
    Outbox outbox;
    if (!openOutbox(options, &outbox))
        return Failure;
    const QString profile = profileFor(options.connection);
    int delivered = 0;
    auto report = [&] {
        printResult({{QStringLiteral("event"), QStringLiteral("flush")},
                     {QStringLiteral("delivered"), delivered},
                     {QStringLiteral("remaining"), outbox.stats(profile).depth}});
    };
    if (outbox.stats(profile).depth == 0) {
        report();
        return Ok;
    }

    ConnectionConfig config = options.connection;
    // Keep trying within the timeout: a relay that is restarting should still get the queue.
    config.reconnect.baseMs = 250;
    config.reconnect.capMs = 5000;
    ConnectionManager manager(config);
    reportStates(&manager);
    Delivery delivery(&manager, &outbox, profile);
    QObject::connect(&delivery, &Delivery::delivered, &manager, [&](const QString &id) {
        ++delivered;
        printResult(
            {{QStringLiteral("id"), id}, {QStringLiteral("status"), QStringLiteral("delivered")}});
    });
    QObject::connect(&delivery, &Delivery::drained, &manager, [&] {
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
    const OutboxStats stats = outbox.stats(profile);
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    QJsonObject byPriority;
    for (Priority p : {Priority::Critical, Priority::High, Priority::Normal, Priority::Low})
        byPriority.insert(priorityName(p), stats.byPriority[size_t(p)]);
    printResult({{QStringLiteral("event"), QStringLiteral("queue")},
                 {QStringLiteral("profile"), profile},
                 {QStringLiteral("path"), QDir::toNativeSeparators(outbox.path())},
                 {QStringLiteral("depth"), stats.depth},
                 {QStringLiteral("bytes"), stats.bytes},
                 {QStringLiteral("byPriority"), byPriority},
                 {QStringLiteral("oldestAgeMs"),
                  stats.depth ? now - stats.oldestEnqueuedAtMs : qint64(0)}});
    const QList<OutboxEntry> entries = outbox.pending(profile);
    for (const OutboxEntry &entry : entries) {
        printResult({{QStringLiteral("event"), QStringLiteral("entry")},
                     {QStringLiteral("id"), entry.envelope.id},
                     {QStringLiteral("channel"), entry.envelope.channel},
                     {QStringLiteral("type"), entry.envelope.type},
                     {QStringLiteral("priority"), priorityName(entry.envelope.priority)},
                     {QStringLiteral("attempts"), entry.attempts},
                     {QStringLiteral("ageMs"), now - entry.enqueuedAtMs}});
    }
    return Ok;
}

int runHealth(const Options &options)
{
    ConnectionConfig config = options.connection;
    config.autoReconnect = false;
    ConnectionManager manager(config);
    reportStates(&manager);
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

} // namespace vigil::cli

#include "commands.moc"
