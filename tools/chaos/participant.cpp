#include "participant.h"

#include "protocol/envelope.h"

#include <QJsonDocument>

#include <array>
#include <cmath>

namespace vigil::chaos {

namespace {

QJsonObject parseLine(const QByteArray &line)
{
    return QJsonDocument::fromJson(line).object();
}

/// vigil-cli notices a dead link as fast as the headless clients do.
const QStringList kHeartbeat = {QStringLiteral("--heartbeat-ms"), QStringLiteral("1000"),
                                QStringLiteral("--heartbeat-timeout-ms"), QStringLiteral("1000")};

} // namespace

Participant::Participant(QString name, Kind kind, ParticipantSetup setup, QObject *parent)
    : QObject(parent)
    , m_name(std::move(name))
    , m_kind(kind)
    , m_setup(std::move(setup))
    , m_random(m_setup.seed)
{
    m_sendTimer.setSingleShot(true);
    connect(&m_sendTimer, &QTimer::timeout, this, &Participant::sendOne);
}

Participant::~Participant() = default;

QString Participant::kindName(Kind kind)
{
    switch (kind) {
    case Kind::Headless:
        return QStringLiteral("headless");
    case Kind::Tail:
        return QStringLiteral("tail");
    case Kind::CliSend:
        break;
    }
    return QStringLiteral("cli-send");
}

QString Participant::dataDir() const
{
    return m_setup.runDir + QStringLiteral("/clients/%1.data").arg(m_name);
}

bool Participant::open(QString *error)
{
    return m_journal.open(m_setup.runDir + QStringLiteral("/clients/%1.jsonl").arg(m_name), error);
}

void Participant::attach(quint16 relayPort, quint64 proxySeed)
{
    m_proxy = std::make_unique<ChaosProxy>(relayPort, proxySeed);
    m_proxy->listen();
    const QString program =
        m_setup.binDir + (m_kind == Kind::Headless ? QStringLiteral("/vigil-chaos-client")
                                                   : QStringLiteral("/vigil-cli"));
    m_process = std::make_unique<ManagedProcess>(m_name, program);
    m_process->setStderrFile(m_setup.runDir + QStringLiteral("/clients/%1.log").arg(m_name));
    m_process->setStderrLines(m_kind == Kind::Tail);
    connect(m_process.get(), &ManagedProcess::stdoutLine, this, &Participant::onStdout);
    connect(m_process.get(), &ManagedProcess::stderrLine, this, &Participant::onTailEvent);
    connect(m_process.get(), &ManagedProcess::exited, this,
            [this](int exitCode, bool) { onExit(exitCode); });
    connect(m_process.get(), &ManagedProcess::started, this,
            [this] { Q_EMIT started(m_process->pid()); });
}

void Participant::start()
{
    if (running())
        return; // started again already (after it ended by itself)
    m_killed = false;
    const QString url = QStringLiteral("ws://127.0.0.1:%1/ws").arg(m_proxy->port());
    switch (m_kind) {
    case Kind::Headless: {
        // The app's default transport (WebSocket with the HTTP fallback) for c0, c2...;
        // WebSocket only for c1, c3...
        const int index = m_name.mid(1).toInt();
        m_process->setArguments(
            {QStringLiteral("--name"), m_name, QStringLiteral("--url"), url,
             QStringLiteral("--data-dir"), dataDir(), QStringLiteral("--seed"),
             QString::number(m_setup.seed + quint64(m_process->starts())), QStringLiteral("--rate"),
             QString::number(m_quiet ? 0.0 : m_setup.rate), QStringLiteral("--transport"),
             index % 2 == 0 ? QStringLiteral("auto") : QStringLiteral("websocket")});
        break;
    }
    case Kind::Tail:
        m_positions.clear();
        m_process->setArguments(QStringList{QStringLiteral("tail"), QStringLiteral("--url"), url,
                                            QStringLiteral("--data-dir"), dataDir()} +
                                kHeartbeat);
        m_journal.write({{QStringLiteral("e"), QStringLiteral("start")}});
        break;
    case Kind::CliSend:
        m_sending = !m_quiet;
        scheduleSend();
        return;
    }
    m_state.clear();
    m_depth = -1;
    m_inflight = -1;
    m_process->start();
}

void Participant::kill()
{
    m_killed = true;
    m_sending = false;
    m_sendTimer.stop();
    if (m_process)
        m_process->kill();
}

void Participant::quiet()
{
    m_quiet = true;
    m_sending = false;
    m_sendTimer.stop();
    if (m_kind == Kind::Headless && running())
        m_process->write("quiet\n");
}

void Participant::poll()
{
    if (m_kind == Kind::Headless) {
        if (running())
            m_process->write("status\n");
        return;
    }
    if (m_kind != Kind::CliSend || m_flushed || running())
        return;
    // What earlier sends left queued (they exit once their own message is through) goes now.
    m_flushing = true;
    m_process->setArguments(QStringList{QStringLiteral("flush"), QStringLiteral("--url"),
                                        QStringLiteral("ws://127.0.0.1:%1/ws").arg(m_proxy->port()),
                                        QStringLiteral("--data-dir"), dataDir(),
                                        QStringLiteral("--timeout-ms"), QStringLiteral("10000")} +
                            kHeartbeat);
    m_process->start();
}

void Participant::stop()
{
    m_killed = true;
    m_sending = false;
    m_sendTimer.stop();
    if (!running())
        return;
    if (m_kind == Kind::Headless) {
        m_process->write("exit\n"); // it saves its positions and says what it evicted
        m_process->waitStopped(5000);
    } else if (m_kind == Kind::Tail) {
        m_process->terminate();
        m_process->waitStopped(3000);
    } else {
        m_process->kill();
        m_process->waitStopped(1000);
    }
}

bool Participant::drained() const
{
    switch (m_kind) {
    case Kind::Headless:
        return running() && m_depth == 0 && m_inflight == 0;
    case Kind::CliSend:
        return m_flushed;
    case Kind::Tail:
        break;
    }
    return true;
}

void Participant::onStdout(const QByteArray &line)
{
    const QJsonObject json = parseLine(line);
    if (m_kind == Kind::Headless) {
        m_journal.writeRaw(line + '\n'); // it journals itself
        const QString e = json.value(QStringLiteral("e")).toString();
        if (e == u"state") {
            m_state = json.value(QStringLiteral("state")).toString();
        } else if (e == u"status") {
            m_depth = json.value(QStringLiteral("depth")).toInt(-1);
            m_inflight = json.value(QStringLiteral("inflight")).toInt(-1);
            const QJsonObject pos = json.value(QStringLiteral("pos")).toObject();
            for (auto it = pos.begin(); it != pos.end(); ++it)
                m_positions.insert(it.key(), it.value().toInteger());
        }
        return;
    }
    if (m_kind == Kind::Tail) {
        // One envelope per line, as received.
        const QString channel = json.value(QStringLiteral("channel")).toString();
        const qint64 seq = json.value(QStringLiteral("seq")).toInteger(-1);
        if (channel.isEmpty() || seq < 0)
            return;
        m_journal.write({{QStringLiteral("e"), QStringLiteral("rx")},
                         {QStringLiteral("ch"), channel},
                         {QStringLiteral("seq"), seq},
                         {QStringLiteral("id"), json.value(QStringLiteral("id"))}});
        if (seq > m_positions.value(channel, -1))
            m_positions.insert(channel, seq);
        return;
    }
    // vigil-cli send and flush: one line per message.
    const QString id = json.value(QStringLiteral("id")).toString();
    const QString status = json.value(QStringLiteral("status")).toString();
    if (id.isEmpty())
        return;
    if (status == u"enqueued") {
        m_journal.write({{QStringLiteral("e"), QStringLiteral("enq")},
                         {QStringLiteral("id"), id},
                         {QStringLiteral("ch"), m_pendingChannel},
                         {QStringLiteral("prio"), m_pendingPriority}});
    } else if (status == u"delivered") {
        m_journal.write({{QStringLiteral("e"), QStringLiteral("ack")}, {QStringLiteral("id"), id}});
    } else if (status == u"dead-lettered") {
        m_journal.write({{QStringLiteral("e"), QStringLiteral("fail")},
                         {QStringLiteral("id"), id},
                         {QStringLiteral("dead"), true},
                         {QStringLiteral("reason"), json.value(QStringLiteral("reason"))}});
    }
}

void Participant::onTailEvent(const QByteArray &line)
{
    const QJsonObject json = parseLine(line);
    const QString e = json.value(QStringLiteral("event")).toString();
    if (e == u"state") {
        m_state = json.value(QStringLiteral("state")).toString();
        m_journal.write({{QStringLiteral("e"), QStringLiteral("state")},
                         {QStringLiteral("state"), m_state},
                         {QStringLiteral("transport"), json.value(QStringLiteral("transport"))},
                         {QStringLiteral("reason"), json.value(QStringLiteral("reason"))}});
    } else if (e == u"subscribed") {
        const QString channel = json.value(QStringLiteral("channel")).toString();
        const qint64 head = json.value(QStringLiteral("head")).toInteger(-1);
        m_journal.write({{QStringLiteral("e"), QStringLiteral("sub")},
                         {QStringLiteral("ch"), channel},
                         {QStringLiteral("head"), head},
                         {QStringLiteral("recovered"), json.value(QStringLiteral("recovered"))},
                         {QStringLiteral("pos"), m_positions.value(channel, -1)}});
        if (!m_positions.contains(channel))
            m_positions.insert(channel, head);
    } else if (e == u"suppressed" || e == u"skipped") {
        QJsonObject copy = json;
        copy.remove(QStringLiteral("event"));
        copy.insert(QStringLiteral("e"), e);
        m_journal.write(copy);
    }
}

void Participant::onExit(int exitCode)
{
    if (m_kind == Kind::CliSend) {
        if (m_flushing) {
            m_flushing = false;
            m_flushed = exitCode == 0;
        }
        m_journal.write(
            {{QStringLiteral("e"), QStringLiteral("exit")}, {QStringLiteral("code"), exitCode}});
        if (m_sending)
            scheduleSend();
        return;
    }
    m_journal.write({{QStringLiteral("e"), QStringLiteral("process-exit")},
                     {QStringLiteral("code"), exitCode}});
    m_state.clear();
    if (!m_killed)
        Q_EMIT exitedUnexpectedly(exitCode);
}

void Participant::scheduleSend()
{
    if (!m_sending)
        return;
    std::exponential_distribution<double> gap(1000.0 / m_setup.cliSendIntervalMs);
    m_sendTimer.start(std::max(50, int(std::lround(gap(m_random) * 1000.0))));
}

void Participant::sendOne()
{
    if (!m_sending || running())
        return;
    static const char16_t *const channels[] = {u"chat", u"activity", u"notifications"};
    static const char16_t *const types[] = {u"chat.message", u"activity.event", u"notification"};
    const int k = int(m_random() % 3);
    m_pendingChannel = QString::fromUtf16(channels[k]);
    m_pendingPriority = priorityName(std::array{Priority::Critical, Priority::High,
                                                Priority::Normal, Priority::Low}[m_random() % 4]);
    const QJsonObject payload{{QStringLiteral("id"), Envelope::newId()},
                              {QStringLiteral("conversationId"), QStringLiteral("chaos")},
                              {QStringLiteral("senderId"), m_name},
                              {QStringLiteral("actor"), m_name},
                              {QStringLiteral("title"), QStringLiteral("chaos")},
                              {QStringLiteral("content"), QStringLiteral("from vigil-cli")}};
    m_process->setArguments(
        QStringList{QStringLiteral("send"), QStringLiteral("--url"),
                    QStringLiteral("ws://127.0.0.1:%1/ws").arg(m_proxy->port()),
                    QStringLiteral("--data-dir"), dataDir(), QStringLiteral("--channel"),
                    m_pendingChannel, QStringLiteral("--type"), QString::fromUtf16(types[k]),
                    QStringLiteral("--priority"), m_pendingPriority, QStringLiteral("--payload"),
                    QString::fromUtf8(QJsonDocument(payload).toJson(QJsonDocument::Compact)),
                    QStringLiteral("--timeout-ms"), QStringLiteral("3000")} +
        kHeartbeat);
    m_journal.write({{QStringLiteral("e"), QStringLiteral("run")}});
    m_process->start();
}

} // namespace vigil::chaos
