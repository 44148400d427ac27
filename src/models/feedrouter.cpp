#include "feedrouter.h"

#include "connection/connectionmanager.h"
#include "livelistmodel.h"

namespace vigil {

FeedRouter::FeedRouter(const QList<LiveListModel *> &feeds, QObject *parent)
    : QObject(parent)
{
    for (LiveListModel *feed : feeds) {
        for (const QString &channel : feed->channels())
            m_table[channel].append(feed);
    }
}

void FeedRouter::attach(ConnectionManager *manager)
{
    disconnect(m_connection);
    if (manager)
        m_connection =
            connect(manager, &ConnectionManager::envelopeReceived, this, &FeedRouter::route);
}

void FeedRouter::route(const Envelope &envelope) const
{
    const auto it = m_table.constFind(envelope.channel);
    if (it == m_table.constEnd())
        return;
    for (LiveListModel *feed : *it)
        feed->record(envelope);
}

} // namespace vigil
