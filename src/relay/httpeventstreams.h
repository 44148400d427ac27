#pragma once

#include "protocol/envelope.h"
#include "protocol/logfilter.h"

#include <QElapsedTimer>
#include <QHash>
#include <QObject>
#include <QSet>
#include <QTimer>

namespace vigil {

class HttpConnection;
class HttpServer;
class Relay;

/// \brief The open Server-Sent Events answers of `/api/stream`: history replayed a page at a
/// time as the reader takes it, then every new message of the stream's channels (through the
/// stream's log filter), a comment line every 15 s, and the slow-reader rule.
///
/// The server owns the connections and deletes them only from the event loop; this table just
/// points at them, drops an entry when its connection closes, and is never changed while it is
/// walked, so a stream ends exactly once whatever order the events come in.
class HttpEventStreams : public QObject
{
    Q_OBJECT
public:
    explicit HttpEventStreams(Relay *relay, QObject *parent = nullptr);

    void setServer(HttpServer *server) { m_server = server; }
    /// Turns `connection` into a stream of `channels` (the answer's head is written here),
    /// replaying each channel of `since` from its position first; `filter` applies to the
    /// log messages of every one of them, in the replay and live.
    void open(HttpConnection *connection, const QSet<QString> &channels,
              const QHash<QString, qint64> &since, const LogFilter &filter = {});
    void forget(HttpConnection *connection);
    void clear();
    [[nodiscard]] int count() const { return int(m_streams.size()); }

    /// The `subscribed` notice a WebSocket client gets when history cannot cover its position.
    [[nodiscard]] static Envelope lostNotice(const Relay *relay, const QString &channel);

private:
    struct Stream
    {
        QSet<QString> channels;
        /// Channels whose history is still being replayed, with the seq sent last; their new
        /// messages wait in the history meanwhile.
        QHash<QString, qint64> catchingUp;
        qint64 lagSinceMs = -1; ///< since when more than maxBufferedBytes wait unsent
        LogFilter filter;
    };

    void onPublished(const Envelope &envelope);
    void keepAlive();
    void pump(HttpConnection *connection);
    /// False when the reader has fallen too far behind, for too long.
    bool keepsUp(HttpConnection *connection, Stream &stream);
    void drop(HttpConnection *connection);

    Relay *m_relay;
    HttpServer *m_server = nullptr;
    QHash<HttpConnection *, Stream> m_streams;
    QTimer m_keepAlive;
    QElapsedTimer m_clock;
};

} // namespace vigil
