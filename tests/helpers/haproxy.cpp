#include "haproxy.h"

#include "loopback.h"
#include "redisserver.h"
#include "testsupport.h"

#include <QFile>
#include <QTcpSocket>
#include <QTest>

namespace vigil::test {

Haproxy::~Haproxy()
{
    stop();
}

QString Haproxy::configuration(quint16 port, const QList<Backend> &backends)
{
    // As in docs/scaling.md, with the check interval shortened for a test. `timeout tunnel`
    // governs an upgraded WebSocket; a refused connection to a node that died before its checks
    // noticed is retried on another node (`option redispatch 1`: at every retry).
    QString config = QStringLiteral("global\n"
                                    "    maxconn 4096\n"
                                    "\n"
                                    "defaults\n"
                                    "    mode http\n"
                                    "    timeout connect 1s\n"
                                    "    timeout client 2m\n"
                                    "    timeout server 2m\n"
                                    "    timeout tunnel 1h\n"
                                    "    retries 3\n"
                                    "    option redispatch 1\n"
                                    "\n"
                                    "frontend vigil\n"
                                    "    bind 127.0.0.1:%1\n"
                                    "    default_backend relays\n"
                                    "\n"
                                    "backend relays\n"
                                    "    balance roundrobin\n"
                                    "    option httpchk GET /api/health\n"
                                    "    http-check expect status 200\n"
                                    "    default-server check inter 200ms fall 1 rise 1\n")
                         .arg(port);
    for (const Backend &backend : backends)
        config +=
            QStringLiteral("    server %1 127.0.0.1:%2\n").arg(backend.first).arg(backend.second);
    return config;
}

bool Haproxy::start(const QList<Backend> &backends, QString *error)
{
    const QString program = findSystemProgram(QStringLiteral("haproxy"));
    if (program.isEmpty()) {
        *error = QStringLiteral("haproxy is not installed: install the Debian package haproxy "
                                "(packaging/build-deps.txt)");
        return false;
    }
    m_port = closedPort();
    const QString path = m_dir.filePath(QStringLiteral("haproxy.cfg"));
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) ||
        file.write(configuration(m_port, backends).toUtf8()) < 0) {
        *error = QStringLiteral("cannot write %1").arg(path);
        return false;
    }
    file.close();
    QProcess check;
    check.setProcessChannelMode(QProcess::MergedChannels);
    check.start(program, {QStringLiteral("-c"), QStringLiteral("-f"), path});
    if (!check.waitForFinished(kWaitMs) || check.exitCode() != 0) {
        *error = QStringLiteral("haproxy refuses the configuration: ") +
                 QString::fromUtf8(check.readAll());
        return false;
    }
    // -db: in the foreground, so it is this process that the test stops.
    m_process.setProcessChannelMode(QProcess::MergedChannels);
    m_process.start(program, {QStringLiteral("-db"), QStringLiteral("-f"), path});
    if (!m_process.waitForStarted(kWaitMs)) {
        *error = QStringLiteral("cannot start haproxy: ") + m_process.errorString();
        return false;
    }
    const bool listening = QTest::qWaitFor(
        [this] {
            if (m_process.state() != QProcess::Running)
                return false;
            QTcpSocket probe;
            probe.connectToHost(QHostAddress::LocalHost, m_port);
            return probe.waitForConnected(1000);
        },
        kWaitMs);
    if (!listening) {
        *error = QStringLiteral("haproxy does not listen on port %1: ").arg(m_port) +
                 QString::fromUtf8(output());
        return false;
    }
    return true;
}

void Haproxy::stop()
{
    if (m_process.state() == QProcess::NotRunning)
        return;
    m_process.terminate();
    if (!m_process.waitForFinished(kWaitMs)) {
        m_process.kill();
        m_process.waitForFinished(kWaitMs);
    }
}

QByteArray Haproxy::output()
{
    m_output += m_process.readAll();
    return m_output;
}

} // namespace vigil::test
