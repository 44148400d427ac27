#pragma once

// A real redis-server of the test's own on a loopback port, for the relay cluster tests
// (vigil-relay --broker). Needs Qt Network and Qt Test.

#include <QByteArray>
#include <QProcess>
#include <QString>
#include <QTemporaryDir>

namespace vigil::test {

/// \brief A redis-server on 127.0.0.1, without persistence unless asked; killed with the object.
class RedisServer
{
public:
    RedisServer() = default;
    ~RedisServer();
    RedisServer(const RedisServer &) = delete;
    RedisServer &operator=(const RedisServer &) = delete;

    /// False with the reason in `error`. A missing redis-server is a failure, not a skip: CI
    /// installs it (packaging/build-deps.txt). A restart keeps the port.
    bool start(QString *error, bool persistent = false);
    /// SIGKILL, and the wait for its end.
    void kill();
    /// SIGSTOP: Redis keeps its connections open but answers nothing until resume() (SIGCONT).
    void pause();
    void resume();
    /// One inline command; the first line of the answer ("" when none).
    QByteArray command(const QByteArray &line);
    [[nodiscard]] quint16 port() const { return m_port; }
    /// redis://127.0.0.1:PORT
    [[nodiscard]] QString url() const;

private:
    QTemporaryDir m_dir;
    QProcess m_process;
    quint16 m_port = 0;
};

/// Where `program` is installed (the sbin directories too, which a user's PATH may lack); empty
/// when it is not.
QString findSystemProgram(const QString &program);

} // namespace vigil::test
