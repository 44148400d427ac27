#include "orchestrator.h"

#include "hostileworkload.h"
#include "pollreader.h"
#include "publisher.h"
#include "relaywatch.h"
#include "runfigures.h"
#include "witness.h"

#include "protocol/envelope.h"

#include <QCoreApplication>
#include <QDir>
#include <QEventLoop>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkReply>

#include <cmath>

namespace vigil::chaos {

namespace {

constexpr int kStepMs = 250;
constexpr qint64 kWarmupMs = 20000;

} // namespace

Orchestrator::Orchestrator(RunOptions options, QObject *parent)
    : QObject(parent)
    , m_options(std::move(options))
    , m_random(m_options.seed * 7919 + 17)
{
    m_stepTimer.setInterval(kStepMs);
    m_sampleTimer.setInterval(m_options.sampleMs);
    connect(&m_sampleTimer, &QTimer::timeout, this, &Orchestrator::sample);
}

Orchestrator::~Orchestrator()
{
    m_disk.release();
}

void Orchestrator::event(QJsonObject line)
{
    if (!m_phase.isEmpty())
        line.insert(QStringLiteral("phase"), m_phase);
    m_events.write(line);
}

QUrl Orchestrator::relayHttp() const
{
    QUrl url;
    url.setScheme(QStringLiteral("http"));
    url.setHost(QStringLiteral("127.0.0.1"));
    url.setPort(m_relayPort);
    return url;
}

bool Orchestrator::prepare(QString *error)
{
    m_runDir = m_options.outDir;
    if (!QDir().mkpath(m_runDir + QStringLiteral("/clients"))) {
        *error = QStringLiteral("cannot create %1").arg(m_runDir);
        return false;
    }
    for (const QString &binary : {QStringLiteral("vigil-relay"), QStringLiteral("vigil-cli"),
                                  QStringLiteral("vigil-chaos-client")}) {
        if (!QFile::exists(m_options.binDir + u'/' + binary)) {
            *error =
                QStringLiteral("%1 not found in %2 (build it first)").arg(binary, m_options.binDir);
            return false;
        }
    }
    if (!m_events.open(m_runDir + QStringLiteral("/events.jsonl"), error) ||
        !m_resources.open(m_runDir + QStringLiteral("/resources.jsonl"), error))
        return false;

    // The participants and who each fault may hit.
    FaultTargets targets;
    auto add = [&](const QString &name, Participant::Kind kind, quint64 seed) {
        ParticipantSetup setup;
        setup.runDir = m_runDir;
        setup.binDir = m_options.binDir;
        setup.seed = seed;
        setup.rate = m_options.clientRate;
        setup.cliSendIntervalMs = m_options.cliSendIntervalMs;
        auto *p = new Participant(name, kind, setup, this);
        m_participants.insert(name, p);
        targets.network.append(name);
        if (!m_options.neverKilled.contains(name))
            targets.kill.append(name);
        return p->open(error);
    };
    for (int i = 0; i < m_options.clients; ++i) {
        if (!add(QStringLiteral("c%1").arg(i), Participant::Kind::Headless,
                 m_options.seed * 1000 + quint64(i) * 7))
            return false;
    }
    if (!add(QStringLiteral("tail"), Participant::Kind::Tail, 0) ||
        !add(QStringLiteral("cli"), Participant::Kind::CliSend, m_options.seed * 7919 + 17))
        return false;
    if (m_options.clients > 0) {
        m_diskTarget = QStringLiteral("c0");
        targets.disk = m_diskTarget;
        m_diskMode = DiskFault::modeName(
            m_disk.prepare(m_runDir + QStringLiteral("/clients/c0.data"), m_options.allowTmpfs));
    } else {
        m_diskMode = DiskFault::modeName(DiskFault::Mode::None);
    }
    targets.relayKillGapMs = m_options.relayKillGapMs;
    m_plan = planFaults(m_options.seed, m_options.chaosMs, targets);
    if (!prepareWatch(error))
        return false;

    QJsonArray plan;
    for (const Fault &fault : std::as_const(m_plan))
        plan.append(fault.toJson());
    QJsonArray participants;
    for (const Participant *p : std::as_const(m_participants)) {
        participants.append(
            QJsonObject{{QStringLiteral("name"), p->name()},
                        {QStringLiteral("kind"), Participant::kindName(p->kind())}});
    }
    QFile run(m_runDir + QStringLiteral("/run.json"));
    if (run.open(QIODevice::WriteOnly)) {
        run.write(
            QJsonDocument(
                QJsonObject{{QStringLiteral("seed"), QString::number(m_options.seed)},
                            {QStringLiteral("mode"), m_options.mode},
                            {QStringLiteral("chaosMs"), m_options.chaosMs},
                            {QStringLiteral("diskFault"), m_diskMode},
                            {QStringLiteral("diskTarget"), m_diskTarget},
                            {QStringLiteral("hostile"), m_options.hostile},
                            {QStringLiteral("relayRssLimitKb"), m_options.relayRssLimitMb * 1024},
                            {QStringLiteral("participants"), participants},
                            {QStringLiteral("plan"), plan}})
                .toJson());
    }
    return true;
}

bool Orchestrator::run(QString *error)
{
    if (!prepare(error))
        return false;
    QEventLoop loop;
    m_loop = &loop;
    m_phase = QStringLiteral("setup");
    event({{QStringLiteral("e"), QStringLiteral("run")},
           {QStringLiteral("seed"), QString::number(m_options.seed)},
           {QStringLiteral("diskFault"), m_diskMode}});
    m_relay = std::make_unique<ManagedProcess>(QStringLiteral("relay"),
                                               m_options.binDir + QStringLiteral("/vigil-relay"));
    m_relay->setStderrFile(m_runDir + QStringLiteral("/relay.log"));
    connect(m_relay.get(), &ManagedProcess::stdoutLine, this, &Orchestrator::onRelayLine);
    connect(m_relay.get(), &ManagedProcess::exited, this, &Orchestrator::onRelayExit);
    startRelay();
    QTimer::singleShot(20000, this, [this] {
        if (m_relayPort == 0)
            fail(QStringLiteral("vigil-relay did not start within 20 s (see %1/relay.log)")
                     .arg(m_runDir));
    });
    loop.exec(); // until readFinalHistory() or fail() ends it
    m_loop = nullptr;
    finish();
    if (m_failed)
        *error = m_error;
    return !m_failed;
}

void Orchestrator::fail(const QString &why)
{
    if (m_failed)
        return;
    m_failed = true;
    m_error = why;
    event({{QStringLiteral("e"), QStringLiteral("failed")}, {QStringLiteral("message"), why}});
    if (m_loop)
        m_loop->quit();
}

void Orchestrator::startParticipants()
{
    m_witness =
        std::make_unique<Witness>(QUrl(QStringLiteral("ws://127.0.0.1:%1/ws").arg(m_relayPort)),
                                  m_runDir + QStringLiteral("/witness.jsonl"));
    m_witness->start();
    m_publisher =
        std::make_unique<Publisher>(relayHttp(), m_options.seed + 1000, m_options.publisherRate,
                                    m_runDir + QStringLiteral("/publisher.jsonl"));
    m_publisher->start();

    quint64 n = 0;
    for (Participant *p : std::as_const(m_participants)) {
        p->attach(m_relayPort, m_options.seed * 31 + ++n);
        connect(p, &Participant::started, this, [this, p](qint64 pid) {
            if (p->name() == m_diskTarget)
                m_disk.apply(pid); // a restart while the disk is full finds it full
            if (!p->receives())
                return; // each vigil-cli send is in its own journal
            event({{QStringLiteral("e"), QStringLiteral("client-start")},
                   {QStringLiteral("name"), p->name()},
                   {QStringLiteral("pid"), pid}});
        });
        connect(p, &Participant::exitedUnexpectedly, this, [this, p](int exitCode) {
            // A crash, or it could not open its files: a finding in its log. The run goes on
            // with it started again.
            event({{QStringLiteral("e"), QStringLiteral("client-exit")},
                   {QStringLiteral("name"), p->name()},
                   {QStringLiteral("code"), exitCode}});
            QTimer::singleShot(1000, this, [this, p] { restartParticipant(p); });
        });
        if (p->kind() != Participant::Kind::CliSend)
            p->start(); // the series of vigil-cli send runs starts with the chaos phase
    }
}

void Orchestrator::restartParticipant(Participant *p)
{
    if (m_phase != u"stopping" && !p->running())
        p->start();
}

void Orchestrator::warmup()
{
    m_phase = QStringLiteral("warmup");
    m_phaseClock.start();
    auto *timer = new QTimer(this);
    timer->setInterval(kStepMs);
    connect(timer, &QTimer::timeout, this, [this, timer] {
        bool ready = m_witness->connected();
        for (const Participant *p : std::as_const(m_participants)) {
            if (p->receives() && !p->connected())
                ready = false;
        }
        if (!ready && m_phaseClock.elapsed() < kWarmupMs)
            return;
        timer->deleteLater();
        if (!ready)
            event({{QStringLiteral("e"), QStringLiteral("warmup-timeout")}});
        startChaos();
    });
    timer->start();
}

void Orchestrator::startChaos()
{
    m_phase = QStringLiteral("chaos");
    m_phaseClock.start();
    event({{QStringLiteral("e"), QStringLiteral("chaos-start")},
           {QStringLiteral("faults"), int(m_plan.size())}});
    sample();
    m_sampleTimer.start();
    startWatch();
    m_participants.value(QStringLiteral("cli"))->start();
    for (const Fault &fault : std::as_const(m_plan)) {
        QTimer::singleShot(int(fault.atMs), this, [this, fault] {
            if (m_phase != u"chaos")
                return;
            applyFault(fault);
            if (fault.kind != Fault::Reset)
                QTimer::singleShot(int(fault.durationMs), this, [this, fault] { endFault(fault); });
        });
    }
    QTimer::singleShot(int(m_options.chaosMs), this, &Orchestrator::quiesce);
}

void Orchestrator::applyFault(const Fault &fault)
{
    QJsonObject line = fault.toJson();
    line.insert(QStringLiteral("e"), QStringLiteral("fault"));
    line.insert(QStringLiteral("step"), QStringLiteral("begin"));
    Participant *p = m_participants.value(fault.target);
    switch (fault.kind) {
    case Fault::Reset:
        p->proxy()->resetAll();
        break;
    case Fault::Blackhole:
        p->proxy()->setBlackhole(true);
        break;
    case Fault::Latency:
        p->proxy()->setShape({fault.latencyMs, fault.jitterMs, 0});
        break;
    case Fault::Bandwidth:
        p->proxy()->setShape({0, 0, fault.bytesPerSecond});
        break;
    case Fault::RelayKill:
        m_relayDownForFault = true;
        line.insert(QStringLiteral("pid"), m_relay->pid());
        m_relay->kill();
        break;
    case Fault::ClientKill:
        line.insert(QStringLiteral("pid"), p->pid());
        p->kill();
        break;
    case Fault::DiskFull:
        m_disk.begin(p->pid());
        line.insert(QStringLiteral("mode"), m_diskMode);
        break;
    case Fault::KindCount:
        break;
    }
    event(line);
}

void Orchestrator::endFault(const Fault &fault)
{
    Participant *p = m_participants.value(fault.target);
    switch (fault.kind) {
    case Fault::Reset:
    case Fault::KindCount:
        return;
    case Fault::Blackhole:
        p->proxy()->setBlackhole(false);
        break;
    case Fault::Latency:
    case Fault::Bandwidth:
        p->proxy()->setShape({});
        break;
    case Fault::RelayKill:
        m_relayDownForFault = false;
        restartRelay();
        break;
    case Fault::ClientKill:
        if (m_phase == u"chaos")
            p->start();
        break;
    case Fault::DiskFull:
        m_disk.end(p->pid());
        break;
    }
    QJsonObject line = fault.toJson();
    line.insert(QStringLiteral("e"), QStringLiteral("fault"));
    line.insert(QStringLiteral("step"), QStringLiteral("end"));
    event(line);
}

void Orchestrator::quiesce()
{
    m_phase = QStringLiteral("drain");
    m_phaseClock.start();
    event({{QStringLiteral("e"), QStringLiteral("chaos-end")}});
    // Every fault lifted, everyone up, nobody sends anything new.
    if (m_disk.active())
        m_disk.end(m_participants.value(m_diskTarget)->pid());
    m_relayDownForFault = false;
    restartRelay();
    m_publisher->quiet();
    for (Participant *p : std::as_const(m_participants)) {
        p->proxy()->setShape({});
        p->proxy()->setBlackhole(false);
        p->quiet();
        if (p->receives() && !p->running())
            p->start();
    }
    connect(&m_stepTimer, &QTimer::timeout, this, &Orchestrator::drainStep);
    m_stepTimer.start();
}

void Orchestrator::drainStep()
{
    bool done = m_relayListening && m_publisher->unacknowledged() == 0;
    for (Participant *p : std::as_const(m_participants)) {
        p->poll();
        done = done && p->drained();
    }
    if (!done && m_phaseClock.elapsed() < m_options.drainMs)
        return;
    if (!done)
        event({{QStringLiteral("e"), QStringLiteral("drain-timeout")}});
    m_stepTimer.disconnect(this);
    m_stepTimer.stop();
    barrier();
}

void Orchestrator::getJson(const QString &path, std::function<void(bool, const QJsonObject &)> done)
{
    QUrl url = relayHttp();
    url.setPath(path);
    QNetworkRequest request(url);
    request.setTransferTimeout(5000);
    QNetworkReply *reply = m_network.get(request);
    connect(reply, &QNetworkReply::finished, this, [reply, done] {
        reply->deleteLater();
        done(reply->error() == QNetworkReply::NoError,
             QJsonDocument::fromJson(reply->readAll()).object());
    });
}

void Orchestrator::barrier()
{
    m_phase = QStringLiteral("barrier");
    m_phaseClock.start();
    getJson(QStringLiteral("/api/websocket/metrics"), [this](bool ok, const QJsonObject &json) {
        if (!ok && m_phaseClock.elapsed() < m_options.barrierMs) {
            QTimer::singleShot(kStepMs, this, &Orchestrator::barrier);
            return;
        }
        const QJsonObject channels = json.value(QStringLiteral("channels")).toObject();
        for (auto it = channels.begin(); it != channels.end(); ++it) {
            const qint64 head = it.value().toObject().value(QStringLiteral("head")).toInteger();
            // The clients' channels only: nobody of the run reads the hostile peers' channels.
            if (head > 0 && knownChannels().contains(it.key()))
                m_barrierHeads.insert(it.key(), head);
        }
        connect(&m_stepTimer, &QTimer::timeout, this, &Orchestrator::barrierStep);
        m_stepTimer.start();
    });
}

void Orchestrator::barrierStep()
{
    QJsonObject reached;
    bool all = true;
    auto caughtUp = [this](const QHash<QString, qint64> &positions) {
        for (auto it = m_barrierHeads.begin(); it != m_barrierHeads.end(); ++it) {
            if (positions.value(it.key(), -1) < it.value())
                return false;
        }
        return true;
    };
    const bool witness = caughtUp(m_witness->positions());
    reached.insert(QStringLiteral("witness"), witness);
    all = witness;
    for (Participant *p : std::as_const(m_participants)) {
        if (!p->receives())
            continue;
        p->poll();
        const bool ok = caughtUp(p->positions());
        reached.insert(p->name(), ok);
        all = all && ok;
    }
    if (!all && m_phaseClock.elapsed() < m_options.barrierMs)
        return;
    m_stepTimer.disconnect(this);
    m_stepTimer.stop();
    event({{QStringLiteral("e"), QStringLiteral("barrier")},
           {QStringLiteral("heads"), toJson(m_barrierHeads)},
           {QStringLiteral("reached"), reached}});
    readFinalHistory();
}

void Orchestrator::readFinalHistory()
{
    m_phase = QStringLiteral("history");
    QHash<QString, qint64> since;
    for (const QString &channel : knownChannels())
        since.insert(channel, 0);
    m_reader = std::make_unique<PollReader>(relayHttp());
    m_reader->read(since, [this](bool ok, const QList<HeldMessage> &held) {
        Journal history;
        QString error;
        history.open(m_runDir + QStringLiteral("/history.jsonl"), &error);
        for (const HeldMessage &m : held) {
            history.write({{QStringLiteral("ch"), m.channel},
                           {QStringLiteral("seq"), m.seq},
                           {QStringLiteral("id"), m.id}});
        }
        event({{QStringLiteral("e"), QStringLiteral("history")},
               {QStringLiteral("ok"), ok},
               {QStringLiteral("messages"), int(held.size())}});
        if (m_loop)
            m_loop->quit();
    });
}

void Orchestrator::finish()
{
    if (m_phase == u"stopping")
        return;
    m_phase = QStringLiteral("stopping");
    stopWatch();
    m_stepTimer.stop();
    if (m_publisher)
        m_publisher->stop();
    for (Participant *p : std::as_const(m_participants))
        p->stop();
    if (m_witness)
        m_witness->stop();
    if (m_relay && m_relay->running()) {
        m_relay->terminate();
        m_relay->waitStopped(10000);
    }
    m_disk.release();
    event({{QStringLiteral("e"), QStringLiteral("stopped")}});
}

} // namespace vigil::chaos
