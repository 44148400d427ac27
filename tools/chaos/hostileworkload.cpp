#include "hostileworkload.h"

#include <QFile>
#include <QJsonDocument>
#include <QTimer>

namespace vigil::chaos {

HostileWorkload::HostileWorkload(const QString &binDir, const QString &runDir, quint64 seed,
                                 QObject *parent)
    : QObject(parent)
    , m_program(binDir + QStringLiteral("/vigil-chaos-hostile"))
    , m_runDir(runDir)
    , m_seed(seed)
{}

HostileWorkload::~HostileWorkload() = default;

bool HostileWorkload::open(QString *error)
{
    if (!QFile::exists(m_program)) {
        *error = QStringLiteral("%1 not found (build it first)").arg(m_program);
        return false;
    }
    return m_journal.open(m_runDir + QStringLiteral("/hostile.jsonl"), error);
}

void HostileWorkload::start(quint16 relayPort)
{
    m_port = relayPort;
    m_stopping = false;
    if (!m_process) {
        m_process = std::make_unique<ManagedProcess>(QStringLiteral("hostile"), m_program);
        m_process->setStderrFile(m_runDir + QStringLiteral("/hostile.log"));
        connect(m_process.get(), &ManagedProcess::stdoutLine, this, &HostileWorkload::onLine);
        connect(m_process.get(), &ManagedProcess::exited, this,
                [this](int exitCode, bool) { onExit(exitCode); });
    }
    m_started = false;
    m_process->setArguments({QStringLiteral("--port"), QString::number(m_port),
                             QStringLiteral("--seed"), QString::number(m_seed)});
    m_process->start();
}

void HostileWorkload::stop()
{
    if (!running() || m_stopping)
        return;
    m_stopping = true;
    m_process->write("stop\n");
    m_process->waitStopped(5000);
}

void HostileWorkload::relayRestarted()
{
    if (running() && !m_stopping)
        m_process->write("relay-restarted\n");
}

void HostileWorkload::onLine(const QByteArray &line)
{
    const QJsonObject json = QJsonDocument::fromJson(line).object();
    if (json.isEmpty())
        return;
    if (json.value(QStringLiteral("e")).toString() == u"start")
        m_started = true;
    else if (json.value(QStringLiteral("e")).toString() == u"error")
        m_error = json.value(QStringLiteral("message")).toString();
    m_journal.write(json);
}

void HostileWorkload::onExit(int exitCode)
{
    m_journal.write({{QStringLiteral("e"), QStringLiteral("exit")},
                     {QStringLiteral("code"), exitCode},
                     {QStringLiteral("asked"), m_stopping}});
    if (m_stopping)
        return;
    if (!m_started) {
        // It never got its peers out: wrong options, or this machine cannot give it the
        // addresses it needs. Running on would measure nothing hostile.
        Q_EMIT failed(m_error.isEmpty()
                          ? QStringLiteral("vigil-chaos-hostile did not start (exit code %1, "
                                           "see %2/hostile.log)")
                                .arg(exitCode)
                                .arg(m_runDir)
                          : QStringLiteral("vigil-chaos-hostile: %1").arg(m_error));
        return;
    }
    Q_EMIT exitedUnexpectedly(exitCode);
    QTimer::singleShot(1000, this, [this] {
        if (!m_stopping && !running())
            start(m_port);
    });
}

} // namespace vigil::chaos
