#include "hostilecrowd.h"

#include "hostilekinds.h"

#include <QJsonArray>

#include <algorithm>
#include <utility>

namespace vigil::chaos {

namespace {

constexpr int kPaceMs = 20;
constexpr int kOpensPerPace = 20; // at most 1,000 new connections a second

} // namespace

HostileCrowd::HostileCrowd(quint16 port, quint64 seed, HostilePlan plan, QObject *parent)
    : QObject(parent)
    , m_port(port)
    , m_seed(seed)
    , m_plan(plan)
    , m_random(seed * 6364136223846793005ULL + 1442695040888963407ULL)
{
    for (const QString &kind : hostile::kinds())
        m_stats.insert(kind, {});
    m_pacer.setInterval(kPaceMs);
    connect(&m_pacer, &QTimer::timeout, this, &HostileCrowd::pace);
    m_second.setInterval(1000);
    connect(&m_second, &QTimer::timeout, this, &HostileCrowd::tick);
    m_clock.start();
}

HostileCrowd::~HostileCrowd()
{
    stop();
}

bool HostileCrowd::start(QString *error)
{
    // The peers need loopback addresses besides 127.0.0.1 (Linux routes all of 127/8 to lo):
    // from 127.0.0.1 they would use up the normal clients' per-address share of the relay.
    const int last = hostile::kIdlePollFirstAddress + m_plan.idlePollAddresses - 1;
    for (const int address : {hostile::kSlowCrowdedAddress, last}) {
        QTcpSocket probe;
        if (!probe.bind(QHostAddress(QStringLiteral("127.0.0.%1").arg(address)), 0)) {
            *error = QStringLiteral("cannot bind 127.0.0.%1 (%2): the hostile peers need "
                                    "loopback addresses of their own")
                         .arg(address)
                         .arg(probe.errorString());
            return false;
        }
    }
    const int idlePolls = runs(hostile::kIdlePolls) ? m_plan.idlePolls : 0;
    for (int i = 0; i < idlePolls; ++i) {
        const int address = hostile::kIdlePollFirstAddress + i % m_plan.idlePollAddresses;
        m_toOpen.push_back([this, address] { openIdlePoll(address); });
    }
    auto add = [this](const QString &kind, int count, std::function<void()> open) {
        for (int i = 0; runs(kind) && i < count; ++i)
            m_toOpen.push_back(open);
    };
    add(hostile::kSlowHeads, m_plan.slowHeadsCrowded,
        [this] { openSlowHead(hostile::kSlowCrowdedAddress); });
    add(hostile::kSlowHeads, m_plan.slowHeadsSpread,
        [this] { openSlowHead(hostile::kSlowSpreadAddress); });
    add(hostile::kSlowBodies, m_plan.slowBodies,
        [this] { openSlowBody(hostile::kSlowSpreadAddress); });
    add(hostile::kSseReaders, m_plan.sseReaders, [this] { openSseReader(hostile::kSseAddress); });
    add(hostile::kWsReaders, m_plan.wsReaders, [this] { openWsReader(hostile::kWsReaderAddress); });
    add(hostile::kOversized, 1, [this] { openOversized(hostile::kOversizedAddress); });
    add(hostile::kGarbage, 1, [this] { openGarbage(hostile::kGarbageAddress); });
    add(hostile::kWsFlood, 1, [this] { openWsFlooder(hostile::kWsFloodAddress); });
    add(hostile::kPostFlood, m_plan.postConnections,
        [this] { openPostFlooder(hostile::kPostFloodAddress); });
    // The idle polls go first, but the other kinds should not wait two seconds for them.
    std::rotate(m_toOpen.begin(), m_toOpen.begin() + idlePolls, m_toOpen.end());
    m_pacer.start();
    m_second.start();
    return true;
}

void HostileCrowd::stop()
{
    if (m_stopped)
        return;
    m_stopped = true;
    m_pacer.stop();
    m_second.stop();
    m_toOpen.clear();
    const auto peers = findChildren<RawPeer *>(QString(), Qt::FindDirectChildrenOnly);
    for (RawPeer *peer : peers) {
        peer->disconnect(this);
        delete peer;
    }
}

void HostileCrowd::relayRestarted()
{
    const auto silent = std::exchange(m_silent, {});
    for (RawPeer *peer : silent) {
        if (!peer || !peer->isOpen())
            continue;
        const QString kind = peer->upgraded() ? hostile::kWsReaders : hostile::kSseReaders;
        ++m_stats[kind].notes[QStringLiteral("leftAtRelayRestart")];
        peer->abort(); // opened again by its closed() handler
    }
}

QJsonObject HostileCrowd::stats() const
{
    QJsonObject kinds;
    qint64 opened = 0, bytes = 0, frames = 0, refused = 0, closed = 0, openNow = 0;
    for (auto it = m_stats.begin(); it != m_stats.end(); ++it) {
        kinds.insert(it.key(), it->toJson());
        opened += it->opened;
        bytes += it->bytesSent;
        frames += it->framesSent;
        refused += it->refused;
        closed += it->closedByRelay;
        openNow += it->openNow;
    }
    return {{QStringLiteral("connections"), opened},   {QStringLiteral("bytesSent"), bytes},
            {QStringLiteral("framesSent"), frames},    {QStringLiteral("refused"), refused},
            {QStringLiteral("closedByRelay"), closed}, {QStringLiteral("openNow"), openNow},
            {QStringLiteral("kinds"), kinds}};
}

bool HostileCrowd::runs(const QString &kind) const
{
    return m_plan.only.isEmpty() || m_plan.only.contains(kind);
}

RawPeer *HostileCrowd::newPeer(const QString &kind, int address, int receiveBuffer)
{
    auto *peer = new RawPeer(&m_stats[kind],
                             QHostAddress(QStringLiteral("127.0.0.%1").arg(address)), m_port, this);
    peer->setReceiveBuffer(receiveBuffer);
    if (!peer->open()) {
        // The address was bound at start; a failure now is a lack of ports or descriptors.
        ++m_stats[kind].failed;
        delete peer;
        return nullptr;
    }
    return peer;
}

void HostileCrowd::later(int ms, std::function<void()> open)
{
    const int delay = ms + int(m_random() % quint64(ms / 2 + 1));
    QTimer::singleShot(delay, this, [this, open = std::move(open)] {
        if (!m_stopped)
            m_toOpen.push_back(open);
    });
}

void HostileCrowd::pace()
{
    for (int i = 0; i < kOpensPerPace && !m_toOpen.empty() && !m_stopped; ++i) {
        const std::function<void()> open = std::move(m_toOpen.front());
        m_toOpen.pop_front();
        open();
    }
}

void HostileCrowd::onClosed(RawPeer *peer, int ms, std::function<void()> reopen)
{
    connect(peer, &RawPeer::closed, this, [this, peer, ms, reopen = std::move(reopen)] {
        peer->deleteLater();
        later(ms, reopen);
    });
}

void HostileCrowd::tick()
{
    dribble();
    // The readers that stopped reading: a WebSocket one still sends a frame a second, so the
    // relay's heartbeat rule does not end it and its backlog rule has to; both are asked
    // whether the relay gave up on them.
    for (auto it = m_silent.begin(); it != m_silent.end();) {
        RawPeer *peer = *it;
        if (!peer || !peer->isOpen()) {
            it = m_silent.erase(it);
            continue;
        }
        if (peer->upgraded())
            peer->sendText(R"({"type":"ping","channel":"system","payload":{}})");
        peer->checkAlive();
        ++it;
    }
}

QByteArray HostileCrowd::channelsQuery() const
{
    QByteArray list;
    for (const QString &channel : hostile::readerChannels())
        list += QByteArray(list.isEmpty() ? "" : ",") + channel.toUtf8();
    return list;
}

} // namespace vigil::chaos
