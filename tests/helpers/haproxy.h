#pragma once

// A real haproxy in front of relay nodes on loopback, for the failover tests: the load
// balancer of docs/scaling.md, with the configuration that page documents.

#include <QList>
#include <QPair>
#include <QProcess>
#include <QString>
#include <QTemporaryDir>

namespace vigil::test {

/// \brief An haproxy process balancing WebSocket and HTTP clients over relay nodes.
class Haproxy
{
public:
    /// A node behind it: its name in haproxy's configuration and its loopback port.
    using Backend = QPair<QString, quint16>;

    Haproxy() = default;
    ~Haproxy();
    Haproxy(const Haproxy &) = delete;
    Haproxy &operator=(const Haproxy &) = delete;

    /// Writes the configuration, checks it (`haproxy -c`) and starts haproxy in the foreground
    /// on a free loopback port; true once that port accepts connections. False with the reason
    /// in `error`; a missing haproxy is a failure, not a skip (packaging/build-deps.txt).
    bool start(const QList<Backend> &backends, QString *error);
    void stop();
    [[nodiscard]] quint16 port() const { return m_port; }
    /// What it wrote on stderr so far (server state changes, alerts).
    QByteArray output();
    /// The configuration for `backends` with the frontend on `port`.
    static QString configuration(quint16 port, const QList<Backend> &backends);

private:
    QTemporaryDir m_dir;
    QProcess m_process;
    QByteArray m_output;
    quint16 m_port = 0;
};

} // namespace vigil::test
