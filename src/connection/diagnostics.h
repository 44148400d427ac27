#pragma once

#include "diagnosticsstep.h"
#include "probe.h"

#include <QElapsedTimer>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QTimer>

#include <functional>

namespace vigil {

class DnsProbe;
class HttpProbe;
class PingProbe;
class TcpProbe;
class TlsProbe;
class WebSocketProbe;

/// \brief A step-by-step link check for the Health page and `vigil-cli diagnose`: DNS, TCP,
/// TLS, WebSocket upgrade, a ping burst and the HTTP fallback endpoints, each with its result
/// and time.
///
/// It answers "why can't I connect?" one layer at a time, which the connection manager's
/// single failure reason cannot. It opens its own short-lived connections, so it neither
/// disturbs nor depends on the live connection, and never retries (retrying is the connection
/// manager's job).
///
/// Everything runs on the event loop. A failed step skips only the steps that depend on it (no
/// TCP: nothing else runs; no upgrade: no ping burst, but the HTTP endpoints are still
/// checked). Skipped steps report stepFinished() without stepStarted().
///
/// This class sequences the steps and keeps their results; each check itself is a Probe
/// (probedns.h, probetcp.h, probetls.h, probewebsocket.h, probeping.h, probehttp.h).
class Diagnostics : public QObject, private ProbeHost
{
    Q_OBJECT
public:
    /// Indexes into steps(), in the order the steps run.
    enum Step { Dns, Tcp, Tls, WebSocket, Ping, HttpHealth, HttpStream, HttpPoll, StepCount };
    Q_ENUM(Step)

    explicit Diagnostics(DiagnosticsConfig config, QObject *parent = nullptr);
    ~Diagnostics() override;

    /// Takes effect at the next start(); ignored while a check is running.
    void setConfig(DiagnosticsConfig config);
    [[nodiscard]] const DiagnosticsConfig &config() const { return m_config; }

    /// Resets every step to Pending and starts the check; a no-op while one is running. The
    /// first step starts from the event loop, so signals connected right after start() fire.
    void start();
    /// Stops the check: the running and pending steps become Skipped ("cancelled") and
    /// finished(false) is emitted before this returns. A no-op when nothing is running.
    void cancel();

    [[nodiscard]] bool running() const { return m_running; }
    [[nodiscard]] const QList<DiagnosticStep> &steps() const { return m_steps; }
    /// True once a check has finished without a failed step and without being cancelled.
    [[nodiscard]] bool allPassed() const;
    /// The whole report, for export and the CLI: the server (without credentials), when the
    /// check started, whether it passed, and every step.
    [[nodiscard]] QJsonObject toJson() const;

Q_SIGNALS:
    void stepStarted(int index);
    void stepFinished(int index);
    void finished(bool allPassed);

private:
    // ProbeHost
    bool beginStep(int index, int timeoutMs, std::function<void()> onTimeout) override;
    void rearmStep(int timeoutMs, std::function<void()> onTimeout) override;
    void finishStep(int index, DiagnosticStep::Status status, const QString &detail,
                    const QJsonObject &data) override;
    [[nodiscard]] int runningStep() const override { return m_current; }
    [[nodiscard]] qint64 stepElapsedMs() const override { return m_stepClock.elapsed(); }

    void resetSteps();
    void scheduleAdvance();
    void advance();
    void runStep(int index);
    [[nodiscard]] QString blockedBy(int index) const;
    void skip(int index, const QString &reason);
    void endRun();
    void releaseConnections();

    DiagnosticsConfig m_config;
    QList<DiagnosticStep> m_steps;
    bool m_running = false;
    bool m_cancelled = false;
    bool m_finished = false;
    int m_current = -1;
    quint64 m_generation = 0; ///< bumped per run and on cancel: late callbacks are ignored
    qint64 m_startedAtMs = 0;
    qint64 m_totalMs = 0;
    QElapsedTimer m_runClock;
    QElapsedTimer m_stepClock;
    QTimer m_timeout;
    std::function<void()> m_onTimeout;

    // Children, created with this object; each reads m_config when it runs.
    DnsProbe *m_dns;
    TcpProbe *m_tcp;
    TlsProbe *m_tls;
    WebSocketProbe *m_webSocket;
    PingProbe *m_ping;
    HttpProbe *m_http;
};

} // namespace vigil
