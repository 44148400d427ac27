#include "singleinstance.h"

#include "protocol/logging.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocalServer>
#include <QLocalSocket>
#include <QLockFile>
#include <QStandardPaths>
#include <QTimer>

#ifdef Q_OS_UNIX
#include <unistd.h>
#endif

namespace vigil::app {

namespace {

// Start-up waits: each bounded, and only the first two can happen on a normal launch.
constexpr int kLockWaitMs = 2000;    // another launch deciding at the same moment
constexpr int kConnectWaitMs = 1000; // only when a live instance's backlog is full
constexpr int kWriteWaitMs = 1000;
// How long the primary keeps a connection that has not sent its request yet.
constexpr int kRequestWaitMs = 5000;
constexpr qint64 kMaxRequestBytes = 64 * 1024;

QString userKey()
{
#ifdef Q_OS_UNIX
    return QString::number(::getuid());
#else
    return qEnvironmentVariable("USERNAME");
#endif
}

// The data directory as one spelling: absolute, clean, symlinks resolved as far as the
// directory exists. A first launch may run before the directory is created, and it must get the
// same name as the launches after it.
QString stablePath(const QString &dir)
{
    QFileInfo existing(QDir::cleanPath(QDir(dir).absolutePath()));
    QStringList missing;
    while (!existing.exists() && !existing.isRoot()) {
        missing.prepend(existing.fileName());
        existing.setFile(existing.absolutePath());
    }
    QString base = existing.canonicalFilePath();
    if (base.isEmpty())
        base = existing.absoluteFilePath();
    QString path = QDir::cleanPath(QDir(base).filePath(missing.join(u'/')));
#ifdef Q_OS_WIN
    path = path.toLower();
#endif
    return path;
}

QByteArray encodeRequest(const QStringList &arguments)
{
    const QJsonObject request{{QStringLiteral("request"), QStringLiteral("activate")},
                              {QStringLiteral("arguments"), QJsonArray::fromStringList(arguments)}};
    return QJsonDocument(request).toJson(QJsonDocument::Compact) + '\n';
}

} // namespace

SingleInstance::SingleInstance(const QString &serverName, QObject *parent)
    : QObject(parent)
    , m_serverName(serverName)
{}

// The QLocalServer child closes on destruction, which removes the socket file.
SingleInstance::~SingleInstance() = default;

QString SingleInstance::serverNameFor(const QString &dataDir)
{
    QCryptographicHash hash(QCryptographicHash::Sha256);
    hash.addData(userKey().toUtf8());
    hash.addData(QByteArrayView("\0", 1));
    hash.addData(stablePath(dataDir).toUtf8());
    const QString name =
        QStringLiteral("vigil-") + QString::fromLatin1(hash.result().toHex().left(16));
#ifdef Q_OS_UNIX
    // The runtime directory belongs to the user alone and is emptied at logout, so a crash
    // leaves nothing behind for long. A socket path must fit in sockaddr_un (108 bytes).
    const QString runtimeDir = QStandardPaths::writableLocation(QStandardPaths::RuntimeLocation);
    const QString path = runtimeDir + u'/' + name;
    if (!runtimeDir.isEmpty() && QFile::encodeName(path).size() < 100)
        return path;
#endif
    // A named pipe on Windows; elsewhere Qt puts the socket in the temporary directory.
    return name;
}

bool SingleInstance::tryBecomePrimary(const QStringList &arguments)
{
    if (m_server)
        return true;

    // Two launches at once (a double click) must not both decide they are first: with the
    // socket options we use, the later listen() replaces the earlier one's socket. The lock
    // makes the decision one launch at a time.
    QLockFile lock(lockFilePath());
    if (!lock.tryLock(kLockWaitMs)) {
        qCWarning(lcUi) << "single instance: cannot take" << lockFilePath()
                        << "- deciding without it";
    }

    switch (handOver(arguments)) {
    case Probe::Answered:
        qCInfo(lcUi) << "Vigil already runs with this data directory: asked it to come forward";
        return false;
    case Probe::NobodyThere:
        // Whatever is left under the name belongs to an instance that is gone (it crashed):
        // a live one would have answered.
        QLocalServer::removeServer(m_serverName);
        break;
    case Probe::Unknown:
        // Something holds the name but did not answer in time. Never take the name away from
        // it; start anyway, without single-instance handling.
        qCWarning(lcUi) << "single instance: starting without it, the name" << m_serverName
                        << "is taken by something that does not answer";
        return true;
    }

    if (!listen()) {
        qCWarning(lcUi) << "single instance: starting without it, cannot listen on" << m_serverName;
    }
    return true;
}

bool SingleInstance::isPrimary() const
{
    return m_server && m_server->isListening();
}

SingleInstance::Probe SingleInstance::handOver(const QStringList &arguments) const
{
    QLocalSocket socket;
    socket.connectToServer(m_serverName);
    if (!socket.waitForConnected(kConnectWaitMs)) {
        switch (socket.error()) {
        case QLocalSocket::ServerNotFoundError:
        case QLocalSocket::ConnectionRefusedError:
            return Probe::NobodyThere;
        default:
            qCWarning(lcUi) << "single instance:" << socket.errorString();
            return Probe::Unknown;
        }
    }
    // The request waits in the socket until the primary's event loop reads it: no answer is
    // awaited, so a busy primary cannot hold this launch up.
    socket.write(encodeRequest(arguments));
    socket.flush();
    if (socket.bytesToWrite() > 0 && !socket.waitForBytesWritten(kWriteWaitMs))
        qCWarning(lcUi) << "single instance: the running Vigil did not take the request";
    socket.disconnectFromServer();
    if (socket.state() != QLocalSocket::UnconnectedState)
        socket.waitForDisconnected(kWriteWaitMs);
    return Probe::Answered;
}

bool SingleInstance::listen()
{
    auto *server = new QLocalServer(this);
    // Only this user may connect (matters where the socket lands in a shared temp directory).
    server->setSocketOptions(QLocalServer::UserAccessOption);
    if (!server->listen(m_serverName)) {
        qCWarning(lcUi) << "single instance:" << server->errorString();
        delete server;
        return false;
    }
    connect(server, &QLocalServer::newConnection, this, &SingleInstance::acceptConnections);
    m_server = server;
    return true;
}

void SingleInstance::acceptConnections()
{
    while (QLocalSocket *socket = m_server->nextPendingConnection()) {
        connect(socket, &QLocalSocket::readyRead, this, [this, socket] { readRequest(socket); });
        connect(socket, &QLocalSocket::disconnected, socket, &QObject::deleteLater);
        // A connection that never sends a whole request is dropped, not kept for ever.
        QTimer::singleShot(kRequestWaitMs, socket, [socket] {
            socket->abort();
            socket->deleteLater();
        });
        readRequest(socket);
    }
}

void SingleInstance::readRequest(QLocalSocket *socket)
{
    if (!socket->canReadLine()) {
        if (socket->bytesAvailable() > kMaxRequestBytes) {
            qCWarning(lcUi) << "single instance: dropped an oversized request";
            socket->disconnect(this);
            socket->abort();
        }
        return;
    }
    const QByteArray line = socket->readLine(kMaxRequestBytes);
    // One request per connection, whatever it says.
    socket->disconnect(this);
    socket->disconnectFromServer();

    QJsonParseError error;
    const QJsonObject request = QJsonDocument::fromJson(line, &error).object();
    if (error.error != QJsonParseError::NoError ||
        request.value(QStringLiteral("request")).toString() != u"activate") {
        qCWarning(lcUi) << "single instance: ignored a request that is not an activation";
        return;
    }
    QStringList arguments;
    const QJsonArray list = request.value(QStringLiteral("arguments")).toArray();
    for (const QJsonValue &value : list)
        arguments.append(value.toString());
    Q_EMIT activationRequested(arguments);
}

QString SingleInstance::lockFilePath() const
{
    const QString name = m_serverName + QStringLiteral(".lock");
    return QDir::isAbsolutePath(name) ? name : QDir(QDir::tempPath()).filePath(name);
}

} // namespace vigil::app
