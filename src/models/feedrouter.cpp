#include "feedrouter.h"

#include "connection/connectionview.h"
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

void FeedRouter::attach(ConnectionView *view)
{
    disconnect(m_connection);
    if (view)
        m_connection =
            connect(view, &ConnectionView::envelopesReceived, this, &FeedRouter::routeBatch);
}

void FeedRouter::addBatchSink(const QString &channel, BatchSink sink)
{
    m_sinks[channel].append(std::move(sink));
}

void FeedRouter::routeBatch(const QList<Envelope> &batch) const
{
    QHash<QString, QList<Envelope>> forSinks;
    for (const Envelope &envelope : batch) {
        route(envelope);
        if (m_sinks.contains(envelope.channel))
            forSinks[envelope.channel].append(envelope);
    }
    for (auto it = forSinks.cbegin(); it != forSinks.cend(); ++it) {
        for (const BatchSink &sink : m_sinks.value(it.key()))
            sink(it.value());
    }
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
