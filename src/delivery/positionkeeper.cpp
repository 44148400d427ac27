#include "positionkeeper.h"

#include "connection/connectionmanager.h"
#include "protocol/logging.h"
#include "storage/positionstore.h"

namespace vigil {

namespace {
constexpr int kSaveIntervalMs = 1000;
}

PositionKeeper::PositionKeeper(ConnectionManager *manager, PositionStore *store, QString profile,
                               QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_profile(std::move(profile))
{
    const auto saved = m_store->load(m_profile);
    for (auto it = saved.begin(); it != saved.end(); ++it)
        manager->setLastSeq(it.key(), it->seq, it->epoch);
    if (!saved.isEmpty())
        qCInfo(lcQueue) << "resuming" << saved.size() << "channels from saved positions";

    m_timer.setSingleShot(true);
    m_timer.setInterval(kSaveIntervalMs);
    connect(&m_timer, &QTimer::timeout, this, &PositionKeeper::flush);
    connect(manager, &ConnectionManager::positionAdvanced, this,
            [this](const QString &channel, qint64 seq, const QString &epoch) {
                m_pending.insert(channel, {seq, epoch});
                if (!m_timer.isActive())
                    m_timer.start();
            });
}

PositionKeeper::~PositionKeeper()
{
    flush();
}

void PositionKeeper::flush()
{
    if (m_pending.isEmpty())
        return;
    if (!m_store->save(m_profile, m_pending))
        qCWarning(lcQueue) << "could not save channel positions; they will be retried";
    else
        m_pending.clear();
}

} // namespace vigil
