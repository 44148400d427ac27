#include "channelcursor.h"

namespace vigil {

void ChannelCursor::restore(const QString &channel, const ChannelPosition &position)
{
    auto it = m_positions.find(channel);
    if (it == m_positions.end() || it->epoch != position.epoch || position.seq > it->seq)
        m_positions.insert(channel, position);
}

QStringList ChannelCursor::adoptServerEpoch(const QString &epoch)
{
    if (epoch.isEmpty())
        return {};
    m_serverEpoch = epoch;
    QStringList reset;
    for (auto it = m_positions.begin(); it != m_positions.end(); ++it) {
        if (it->epoch == epoch)
            continue;
        if (!it->epoch.isEmpty() && it->seq > 0)
            reset.append(it.key());
        if (!it->epoch.isEmpty())
            it->seq = 0; // the old seq names a history this server no longer has
        it->epoch = epoch;
    }
    reset.sort();
    return reset;
}

bool ChannelCursor::advance(const QString &channel, qint64 seq)
{
    ChannelPosition &p = m_positions[channel];
    if (p.epoch.isEmpty())
        p.epoch = m_serverEpoch;
    if (seq <= p.seq)
        return false;
    p.seq = seq;
    return true;
}

void ChannelCursor::rewind(const QStringList &channels)
{
    for (const QString &channel : channels) {
        ChannelPosition &p = m_positions[channel];
        p.seq = 0;
        if (!m_serverEpoch.isEmpty())
            p.epoch = m_serverEpoch;
    }
}

qint64 ChannelCursor::lastSeq(const QString &channel) const
{
    return m_positions.value(channel).seq;
}

qint64 ChannelCursor::since(const QString &channel, bool replayHistory) const
{
    const qint64 seq = lastSeq(channel);
    if (seq >= 0)
        return seq;
    return replayHistory ? 0 : -1;
}

QHash<QString, qint64> ChannelCursor::sincePositions(const QStringList &channels,
                                                     bool replayHistory) const
{
    QHash<QString, qint64> out;
    for (const QString &channel : channels) {
        const qint64 s = since(channel, replayHistory);
        if (s >= 0)
            out.insert(channel, s);
    }
    return out;
}

} // namespace vigil
