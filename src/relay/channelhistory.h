#pragma once

#include "protocol/envelope.h"

#include <QElapsedTimer>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QTimer>

#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

namespace vigil {

class RelayStore;
struct LogFilter;
struct RelayConfig;

/// \brief The relay's channels: each one's seq counter and replay history, within the count
/// and byte caps, and (with a `--data-dir`) the store that keeps both across restarts.
///
/// Stamping goes through here so that no seq is handed out that the store could not cover
/// after a crash (RelayStore::issueLimit()); replay answers come from here one bounded page at
/// a time. Fan-out is not its business: it only keeps what was published.
class ChannelHistory : public QObject
{
    Q_OBJECT
public:
    /// `config` is the relay's and must outlive this object.
    explicit ChannelHistory(const RelayConfig &config);
    ~ChannelHistory() override;

    /// With a data directory: creates it (for this user only), opens the store and restores
    /// the counters, the history and the epoch from it. Without one the history is memory
    /// only, and gets an epoch of its own the first time. False with a sentence in `error`.
    bool open(QString *error);
    /// Saves what waits and closes the store; the memory is kept (a reopen without a store
    /// goes on with it, and with its epoch).
    void close();

    /// Names this history; see Relay::epoch().
    [[nodiscard]] QString epoch() const { return m_epoch; }
    [[nodiscard]] qint64 head(const QString &channel) const;
    /// Stamps `envelope` with its channel's next seq, keeps it in history (and in the store)
    /// and returns it serialized, as it is to be sent. Nullopt, with an error envelope's code
    /// and message, when it may not be kept: too many channels, seqs used up, the store cannot
    /// save, or too large as sent.
    std::optional<QByteArray> stamp(Envelope &envelope, QString *code, QString *why);
    /// Calls `saved` once every message stamped so far is on disk: at once without a store or
    /// when nothing waits, else after the next successful save (a few milliseconds; as long as
    /// the disk refuses, no call). The relay acknowledges a message only then, so an
    /// acknowledged message is in the history even after a crash. Calls still waiting when the
    /// history closes unsaved are dropped: their senders never got an ack and send again.
    void whenSaved(std::function<void()> saved);
    /// Acknowledgements waiting for a save.
    [[nodiscard]] int waitingForSave() const { return int(m_waitingForSave.size()); }
    /// Keeps a message another node stamped (a shared broker's), as the channel's newest: the
    /// broker checked the caps, so none is checked here.
    void keepStamped(const Envelope &envelope, qint64 bytes);
    /// Forgets every channel and names the history `epoch` (a shared broker's, whose history
    /// this mirrors). Only without a store.
    void reset(const QString &epoch);
    /// See Relay::replay().
    [[nodiscard]] QList<Envelope> replay(const QString &channel, qint64 since, bool *recovered,
                                         bool *more, qint64 maxBytes,
                                         const LogFilter *filter = nullptr) const;

    /// Per channel: head, messages and bytes in history (for /api/metrics).
    [[nodiscard]] QJsonObject channelsJson() const;
    /// Adds what the store reports to a health answer: "storage", and the status "degraded"
    /// with its reason while saving fails. Nothing without a store.
    void addStorageHealth(QJsonObject *health) const;

private:
    struct Stored
    {
        Envelope envelope;
        qint64 bytes = 0; ///< as sent
    };
    struct Channel
    {
        qint64 seq = 0;
        std::deque<Stored> history;
        qint64 bytes = 0; ///< of history
    };

    bool restore(QString *error);
    void keep(Channel &channel, const Envelope &e, qint64 bytes);
    void trim();
    void flush();
    /// Runs the whenSaved() calls when nothing is left to save.
    void releaseSaved();

    const RelayConfig &m_config;
    std::unique_ptr<RelayStore> m_store;
    QString m_epoch;
    QHash<QString, Channel> m_channels;
    qint64 m_bytes = 0; ///< all channels
    QTimer m_flushTimer;
    QTimer m_commitTimer; ///< a save soon after a message that waits for one (group commit)
    std::vector<std::function<void()>> m_waitingForSave;
    QElapsedTimer m_clock;
    qint64 m_lastForcedFlush = -1;
};

} // namespace vigil
