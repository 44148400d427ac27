#include "diagnostics.h"

#include "probedns.h"
#include "probehttp.h"
#include "probeping.h"
#include "probetcp.h"
#include "probetls.h"
#include "probewebsocket.h"
#include "protocol/logging.h"
#include "serverendpoint.h"

#include <QDateTime>
#include <QJsonArray>

#include <algorithm>
#include <array>
#include <utility>

namespace vigil {

namespace {

struct StepName
{
    const char *id;
    const char *title;
};

// Indexed by Diagnostics::Step. The titles are translated when the steps are reset.
constexpr std::array<StepName, Diagnostics::StepCount> kStepNames{{
    {"dns", QT_TRANSLATE_NOOP("vigil::Diagnostics", "DNS lookup")},
    {"tcp", QT_TRANSLATE_NOOP("vigil::Diagnostics", "TCP connection")},
    {"tls", QT_TRANSLATE_NOOP("vigil::Diagnostics", "TLS handshake")},
    {"websocket", QT_TRANSLATE_NOOP("vigil::Diagnostics", "WebSocket upgrade")},
    {"ping", QT_TRANSLATE_NOOP("vigil::Diagnostics", "Ping burst")},
    {"http-health", QT_TRANSLATE_NOOP("vigil::Diagnostics", "HTTP health (/api/health)")},
    {"http-stream", QT_TRANSLATE_NOOP("vigil::Diagnostics", "HTTP event stream (/api/stream)")},
    {"http-poll", QT_TRANSLATE_NOOP("vigil::Diagnostics", "HTTP long-poll (/api/poll)")},
}};

} // namespace

Diagnostics::Diagnostics(DiagnosticsConfig config, QObject *parent)
    : QObject(parent)
    , m_config(std::move(config))
    , m_dns(new DnsProbe(*this, m_config, this))
    , m_tcp(new TcpProbe(*this, m_config, this))
    , m_tls(new TlsProbe(*this, m_config, this))
    , m_webSocket(new WebSocketProbe(*this, m_config, this))
    , m_ping(new PingProbe(*this, m_config, this))
    , m_http(new HttpProbe(*this, m_config, this))
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
    for (const StepName &name : kStepNames) {
        DiagnosticStep step;
        step.id = QString::fromLatin1(name.id);
        step.title = tr(name.title);
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
    m_http->reset();
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
        step.detail = tr("cancelled");
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
        if (reason.isEmpty()) {
            runStep(i);
            return;
        }
        skip(i, reason);
        if (generation != m_generation || !m_running)
            return; // a slot cancelled (or restarted) the check
    }
    endRun();
}

void Diagnostics::runStep(int index)
{
    switch (index) {
    case Dns:
        m_dns->run();
        break;
    case Tcp:
        m_tcp->run();
        break;
    case Tls:
        m_tls->run(m_tcp->takeSocket());
        break;
    case WebSocket:
        m_webSocket->run();
        break;
    case Ping:
        m_ping->run(m_webSocket->takeSocket());
        break;
    default:
        m_http->run(index);
        break;
    }
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
        return tr("skipped: DNS failed");
    if (index == Tcp)
        return {};
    if (failed(Tcp))
        return tr("skipped: TCP connect failed");
    if (index == Tls)
        return Probe::secure(m_config.url) ? QString() : tr("not used by ws://");
    // Every later step would only repeat the TLS failure.
    if (failed(Tls))
        return tr("skipped: TLS handshake failed");
    if (index == Ping && m_steps.at(WebSocket).status != DiagnosticStep::Passed)
        return tr("skipped: WebSocket upgrade failed");
    return {};
}

bool Diagnostics::beginStep(int index, int timeoutMs, std::function<void()> onTimeout)
{
    m_current = index;
    DiagnosticStep &step = m_steps[index];
    step.status = DiagnosticStep::Running;
    step.detail.clear();
    step.data = {};
    m_stepClock.start();
    rearmStep(timeoutMs, std::move(onTimeout));
    const quint64 generation = m_generation;
    Q_EMIT stepStarted(index);
    // A slot may have cancelled (or restarted) the check.
    return generation == m_generation && m_running && m_current == index;
}

void Diagnostics::rearmStep(int timeoutMs, std::function<void()> onTimeout)
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
    for (Probe *probe :
         std::initializer_list<Probe *>{m_dns, m_tcp, m_tls, m_webSocket, m_ping, m_http})
        probe->release();
}

} // namespace vigil
