#include "redisserver.h"

#include "loopback.h"
#include "testsupport.h"

#include <QStandardPaths>
#include <QTcpSocket>
#include <QTest>

#include <signal.h>
#include <sys/types.h>

namespace vigil::test {

QString findSystemProgram(const QString &program)
{
    const QString inPath = QStandardPaths::findExecutable(program);
    if (!inPath.isEmpty())
        return inPath;
    return QStandardPaths::findExecutable(
        program, {QStringLiteral("/usr/sbin"), QStringLiteral("/usr/bin"), QStringLiteral("/sbin"),
                  QStringLiteral("/usr/local/sbin"), QStringLiteral("/usr/local/bin")});
}

RedisServer::~RedisServer()
{
    kill();
}

bool RedisServer::start(QString *error, bool persistent)
{
    const QString program = findSystemProgram(QStringLiteral("redis-server"));
    if (program.isEmpty()) {
        *error = QStringLiteral("redis-server is not installed: install the Debian package "
                                "redis-server (packaging/build-deps.txt)");
        return false;
    }
    if (m_port == 0)
        m_port = closedPort();
    QStringList args{
        QStringLiteral("--port"),       QString::number(m_port),
        QStringLiteral("--bind"),       QStringLiteral("127.0.0.1"),
        QStringLiteral("--save"),       QString(),
        QStringLiteral("--dir"),        m_dir.path(),
        QStringLiteral("--appendonly"), persistent ? QStringLiteral("yes") : QStringLiteral("no")};
    if (persistent)
        args << QStringLiteral("--appendfsync") << QStringLiteral("always");
    m_process.setProcessChannelMode(QProcess::MergedChannels);
    m_process.start(program, args);
    if (!m_process.waitForStarted(kWaitMs)) {
        *error = QStringLiteral("cannot start redis-server: ") + m_process.errorString();
        return false;
    }
    if (!QTest::qWaitFor([this] { return command("PING") == "+PONG"; }, kWaitMs)) {
        *error = QStringLiteral("redis-server does not answer PING: ") +
                 QString::fromUtf8(m_process.readAll());
        return false;
    }
    return true;
}

void RedisServer::kill()
{
    if (m_process.state() == QProcess::NotRunning)
        return;
    m_process.kill();
    m_process.waitForFinished(kWaitMs);
}

void RedisServer::pause()
{
    if (m_process.state() == QProcess::Running)
        ::kill(pid_t(m_process.processId()), SIGSTOP);
}

void RedisServer::resume()
{
    if (m_process.state() == QProcess::Running)
        ::kill(pid_t(m_process.processId()), SIGCONT);
}

QByteArray RedisServer::command(const QByteArray &line)
{
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, m_port);
    if (!socket.waitForConnected(1000))
        return {};
    socket.write(line + "\r\n");
    while (!socket.canReadLine()) {
        if (!socket.waitForReadyRead(kWaitMs))
            return {};
    }
    return socket.readLine().trimmed();
}

QString RedisServer::url() const
{
    return QStringLiteral("redis://127.0.0.1:%1").arg(m_port);
}

} // namespace vigil::test
