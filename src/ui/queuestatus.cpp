#include "queuestatus.h"

#include "delivery/outboxdrainer.h"

namespace vigil {

namespace {
constexpr int kRefreshDelayMs = 100;
} // namespace

QueueStatus::QueueStatus(QObject *parent)
    : QObject(parent)
{
    m_refresh.setSingleShot(true);
    m_refresh.setInterval(kRefreshDelayMs);
    connect(&m_refresh, &QTimer::timeout, this, &QueueStatus::refresh);
}

void QueueStatus::attach(Outbox *outbox, const QString &profile, OutboxDrainer *drainer)
{
    if (m_drainer)
        disconnect(m_drainer, nullptr, this, nullptr);
    m_drainer = drainer;
    m_outbox = outbox;
    m_profile = profile;
    if (drainer)
        connect(drainer, &OutboxDrainer::changed, this, &QueueStatus::refreshSoon);
    if (!outbox->recoveryNotice().isEmpty())
        m_notice = outbox->recoveryNotice();
    refresh();
}

void QueueStatus::setNotice(const QString &notice)
{
    if (notice == m_notice)
        return;
    m_notice = notice;
    Q_EMIT changed();
}

void QueueStatus::refreshSoon()
{
    if (!m_refresh.isActive())
        m_refresh.start();
}

int QueueStatus::retryDeadLetters()
{
    if (!m_outbox)
        return 0;
    const int n = m_outbox->retryDeadLetters(m_profile);
    refresh();
    return n;
}

int QueueStatus::purgeDeadLetters()
{
    if (!m_outbox)
        return 0;
    const int n = m_outbox->purgeDeadLetters(m_profile);
    refresh();
    return n;
}

void QueueStatus::refresh()
{
    if (!m_outbox || !m_outbox->isOpen())
        return;
    m_stats = m_outbox->stats(m_profile);
    Q_EMIT changed();
}

} // namespace vigil
