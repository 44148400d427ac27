#pragma once

#include "protocol/envelope.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QObject>

#include <functional>

namespace vigil {

class ChannelHistory;

/// \brief Where a relay's channels are sequenced and kept: the one place that hands out seqs.
///
/// A relay publishes through its broker and fans out what the broker reports with entry(), in
/// each channel's order. The default broker (LocalBroker) is the relay's own ChannelHistory (in
/// memory, or SQLite with `--data-dir`): publish() answers at once. A shared broker
/// (RedisBroker) lets several relay nodes serve the same channels: publish() answers when the
/// broker has stored the message, and every node reports every node's messages. Either way the
/// broker keeps what it reports in the relay's ChannelHistory, which answers replays.
class Broker : public QObject
{
    Q_OBJECT
public:
    /// What became of one publish().
    struct Result
    {
        Envelope envelope;      ///< as stamped (seq set); with a shared broker: seq as stored
        QString code;           ///< empty when published; else an `error` envelope's code...
        QString why;            ///< ...and its message
        bool duplicate = false; ///< the id was published before (by any node): not again
        [[nodiscard]] bool ok() const { return code.isEmpty(); }
    };
    using Done = std::function<void(const Result &)>;

    using QObject::QObject;

    /// Connects, or opens the store, and loads what replays need. False with a sentence for
    /// the user in `error`.
    virtual bool open(QString *error) = 0;
    virtual void close() = 0;
    /// Names the history; see Relay::epoch().
    [[nodiscard]] virtual QString epoch() const = 0;
    /// True when other relay nodes share the channels.
    [[nodiscard]] virtual bool shared() const = 0;
    /// Stamps `envelope` with its channel's next seq and stores it. `done` is called exactly
    /// once, perhaps before publish() returns, never after close(). With a non-empty `dedupId`
    /// a shared broker refuses an id published before, by any node (Result::duplicate).
    virtual void publish(Envelope envelope, const QString &dedupId, Done done) = 0;
    /// Adds the broker's state to an /api/health answer.
    virtual void addHealth(QJsonObject *health) const = 0;
    /// Tells the other nodes which sessions `node` serves (a shared broker forgets them after
    /// `ttlMs` unless told again), and learns theirs. Nothing for a broker that is not shared.
    virtual void sharePresence(const QString &node, const QJsonArray &sessions, int ttlMs)
    {
        Q_UNUSED(node)
        Q_UNUSED(sessions)
        Q_UNUSED(ttlMs)
    }
    /// The other nodes' sessions as they last shared them: node -> sessions.
    [[nodiscard]] virtual QHash<QString, QJsonArray> peerSessions() const { return {}; }

Q_SIGNALS:
    /// A stamped message to fan out, kept in the history already; in seq order per channel.
    void entry(const vigil::Envelope &envelope, const QByteArray &frame);
    /// The history was lost (a wiped broker) and starts again under a new epoch: what
    /// clients hold no longer matches.
    void epochReset(const QString &epoch);
};

/// \brief The default broker: the relay's own ChannelHistory, nothing shared.
class LocalBroker : public Broker
{
    Q_OBJECT
public:
    /// `history` must outlive this object.
    explicit LocalBroker(ChannelHistory *history, QObject *parent = nullptr);

    bool open(QString *error) override;
    void close() override;
    [[nodiscard]] QString epoch() const override;
    [[nodiscard]] bool shared() const override { return false; }
    void publish(Envelope envelope, const QString &dedupId, Done done) override;
    void addHealth(QJsonObject *health) const override;

private:
    ChannelHistory *m_history;
};

} // namespace vigil
