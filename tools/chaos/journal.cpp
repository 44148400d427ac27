#include "journal.h"

#include <QDateTime>
#include <QFile>
#include <QJsonDocument>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace vigil::chaos {

Journal::~Journal()
{
    if (m_owned && m_fd >= 0)
        ::close(m_fd);
}

bool Journal::open(const QString &path, QString *error)
{
    m_fd = ::open(QFile::encodeName(path).constData(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC,
                  0600);
    m_owned = m_fd >= 0;
    if (m_fd < 0) {
        *error = QStringLiteral("cannot open %1: %2")
                     .arg(path, QString::fromLocal8Bit(std::strerror(errno)));
        return false;
    }
    return true;
}

void Journal::openStdout()
{
    m_fd = STDOUT_FILENO;
    m_owned = false;
}

void Journal::write(QJsonObject line)
{
    if (!line.contains(QStringLiteral("t")))
        line.insert(QStringLiteral("t"), now());
    QByteArray bytes = QJsonDocument(line).toJson(QJsonDocument::Compact);
    bytes.append('\n');
    writeRaw(bytes);
}

void Journal::writeRaw(const QByteArray &bytes)
{
    if (m_fd < 0)
        return;
    // O_APPEND (or a pipe, for lines under PIPE_BUF) keeps each line whole.
    qsizetype done = 0;
    while (done < bytes.size()) {
        const ssize_t n = ::write(m_fd, bytes.constData() + done, size_t(bytes.size() - done));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return;
        done += n;
    }
}

qint64 Journal::now()
{
    return QDateTime::currentMSecsSinceEpoch();
}

} // namespace vigil::chaos
