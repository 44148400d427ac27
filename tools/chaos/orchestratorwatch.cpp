// The parts of Orchestrator that watch the processes of a run (their memory, open files and
// CPU time, the relay's answer time) and run the hostile workload beside them.
#include "orchestrator.h"

#include "hostileworkload.h"
#include "relaywatch.h"

namespace vigil::chaos {

bool Orchestrator::prepareWatch(QString *error)
{
    if (m_options.hostile) {
        m_hostile = std::make_unique<HostileWorkload>(m_options.binDir, m_runDir,
                                                      m_options.seed * 104729 + 3);
        if (!m_hostile->open(error))
            return false;
        connect(m_hostile.get(), &HostileWorkload::failed, this, &Orchestrator::fail);
        connect(m_hostile.get(), &HostileWorkload::exitedUnexpectedly, this, [this](int code) {
            event({{QStringLiteral("e"), QStringLiteral("hostile-exit")},
                   {QStringLiteral("code"), code}});
        });
    }
    m_watch = std::make_unique<RelayWatch>(m_runDir + QStringLiteral("/watch.jsonl"));
    m_watch->watch(QStringLiteral("relay"), [this] { return m_relay->pid(); });
    if (m_hostile)
        m_watch->watch(QStringLiteral("hostile"), [this] { return m_hostile->pid(); });
    m_watch->setRssLimitKb(m_options.relayRssLimitMb * 1024);
    connect(m_watch.get(), &RelayWatch::overLimit, this, [this](qint64 rssKb) {
        // The run has failed; the hostile peers stop so the machine is not at risk, and the
        // normal clients finish so their figures are still known.
        event({{QStringLiteral("e"), QStringLiteral("relay-rss-over-limit")},
               {QStringLiteral("rssKb"), rssKb},
               {QStringLiteral("limitKb"), m_options.relayRssLimitMb * 1024}});
        if (m_hostile)
            m_hostile->stop();
    });
    return true;
}

void Orchestrator::startWatch()
{
    m_watch->setHealthUrl(relayHttp());
    m_watch->start();
    if (m_hostile)
        m_hostile->start(m_relayPort);
}

void Orchestrator::stopWatch()
{
    if (m_hostile)
        m_hostile->stop();
    if (m_watch)
        m_watch->stop();
    m_sampleTimer.stop();
}

void Orchestrator::sample()
{
    auto one = [this](const QString &name, qint64 pid) {
        if (pid <= 0)
            return;
        const auto [rss, fds] = resourcesOf(pid);
        if (rss < 0)
            return;
        m_resources.write({{QStringLiteral("name"), name},
                           {QStringLiteral("pid"), pid},
                           {QStringLiteral("rssKb"), rss},
                           {QStringLiteral("fds"), fds}});
    };
    one(QStringLiteral("relay"), m_relay->pid());
    for (const Participant *p : std::as_const(m_participants)) {
        if (p->receives())
            one(p->name(), p->pid());
    }
}

} // namespace vigil::chaos
