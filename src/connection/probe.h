#pragma once

#include "diagnosticsstep.h"
#include "protocol/envelope.h"

#include <QAbstractSocket>
#include <QObject>
#include <QPointer>
#include <QSslConfiguration>

#include <functional>
#include <utility>

namespace vigil {

/// The most of one answer a probe reads (an HTTP body, a WebSocket frame): more than an
/// envelope's worth is not an answer.
inline constexpr qint64 kMaxProbeAnswer = kDefaultMaxMessageBytes + 16 * 1024;

/// \brief What a probe may do with the check that runs it (Diagnostics).
///
/// The step states, the one timeout and the step clock stay with the check, so every probe
/// starts, times out and reports the same way, and a cancel reaches every probe at once.
class ProbeHost
{
public:
    virtual ~ProbeHost() = default;

    /// Marks step `index` running and arms its timeout. False when a slot of stepStarted()
    /// cancelled (or restarted) the check: the probe must then stop where it is.
    virtual bool beginStep(int index, int timeoutMs, std::function<void()> onTimeout) = 0;
    /// Replaces the running step's timeout, for a second wait within one step.
    virtual void rearmStep(int timeoutMs, std::function<void()> onTimeout) = 0;
    /// Ends step `index` with its result; ignored unless `index` is the running step.
    virtual void finishStep(int index, DiagnosticStep::Status status, const QString &detail,
                            const QJsonObject &data = {}) = 0;
    /// The running step (a Diagnostics::Step), or -1 between steps.
    [[nodiscard]] virtual int runningStep() const = 0;
    /// How long the running step has taken so far.
    [[nodiscard]] virtual qint64 stepElapsedMs() const = 0;
};

/// \brief One check of the link (a DNS lookup, a TCP connect...): runs when the check asks,
/// reports through its ProbeHost, and lets go of everything it holds on release().
///
/// A probe opens its own short-lived connections and never retries. Its sockets are its
/// children, its callbacks check that their step is still the running one, so a late signal
/// of an ended step changes nothing. Its sentences for people go through tr(), each probe
/// being its own translation context.
class Probe : public QObject
{
    Q_OBJECT
public:
    Probe(ProbeHost &host, const DiagnosticsConfig &config, QObject *parent);

    /// Drops every connection and lookup at once, without reporting: the check ended, was
    /// cancelled, or starts again.
    virtual void release() = 0;

    /// True for wss://: the link runs over TLS.
    [[nodiscard]] static bool secure(const QUrl &url) { return url.scheme() == u"wss"; }

protected:
    [[nodiscard]] QString host() const { return m_config.url.host(); }
    [[nodiscard]] int port() const { return m_config.url.port(secure(m_config.url) ? 443 : 80); }
    /// Exactly as the client trusts the server (ServerEndpoint); no error ignored.
    [[nodiscard]] QSslConfiguration tlsConfiguration() const;

    /// Lets go of a socket at once: no more signals to this probe, aborted unless it is closed
    /// already (aborting a closed socket makes Qt read from a closed device), deleted from the
    /// event loop.
    template<typename Socket> void discard(QPointer<Socket> &pointer)
    {
        if (Socket *socket = std::exchange(pointer, nullptr)) {
            socket->disconnect(this);
            if (socket->state() != QAbstractSocket::UnconnectedState)
                socket->abort();
            socket->deleteLater();
        }
    }

    /// Gives a socket away to the next step's probe: no more signals to this probe.
    template<typename Socket> Socket *handOver(QPointer<Socket> &pointer)
    {
        Socket *socket = std::exchange(pointer, nullptr);
        if (socket)
            socket->disconnect(this);
        return socket;
    }

    ProbeHost &m_host;
    const DiagnosticsConfig &m_config; ///< the check's: read at each run
};

} // namespace vigil
