#pragma once

#include <QElapsedTimer>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QSslError>
#include <QTimer>
#include <QUrl>
#include <QUrlQuery>

#include <functional>

class QNetworkAccessManager;
class QNetworkReply;
class QNetworkRequest;
class QTcpSocket;
class QWebSocket;

namespace vigil {

/// \brief One step of a link check: what was checked, how it went and how long it took.
struct DiagnosticStep
{
    enum Status { Pending, Running, Passed, Failed, Skipped };

    QString id;    ///< stable key for scripts and exports, e.g. "dns", "websocket"
    QString title; ///< short label for people
    Status status = Pending;
    QString detail;       ///< one sentence: the result, or why it failed or was skipped
    qint64 elapsedMs = 0; ///< wall time of the step itself; 0 when it did not run
    /// The figures behind `detail` (addresses, RTTs, certificate expiry...), so an export or a
    /// script does not have to parse a sentence. Never holds a credential.
    QJsonObject data;

    [[nodiscard]] static QString statusName(Status status);
    [[nodiscard]] QJsonObject toJson() const;
};

/// \brief What to check and how long each check may take.
struct DiagnosticsConfig
{
    QUrl url;      ///< ws:// or wss:// server URL, as the client uses it
    QString token; ///< bearer token; never logged or reported
    QList<QSslCertificate> extraCaCertificates; ///< trusted in addition to the system CAs
    /// Limit of each network step (DNS, TCP, TLS, upgrade, each HTTP request). A step that hits
    /// it fails with a sentence saying so, so no step can hang the check.
    int stepTimeoutMs = 10000;
    /// After the upgrade, how long to wait for `welcome` (or an immediate close, which is how
    /// the relay refuses a token) before calling the server a plain WebSocket server.
    int welcomeWaitMs = 2000;
    int pingCount = 5;
    int pingTimeoutMs = 2000; ///< a pong later than this counts as lost
    /// The channel the SSE and long-poll checks read: both endpoints refuse a request without
    /// one, and a token may be allowed to read only some channels.
    QString httpChannel = QStringLiteral("incidents");
};

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
class Diagnostics : public QObject
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
    void resetSteps();
    void scheduleAdvance();
    void advance();
    [[nodiscard]] QString blockedBy(int index) const;
    /// Marks `index` running and arms its timeout; false when a slot cancelled the check.
    bool begin(int index, int timeoutMs, std::function<void()> onTimeout);
    void rearm(int timeoutMs, std::function<void()> onTimeout);
    void finishStep(int index, DiagnosticStep::Status status, const QString &detail,
                    const QJsonObject &data = {});
    void skip(int index, const QString &reason);
    void endRun();
    void releaseConnections();
    void dropTcp();
    void dropSocket();
    void dropReply();

    void runDns();
    void runTcp();
    void runTls();
    void runWebSocket();
    void failUpgrade();
    void runPing();
    void sendNextPing();
    void onPong(const QByteArray &payload);
    void finishPing(const QString &problem);
    void runHttp(int index, const QString &path, const QUrlQuery &query);
    void onHttpData(int index);
    void onHttpFinished(int index);

    [[nodiscard]] bool secure() const;
    [[nodiscard]] QString host() const;
    [[nodiscard]] int port() const;
    [[nodiscard]] QSslConfiguration tlsConfiguration() const;
    [[nodiscard]] QNetworkRequest httpRequest(const QString &path, const QUrlQuery &query) const;

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

    int m_lookupId = -1;
    QPointer<QTcpSocket> m_tcp;
    QList<QSslError> m_sslErrors;
    QPointer<QWebSocket> m_socket;
    bool m_upgraded = false;
    qint64 m_upgradeMs = 0;
    QNetworkAccessManager *m_network = nullptr;
    QPointer<QNetworkReply> m_reply;
    bool m_streamHeardFrom = false;

    int m_pingsSent = 0;
    int m_pingsLost = 0;
    QByteArray m_pingPayload;
    QElapsedTimer m_pingClock;
    QList<double> m_rtts;
};

} // namespace vigil
