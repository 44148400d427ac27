#include "chaosclient.h"

#include "connection/connectionoptions.h"
#include "storage/datadir.h"

#include <QCoreApplication>
#include <QJsonArray>

#include <cmath>
#include <unistd.h>

namespace vigil::chaos {

namespace {

/// What a client sends: a message type each operator-facing channel carries.
struct Kind
{
    const char16_t *channel;
    const char16_t *type;
};
constexpr Kind kKinds[] = {
    {u"chat", u"chat.message"},
    {u"activity", u"activity.event"},
    {u"notifications", u"notification"},
    {u"metrics", u"metric.update"},
};
constexpr Priority kPriorities[] = {Priority::Critical, Priority::High, Priority::Normal,
                                    Priority::Low};

} // namespace

ChaosClient::ChaosClient(ClientSettings settings, QObject *parent)
    : QObject(parent)
    , m_settings(std::move(settings))
    , m_random(m_settings.seed)
{
    m_journal.openStdout();
    m_sendTimer.setSingleShot(true);
    connect(&m_sendTimer, &QTimer::timeout, this, &ChaosClient::sendOne);
}

ChaosClient::~ChaosClient() = default;

bool ChaosClient::start(QString *error)
{
    if (!ensureDataDir(m_settings.dataDir, error) ||
        !m_outbox.open(m_settings.dataDir + QStringLiteral("/outbox.sqlite"), error) ||
        !m_positions.open(m_settings.dataDir + QStringLiteral("/positions.sqlite"), error))
        return false;

    ConnectionConfig config;
    config.urls = {m_settings.url};
    config.channels = knownChannels();
    // Faults are detected within seconds, as an operator would want on a bad network.
    config.heartbeatMs = 1000;
    config.heartbeatTimeoutMs = 1000;
    config.maxMissedHeartbeats = 2;
    config.connectTimeoutMs = 5000;
    config.reconnect = ReconnectPolicy{250, 2.0, 2000, true};
    config.minStableMs = 2000;
    config.transport = m_settings.transport;
    m_profile = profileKey(config.urls);

    // The positions this run resumes from, as the keeper will restore them.
    QJsonObject resumed;
    const auto saved = m_positions.load(m_profile);
    for (auto it = saved.begin(); it != saved.end(); ++it)
        resumed.insert(it.key(), QJsonObject{{QStringLiteral("seq"), it->seq},
                                             {QStringLiteral("epoch"), it->epoch}});
    const OutboxStats stats = m_outbox.stats(m_profile);
    m_journal.write({{QStringLiteral("e"), QStringLiteral("start")},
                     {QStringLiteral("pid"), qint64(::getpid())},
                     {QStringLiteral("positions"), resumed},
                     {QStringLiteral("depth"), stats.depth},
                     {QStringLiteral("recovery"), m_outbox.recoveryNotice()}});

    m_manager = std::make_unique<ConnectionManager>(config);
    m_drainer = std::make_unique<OutboxDrainer>(m_manager.get(), &m_outbox, m_profile);
    m_keeper = std::make_unique<PositionKeeper>(m_manager.get(), &m_positions, m_profile);
    wire();

    m_stdin = std::make_unique<QSocketNotifier>(STDIN_FILENO, QSocketNotifier::Read);
    connect(m_stdin.get(), &QSocketNotifier::activated, this, &ChaosClient::onCommand);

    m_manager->open();
    scheduleNext();
    return true;
}

void ChaosClient::wire()
{
    ConnectionManager *manager = m_manager.get();
    connect(manager, &ConnectionManager::stateChanged, this,
            [this](ConnectionManager::State state, const QString &reason) {
                m_journal.write({{QStringLiteral("e"), QStringLiteral("state")},
                                 {QStringLiteral("state"), ConnectionManager::stateName(state)},
                                 {QStringLiteral("transport"), m_manager->transportName()},
                                 {QStringLiteral("reason"), reason.left(200)}});
            });
    connect(manager, &ConnectionManager::welcomeReceived, this, [this](const QJsonObject &payload) {
        m_epoch = payload.value(QStringLiteral("epoch")).toString();
    });
    connect(manager, &ConnectionManager::subscribed, this,
            [this](const QString &channel, qint64 head, bool recovered) {
                m_journal.write({{QStringLiteral("e"), QStringLiteral("sub")},
                                 {QStringLiteral("ch"), channel},
                                 {QStringLiteral("head"), head},
                                 {QStringLiteral("recovered"), recovered},
                                 {QStringLiteral("pos"), m_manager->lastSeq(channel)}});
            });
    connect(manager, &ConnectionManager::historyReset, this,
            [this](const QStringList &channels, const QString &epoch) {
                m_journal.write({{QStringLiteral("e"), QStringLiteral("reset")},
                                 {QStringLiteral("channels"), QJsonArray::fromStringList(channels)},
                                 {QStringLiteral("epoch"), epoch}});
            });
    connect(manager, &ConnectionManager::messageSkipped, this,
            [this](const QString &channel, qint64 seq, const QString &reason) {
                m_journal.write({{QStringLiteral("e"), QStringLiteral("skip")},
                                 {QStringLiteral("ch"), channel},
                                 {QStringLiteral("seq"), seq},
                                 {QStringLiteral("reason"), reason.left(200)}});
            });
    connect(manager, &ConnectionManager::envelopeReceived, this, [this](const Envelope &e) {
        m_journal.write({{QStringLiteral("e"), QStringLiteral("rx")},
                         {QStringLiteral("ch"), e.channel},
                         {QStringLiteral("seq"), e.seq},
                         {QStringLiteral("id"), e.id},
                         {QStringLiteral("ep"), m_epoch}});
    });
    connect(m_drainer.get(), &OutboxDrainer::written, this, [this](const QStringList &ids) {
        m_journal.write({{QStringLiteral("e"), QStringLiteral("wr")},
                         {QStringLiteral("ids"), QJsonArray::fromStringList(ids)}});
    });
    connect(m_drainer.get(), &OutboxDrainer::delivered, this, [this](const QString &id) {
        m_journal.write({{QStringLiteral("e"), QStringLiteral("ack")}, {QStringLiteral("id"), id}});
    });
    connect(m_drainer.get(), &OutboxDrainer::failed, this,
            [this](const QString &id, const QString &reason, bool dead) {
                m_journal.write({{QStringLiteral("e"), QStringLiteral("fail")},
                                 {QStringLiteral("id"), id},
                                 {QStringLiteral("reason"), reason.left(200)},
                                 {QStringLiteral("dead"), dead}});
            });
}

void ChaosClient::scheduleNext()
{
    if (m_quiet || m_settings.rate <= 0)
        return;
    // Poisson arrivals: exponential gaps with the configured mean, from the seeded source.
    std::exponential_distribution<double> gap(m_settings.rate);
    m_sendTimer.start(std::max(1, int(std::lround(gap(m_random) * 1000.0))));
}

void ChaosClient::sendOne()
{
    const Kind &kind = kKinds[m_random() % std::size(kKinds)];
    const Priority priority = kPriorities[m_random() % std::size(kPriorities)];
    const qint64 n = ++m_sent;
    const QString tag = QStringLiteral("%1-%2").arg(m_settings.name).arg(n);
    const QString channel = QString::fromUtf16(kind.channel);
    QJsonObject payload;
    if (channel == u"chat") {
        payload = {{QStringLiteral("id"), tag},
                   {QStringLiteral("conversationId"), QStringLiteral("chaos")},
                   {QStringLiteral("senderId"), m_settings.name},
                   {QStringLiteral("content"), QStringLiteral("message %1").arg(n)},
                   {QStringLiteral("timestamp"), Journal::now()}};
    } else if (channel == u"activity") {
        payload = {{QStringLiteral("actor"), m_settings.name},
                   {QStringLiteral("action"), QStringLiteral("chaos")},
                   {QStringLiteral("target"), tag},
                   {QStringLiteral("summary"), QStringLiteral("chaos event %1").arg(n)}};
    } else if (channel == u"notifications") {
        payload = {{QStringLiteral("id"), tag},
                   {QStringLiteral("title"), QStringLiteral("chaos")},
                   {QStringLiteral("message"), QStringLiteral("notification %1").arg(n)},
                   {QStringLiteral("severity"), QStringLiteral("info")}};
    } else {
        payload = {{QStringLiteral("source"), m_settings.name},
                   {QStringLiteral("metrics"), QJsonObject{{QStringLiteral("n"), n}}}};
    }
    const Envelope envelope =
        Envelope::create(QString::fromUtf16(kind.type), channel, payload, priority);
    QString error;
    const qint64 before = Journal::now();
    if (const auto id = m_outbox.enqueue(m_profile, envelope, &error)) {
        // Journalled once enqueue returned: from here on the message must arrive.
        m_journal.write(
            {{QStringLiteral("e"), QStringLiteral("enq")},
             {QStringLiteral("id"), *id},
             {QStringLiteral("ch"), channel},
             {QStringLiteral("prio"), priorityName(priority)},
             {QStringLiteral("state"), ConnectionManager::stateName(m_manager->state())},
             {QStringLiteral("t0"), before}});
        m_drainer->kick();
    } else {
        m_journal.write({{QStringLiteral("e"), QStringLiteral("enqfail")},
                         {QStringLiteral("reason"), error.left(200)}});
    }
    scheduleNext();
}

void ChaosClient::onCommand()
{
    char buffer[256];
    const ssize_t n = ::read(STDIN_FILENO, buffer, sizeof buffer);
    if (n <= 0) {
        // The orchestrator is gone: nobody will read the journal any more.
        m_stdin->setEnabled(false);
        finish();
        return;
    }
    m_commandBuffer.append(buffer, n);
    qsizetype end;
    while ((end = m_commandBuffer.indexOf('\n')) >= 0) {
        const QByteArray command = m_commandBuffer.left(end).trimmed();
        m_commandBuffer.remove(0, end + 1);
        if (command == "quiet") {
            m_quiet = true;
            m_sendTimer.stop();
            reportStatus();
        } else if (command == "status") {
            reportStatus();
        } else if (command == "exit") {
            finish();
            return;
        }
    }
}

void ChaosClient::reportStatus()
{
    const OutboxStats stats = m_outbox.stats(m_profile);
    QJsonObject positions;
    for (const QString &channel : knownChannels())
        positions.insert(channel, m_manager->lastSeq(channel));
    m_journal.write({{QStringLiteral("e"), QStringLiteral("status")},
                     {QStringLiteral("depth"), stats.depth},
                     {QStringLiteral("dead"), stats.deadLetters},
                     {QStringLiteral("evicted"), stats.evicted},
                     {QStringLiteral("inflight"), m_drainer->inFlight()},
                     {QStringLiteral("state"), ConnectionManager::stateName(m_manager->state())},
                     {QStringLiteral("quiet"), m_quiet},
                     {QStringLiteral("pos"), positions}});
}

void ChaosClient::finish()
{
    m_sendTimer.stop();
    for (const Eviction &evicted : m_outbox.evictions(m_profile, 100000)) {
        m_journal.write(
            {{QStringLiteral("e"), QStringLiteral("evicted")}, {QStringLiteral("id"), evicted.id}});
    }
    for (const DeadLetter &dead : m_outbox.deadLetters(m_profile)) {
        m_journal.write({{QStringLiteral("e"), QStringLiteral("dead")},
                         {QStringLiteral("id"), dead.envelope.id},
                         {QStringLiteral("reason"), dead.reason.left(200)}});
    }
    m_keeper->flush();
    m_manager->close();
    m_journal.write({{QStringLiteral("e"), QStringLiteral("exit")}});
    QCoreApplication::exit(0);
}

} // namespace vigil::chaos
