#include "relaywatch.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkReply>

#include <unistd.h>

namespace vigil::chaos {

QPair<qint64, qint64> resourcesOf(qint64 pid)
{
    QFile status(QStringLiteral("/proc/%1/status").arg(pid));
    qint64 rss = -1;
    if (status.open(QIODevice::ReadOnly)) {
        for (const QByteArray &line : status.readAll().split('\n')) {
            if (line.startsWith("VmRSS:"))
                rss = line.mid(6).trimmed().split(' ').value(0).toLongLong();
        }
    }
    const qint64 fds =
        rss < 0 ? -1
                : qint64(QDir(QStringLiteral("/proc/%1/fd").arg(pid))
                             .entryList(QDir::AllEntries | QDir::System | QDir::NoDotAndDotDot)
                             .size());
    return {rss, fds};
}

qint64 cpuMsOf(qint64 pid)
{
    QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!stat.open(QIODevice::ReadOnly))
        return -1;
    // The command name is in parentheses and may hold spaces: count fields after its end.
    const QByteArray line = stat.readAll();
    const qsizetype end = line.lastIndexOf(')');
    if (end < 0)
        return -1;
    const QList<QByteArray> fields = line.mid(end + 2).split(' ');
    if (fields.size() < 13)
        return -1;
    const qint64 ticks = fields.at(11).toLongLong() + fields.at(12).toLongLong(); // utime, stime
    return ticks * 1000 / std::max<long>(1, ::sysconf(_SC_CLK_TCK));
}

RelayWatch::RelayWatch(const QString &journalPath, QObject *parent)
    : QObject(parent)
{
    QString error;
    m_journal.open(journalPath, &error);
    m_timer.setInterval(1000);
    connect(&m_timer, &QTimer::timeout, this, &RelayWatch::sample);
}

void RelayWatch::watch(const QString &name, std::function<qint64()> pid)
{
    m_watched.append({name, std::move(pid)});
}

void RelayWatch::start()
{
    sample();
    m_timer.start();
}

void RelayWatch::stop()
{
    m_timer.stop();
    if (m_probe)
        m_probe->abort();
}

void RelayWatch::sample()
{
    for (const auto &[name, pidOf] : std::as_const(m_watched)) {
        const qint64 pid = pidOf();
        if (pid <= 0)
            continue;
        const qint64 rss = resourcesOf(pid).first;
        const qint64 cpu = cpuMsOf(pid);
        if (rss < 0)
            continue;
        m_journal.write({{QStringLiteral("e"), QStringLiteral("sample")},
                         {QStringLiteral("name"), name},
                         {QStringLiteral("pid"), pid},
                         {QStringLiteral("rssKb"), rss},
                         {QStringLiteral("cpuMs"), cpu}});
        if (name != u"relay")
            continue;
        m_maxRssKb = std::max(m_maxRssKb, rss);
        if (m_limitKb > 0 && rss > m_limitKb && !m_signalled) {
            m_signalled = true;
            Q_EMIT overLimit(rss);
        }
    }
    // How busy the whole machine was: figures of runs on a shared machine differ with it.
    QFile load(QStringLiteral("/proc/loadavg"));
    if (load.open(QIODevice::ReadOnly)) {
        m_journal.write({{QStringLiteral("e"), QStringLiteral("load")},
                         {QStringLiteral("load1"), load.readAll().split(' ').value(0).toDouble()}});
    }
    probe();
}

void RelayWatch::probe()
{
    if (!m_healthUrl.isValid())
        return;
    if (m_probe) {
        // The last one has not been answered in a whole second: noted when it is.
        return;
    }
    QUrl url = m_healthUrl;
    url.setPath(QStringLiteral("/api/health"));
    QNetworkRequest request(url);
    request.setTransferTimeout(10000);
    m_probeClock.start();
    m_probe = m_network.get(request);
    connect(m_probe, &QNetworkReply::finished, this, [this, reply = m_probe.data()] {
        reply->deleteLater();
        const qint64 ms = m_probeClock.elapsed();
        // What the relay itself counts: its connections, event streams and parked polls.
        const QJsonObject health = QJsonDocument::fromJson(reply->readAll()).object();
        const QJsonObject http = health.value(QStringLiteral("http")).toObject();
        m_journal.write(
            {{QStringLiteral("e"), QStringLiteral("health")},
             {QStringLiteral("ok"), reply->error() == QNetworkReply::NoError},
             {QStringLiteral("ms"), ms},
             {QStringLiteral("httpConnections"), http.value(QStringLiteral("connections"))},
             {QStringLiteral("polls"), http.value(QStringLiteral("polls"))},
             {QStringLiteral("streams"), http.value(QStringLiteral("streams"))},
             {QStringLiteral("wsClients"), health.value(QStringLiteral("websocket"))
                                               .toObject()
                                               .value(QStringLiteral("clients"))}});
    });
}

} // namespace vigil::chaos
