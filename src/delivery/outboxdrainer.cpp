#include "outboxdrainer.h"

#include "protocol/logging.h"
#include "storage/outbox.h"

#include <QRandomGenerator>

#include <algorithm>
#include <cmath>

namespace vigil {

namespace {

// Codes that no retry will fix: the message goes straight to the dead-letter list.
bool isPermanent(const QString &code)
{
    return code == u"bad_message" || code == u"forbidden_channel" || code == u"too_large" ||
           code == u"unknown_type" || code == u"not_found" || code == u"invalid_action" ||
           code == u"conflict";
}

} // namespace

OutboxDrainer::OutboxDrainer(ConnectionManager *manager, Outbox *outbox, QString profile,
                             DrainPolicy policy, QObject *parent)
    : QObject(parent)
    , m_manager(manager)
    , m_outbox(outbox)
    , m_profile(std::move(profile))
    , m_policy(policy)
    , m_clock(Clock::system())
    , m_uniform01([] { return QRandomGenerator::global()->generateDouble(); })
{
    m_pumpTimer.setSingleShot(true);
    m_settleTimer.setSingleShot(true);
    m_welcomeGrace.setSingleShot(true);
    connect(&m_settleTimer, &QTimer::timeout, this, &OutboxDrainer::settleAcks);
    connect(&m_pumpTimer, &QTimer::timeout, this, &OutboxDrainer::pump);
    connect(&m_welcomeGrace, &QTimer::timeout, this, [this] { start(false); });
    connect(&m_ackTimer, &QTimer::timeout, this, &OutboxDrainer::checkAckTimeouts);
    connect(manager, &ConnectionManager::stateChanged, this, &OutboxDrainer::onStateChanged);
    connect(manager, &ConnectionManager::welcomeReceived, this, [this] {
        if (!m_welcomeGrace.isActive())
            return;
        m_welcomeGrace.stop();
        start(m_manager->serverSupports(QStringLiteral("ack")));
    });
    connect(manager, &ConnectionManager::acked, this, &OutboxDrainer::onAcked);
    connect(manager, &ConnectionManager::serverError, this, &OutboxDrainer::onServerError);
    if (manager->state() == ConnectionManager::State::Connected)
        start(manager->serverSupports(QStringLiteral("ack")));
    else if (manager->state() == ConnectionManager::State::Fallback)
        start(true);
}

void OutboxDrainer::kick()
{
    if (m_ready)
        schedulePump(0);
}

void OutboxDrainer::onStateChanged(ConnectionManager::State state)
{
    settleAcks();
    // Whatever was in flight stays in the outbox and goes again, same id, next time.
    m_inFlight.clear();
    m_ackTimer.stop();
    m_pumpTimer.stop();
    m_ready = false;
    m_welcomeGrace.stop();
    if (state == ConnectionManager::State::Connected)
        m_welcomeGrace.start(m_policy.welcomeGraceMs);
    else if (state == ConnectionManager::State::Fallback)
        start(true); // POST /api/messages answers with acks
}

void OutboxDrainer::start(bool acks)
{
    m_acks = acks;
    m_ready = true;
    // A fresh bucket: at most `burst` messages at once after a reconnect, then the rate.
    m_tokens = m_policy.burst;
    m_lastRefill = m_clock.monotonicMs();
    qCInfo(lcQueue).noquote() << "draining the outbox for" << m_profile
                              << (acks ? "(server acknowledges)" : "(basic server, no acks)");
    schedulePump(0);
}

void OutboxDrainer::schedulePump(int delayMs)
{
    if (!m_pumpTimer.isActive() || m_pumpTimer.remainingTime() > delayMs)
        m_pumpTimer.start(std::max(0, delayMs));
}

void OutboxDrainer::refill()
{
    const qint64 now = m_clock.monotonicMs();
    const qint64 elapsed = std::max<qint64>(0, now - m_lastRefill);
    m_tokens =
        std::min<double>(m_policy.burst, m_tokens + elapsed * m_policy.ratePerSecond / 1000.0);
    m_lastRefill = now;
}

void OutboxDrainer::pump()
{
    if (!m_ready || !m_manager)
        return;
    settleAcks(); // acknowledged rows must be gone before the next read
    const qint64 wallNow = m_clock.wallMs();
    if (wallNow - m_lastExpire >= m_policy.expireIntervalMs) {
        m_lastExpire = wallNow;
        if (m_outbox->expire(wallNow) > 0)
            Q_EMIT changed();
    }

    refill();
    if (m_tokens < 1) {
        schedulePump(int(std::ceil((1 - m_tokens) * 1000.0 / m_policy.ratePerSecond)));
        return;
    }
    const int budget = std::min(m_policy.batchSize, int(m_tokens));
    QList<DeadLetter> unreadable;
    const QList<OutboxEntry> entries =
        m_outbox->pending(m_profile, budget + int(m_inFlight.size()), wallNow, &unreadable);
    reportUnreadable(unreadable);
    int waiting = 0;
    QStringList sentIds;
    QStringList writtenIds; // basic server: written is delivered
    for (const OutboxEntry &entry : entries) {
        const QString &id = entry.envelope.id;
        if (m_inFlight.contains(id))
            continue;
        if (int(sentIds.size()) >= budget) {
            ++waiting;
            break;
        }
        if (!m_manager->send(entry.envelope))
            break; // the connection went away; onStateChanged takes it from here
        sentIds.append(id);
        m_tokens -= 1;
        if (m_acks)
            m_inFlight.insert(id, m_clock.monotonicMs());
        else
            writtenIds.append(id);
    }
    const int sent = int(sentIds.size());
    m_outbox->markSentLater(sentIds);
    if (!sentIds.isEmpty())
        Q_EMIT written(sentIds);
    if (!writtenIds.isEmpty()) {
        m_outbox->markDeliveredLater(writtenIds);
        for (const QString &id : std::as_const(writtenIds))
            Q_EMIT delivered(id);
    }
    if (!m_ready)
        return;
    if (sent > 0)
        Q_EMIT changed();
    if (!m_inFlight.isEmpty() && !m_ackTimer.isActive())
        m_ackTimer.start(std::max(20, m_policy.ackTimeoutMs / 4));

    if (waiting > 0 || sent == budget) {
        schedulePump(m_tokens >= 1 ? 0 : int(std::ceil(1000.0 / m_policy.ratePerSecond)));
        return;
    }
    // Nothing more is ready now. Messages waiting for a retry time get a later pass.
    const QList<OutboxEntry> later =
        m_outbox->pending(m_profile, 1 + int(m_inFlight.size()), 0, &unreadable);
    reportUnreadable(unreadable);
    for (const OutboxEntry &entry : later) {
        if (m_inFlight.contains(entry.envelope.id))
            continue;
        schedulePump(int(std::clamp<qint64>(entry.nextAttemptAtMs - wallNow, 10, 1000)));
        return;
    }
    if (m_inFlight.isEmpty())
        Q_EMIT idle();
}

void OutboxDrainer::reportUnreadable(const QList<DeadLetter> &unreadable)
{
    // The outbox moved them to the dead letters as it met them (and logged it once): no
    // retry can send a message that cannot be read.
    for (const DeadLetter &dead : unreadable)
        Q_EMIT failed(dead.envelope.id, dead.reason, true);
    if (!unreadable.isEmpty())
        Q_EMIT changed();
}

void OutboxDrainer::onAcked(const QString &id)
{
    if (!m_inFlight.remove(id))
        return;
    // Acks that arrive together leave the outbox in one transaction. Until then a crash only
    // means the server sees the same id again, acknowledges it again and drops the copy.
    m_acked.append(id);
    if (!m_settleTimer.isActive())
        m_settleTimer.start(0);
}

void OutboxDrainer::settleAcks()
{
    const QStringList done = std::exchange(m_acked, {});
    if (done.isEmpty())
        return;
    m_outbox->markDeliveredLater(done);
    for (const QString &id : done)
        Q_EMIT delivered(id);
    Q_EMIT changed();
    if (m_inFlight.isEmpty()) {
        m_ackTimer.stop();
        schedulePump(0); // see whether anything else is waiting
    }
}

void OutboxDrainer::onServerError(const QString &code, const QString &message, const QString &ref)
{
    if (code == u"rate_limited") {
        // Not the message's fault: slow down and send it again later.
        m_tokens = std::min(m_tokens, 0.0) - m_policy.ratePerSecond; // about a second's pause
        m_inFlight.remove(ref);
        schedulePump(1000);
        return;
    }
    if (ref.isEmpty() || !m_inFlight.remove(ref))
        return;
    fail(ref, QStringLiteral("%1: %2").arg(code, message.left(200)), isPermanent(code));
}

void OutboxDrainer::checkAckTimeouts()
{
    const qint64 now = m_clock.monotonicMs();
    QStringList late;
    for (auto it = m_inFlight.begin(); it != m_inFlight.end(); ++it) {
        if (now - it.value() >= m_policy.ackTimeoutMs)
            late.append(it.key());
    }
    for (const QString &id : std::as_const(late)) {
        m_inFlight.remove(id);
        fail(id, tr("no acknowledgement within %1 s").arg(m_policy.ackTimeoutMs / 1000.0), false);
    }
    if (m_inFlight.isEmpty())
        m_ackTimer.stop();
    if (!late.isEmpty())
        schedulePump(0);
}

void OutboxDrainer::fail(const QString &id, const QString &reason, bool permanent)
{
    const qint64 now = m_clock.wallMs();
    const bool dead = m_outbox->recordFailure(
        id, reason,
        [&](int failures) { return now + m_policy.retry.delayMs(failures, m_uniform01); },
        permanent ? 1 : m_policy.maxFailures);
    qCWarning(lcQueue).noquote() << "delivery of" << id << "failed:" << reason
                                 << (dead ? "- moved to dead letters" : "- will retry");
    Q_EMIT failed(id, reason, dead);
    Q_EMIT changed();
}

} // namespace vigil
