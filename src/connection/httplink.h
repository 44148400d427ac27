#pragma once

#include "connectionconfig.h"
#include "httptransport.h"
#include "transportlink.h"

#include <QHash>
#include <QStringList>

namespace vigil {

/// \brief The HTTP fallback as one link: an HttpTransport receiving the configured channels
/// (event stream or long-polling), posting what is sent, and timing round trips on
/// /api/health. It opens when the server first answers over HTTP: until then nothing proves
/// that HTTP works, and the attempt is still Connecting.
class HttpLink : public TransportLink
{
    Q_OBJECT
public:
    HttpLink(const HttpTransport::Settings &settings, QObject *parent = nullptr);
    /// The HTTP side of `config` for the server at `webSocketUrl` (same host, http(s)).
    [[nodiscard]] static HttpTransport::Settings settingsFor(const ConnectionConfig &config,
                                                             const QUrl &webSocketUrl);

    /// Starts the attempt: `channels` from `since` (channel -> last seq seen) in `mode`.
    void open(HttpTransport::Mode mode, const QStringList &channels,
              const QHash<QString, qint64> &since);
    /// Receives again from `since` in `mode`, on the same link (a Reload, a new server history,
    /// the operator's choice of mode).
    void restart(HttpTransport::Mode mode, const QHash<QString, qint64> &since);
    /// New credentials for the next requests of this link.
    void setToken(const QString &token) { m_transport.setToken(token); }
    /// The log filter of the next requests (restart() to apply it to the current stream).
    void setLogFilter(const LogFilter &filter) { m_transport.setLogFilter(filter); }
    [[nodiscard]] HttpTransport::Mode mode() const { return m_transport.mode(); }
    [[nodiscard]] QUrl baseUrl() const { return m_transport.baseUrl(); }
    [[nodiscard]] bool isOpen() const { return m_opened && !m_done; }

    [[nodiscard]] QString transportName() const override;
    [[nodiscard]] bool isHttp() const override { return true; }
    /// Posts a channel message; control messages have no HTTP form (-1): positions ride on the
    /// requests, and the heartbeat is ping().
    qint64 send(const Envelope &envelope) override;
    /// A real round trip to the server (GET /api/health), timed by the request itself.
    Heartbeat::Sent ping(int timeoutMs) override;
    void notePosition(const QString &channel, qint64 seq) override
    {
        m_transport.notePosition(channel, seq);
    }
    void close(bool graceful) override;
    [[nodiscard]] quint64 logLinesSuppressed() const override
    {
        return m_transport.logLinesSuppressed();
    }

Q_SIGNALS:
    /// Every answer from the server (a sign of life), not only the first.
    void answered();
    /// The server named its history (the `Vigil-Epoch` header).
    void epochSeen(const QString &epoch);
    /// The event stream did not work: polling from the same positions; `why` says what.
    void switchedToPolling(const QString &why);
    /// A message over the size limit was skipped (see HttpTransport::messageSkipped); `reason`
    /// says how large it was.
    void messageSkipped(const QString &channel, qint64 seq, const QString &reason);

private:
    void fail(LinkFailure failure);

    HttpTransport m_transport;
    QStringList m_channels;
    bool m_opened = false;
    bool m_done = false;
};

} // namespace vigil
