#pragma once

// What the relay tests that run vigil-relay as a real process share: starting and signalling
// it, its memory (VmRSS), its HTTP health, and a protocol-naive WebSocket client.
#include "helpers/childprocess.h"
#include "protocol/envelope.h"

#include <QJsonObject>
#include <QNetworkRequest>
#include <QObject>
#include <QWebSocket>

#include <memory>

namespace vigil::test {

constexpr int kProcessWaitMs = 30000;

/// A vigil-relay process on 127.0.0.1 with its stderr kept for the test to read.
class RelayProcess
{
public:
    /// Starts it with `args` (plus --port 0); check isRunning().
    explicit RelayProcess(const QStringList &args);
    ~RelayProcess();
    RelayProcess(const RelayProcess &) = delete;
    RelayProcess &operator=(const RelayProcess &) = delete;
    [[nodiscard]] bool isRunning() const;
    [[nodiscard]] quint16 port() const { return m_port; }
    [[nodiscard]] QString epoch() const { return m_epoch; }
    [[nodiscard]] QUrl wsUrl() const;
    [[nodiscard]] qint64 pid() const;
    /// VmRSS from /proc/PID/status, in KiB (-1 when unknown).
    [[nodiscard]] qint64 rssKb() const;
    /// Logs the RSS with `label` (qInfo) and returns it.
    qint64 logRss(const char *label) const;
    /// Everything it wrote on stderr so far.
    QByteArray stderrText();
    /// SIGTERM (or another signal) and the wait for its end; returns the exit code (-1: none).
    int stop(int signal = 15);
    /// GET `path` with an optional bearer token: status code and JSON body.
    QJsonObject getJson(const QString &path, int *status = nullptr,
                        const QByteArray &token = {}) const;
    /// POST `body` to `path`; returns the parsed JSON answer (array or object, as a value).
    QJsonValue postJson(const QString &path, const QByteArray &body, int *status = nullptr) const;

private:
    std::unique_ptr<ChildProcess> m_process;
    quint16 m_port = 0;
    QString m_epoch;
    QByteArray m_stderr;
};

/// Runs vigil-relay with `args` expecting it NOT to start; returns its exit code and stderr.
RunResult runRelayExpectingFailure(const QStringList &args);

/// A protocol-naive client: sends raw text, keeps every envelope it receives.
class WsClient : public QObject
{
public:
    explicit WsClient(const QUrl &url, const QByteArray &authorization = {});
    bool waitConnected();
    /// Waits until the server closes the connection; returns the close code (-1: never).
    int waitClosed(int timeoutMs = kProcessWaitMs);
    void sendEnvelope(const Envelope &e);
    void subscribe(const QString &channel, qint64 since = -1);
    [[nodiscard]] QList<Envelope> ofType(const QString &type) const;
    [[nodiscard]] QList<Envelope> onChannel(const QString &channel) const;
    [[nodiscard]] QStringList errorCodes() const;

    QWebSocket socket;
    QList<Envelope> received;
    qint64 bytesReceived = 0;
    int largestFrame = 0;
};

} // namespace vigil::test
