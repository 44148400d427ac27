#include "diskfault.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <unistd.h>

namespace vigil::chaos {

namespace {
/// Room for the outbox and positions with their WAL files in normal operation.
constexpr const char *kTmpfsOptions = "size=16m,mode=0700";
/// The mounted tmpfs, for releaseFromSignal(): a signal handler may not allocate.
char g_mounted[4096] = {};
} // namespace

void DiskFault::releaseFromSignal()
{
    if (g_mounted[0] != 0)
        ::umount2(g_mounted, MNT_DETACH);
}

DiskFault::~DiskFault()
{
    release();
}

QString DiskFault::modeName(Mode mode)
{
    switch (mode) {
    case Mode::Tmpfs:
        return QStringLiteral("tmpfs");
    case Mode::FileSize:
        return QStringLiteral("fsize");
    case Mode::None:
        break;
    }
    return QStringLiteral("none");
}

DiskFault::Mode DiskFault::prepare(const QString &dir, bool allowTmpfs)
{
    m_dir = dir;
    QDir().mkpath(dir);
    if (allowTmpfs && ::mount("tmpfs", QFile::encodeName(dir).constData(), "tmpfs",
                              MS_NOSUID | MS_NODEV, kTmpfsOptions) == 0) {
        m_mounted = true;
        m_mode = Mode::Tmpfs;
        const QByteArray path = QFile::encodeName(dir);
        if (path.size() < qsizetype(sizeof g_mounted))
            std::memcpy(g_mounted, path.constData(), size_t(path.size()) + 1);
    } else {
        m_mode = Mode::FileSize;
    }
    return m_mode;
}

QString DiskFault::fillerPath() const
{
    return m_dir + QStringLiteral("/.chaos-filler");
}

void DiskFault::begin(qint64 pid)
{
    m_active = true;
    if (m_mode == Mode::Tmpfs) {
        const int fd = ::open(QFile::encodeName(fillerPath()).constData(),
                              O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        if (fd < 0)
            return;
        const QByteArray block(64 * 1024, 'x');
        // Until the tmpfs has nothing left, then byte by byte for the last block.
        while (::write(fd, block.constData(), size_t(block.size())) > 0) {
        }
        while (::write(fd, block.constData(), 1) > 0) {
        }
        ::close(fd);
    } else {
        apply(pid);
    }
}

void DiskFault::apply(qint64 pid)
{
    if (!m_active || m_mode != Mode::FileSize || pid <= 0)
        return;
    // No file may grow past the largest one there now: writes in place still work, growth
    // fails, as when the disk is full.
    qint64 largest = 4096;
    QDirIterator it(m_dir, QDir::Files | QDir::Hidden);
    while (it.hasNext()) {
        it.next();
        largest = std::max(largest, it.fileInfo().size());
    }
    struct rlimit limit;
    if (::prlimit(pid_t(pid), RLIMIT_FSIZE, nullptr, &limit) != 0)
        return;
    limit.rlim_cur = rlim_t(largest);
    ::prlimit(pid_t(pid), RLIMIT_FSIZE, &limit, nullptr);
}

void DiskFault::end(qint64 pid)
{
    m_active = false;
    if (m_mode == Mode::Tmpfs) {
        QFile::remove(fillerPath());
    } else if (m_mode == Mode::FileSize && pid > 0) {
        struct rlimit limit;
        if (::prlimit(pid_t(pid), RLIMIT_FSIZE, nullptr, &limit) == 0) {
            limit.rlim_cur = limit.rlim_max;
            ::prlimit(pid_t(pid), RLIMIT_FSIZE, &limit, nullptr);
        }
    }
}

void DiskFault::release()
{
    if (m_mounted) {
        ::umount2(QFile::encodeName(m_dir).constData(), MNT_DETACH);
        m_mounted = false;
        g_mounted[0] = 0;
    }
}

} // namespace vigil::chaos
