#pragma once

#include "heartbeat.h"
#include "linkstats.h"
#include "protocol/envelope.h"

#include <QObject>
#include <QString>

namespace vigil {

/// \brief How a link ended or why it never opened, already sorted for the manager.
struct LinkFailure
{
    QString reason;
    ErrorCategory category = ErrorCategory::Network;
    int closeCode = -1; ///< the close code, or 4401/4429 for a refusal with HTTP 401/429
    /// Something on the way answered the WebSocket upgrade with plain HTTP (a proxy that strips
    /// WebSocket): HTTP may still work where WebSocket cannot.
    bool upgradeRefused = false;
    /// QWebSocket itself closed the link for an inbound message over the limit.
    bool oversized = false;
    /// The server stopped reading what it was sent.
    bool backlog = false;
    /// The server broke the protocol so badly that the link cannot go on (counted as a
    /// protocol error, like a bad frame).
    bool protocolViolation = false;
};

/// \brief One attempt to reach the server over one transport, and the link it becomes once
/// the server answers: a WebSocket (WebSocketLink) or the HTTP fallback (HttpLink).
///
/// A link never retries: when it fails it says how, once, and the ConnectionManager decides
/// what comes next. Both kinds parse what arrives, so the manager sees envelopes only.
class TransportLink : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;

    /// "websocket", "sse" or "poll".
    [[nodiscard]] virtual QString transportName() const = 0;
    [[nodiscard]] virtual bool isHttp() const = 0;
    /// Writes one envelope; the bytes written (0 where the transport does not tell), or -1 when
    /// nothing could be sent.
    virtual qint64 send(const Envelope &envelope) = 0;
    /// A liveness ping, answered with pong() (or pingLost() where the transport times it).
    virtual Heartbeat::Sent ping(int timeoutMs) = 0;
    /// False, and failed() emitted, when the server does not read what it is sent.
    virtual bool checkBacklog() { return true; }
    /// A message was taken on `channel` at `seq` (a restarted HTTP request resumes after it).
    virtual void notePosition(const QString &channel, qint64 seq)
    {
        Q_UNUSED(channel);
        Q_UNUSED(seq);
    }
    /// Ends the link (gracefully where the transport can); emits nothing more.
    virtual void close(bool graceful) = 0;
    /// Log lines this link left out by its rate limit.
    [[nodiscard]] virtual quint64 logLinesSuppressed() const { return 0; }

Q_SIGNALS:
    /// The server answered: from now on the link carries messages.
    void opened();
    void envelopeReceived(const vigil::Envelope &envelope, qint64 bytes);
    /// Something arrived that is not a valid envelope (`bytes` -1: an answer that carried no
    /// message was malformed).
    void badFrame(const QString &why, qint64 bytes);
    void pong(qint64 elapsedMs);
    /// A ping the transport timed itself was not answered.
    void pingLost(const QString &why);
    /// The link failed or never opened. Emitted once; the link is done afterwards.
    void failed(const vigil::LinkFailure &failure);
};

} // namespace vigil
