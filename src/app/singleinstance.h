#pragma once

#include <QObject>
#include <QString>
#include <QStringList>

class QLocalServer;
class QLocalSocket;

namespace vigil::app {

/// \brief One Vigil per user and data directory: a second launch wakes the first one up.
///
/// The first launch listens on a local socket (a Unix domain socket, a named pipe on Windows)
/// whose name comes from the user and the data directory, so two data directories can run side
/// by side. A later launch with the same name finds it, hands over its command line and should
/// quit; the first one then emits activationRequested() so it can bring its window to the
/// front. Two clients never share one outbox.
///
/// The only blocking is at start-up, in tryBecomePrimary(), and it is short and bounded: a
/// local connect, one small write, and a lock that serialises launches racing each other.
class SingleInstance : public QObject
{
    Q_OBJECT
public:
    /// `serverName` is usually serverNameFor(dataDir): an absolute socket path on Unix, a pipe
    /// name on Windows. Tests pass a path in a temporary directory.
    explicit SingleInstance(const QString &serverName, QObject *parent = nullptr);
    ~SingleInstance() override;

    /// The server name for this user and `dataDir`: a socket in the per-user runtime directory
    /// ($XDG_RUNTIME_DIR) on Unix. The same directory spelled differently (a trailing slash, a
    /// symlink, not created yet) gives the same name.
    [[nodiscard]] static QString serverNameFor(const QString &dataDir);

    /// Returns false when another instance answered: it has been sent `arguments` and this
    /// process should exit. Otherwise this object becomes the primary instance and returns
    /// true; a socket left behind by a crashed instance is removed first, but only after
    /// nobody answered on it. If listening fails anyway the application should still start,
    /// so this returns true with a warning in the log and isPrimary() false.
    bool tryBecomePrimary(const QStringList &arguments = {});

    /// True while this object listens for later launches.
    [[nodiscard]] bool isPrimary() const;
    [[nodiscard]] QString serverName() const { return m_serverName; }

Q_SIGNALS:
    /// A later launch asked to be shown; `arguments` is its command line as it passed it.
    void activationRequested(const QStringList &arguments);

private:
    enum class Probe { Answered, NobodyThere, Unknown };

    Probe handOver(const QStringList &arguments) const;
    bool listen();
    void acceptConnections();
    void readRequest(QLocalSocket *socket);
    [[nodiscard]] QString lockFilePath() const;

    QString m_serverName;
    QLocalServer *m_server = nullptr;
};

} // namespace vigil::app
