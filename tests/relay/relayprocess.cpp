#include "relayprocess.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTest>

#include <csignal>

namespace vigil::test {

RelayProcess::RelayProcess(const QStringList &args)
{
    m_process = startRelayProcess(args, &m_port);
    if (!m_process)
        return;
    QObject::connect(m_process.get(), &QProcess::readyReadStandardError, m_process.get(),
                     [this] { m_stderr += m_process->readAllStandardError(); });
    // The epoch is in the listening line, which startRelayProcess has read: ask /api/health.
    m_epoch = getJson(QStringLiteral("/api/health")).value("epoch").toString();
}

RelayProcess::~RelayProcess()
{
    // The process ends (ChildProcess's destructor) after this object's members are gone.
    if (m_process)
        QObject::disconnect(m_process.get(), nullptr, nullptr, nullptr);
}

bool RelayProcess::isRunning() const
{
    return m_process && m_process->state() == QProcess::Running;
}

QUrl RelayProcess::wsUrl() const
{
    return QUrl(QStringLiteral("ws://127.0.0.1:%1/ws").arg(m_port));
}

qint64 RelayProcess::pid() const
{
    return m_process ? m_process->processId() : -1;
}

qint64 RelayProcess::rssKb() const
{
    QFile status(QStringLiteral("/proc/%1/status").arg(pid()));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').value(0).toLongLong();
    }
    return -1;
}

qint64 RelayProcess::logRss(const char *label) const
{
    const qint64 kb = rssKb();
    qInfo("vigil-relay RSS %s: %lld KiB", label, static_cast<long long>(kb));
    return kb;
}

QByteArray RelayProcess::stderrText()
{
    if (m_process)
        m_stderr += m_process->readAllStandardError();
    return m_stderr;
}

int RelayProcess::stop(int signal)
{
    if (!m_process)
        return -1;
    if (m_process->state() != QProcess::NotRunning) {
        ::kill(pid_t(m_process->processId()), signal);
        if (!m_process->waitForFinished(kProcessWaitMs))
            return -1;
    }
    stderrText();
    return m_process->exitStatus() == QProcess::NormalExit ? m_process->exitCode() : -1;
}

namespace {

QJsonValue waitJson(QNetworkReply *reply, int *status)
{
    QSignalSpy done(reply, &QNetworkReply::finished);
    if (!reply->isFinished())
        done.wait(kProcessWaitMs);
    if (status)
        *status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QJsonDocument doc = QJsonDocument::fromJson(reply->readAll());
    reply->deleteLater();
    return doc.isArray() ? QJsonValue(doc.array()) : QJsonValue(doc.object());
}

} // namespace

QJsonObject RelayProcess::getJson(const QString &path, int *status, const QByteArray &token) const
{
    QNetworkAccessManager network;
    QNetworkRequest request(QUrl(QStringLiteral("http://127.0.0.1:%1%2").arg(m_port).arg(path)));
    if (!token.isEmpty())
        request.setRawHeader("Authorization", "Bearer " + token);
    return waitJson(network.get(request), status).toObject();
}

QJsonValue RelayProcess::postJson(const QString &path, const QByteArray &body, int *status) const
{
    QNetworkAccessManager network;
    QNetworkRequest request(QUrl(QStringLiteral("http://127.0.0.1:%1%2").arg(m_port).arg(path)));
    request.setHeader(QNetworkRequest::ContentTypeHeader, "application/json");
    return waitJson(network.post(request, body), status);
}

RunResult runRelayExpectingFailure(const QStringList &args)
{
    QStringList all = args;
    all << "--port"
        << "0";
    return runProcess(QStringLiteral(VIGIL_RELAY_BIN), all, kProcessWaitMs);
}

WsClient::WsClient(const QUrl &url, const QByteArray &authorization)
{
    connect(&socket, &QWebSocket::textMessageReceived, this, [this](const QString &text) {
        const QByteArray bytes = text.toUtf8();
        bytesReceived += bytes.size();
        largestFrame = std::max(largestFrame, int(bytes.size()));
        const auto parsed = parseEnvelope(bytes, 0);
        if (parsed.ok())
            received.append(parsed.envelope);
    });
    QNetworkRequest request(url);
    if (!authorization.isEmpty())
        request.setRawHeader("Authorization", authorization);
    socket.open(request);
}

bool WsClient::waitConnected()
{
    if (socket.state() == QAbstractSocket::ConnectedState)
        return true;
    QSignalSpy spy(&socket, &QWebSocket::connected);
    return spy.wait(kProcessWaitMs);
}

int WsClient::waitClosed(int timeoutMs)
{
    if (socket.state() != QAbstractSocket::UnconnectedState) {
        QSignalSpy spy(&socket, &QWebSocket::disconnected);
        if (!spy.wait(timeoutMs))
            return -1;
    }
    return int(socket.closeCode());
}

void WsClient::sendEnvelope(const Envelope &e)
{
    socket.sendTextMessage(QString::fromUtf8(e.serialize()));
}

void WsClient::subscribe(const QString &channel, qint64 since)
{
    QJsonObject entry{{"name", channel}};
    if (since >= 0)
        entry.insert("since", since);
    sendEnvelope(
        Envelope::create("subscribe", "system", QJsonObject{{"channels", QJsonArray{entry}}}));
}

QList<Envelope> WsClient::ofType(const QString &type) const
{
    QList<Envelope> out;
    for (const Envelope &e : received) {
        if (e.type == type)
            out.append(e);
    }
    return out;
}

QList<Envelope> WsClient::onChannel(const QString &channel) const
{
    QList<Envelope> out;
    for (const Envelope &e : received) {
        if (e.channel == channel)
            out.append(e);
    }
    return out;
}

QStringList WsClient::errorCodes() const
{
    QStringList out;
    for (const Envelope &e : ofType("error"))
        out << e.payload.toObject().value("code").toString();
    return out;
}

} // namespace vigil::test
