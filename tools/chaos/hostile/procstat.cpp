#include "procstat.h"

#include <QByteArray>
#include <QFile>
#include <QList>

#include <unistd.h>

namespace vigil::chaos {

namespace {

QByteArray readProcFile(qint64 pid, const char *name)
{
    QFile file(QStringLiteral("/proc/%1/%2").arg(pid).arg(QLatin1String(name)));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return file.readAll();
}

qint64 statusField(const QByteArray &status, const QByteArray &field)
{
    const QByteArray prefix = field + ':';
    for (const QByteArray &line : status.split('\n')) {
        if (line.startsWith(prefix))
            return line.mid(prefix.size()).trimmed().split(' ').value(0).toLongLong();
    }
    return -1;
}

} // namespace

std::optional<ProcSample> sampleProcess(qint64 pid)
{
    if (pid <= 0)
        return std::nullopt;
    const QByteArray status = readProcFile(pid, "status");
    const QByteArray stat = readProcFile(pid, "stat");
    // The command name in stat is in parentheses and may hold spaces: fields count after it.
    const qsizetype close = stat.lastIndexOf(')');
    if (status.isEmpty() || close < 0)
        return std::nullopt;
    ProcSample sample;
    sample.rssKb = statusField(status, "VmRSS");
    sample.peakKb = statusField(status, "VmHWM");
    sample.threads = int(statusField(status, "Threads"));
    if (sample.rssKb < 0 || sample.peakKb < 0)
        return std::nullopt; // A zombie has no memory left to report.
    // After ')': state (field 3), ... utime is field 14 and stime field 15 (proc(5)).
    const QList<QByteArray> fields = stat.mid(close + 2).split(' ');
    const qint64 ticks = fields.value(11).toLongLong() + fields.value(12).toLongLong();
    const long perSecond = ::sysconf(_SC_CLK_TCK);
    sample.cpuMs = perSecond > 0 ? ticks * 1000 / perSecond : 0;
    return sample;
}

} // namespace vigil::chaos
