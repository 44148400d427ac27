#include "diagnostics.h"

#include "httptransport.h"
#include "protocol/envelope.h"
#include "protocol/logging.h"
#include "serverendpoint.h"

#include <QDateTime>
#include <QHostAddress>
#include <QHostInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QMetaEnum>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QSslCipher>
#include <QSslConfiguration>
#include <QSslSocket>
#include <QTcpSocket>
#include <QWebSocket>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <utility>

namespace vigil {

namespace {

// The relay answers a poll at once when it has data and otherwise holds it this long: short,
// so the check stays quick, but enough to go through the relay's held-request path.
constexpr int kPollWaitMs = 100;
// The most of an HTTP error body we read to find its message.
constexpr qint64 kMaxErrorBody = 4096;
// The most of one HTTP answer a step reads: more than an envelope's worth is not an answer.
constexpr qint64 kMaxHttpAnswer = kDefaultMaxMessageBytes + 16 * 1024;

QString stepId(int index)
{
    switch (index) {
    case Diagnostics::Dns:
        return QStringLiteral("dns");
    case Diagnostics::Tcp:
        return QStringLiteral("tcp");
    case Diagnostics::Tls:
        return QStringLiteral("tls");
    case Diagnostics::WebSocket:
        return QStringLiteral("websocket");
    case Diagnostics::Ping:
        return QStringLiteral("ping");
    case Diagnostics::HttpHealth:
        return QStringLiteral("http-health");
    case Diagnostics::HttpStream:
        return QStringLiteral("http-stream");
    case Diagnostics::HttpPoll:
        return QStringLiteral("http-poll");
    }
    return {};
}

QString stepTitle(int index)
{
    switch (index) {
    case Diagnostics::Dns:
        return QStringLiteral("DNS lookup");
    case Diagnostics::Tcp:
        return QStringLiteral("TCP connection");
    case Diagnostics::Tls:
        return QStringLiteral("TLS handshake");
    case Diagnostics::WebSocket:
        return QStringLiteral("WebSocket upgrade");
    case Diagnostics::Ping:
        return QStringLiteral("Ping burst");
    case Diagnostics::HttpHealth:
        return QStringLiteral("HTTP health (/api/health)");
    case Diagnostics::HttpStream:
        return QStringLiteral("HTTP event stream (/api/stream)");
    case Diagnostics::HttpPoll:
        return QStringLiteral("HTTP long-poll (/api/poll)");
    }
    return {};
}

QString protocolName(QSsl::SslProtocol protocol)
{
    switch (protocol) {
    case QSsl::TlsV1_2:
        return QStringLiteral("TLS 1.2");
    case QSsl::TlsV1_3:
        return QStringLiteral("TLS 1.3");
    default:
        return QStringLiteral("an older or unknown TLS version");
    }
}

QString sslErrorName(const QSslError &error)
{
    return QString::fromLatin1(
        QMetaEnum::fromType<QSslError::SslError>().valueToKey(error.error()));
}

// "The certificate has expired (CertificateExpired); ..." - the sentence for people and the
// enum name for searching the Qt documentation.
QString describeSslErrors(const QList<QSslError> &errors)
{
    QStringList parts;
    for (const QSslError &e : errors)
        parts.append(QStringLiteral("%1 (%2)").arg(e.errorString(), sslErrorName(e)));
    parts.removeDuplicates();
    return parts.join(QStringLiteral("; "));
}

QJsonArray sslErrorNames(const QList<QSslError> &errors)
{
    QStringList names;
    for (const QSslError &e : errors)
        names.append(sslErrorName(e));
    names.removeDuplicates();
    return QJsonArray::fromStringList(names);
}

QJsonObject certificateJson(const QSslCertificate &certificate)
{
    const QDateTime expiry = certificate.expiryDate().toUTC();
    return {{QStringLiteral("subject"), certificate.subjectDisplayName()},
            {QStringLiteral("issuer"), certificate.issuerDisplayName()},
            {QStringLiteral("expires"), expiry.toString(Qt::ISODate)},
            {QStringLiteral("daysLeft"), QDateTime::currentDateTimeUtc().daysTo(expiry)}};
}

// Why a server closes right after the upgrade, for the codes Vigil uses (docs/protocol.md).
QString closeCodeMeaning(int code)
{
    switch (code) {
    case 1001:
        return QStringLiteral("the server is going away");
    case 1006:
        return QStringLiteral("the connection dropped without a close frame");
    case 1008:
        return QStringLiteral("policy violation");
    case 4401:
        return QStringLiteral("the token is missing or not accepted");
    case 4403:
        return QStringLiteral("this Origin is not allowed");
    case 4429:
        return QStringLiteral("rate limited");
    case 4503:
        return QStringLiteral("the server is at its connection limit");
    default:
        return {};
    }
}

QString formatMs(double ms)
{
    return QString::number(ms, 'f', ms < 10 ? 2 : 1);
}

// Microseconds are the most a loopback RTT can tell; more digits are noise in an export.
double roundedMs(double ms)
{
    return std::round(ms * 1000.0) / 1000.0;
}

} // namespace

QString DiagnosticStep::statusName(Status status)
{
    switch (status) {
    case Pending:
        return QStringLiteral("pending");
    case Running:
        return QStringLiteral("running");
    case Passed:
        return QStringLiteral("passed");
    case Failed:
        return QStringLiteral("failed");
    case Skipped:
        return QStringLiteral("skipped");
    }
    return {};
}

QJsonObject DiagnosticStep::toJson() const
{
    QJsonObject out{{QStringLiteral("id"), id},
                    {QStringLiteral("title"), title},
                    {QStringLiteral("status"), statusName(status)},
                    {QStringLiteral("detail"), detail},
                    {QStringLiteral("elapsedMs"), elapsedMs}};
    if (!data.isEmpty())
        out.insert(QStringLiteral("data"), data);
    return out;
}

Diagnostics::Diagnostics(DiagnosticsConfig config, QObject *parent)
    : QObject(parent)
    , m_config(std::move(config))
    , m_network(new QNetworkAccessManager(this))
{
    m_timeout.setSingleShot(true);
    // A coarse timer may fire up to 5% early: a pong arriving just inside its limit would be
    // counted lost.
    m_timeout.setTimerType(Qt::PreciseTimer);
    connect(&m_timeout, &QTimer::timeout, this, [this] {
        // Taken out first: the handler may arm the next timeout (the next ping).
        const auto handler = std::exchange(m_onTimeout, nullptr);
        if (handler)
            handler();
    });
    resetSteps();
}

Diagnostics::~Diagnostics()
{
    ++m_generation;
    releaseConnections();
}

void Diagnostics::setConfig(DiagnosticsConfig config)
{
    if (m_running) {
        qCWarning(lcNet) << "diagnostics: new settings ignored while a check is running";
        return;
    }
    m_config = std::move(config);
}

void Diagnostics::resetSteps()
{
    m_steps.clear();
    for (int i = 0; i < StepCount; ++i) {
        DiagnosticStep step;
        step.id = stepId(i);
        step.title = stepTitle(i);
        m_steps.append(step);
    }
}

void Diagnostics::start()
{
    if (m_running)
        return;
    ++m_generation;
    releaseConnections();
    resetSteps();
    m_running = true;
    m_cancelled = false;
    m_finished = false;
    m_current = -1;
    m_startedAtMs = QDateTime::currentMSecsSinceEpoch();
    m_runClock.start();
    // Each check measures fresh connections, not ones kept alive from the last check.
    m_network->clearConnectionCache();
    qCInfo(lcNet).noquote() << "diagnostics: checking" << ServerEndpoint::redacted(m_config.url);
    scheduleAdvance();
}

void Diagnostics::cancel()
{
    if (!m_running)
        return;
    const quint64 generation = ++m_generation;
    releaseConnections();
    m_running = false;
    m_cancelled = true;
    m_finished = true;
    m_current = -1;
    m_totalMs = m_runClock.elapsed();
    QList<int> ended;
    for (int i = 0; i < StepCount; ++i) {
        DiagnosticStep &step = m_steps[i];
        if (step.status != DiagnosticStep::Pending && step.status != DiagnosticStep::Running)
            continue;
        if (step.status == DiagnosticStep::Running)
            step.elapsedMs = m_stepClock.elapsed();
        step.status = DiagnosticStep::Skipped;
        step.detail = QStringLiteral("cancelled");
        ended.append(i);
    }
    qCInfo(lcNet) << "diagnostics: cancelled";
    for (int i : std::as_const(ended)) {
        Q_EMIT stepFinished(i);
        if (generation != m_generation)
            return; // a slot started a new check
    }
    Q_EMIT finished(false);
}

bool Diagnostics::allPassed() const
{
    return m_finished && !m_cancelled &&
           std::none_of(m_steps.begin(), m_steps.end(),
                        [](const DiagnosticStep &s) { return s.status == DiagnosticStep::Failed; });
}

QJsonObject Diagnostics::toJson() const
{
    QJsonArray steps;
    for (const DiagnosticStep &step : m_steps)
        steps.append(step.toJson());
    QJsonObject out{{QStringLiteral("url"), ServerEndpoint::redacted(m_config.url)},
                    {QStringLiteral("running"), m_running},
                    {QStringLiteral("finished"), m_finished},
                    {QStringLiteral("cancelled"), m_cancelled},
                    {QStringLiteral("allPassed"), allPassed()},
                    {QStringLiteral("steps"), steps}};
    if (m_startedAtMs > 0) {
        out.insert(QStringLiteral("startedAt"),
                   QDateTime::fromMSecsSinceEpoch(m_startedAtMs, Qt::UTC).toString(Qt::ISODate));
        out.insert(QStringLiteral("elapsedMs"), m_running ? m_runClock.elapsed() : m_totalMs);
    }
    return out;
}

// --- the step machinery ----------------------------------------------------------------------

void Diagnostics::scheduleAdvance()
{
    // Queued, so a step finishing inside a socket's signal never starts the next one (or
    // deletes that socket) while Qt is still inside the socket's code.
    const quint64 generation = m_generation;
    QMetaObject::invokeMethod(
        this,
        [this, generation] {
            if (generation == m_generation && m_running)
                advance();
        },
        Qt::QueuedConnection);
}

void Diagnostics::advance()
{
    const quint64 generation = m_generation;
    for (int i = 0; i < StepCount; ++i) {
        if (m_steps.at(i).status != DiagnosticStep::Pending)
            continue;
        const QString reason = blockedBy(i);
        if (!reason.isEmpty()) {
            skip(i, reason);
            if (generation != m_generation || !m_running)
                return; // a slot cancelled (or restarted) the check
            continue;
        }
        switch (i) {
        case Dns:
            runDns();
            break;
        case Tcp:
            runTcp();
            break;
        case Tls:
            runTls();
            break;
        case WebSocket:
            runWebSocket();
            break;
        case Ping:
            runPing();
            break;
        case HttpHealth:
            runHttp(i, QStringLiteral("/api/health"), {});
            break;
        case HttpStream: {
            QUrlQuery query;
            query.addQueryItem(QStringLiteral("channels"), m_config.httpChannel);
            runHttp(i, QStringLiteral("/api/stream"), query);
            break;
        }
        case HttpPoll: {
            QUrlQuery query;
            query.addQueryItem(QStringLiteral("channels"), m_config.httpChannel);
            query.addQueryItem(QStringLiteral("waitMs"), QString::number(kPollWaitMs));
            runHttp(i, QStringLiteral("/api/poll"), query);
            break;
        }
        }
        return;
    }
    endRun();
}

// Non-empty when step `index` cannot tell anything because a step it needs failed.
QString Diagnostics::blockedBy(int index) const
{
    const auto failed = [this](int step) {
        return m_steps.at(step).status == DiagnosticStep::Failed;
    };
    if (index == Dns)
        return {};
    if (failed(Dns))
        return QStringLiteral("skipped: DNS failed");
    if (index == Tcp)
        return {};
    if (failed(Tcp))
        return QStringLiteral("skipped: TCP connect failed");
    if (index == Tls)
        return secure() ? QString() : QStringLiteral("not used by ws://");
    // Every later step would only repeat the TLS failure.
    if (failed(Tls))
        return QStringLiteral("skipped: TLS handshake failed");
    if (index == Ping && m_steps.at(WebSocket).status != DiagnosticStep::Passed)
        return QStringLiteral("skipped: WebSocket upgrade failed");
    return {};
}

bool Diagnostics::begin(int index, int timeoutMs, std::function<void()> onTimeout)
{
    m_current = index;
    DiagnosticStep &step = m_steps[index];
    step.status = DiagnosticStep::Running;
    step.detail.clear();
    step.data = {};
    m_stepClock.start();
    rearm(timeoutMs, std::move(onTimeout));
    const quint64 generation = m_generation;
    Q_EMIT stepStarted(index);
    // A slot may have cancelled (or restarted) the check.
    return generation == m_generation && m_running && m_current == index;
}

void Diagnostics::rearm(int timeoutMs, std::function<void()> onTimeout)
{
    m_onTimeout = std::move(onTimeout);
    m_timeout.start(std::max(0, timeoutMs));
}

void Diagnostics::finishStep(int index, DiagnosticStep::Status status, const QString &detail,
                             const QJsonObject &data)
{
    if (!m_running || m_current != index)
        return;
    m_timeout.stop();
    m_onTimeout = nullptr;
    m_current = -1;
    DiagnosticStep &step = m_steps[index];
    step.status = status;
    step.detail = detail;
    step.data = data;
    step.elapsedMs = m_stepClock.elapsed();
    qCInfo(lcNet).noquote() << "diagnostics:" << step.id << DiagnosticStep::statusName(status)
                            << "in" << step.elapsedMs << "ms -" << detail;
    const quint64 generation = m_generation;
    Q_EMIT stepFinished(index);
    if (generation == m_generation && m_running)
        scheduleAdvance();
}

void Diagnostics::skip(int index, const QString &reason)
{
    DiagnosticStep &step = m_steps[index];
    step.status = DiagnosticStep::Skipped;
    step.detail = reason;
    step.elapsedMs = 0;
    qCDebug(lcNet).noquote() << "diagnostics:" << step.id << reason;
    Q_EMIT stepFinished(index);
}

void Diagnostics::endRun()
{
    releaseConnections();
    m_running = false;
    m_finished = true;
    m_current = -1;
    m_totalMs = m_runClock.elapsed();
    const bool ok = allPassed();
    const auto failures = std::count_if(m_steps.begin(), m_steps.end(), [](const auto &s) {
        return s.status == DiagnosticStep::Failed;
    });
    qCInfo(lcNet).noquote() << "diagnostics: finished in" << m_totalMs << "ms,"
                            << (ok ? QStringLiteral("every step passed")
                                   : QStringLiteral("%1 step(s) failed").arg(failures));
    Q_EMIT finished(ok);
}

void Diagnostics::releaseConnections()
{
    m_timeout.stop();
    m_onTimeout = nullptr;
    if (m_lookupId >= 0) {
        QHostInfo::abortHostLookup(m_lookupId);
        m_lookupId = -1;
    }
    dropTcp();
    dropSocket();
    dropReply();
}

void Diagnostics::dropTcp()
{
    if (QTcpSocket *socket = std::exchange(m_tcp, nullptr)) {
        socket->disconnect(this);
        if (socket->state() != QAbstractSocket::UnconnectedState)
            socket->abort();
        socket->deleteLater();
    }
}

void Diagnostics::dropSocket()
{
    if (QWebSocket *socket = std::exchange(m_socket, nullptr)) {
        socket->disconnect(this);
        // Aborting a socket that already closed makes Qt read from a closed device.
        if (socket->state() != QAbstractSocket::UnconnectedState)
            socket->abort();
        socket->deleteLater();
    }
}

void Diagnostics::dropReply()
{
    if (QNetworkReply *reply = std::exchange(m_reply, nullptr)) {
        reply->disconnect(this);
        reply->abort();
        reply->deleteLater();
    }
}

bool Diagnostics::secure() const
{
    return m_config.url.scheme() == u"wss";
}

QString Diagnostics::host() const
{
    return m_config.url.host();
}

int Diagnostics::port() const
{
    return m_config.url.port(secure() ? 443 : 80);
}

QSslConfiguration Diagnostics::tlsConfiguration() const
{
    // Exactly as the client trusts the server (ServerEndpoint); no error ignored.
    return ServerEndpoint(m_config.token, m_config.extraCaCertificates).tls();
}

// --- 1. DNS ------------------------------------------------------------------------------------

void Diagnostics::runDns()
{
    const QUrl &url = m_config.url;
    const bool usable =
        url.isValid() && !host().isEmpty() && (url.scheme() == u"ws" || url.scheme() == u"wss");
    if (!begin(Dns, m_config.stepTimeoutMs, [this] {
            if (m_lookupId >= 0)
                QHostInfo::abortHostLookup(std::exchange(m_lookupId, -1));
            finishStep(Dns, DiagnosticStep::Failed,
                       QStringLiteral("no answer from the resolver for %1 within %2 ms")
                           .arg(host())
                           .arg(m_config.stepTimeoutMs));
        }))
        return;
    if (!usable) {
        finishStep(Dns, DiagnosticStep::Failed,
                   QStringLiteral("'%1' is not a ws:// or wss:// URL with a host")
                       .arg(ServerEndpoint::redacted(url).left(200)));
        return;
    }
    if (QHostAddress literal; literal.setAddress(host())) {
        finishStep(Dns, DiagnosticStep::Passed,
                   QStringLiteral("%1 is an IP address: nothing to look up").arg(host()),
                   {{QStringLiteral("addresses"), QJsonArray{literal.toString()}}});
        return;
    }
    const quint64 generation = m_generation;
    m_lookupId = QHostInfo::lookupHost(host(), this, [this, generation](const QHostInfo &info) {
        if (generation != m_generation || info.lookupId() != m_lookupId)
            return;
        m_lookupId = -1;
        if (info.error() != QHostInfo::NoError || info.addresses().isEmpty()) {
            const QString why = info.error() != QHostInfo::NoError
                                    ? info.errorString()
                                    : QStringLiteral("the name has no addresses");
            finishStep(Dns, DiagnosticStep::Failed,
                       QStringLiteral("cannot resolve %1: %2").arg(host(), why));
            return;
        }
        QStringList addresses;
        for (const QHostAddress &address : info.addresses())
            addresses.append(address.toString());
        finishStep(
            Dns, DiagnosticStep::Passed,
            QStringLiteral("%1 resolves to %2").arg(host(), addresses.join(QStringLiteral(", "))),
            {{QStringLiteral("addresses"), QJsonArray::fromStringList(addresses)}});
    });
}

// --- 2. TCP ------------------------------------------------------------------------------------

void Diagnostics::runTcp()
{
    if (!begin(Tcp, m_config.stepTimeoutMs, [this] {
            dropTcp();
            finishStep(Tcp, DiagnosticStep::Failed,
                       QStringLiteral("no answer from %1 port %2 within %3 ms (a firewall "
                                      "dropping packets, or the host is down)")
                           .arg(host())
                           .arg(port())
                           .arg(m_config.stepTimeoutMs));
        }))
        return;
    // For wss:// the TLS step continues on this very socket, so it times the handshake alone.
    QTcpSocket *socket = secure() ? new QSslSocket(this) : new QTcpSocket(this);
    m_tcp = socket;
    connect(socket, &QAbstractSocket::connected, this, [this, socket] {
        if (m_current != Tcp)
            return;
        const QJsonObject data{{QStringLiteral("peer"), socket->peerAddress().toString()},
                               {QStringLiteral("port"), socket->peerPort()}};
        const QString detail = QStringLiteral("connected to %1 port %2")
                                   .arg(socket->peerAddress().toString())
                                   .arg(socket->peerPort());
        if (!secure())
            dropTcp(); // the WebSocket step opens its own connection
        finishStep(Tcp, DiagnosticStep::Passed, detail, data);
    });
    connect(socket, &QAbstractSocket::errorOccurred, this, [this, socket] {
        if (m_current != Tcp)
            return;
        const QString why = socket->errorString();
        const QString error = QString::fromLatin1(
            QMetaEnum::fromType<QAbstractSocket::SocketError>().valueToKey(socket->error()));
        dropTcp();
        finishStep(
            Tcp, DiagnosticStep::Failed,
            QStringLiteral("cannot connect to %1 port %2: %3").arg(host()).arg(port()).arg(why),
            {{QStringLiteral("error"), error}});
    });
    socket->connectToHost(host(), quint16(port()));
}

// --- 3. TLS ------------------------------------------------------------------------------------

void Diagnostics::runTls()
{
    if (!begin(Tls, m_config.stepTimeoutMs, [this] {
            dropTcp();
            finishStep(Tls, DiagnosticStep::Failed,
                       QStringLiteral("no TLS handshake within %1 ms (is this port serving TLS?)")
                           .arg(m_config.stepTimeoutMs));
        }))
        return;
    if (!QSslSocket::supportsSsl()) {
        dropTcp();
        finishStep(Tls, DiagnosticStep::Failed,
                   QStringLiteral("TLS is not available on this machine (no TLS backend)"));
        return;
    }
    auto *socket = qobject_cast<QSslSocket *>(m_tcp.data());
    if (!socket || socket->state() != QAbstractSocket::ConnectedState) {
        dropTcp();
        finishStep(Tls, DiagnosticStep::Failed,
                   QStringLiteral("the server closed the TCP connection before the handshake"));
        return;
    }
    m_sslErrors.clear();
    socket->setSslConfiguration(tlsConfiguration());
    socket->setPeerVerifyName(host());
    connect(socket, &QSslSocket::sslErrors, this,
            [this](const QList<QSslError> &errors) { m_sslErrors = errors; });
    connect(socket, &QSslSocket::encrypted, this, [this, socket] {
        if (m_current != Tls)
            return;
        const QSslCertificate peer = socket->peerCertificate();
        const QJsonObject certificate = certificateJson(peer);
        const QString protocol = protocolName(socket->sessionProtocol());
        const QString cipher = socket->sessionCipher().name();
        const QString detail =
            QStringLiteral(
                "%1, %2; certificate \"%3\" issued by \"%4\", valid until %5 (%6 days left)")
                .arg(protocol, cipher, peer.subjectDisplayName(), peer.issuerDisplayName(),
                     certificate.value(QStringLiteral("expires")).toString())
                .arg(certificate.value(QStringLiteral("daysLeft")).toInteger());
        dropTcp();
        finishStep(Tls, DiagnosticStep::Passed, detail,
                   {{QStringLiteral("protocol"), protocol},
                    {QStringLiteral("cipher"), cipher},
                    {QStringLiteral("certificate"), certificate}});
    });
    connect(socket, &QAbstractSocket::errorOccurred, this, [this, socket] {
        if (m_current != Tls)
            return;
        QJsonObject data;
        const QSslCertificate peer = socket->peerCertificate();
        if (!peer.isNull())
            data.insert(QStringLiteral("certificate"), certificateJson(peer));
        QString detail;
        if (!m_sslErrors.isEmpty()) {
            data.insert(QStringLiteral("errors"), sslErrorNames(m_sslErrors));
            detail =
                QStringLiteral("the certificate was refused: ") + describeSslErrors(m_sslErrors);
        } else {
            detail = QStringLiteral("the handshake failed: ") + socket->errorString();
        }
        dropTcp();
        finishStep(Tls, DiagnosticStep::Failed, detail, data);
    });
    socket->startClientEncryption();
}

// --- 4. WebSocket upgrade ----------------------------------------------------------------------

void Diagnostics::runWebSocket()
{
    m_upgraded = false;
    m_sslErrors.clear();
    if (!begin(WebSocket, m_config.stepTimeoutMs, [this] {
            dropSocket();
            finishStep(WebSocket, DiagnosticStep::Failed,
                       QStringLiteral("no answer to the upgrade within %1 ms")
                           .arg(m_config.stepTimeoutMs));
        }))
        return;
    auto *socket = new QWebSocket(QString(), QWebSocketProtocol::VersionLatest, this);
    m_socket = socket;
    // The client's limits: a server sending huge frames fails the check, not the memory.
    socket->setMaxAllowedIncomingMessageSize(quint64(kDefaultMaxMessageBytes));
    socket->setMaxAllowedIncomingFrameSize(quint64(kDefaultMaxMessageBytes));
    socket->setReadBufferSize(kMaxHttpAnswer);
    if (secure())
        socket->setSslConfiguration(tlsConfiguration());

    connect(socket, &QWebSocket::connected, this, [this] {
        if (m_current != WebSocket)
            return;
        m_upgraded = true;
        m_upgradeMs = m_stepClock.elapsed();
        // The relay refuses a token by closing right after the upgrade, and welcomes everyone
        // else at once: wait briefly for either before judging.
        rearm(m_config.welcomeWaitMs, [this] {
            if (!m_socket || m_socket->state() != QAbstractSocket::ConnectedState) {
                dropSocket();
                finishStep(WebSocket, DiagnosticStep::Failed,
                           QStringLiteral("the connection was lost right after the upgrade"));
                return;
            }
            finishStep(
                WebSocket, DiagnosticStep::Passed,
                QStringLiteral("upgraded in %1 ms; no welcome within %2 ms, so a plain "
                               "WebSocket server rather than vigil-relay")
                    .arg(m_upgradeMs)
                    .arg(m_config.welcomeWaitMs),
                {{QStringLiteral("upgradeMs"), m_upgradeMs}, {QStringLiteral("welcome"), false}});
        });
    });
    connect(socket, &QWebSocket::textMessageReceived, this, [this](const QString &text) {
        if (m_current != WebSocket)
            return;
        const ParseResult parsed = parseEnvelope(text.toUtf8());
        QJsonObject data{{QStringLiteral("upgradeMs"), m_upgradeMs}};
        if (!parsed.ok() || parsed.envelope.type != u"welcome") {
            data.insert(QStringLiteral("welcome"), false);
            finishStep(WebSocket, DiagnosticStep::Passed,
                       QStringLiteral("upgraded in %1 ms; the first message was not a welcome "
                                      "(%2)")
                           .arg(m_upgradeMs)
                           .arg(parsed.ok() ? parsed.envelope.type.left(64) : parsed.error.message),
                       data);
            return;
        }
        const QJsonObject welcome = parsed.envelope.payload.toObject();
        const QString server = welcome.value(QStringLiteral("server")).toString();
        QStringList capabilities;
        for (const QJsonValue &c : welcome.value(QStringLiteral("capabilities")).toArray())
            capabilities.append(c.toString());
        data.insert(QStringLiteral("welcome"), true);
        data.insert(QStringLiteral("server"), server);
        data.insert(QStringLiteral("capabilities"), QJsonArray::fromStringList(capabilities));
        data.insert(QStringLiteral("heartbeatMs"), welcome.value(QStringLiteral("heartbeatMs")));
        finishStep(WebSocket, DiagnosticStep::Passed,
                   QStringLiteral("upgraded in %1 ms; welcomed by %2 (capabilities: %3)")
                       .arg(m_upgradeMs)
                       .arg(server.isEmpty() ? QStringLiteral("an unnamed server") : server,
                            capabilities.isEmpty() ? QStringLiteral("none")
                                                   : capabilities.join(QStringLiteral(", "))),
                   data);
    });
    connect(socket, &QWebSocket::disconnected, this, [this, socket] {
        if (m_current == Ping) {
            finishPing(
                QStringLiteral("the connection closed (code %1)").arg(int(socket->closeCode())));
            return;
        }
        if (m_current != WebSocket)
            return;
        if (!m_upgraded) {
            failUpgrade();
            return;
        }
        const int code = int(socket->closeCode());
        const QString reason = socket->closeReason();
        const QString meaning = closeCodeMeaning(code);
        QString detail = QStringLiteral("the server closed the connection right after the "
                                        "upgrade with code %1")
                             .arg(code);
        if (!reason.isEmpty())
            detail += QStringLiteral(" (%1)").arg(reason.left(120));
        if (!meaning.isEmpty())
            detail += QStringLiteral(": ") + meaning;
        dropSocket();
        finishStep(WebSocket, DiagnosticStep::Failed, detail,
                   {{QStringLiteral("closeCode"), code},
                    {QStringLiteral("closeReason"), reason.left(120)}});
    });
    connect(socket, qOverload<QAbstractSocket::SocketError>(&QWebSocket::error), this, [this] {
        // After the upgrade `disconnected` tells the whole story (code and reason).
        if (m_current == WebSocket && !m_upgraded)
            failUpgrade();
    });
    connect(socket, &QWebSocket::sslErrors, this,
            [this](const QList<QSslError> &errors) { m_sslErrors = errors; });
    connect(socket, &QWebSocket::pong, this,
            [this](quint64, const QByteArray &payload) { onPong(payload); });

    // The same request the client sends (ConnectionManager::upgradeRequest).
    socket->open(
        ServerEndpoint(m_config.token, m_config.extraCaCertificates).request(m_config.url));
}

void Diagnostics::failUpgrade()
{
    if (m_current != WebSocket || !m_socket)
        return;
    const QString text = m_socket->errorString();
    QJsonObject data{{QStringLiteral("error"), text.left(200)}};
    QString detail;
    const int status = ServerEndpoint::refusedUpgradeStatus(text);
    if (status == 401) {
        detail = QStringLiteral("the server refused the credentials (HTTP 401)");
    } else if (status > 0) {
        detail = QStringLiteral("the server answered the upgrade with HTTP %1 instead of "
                                "switching to WebSocket (wrong path, or a proxy that strips "
                                "WebSocket)")
                     .arg(status);
    } else if (!m_sslErrors.isEmpty()) {
        detail = QStringLiteral("TLS problem: ") + describeSslErrors(m_sslErrors);
        data.insert(QStringLiteral("errors"), sslErrorNames(m_sslErrors));
    } else {
        detail = QStringLiteral("the upgrade failed: ") + text;
    }
    if (status > 0)
        data.insert(QStringLiteral("httpStatus"), status);
    dropSocket();
    finishStep(WebSocket, DiagnosticStep::Failed, detail, data);
}

// --- 5. Ping burst -----------------------------------------------------------------------------

void Diagnostics::runPing()
{
    m_pingsSent = 0;
    m_pingsLost = 0;
    m_rtts.clear();
    // Each ping arms its own timeout (sendNextPing), so the burst is bounded by count x timeout.
    if (!begin(Ping, m_config.pingTimeoutMs, nullptr))
        return;
    if (!m_socket || m_socket->state() != QAbstractSocket::ConnectedState) {
        finishPing(QStringLiteral("the connection closed before the burst"));
        return;
    }
    sendNextPing();
}

void Diagnostics::sendNextPing()
{
    if (m_pingsSent >= m_config.pingCount) {
        finishPing({});
        return;
    }
    ++m_pingsSent;
    // A numbered payload, so a late pong of a ping already counted as lost is not mistaken
    // for the answer to the current one.
    m_pingPayload = "vigil-diagnostics-" + QByteArray::number(m_pingsSent);
    rearm(m_config.pingTimeoutMs, [this] {
        ++m_pingsLost;
        sendNextPing();
    });
    m_pingClock.start();
    m_socket->ping(m_pingPayload);
}

void Diagnostics::onPong(const QByteArray &payload)
{
    if (m_current != Ping || payload != m_pingPayload)
        return;
    m_pingPayload.clear();
    m_rtts.append(double(m_pingClock.nsecsElapsed()) / 1e6);
    sendNextPing();
}

void Diagnostics::finishPing(const QString &problem)
{
    if (m_current != Ping)
        return;
    const int count = m_config.pingCount;
    const int received = int(m_rtts.size());
    const int lost = count - received; // unanswered, and never sent because the link closed
    QJsonObject data{{QStringLiteral("sent"), m_pingsSent},
                     {QStringLiteral("received"), received},
                     {QStringLiteral("lost"), lost},
                     {QStringLiteral("timeoutMs"), m_config.pingTimeoutMs}};
    QString figures;
    if (received > 0) {
        const auto [min, max] = std::minmax_element(m_rtts.begin(), m_rtts.end());
        const double avg = std::accumulate(m_rtts.begin(), m_rtts.end(), 0.0) / received;
        data.insert(QStringLiteral("minMs"), roundedMs(*min));
        data.insert(QStringLiteral("avgMs"), roundedMs(avg));
        data.insert(QStringLiteral("maxMs"), roundedMs(*max));
        figures = QStringLiteral("RTT min %1 / avg %2 / max %3 ms")
                      .arg(formatMs(*min), formatMs(avg), formatMs(*max));
    }
    QString detail;
    if (!problem.isEmpty()) {
        detail = QStringLiteral("%1 after %2 of %3 pongs").arg(problem).arg(received).arg(count);
    } else if (lost == 0) {
        detail = QStringLiteral("%1 pings, none lost").arg(count);
    } else {
        detail = QStringLiteral("%1 of %2 pings lost (no pong within %3 ms)")
                     .arg(lost)
                     .arg(count)
                     .arg(m_config.pingTimeoutMs);
    }
    if (!figures.isEmpty())
        detail += QStringLiteral("; ") + figures;

    // Done with the WebSocket: say goodbye properly, so the server logs a clean close.
    if (QWebSocket *socket = std::exchange(m_socket, nullptr)) {
        socket->disconnect(this);
        if (socket->state() == QAbstractSocket::ConnectedState) {
            connect(socket, &QWebSocket::disconnected, socket, &QObject::deleteLater);
            // A server that never answers the close must not keep the socket forever.
            QTimer::singleShot(m_config.stepTimeoutMs, socket, [socket] {
                socket->abort();
                socket->deleteLater();
            });
            socket->close(QWebSocketProtocol::CloseCodeNormal,
                          QStringLiteral("diagnostics finished"));
        } else {
            socket->deleteLater();
        }
    }
    finishStep(Ping,
               problem.isEmpty() && lost == 0 ? DiagnosticStep::Passed : DiagnosticStep::Failed,
               detail, data);
}

// --- 6. HTTP endpoints -------------------------------------------------------------------------

QNetworkRequest Diagnostics::httpRequest(const QString &path, const QUrlQuery &query) const
{
    // The same base, credentials and trust as the client's HTTP fallback (HttpTransport).
    QUrl url = HttpTransport::httpBaseFor(m_config.url);
    url.setPath(path);
    url.setQuery(query);
    QNetworkRequest request =
        ServerEndpoint(m_config.token, m_config.extraCaCertificates).request(url);
    request.setAttribute(QNetworkRequest::CacheLoadControlAttribute,
                         QNetworkRequest::AlwaysNetwork);
    return request;
}

void Diagnostics::runHttp(int index, const QString &path, const QUrlQuery &query)
{
    // A poll is held by the server for up to kPollWaitMs by design: that is not slowness.
    const int limit = m_config.stepTimeoutMs + (index == HttpPoll ? kPollWaitMs : 0);
    m_sslErrors.clear();
    if (!begin(index, limit, [this, index, limit] {
            const int status =
                m_reply ? m_reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt() : 0;
            dropReply();
            // Headers without bytes is how a buffering proxy looks to an event stream; the
            // client then falls back to polling, so name it.
            QString detail = QStringLiteral("no answer within %1 ms").arg(limit);
            if (status > 0 && index == HttpStream) {
                detail = QStringLiteral("HTTP %1 headers arrived but no event within %2 ms (a "
                                        "proxy buffering the stream?)")
                             .arg(status)
                             .arg(limit);
            } else if (status > 0) {
                detail = QStringLiteral("HTTP %1 headers arrived but the answer did not finish "
                                        "within %2 ms")
                             .arg(status)
                             .arg(limit);
            }
            finishStep(index, DiagnosticStep::Failed, detail);
        }))
        return;
    QNetworkRequest request = httpRequest(path, query);
    if (index == HttpStream)
        request.setRawHeader("Accept", "text/event-stream");
    QNetworkReply *reply = m_network->get(request);
    m_reply = reply;
    // Only the start of an answer is judged: a server sending without end must not fill memory
    // while the step waits (onHttpData fails the step once this much is waiting).
    reply->setReadBufferSize(kMaxHttpAnswer);
    connect(reply, &QNetworkReply::readyRead, this, [this, index] { onHttpData(index); });
    connect(reply, &QNetworkReply::finished, this, [this, index] { onHttpFinished(index); });
    connect(reply, &QNetworkReply::sslErrors, this,
            [this](const QList<QSslError> &errors) { m_sslErrors = errors; });
}

// Only the event stream is judged on its first bytes: it never finishes on its own.
void Diagnostics::onHttpData(int index)
{
    if (m_current != index || !m_reply)
        return;
    if (index != HttpStream) {
        if (m_reply->bytesAvailable() < kMaxHttpAnswer)
            return; // judged once it has finished
        const QJsonObject data{{QStringLiteral("path"), m_reply->url().path()}};
        dropReply();
        finishStep(index, DiagnosticStep::Failed,
                   QStringLiteral("the answer is larger than %1 bytes").arg(kMaxHttpAnswer), data);
        return;
    }
    const int status = m_reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (status != 200)
        return; // an error answer: judged with its body once it has finished
    const QString type = m_reply->header(QNetworkRequest::ContentTypeHeader).toString();
    const QJsonObject data{{QStringLiteral("path"), m_reply->url().path()},
                           {QStringLiteral("status"), status},
                           {QStringLiteral("contentType"), type}};
    dropReply(); // the first bytes are all this check needs
    if (!type.startsWith(QStringLiteral("text/event-stream"))) {
        finishStep(index, DiagnosticStep::Failed,
                   QStringLiteral("HTTP 200 but Content-Type is '%1' (expected text/event-stream)")
                       .arg(type.left(80)),
                   data);
        return;
    }
    finishStep(index, DiagnosticStep::Passed,
               QStringLiteral("HTTP 200 text/event-stream; first bytes after %1 ms")
                   .arg(m_stepClock.elapsed()),
               data);
}

void Diagnostics::onHttpFinished(int index)
{
    if (m_current != index || !m_reply)
        return;
    QNetworkReply *reply = m_reply;
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QString type = reply->header(QNetworkRequest::ContentTypeHeader).toString();
    const QByteArray body = reply->read(status == 200 ? kDefaultMaxMessageBytes : kMaxErrorBody);
    const QString networkError = reply->errorString();
    QJsonObject data{{QStringLiteral("path"), reply->url().path()}};
    dropReply();
    const auto fail = [&](const QString &detail) {
        finishStep(index, DiagnosticStep::Failed, detail, data);
    };

    if (status == 0) {
        if (!m_sslErrors.isEmpty()) {
            data.insert(QStringLiteral("errors"), sslErrorNames(m_sslErrors));
            fail(QStringLiteral("TLS problem: ") + describeSslErrors(m_sslErrors));
        } else {
            fail(QStringLiteral("the request failed: ") + networkError);
        }
        return;
    }
    data.insert(QStringLiteral("status"), status);
    data.insert(QStringLiteral("contentType"), type);
    const QJsonDocument json = QJsonDocument::fromJson(body);
    if (status != 200) {
        // The relay explains refusals in {"error", "message"}; other servers may not.
        const QString message = json.object().value(QStringLiteral("message")).toString();
        fail(QStringLiteral("HTTP %1%2")
                 .arg(status)
                 .arg(message.isEmpty() ? QString() : QStringLiteral(": ") + message.left(200)));
        return;
    }
    if (index == HttpStream) {
        fail(QStringLiteral("the event stream ended at once, without sending anything"));
        return;
    }
    if (!type.startsWith(QStringLiteral("application/json"))) {
        fail(QStringLiteral("HTTP 200 but Content-Type is '%1' (expected application/json)")
                 .arg(type.left(80)));
        return;
    }
    if (index == HttpHealth) {
        const QJsonObject health = json.object();
        const QString state = health.value(QStringLiteral("status")).toString();
        if (state != u"ok") {
            fail(json.isObject()
                     ? QStringLiteral("the server reports status '%1'").arg(state.left(40))
                     : QStringLiteral("HTTP 200 but the body is not a health report"));
            return;
        }
        const QString server = health.value(QStringLiteral("server")).toString();
        const qint64 uptimeS = health.value(QStringLiteral("uptimeMs")).toInteger() / 1000;
        data.insert(QStringLiteral("server"), server);
        data.insert(QStringLiteral("uptimeMs"), health.value(QStringLiteral("uptimeMs")));
        finishStep(index, DiagnosticStep::Passed,
                   QStringLiteral("HTTP 200, status ok (%1, up %2 s)")
                       .arg(server.isEmpty() ? QStringLiteral("unnamed server") : server)
                       .arg(uptimeS),
                   data);
        return;
    }
    // HttpPoll
    if (!json.isArray()) {
        fail(QStringLiteral("HTTP 200 but the body is not a JSON array of envelopes"));
        return;
    }
    data.insert(QStringLiteral("envelopes"), json.array().size());
    finishStep(
        index, DiagnosticStep::Passed,
        QStringLiteral("HTTP 200 application/json with %1 envelope(s)").arg(json.array().size()),
        data);
}

} // namespace vigil
