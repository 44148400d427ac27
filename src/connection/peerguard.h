#pragma once

#include <QHash>
#include <QString>
#include <QStringList>

#include <deque>

namespace vigil {

/// \brief Counts protocol errors over a sliding window and says when a peer has sent too many:
/// one bad frame is dropped and counted, a peer that keeps sending them is disconnected.
class BadFrameWindow
{
public:
    BadFrameWindow(int limit, int windowMs)
        : m_limit(limit)
        , m_windowMs(windowMs)
    {}
    /// Records one bad frame at `nowMs`; true when `limit` of them fell within the window
    /// (the window is then emptied, so the next link starts afresh). A limit of 0 never trips.
    bool record(qint64 nowMs);
    void clear() { m_times.clear(); }
    [[nodiscard]] int count() const { return int(m_times.size()); }
    [[nodiscard]] int limit() const { return m_limit; }
    [[nodiscard]] int windowMs() const { return m_windowMs; }

private:
    int m_limit;
    int m_windowMs;
    std::deque<qint64> m_times; ///< at most `limit` entries
};

/// \brief Gets a client out of the loop a message larger than its limit causes.
///
/// QWebSocket closes the link with 1009 when a frame is over the limit, before reading it, so
/// the client never learns the message's channel or seq. The server replays it again on the
/// next connect (it is the next seq after the client's position), and the client would
/// reconnect for ever. What the client does know: its positions, and which channel's replay was
/// under way (the first channel whose `subscribed` has not arrived; a server replays a channel
/// before confirming it). So: when the link is closed for an oversized message twice at the same
/// positions, the next seq of that channel is skipped (the position moves past it) and reported.
/// If the server's history has a hole there, the next close at the new position skips the next
/// seq, and so on: every step needs two closes, so the loop always ends.
class OversizeGuard
{
public:
    explicit OversizeGuard(int repeatsBeforeSkip = 2)
        : m_repeats(repeatsBeforeSkip)
    {}
    /// A link was closed for an oversized inbound message. `positions` identifies where every
    /// channel stood ("incidents=7,chat=3"); `replaying` is the channel whose replay was under
    /// way (empty for a live message) and `since` its position. Returns the seq to skip to on
    /// `replaying`, or -1 when it is too early to decide.
    qint64 record(const QString &positions, const QString &replaying, qint64 since);
    void clear();
    [[nodiscard]] int closesAtSamePosition() const { return m_count; }

private:
    int m_repeats;
    QString m_positions;
    int m_count = 0;
};

} // namespace vigil
