#include "demofeed.h"

#include <QDateTime>
#include <QJsonArray>

#include <algorithm>

namespace vigil {

namespace {

const QList<QString> kServices = {
    QStringLiteral("checkout-api"),  QStringLiteral("payments"),      QStringLiteral("search"),
    QStringLiteral("auth-gateway"),  QStringLiteral("inventory-db"),  QStringLiteral("edge-cache"),
    QStringLiteral("notifications"), QStringLiteral("billing-worker")};

const QList<QString> kProblems = {QStringLiteral("p99 latency above 2 s"),
                                  QStringLiteral("error rate above 5%"),
                                  QStringLiteral("disk 92% full"),
                                  QStringLiteral("replication lag 45 s"),
                                  QStringLiteral("certificate expires in 3 days"),
                                  QStringLiteral("pods crash-looping"),
                                  QStringLiteral("queue backlog growing"),
                                  QStringLiteral("memory leak suspected")};

const QList<QString> kOperators = {QStringLiteral("alice"), QStringLiteral("bruno"),
                                   QStringLiteral("chen"), QStringLiteral("dana"),
                                   QStringLiteral("emeka")};

const QList<QString> kQuestions = {
    QStringLiteral("Is anyone looking at the checkout latency?"),
    QStringLiteral("Rolling back payments to yesterday's build."),
    QStringLiteral("Can someone confirm the cache hit rate recovered?"),
    QStringLiteral("Paging the database on-call now."),
    QStringLiteral("Deploy frozen until the incident is resolved.")};

const QList<QString> kBotAnswers = {
    QStringLiteral("Runbook RB-12 covers this: drain the node, then restart the service."),
    QStringLiteral("Last similar incident was resolved by scaling the worker pool."),
    QStringLiteral("I have attached the latest dashboards to the incident."),
    QStringLiteral("On-call for this service is notified.")};

const QList<QString> kLogLines = {
    QStringLiteral("request completed"),      QStringLiteral("cache miss, fetching from origin"),
    QStringLiteral("retrying upstream call"), QStringLiteral("connection pool exhausted"),
    QStringLiteral("job finished"),           QStringLiteral("health check passed"),
    QStringLiteral("slow query detected"),    QStringLiteral("token refreshed")};

qint64 now()
{
    return QDateTime::currentMSecsSinceEpoch();
}

} // namespace

DemoFeed::DemoFeed(quint32 seed, double logsPerSecond, QObject *parent)
    : QObject(parent)
    , m_random(seed)
    , m_logRandom(seed ^ 0x10c5u)
    , m_logsPerTick(std::max(0.0, logsPerSecond) * kLogTickMs / 1000.0)
{
    const int count = 8 + int(m_random.bounded(13)); // 8..20 agents
    for (int i = 0; i < count; ++i) {
        Agent a;
        a.id = QStringLiteral("agent-%1").arg(101 + i);
        a.name = QStringLiteral("%1-%2").arg(kServices.at(i % kServices.size())).arg(i / 8 + 1);
        a.status = chance(0.85) ? QStringLiteral("online") : QStringLiteral("away");
        a.cpu = 10 + m_random.bounded(40.0);
        a.memory = 20 + m_random.bounded(50.0);
        m_agents.append(a);
    }
    m_timer.setInterval(kTickMs);
    connect(&m_timer, &QTimer::timeout, this, &DemoFeed::step);
    m_logTimer.setInterval(kLogTickMs);
    m_logTimer.setTimerType(Qt::PreciseTimer);
    connect(&m_logTimer, &QTimer::timeout, this, &DemoFeed::logsTick);
}

void DemoFeed::start()
{
    step(); // the first tick at once: a new client sees agents and metrics immediately
    m_timer.start();
    if (m_logsPerTick > 0)
        m_logTimer.start();
}

void DemoFeed::stop()
{
    m_timer.stop();
    m_logTimer.stop();
}

template<typename T> const T &DemoFeed::pick(const QList<T> &list)
{
    return list.at(int(m_random.bounded(quint32(list.size()))));
}

void DemoFeed::later(int ticks, const QString &type, const QString &channel,
                     const QJsonObject &payload)
{
    m_pending.append({m_tick + ticks, type, channel, payload});
}

void DemoFeed::step()
{
    if (m_tick == 0) {
        for (const Agent &a : std::as_const(m_agents))
            emitAgent(a);
        incidentsTick();
        chatTick();
        alertsTick();
    }

    // Deliver what earlier ticks scheduled (bot replies, receipts), oldest first.
    for (int i = 0; i < m_pending.size();) {
        if (m_pending.at(i).dueTick <= m_tick) {
            const Pending p = m_pending.takeAt(i);
            Q_EMIT message(p.type, p.channel, p.payload);
        } else {
            ++i;
        }
    }

    // Stepped by hand (the scenario's tests, no timers running): a step covers its log ticks.
    if (!m_logTimer.isActive()) {
        for (int i = 0; i < kTickMs / kLogTickMs; ++i)
            logsTick();
    }
    if (m_tick % 10 == 0)
        metricsTick();
    if (m_tick % 20 == 7)
        agentsTick();
    if (m_tick % 30 == 15)
        incidentsTick();
    if (m_tick % 45 == 22)
        chatTick();
    if (m_tick % 40 == 31)
        alertsTick();
    ++m_tick;
}

void DemoFeed::emitAgent(const Agent &a)
{
    Q_EMIT message(QStringLiteral("agent.status"), QStringLiteral("agents"),
                   {{QStringLiteral("agentId"), a.id},
                    {QStringLiteral("name"), a.name},
                    {QStringLiteral("status"), a.status},
                    {QStringLiteral("lastSeen"), now()},
                    {QStringLiteral("cpu"), qRound(a.cpu * 10) / 10.0},
                    {QStringLiteral("memory"), qRound(a.memory * 10) / 10.0}});
}

void DemoFeed::agentsTick()
{
    Agent &a = m_agents[int(m_random.bounded(quint32(m_agents.size())))];
    static const QList<QString> statuses = {QStringLiteral("online"), QStringLiteral("online"),
                                            QStringLiteral("busy"), QStringLiteral("away"),
                                            QStringLiteral("offline")};
    const QString before = a.status;
    a.status = pick(statuses);
    emitAgent(a);
    if (a.status != before) {
        activity(a.name, QStringLiteral("status"), a.id,
                 QStringLiteral("%1 is now %2").arg(a.name, a.status));
    }
}

void DemoFeed::metricsTick()
{
    double cpuSum = 0;
    double memSum = 0;
    int online = 0;
    for (Agent &a : m_agents) {
        a.cpu = std::clamp(a.cpu + m_random.bounded(12.0) - 6.0, 1.0, 99.0);
        a.memory = std::clamp(a.memory + m_random.bounded(6.0) - 3.0, 5.0, 98.0);
        cpuSum += a.cpu;
        memSum += a.memory;
        if (a.status != u"offline")
            ++online;
    }
    const double n = std::max<qsizetype>(1, m_agents.size());
    Q_EMIT message(
        QStringLiteral("metric.update"), QStringLiteral("metrics"),
        {{QStringLiteral("source"), QStringLiteral("cluster")},
         {QStringLiteral("metrics"),
          QJsonObject{{QStringLiteral("cpu"), qRound(cpuSum / n * 10) / 10.0},
                      {QStringLiteral("memory"), qRound(memSum / n * 10) / 10.0},
                      {QStringLiteral("agentsOnline"), online},
                      {QStringLiteral("requestsPerSecond"), 1200 + int(m_random.bounded(400))}}}});
    // One agent's own figures each second, so per-agent charts move too.
    const Agent &a = m_agents.at(int(m_tick / 10) % m_agents.size());
    Q_EMIT message(QStringLiteral("metric.update"), QStringLiteral("metrics"),
                   {{QStringLiteral("source"), a.id},
                    {QStringLiteral("metrics"),
                     QJsonObject{{QStringLiteral("cpu"), qRound(a.cpu * 10) / 10.0},
                                 {QStringLiteral("memory"), qRound(a.memory * 10) / 10.0}}}});
}

QJsonObject DemoFeed::incidentPayload(const Incident &i, const QString &kind) const
{
    QJsonObject data{{QStringLiteral("title"), i.title},
                     {QStringLiteral("severity"), i.severity},
                     {QStringLiteral("status"), i.status}};
    if (!i.assignedTo.isEmpty())
        data.insert(QStringLiteral("assignedTo"), i.assignedTo);
    return {{QStringLiteral("incidentId"), i.id},
            {QStringLiteral("type"), kind},
            {QStringLiteral("data"), data}};
}

void DemoFeed::incidentsTick()
{
    static const QList<QString> severities = {QStringLiteral("low"), QStringLiteral("medium"),
                                              QStringLiteral("medium"), QStringLiteral("high"),
                                              QStringLiteral("critical")};
    if (m_incidents.size() < 3 || (m_incidents.size() < 7 && chance(0.35))) {
        Incident i;
        i.id = QStringLiteral("inc-%1").arg(m_nextIncident++);
        i.title = QStringLiteral("%1: %2").arg(pick(kServices), pick(kProblems));
        i.severity = pick(severities);
        i.status = QStringLiteral("new");
        m_incidents.append(i);
        Q_EMIT message(QStringLiteral("incident.created"), QStringLiteral("incidents"),
                       incidentPayload(i, QStringLiteral("created")));
        activity(QStringLiteral("monitor"), QStringLiteral("opened"), i.id, i.title);
        if (i.severity == u"critical" || i.severity == u"high") {
            Q_EMIT message(
                QStringLiteral("notification"), QStringLiteral("notifications"),
                {{QStringLiteral("id"), QStringLiteral("ntf-%1").arg(i.id)},
                 {QStringLiteral("title"), QStringLiteral("New %1 incident").arg(i.severity)},
                 {QStringLiteral("message"), i.title},
                 {QStringLiteral("severity"), i.severity}});
        }
        return;
    }

    const int index = int(m_random.bounded(quint32(m_incidents.size())));
    Incident &i = m_incidents[index];
    ++i.stage;
    if (i.stage == 1) {
        i.status = QStringLiteral("investigating");
        i.assignedTo = pick(kOperators);
        Q_EMIT message(QStringLiteral("incident.acknowledged"), QStringLiteral("incidents"),
                       incidentPayload(i, QStringLiteral("acknowledged")));
        activity(i.assignedTo, QStringLiteral("acknowledged"), i.id,
                 QStringLiteral("%1 took %2").arg(i.assignedTo, i.id));
    } else if (i.stage == 2 && i.severity != u"critical" && chance(0.4)) {
        i.severity = i.severity == u"low"      ? QStringLiteral("medium")
                     : i.severity == u"medium" ? QStringLiteral("high")
                                               : QStringLiteral("critical");
        Q_EMIT message(QStringLiteral("incident.escalated"), QStringLiteral("incidents"),
                       incidentPayload(i, QStringLiteral("escalated")));
        activity(QStringLiteral("monitor"), QStringLiteral("escalated"), i.id,
                 QStringLiteral("%1 escalated to %2").arg(i.id, i.severity));
        if (i.severity == u"critical") {
            Q_EMIT message(QStringLiteral("notification"), QStringLiteral("notifications"),
                           {{QStringLiteral("id"), QStringLiteral("ntf-%1-esc").arg(i.id)},
                            {QStringLiteral("title"), QStringLiteral("Incident escalated")},
                            {QStringLiteral("message"), i.title},
                            {QStringLiteral("severity"), i.severity}});
        }
    } else if (i.stage <= 3) {
        i.status = QStringLiteral("mitigating");
        Q_EMIT message(QStringLiteral("incident.updated"), QStringLiteral("incidents"),
                       incidentPayload(i, QStringLiteral("updated")));
    } else {
        i.status = QStringLiteral("resolved");
        Q_EMIT message(QStringLiteral("incident.resolved"), QStringLiteral("incidents"),
                       incidentPayload(i, QStringLiteral("resolved")));
        activity(i.assignedTo.isEmpty() ? QStringLiteral("monitor") : i.assignedTo,
                 QStringLiteral("resolved"), i.id, QStringLiteral("%1 resolved").arg(i.id));
        m_incidents.removeAt(index);
    }
}

void DemoFeed::chatTick()
{
    const QString conversation = QStringLiteral("conv-%1").arg(1 + int(m_random.bounded(3)));
    const QString sender = pick(kOperators);
    const QString messageId = QStringLiteral("msg-%1").arg(m_nextMessage++);
    Q_EMIT message(QStringLiteral("chat.message"), QStringLiteral("chat"),
                   {{QStringLiteral("id"), messageId},
                    {QStringLiteral("conversationId"), conversation},
                    {QStringLiteral("senderId"), sender},
                    {QStringLiteral("content"), pick(kQuestions)},
                    {QStringLiteral("timestamp"), now()}});
    const QJsonArray ids{messageId};
    later(3, QStringLiteral("chat.delivered"), QStringLiteral("chat"),
          {{QStringLiteral("conversationId"), conversation},
           {QStringLiteral("messageIds"), ids},
           {QStringLiteral("by"), QStringLiteral("vigil-bot")}});
    later(8, QStringLiteral("chat.read"), QStringLiteral("chat"),
          {{QStringLiteral("conversationId"), conversation},
           {QStringLiteral("messageIds"), ids},
           {QStringLiteral("by"), QStringLiteral("vigil-bot")}});
    later(15, QStringLiteral("chat.message"), QStringLiteral("chat"),
          {{QStringLiteral("id"), QStringLiteral("msg-%1").arg(m_nextMessage++)},
           {QStringLiteral("conversationId"), conversation},
           {QStringLiteral("senderId"), QStringLiteral("vigil-bot")},
           {QStringLiteral("content"), pick(kBotAnswers)},
           {QStringLiteral("timestamp"), now()}});
}

void DemoFeed::answerOperator(const QJsonObject &payload, const QString &messageId,
                              const QString &sender)
{
    // No draw from the generator here: what an operator does never changes the seeded story.
    const QString conversation = payload.value(QStringLiteral("conversationId")).toString();
    if (conversation.isEmpty())
        return;
    const QString id = payload.value(QStringLiteral("id")).toString(messageId);
    const QString from = payload.value(QStringLiteral("senderId")).toString(sender);
    const auto colleague = std::find_if(kOperators.begin(), kOperators.end(),
                                        [&](const QString &o) { return o != from && o != sender; });
    const QJsonObject receipt{{QStringLiteral("conversationId"), conversation},
                              {QStringLiteral("messageIds"), QJsonArray{id}},
                              {QStringLiteral("by"), *colleague}};
    later(kColleagueDeliveredTicks, QStringLiteral("chat.delivered"), QStringLiteral("chat"),
          receipt);
    later(kColleagueReadTicks, QStringLiteral("chat.read"), QStringLiteral("chat"), receipt);
}

void DemoFeed::followIncident(const QJsonObject &payload)
{
    const QString id = payload.value(QStringLiteral("incidentId")).toString();
    const auto found = std::find_if(m_incidents.begin(), m_incidents.end(),
                                    [&](const Incident &i) { return i.id == id; });
    if (found == m_incidents.end())
        return; // not one of the scenario's: the operator alone drives it
    const QJsonObject data = payload.value(QStringLiteral("data")).toObject();
    found->title = data.value(QStringLiteral("title")).toString(found->title);
    found->severity = data.value(QStringLiteral("severity")).toString(found->severity);
    found->status = data.value(QStringLiteral("status")).toString(found->status);
    found->assignedTo = data.value(QStringLiteral("assignedTo")).toString(found->assignedTo);
    if (found->status == u"resolved")
        m_incidents.erase(found);
    else if (!found->assignedTo.isEmpty())
        found->stage = std::max(found->stage, 1); // taken: the scenario does not take it again
}

void DemoFeed::alertsTick()
{
    if (!m_activeAlerts.isEmpty() && chance(0.5)) {
        const QString id = m_activeAlerts.takeFirst();
        Q_EMIT message(QStringLiteral("alert.cleared"), QStringLiteral("alerts"),
                       {{QStringLiteral("alertId"), id},
                        {QStringLiteral("severity"), QStringLiteral("info")},
                        {QStringLiteral("title"), QStringLiteral("Condition cleared")},
                        {QStringLiteral("source"), QStringLiteral("monitor")}});
        return;
    }
    static const QList<QString> severities = {QStringLiteral("warning"), QStringLiteral("warning"),
                                              QStringLiteral("error"), QStringLiteral("critical")};
    const QString id = QStringLiteral("alert-%1").arg(m_nextAlert++);
    m_activeAlerts.append(id);
    Q_EMIT message(QStringLiteral("alert.raised"), QStringLiteral("alerts"),
                   {{QStringLiteral("alertId"), id},
                    {QStringLiteral("severity"), pick(severities)},
                    {QStringLiteral("title"), pick(kProblems)},
                    {QStringLiteral("source"), pick(kServices)}});
}

void DemoFeed::logsTick()
{
    m_logCarry += m_logsPerTick;
    const int count = int(m_logCarry);
    if (count <= 0)
        return;
    m_logCarry -= count;
    static const QList<QString> levels = {QStringLiteral("debug"), QStringLiteral("info"),
                                          QStringLiteral("info"),  QStringLiteral("info"),
                                          QStringLiteral("warn"),  QStringLiteral("error")};
    auto from = [this](const QList<QString> &list) -> const QString & {
        return list.at(int(m_logRandom.bounded(qint64(list.size()))));
    };
    auto entry = [this, &from] {
        return QJsonObject{{QStringLiteral("level"), from(levels)},
                           {QStringLiteral("message"), from(kLogLines)},
                           {QStringLiteral("source"), from(kServices)},
                           {QStringLiteral("taskId"),
                            QStringLiteral("task-%1").arg(int(m_logRandom.bounded(500)))}};
    };
    // Every line is a channel message of its own, with its own id and seq, at any rate, as a
    // backend's log shipper would send them: a subscriber that filters or replays sees each
    // line exactly; a flood stays cheap on the wire through the relay's batches (`log.batch`
    // to subscribers that ask for them), not through the feed.
    for (int i = 0; i < count; ++i)
        Q_EMIT message(QStringLiteral("log.entry"), QStringLiteral("logs"), entry());
}

void DemoFeed::activity(const QString &actor, const QString &action, const QString &target,
                        const QString &summary)
{
    Q_EMIT message(QStringLiteral("activity.event"), QStringLiteral("activity"),
                   {{QStringLiteral("actor"), actor},
                    {QStringLiteral("action"), action},
                    {QStringLiteral("target"), target},
                    {QStringLiteral("summary"), summary}});
}

} // namespace vigil
