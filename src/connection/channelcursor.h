#pragma once

#include <QHash>
#include <QString>
#include <QStringList>

namespace vigil {

/// \brief Where the client stands in a channel: the last seq seen and the server history
/// (epoch) that seq belongs to.
struct ChannelPosition
{
    qint64 seq = -1; ///< -1: nothing seen; 0: start from the beginning of the server's history
    QString epoch;   ///< empty: unknown (a server without epochs, or a position saved before)
};

/// \brief The client's positions in every channel, and the rules that keep them meaningful.
///
/// A seq only means something within one server history. When the server announces a history
/// (epoch) other than the one a position was taken in, that position is void: the channel starts
/// again from the beginning of what the server holds (since 0), and the caller tells the user
/// that what came before the server lost its history could not be checked. Positions without an
/// epoch (a server without epochs, or saved by an older version) keep today's meaning.
class ChannelCursor
{
public:
    /// Restores a saved position (the later one wins within the same epoch).
    void restore(const QString &channel, const ChannelPosition &position);
    /// The server announced its history. Returns the channels whose positions belonged to
    /// another history; they now start from the beginning. An empty epoch changes nothing.
    QStringList adoptServerEpoch(const QString &epoch);
    [[nodiscard]] QString serverEpoch() const { return m_serverEpoch; }
    /// A message with `seq` arrived on `channel`. Returns true when the position moved forward.
    bool advance(const QString &channel, qint64 seq);
    /// The Reload: these channels start again from the beginning of the server's history.
    void rewind(const QStringList &channels);
    [[nodiscard]] qint64 lastSeq(const QString &channel) const;
    [[nodiscard]] bool contains(const QString &channel) const
    {
        return m_positions.contains(channel);
    }
    /// How many channels have a position.
    [[nodiscard]] int size() const { return int(m_positions.size()); }
    [[nodiscard]] ChannelPosition position(const QString &channel) const
    {
        return m_positions.value(channel);
    }
    /// The `since` of a subscribe: the last seq, else 0 when `replayHistory`, else -1 (live only).
    [[nodiscard]] qint64 since(const QString &channel, bool replayHistory) const;
    /// since() of each of `channels` that has one.
    [[nodiscard]] QHash<QString, qint64> sincePositions(const QStringList &channels,
                                                        bool replayHistory) const;

private:
    QHash<QString, ChannelPosition> m_positions;
    QString m_serverEpoch;
};

} // namespace vigil
