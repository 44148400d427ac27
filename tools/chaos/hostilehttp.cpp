// The hostile peers on the relay's HTTP side: idle long polls, slowloris heads and bodies,
// event streams that never read, and a flood of POST /api/messages.
#include "hostilecrowd.h"
#include "hostilekinds.h"

namespace vigil::chaos {

using namespace hostile;

namespace {

constexpr int kReopenMs = 1000;
constexpr int kReaderBuffer = 8192;
// How long an event stream reads nothing: longer than the relay lets a reader lag behind.
constexpr int kStallMs = 30000;

bool keepsAlive(const QByteArray &head)
{
    return !head.toLower().contains("connection: close");
}

QByteArray post(const QByteArray &body)
{
    return "POST /api/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
           "Content-Length: " +
           QByteArray::number(body.size()) + "\r\n\r\n" + body;
}

} // namespace

void HostileCrowd::openIdlePoll(int address)
{
    RawPeer *peer = newPeer(kIdlePolls, address);
    if (!peer) {
        later(kReopenMs, [this, address] { openIdlePoll(address); });
        return;
    }
    // The longest wait the relay grants, on a channel nobody writes to: the relay holds the
    // request (and its connection) until then, answers [] and gets the next one at once.
    const QByteArray request = "GET /api/poll?channels=" + idleChannel().toUtf8() +
                               "&waitMs=60000 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    connect(peer, &RawPeer::connected, peer, [peer, request] { peer->send(request); });
    connect(peer, &RawPeer::answered, peer,
            [peer, request](int status, const QByteArray &head, const QByteArray &) {
                if (status == 200 && keepsAlive(head))
                    peer->send(request);
            });
    onClosed(peer, kReopenMs, [this, address] { openIdlePoll(address); });
}

void HostileCrowd::openSlowHead(int address)
{
    RawPeer *peer = newPeer(kSlowHeads, address);
    if (!peer) {
        later(kReopenMs, [this, address] { openSlowHead(address); });
        return;
    }
    // A byte a second, and the head never ends: a header line that goes on forever.
    m_dribbles.append({peer, "GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ", 0, 'a'});
    onClosed(peer, kReopenMs, [this, address] { openSlowHead(address); });
}

void HostileCrowd::openSlowBody(int address)
{
    RawPeer *peer = newPeer(kSlowBodies, address);
    if (!peer) {
        later(kReopenMs, [this, address] { openSlowBody(address); });
        return;
    }
    // A complete head promising 64 KiB, then the body a byte a second.
    connect(peer, &RawPeer::connected, peer, [peer] {
        peer->send("POST /api/messages HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                   "Content-Type: application/json\r\nContent-Length: 65536\r\n\r\n");
    });
    m_dribbles.append({peer, "[", 0, ' '});
    onClosed(peer, kReopenMs, [this, address] { openSlowBody(address); });
}

void HostileCrowd::dribble()
{
    for (auto it = m_dribbles.begin(); it != m_dribbles.end();) {
        RawPeer *peer = it->peer;
        if (!peer || !peer->isOpen()) {
            it = m_dribbles.erase(it);
            continue;
        }
        if (peer->isConnected()) {
            const char byte = it->at < it->bytes.size() ? it->bytes.at(it->at) : it->filler;
            peer->send(QByteArray(1, byte), it->at == 0 ? 1 : 0);
            ++it->at;
        }
        ++it;
    }
}

void HostileCrowd::openSseReader(int address)
{
    RawPeer *peer = newPeer(kSseReaders, address, kReaderBuffer);
    if (!peer) {
        later(kReopenMs, [this, address] { openSseReader(address); });
        return;
    }
    const QByteArray request =
        "GET /api/stream?channels=" + channelsQuery() + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    connect(peer, &RawPeer::connected, peer, [peer, request] { peer->send(request); });
    connect(peer, &RawPeer::answered, peer, [this, peer](int status) {
        if (status != 200)
            return; // refused: the relay closes it
        ++m_stats[kSseReaders].notes[QStringLiteral("streams")];
        peer->stopReading();
        m_silent.append(peer);
        // After a long stall it reads again, to learn whether the relay gave up on it (its
        // close waits behind what was not read); if the relay did not, it hangs up itself.
        QTimer::singleShot(kStallMs, peer, [this, peer] {
            peer->drain();
            QTimer::singleShot(2000, peer, [this, peer] {
                ++m_stats[kSseReaders].notes[QStringLiteral("notDropped")];
                peer->abort();
            });
        });
    });
    onClosed(peer, 2 * kReopenMs, [this, address] { openSseReader(address); });
}

void HostileCrowd::openPostFlooder(int address)
{
    RawPeer *peer = newPeer(kPostFlood, address);
    if (!peer) {
        later(kReopenMs, [this, address] { openPostFlooder(address); });
        return;
    }
    connect(peer, &RawPeer::connected, peer, [this, peer] { postNext(peer); });
    connect(peer, &RawPeer::answered, peer,
            [this, peer](int status, const QByteArray &head, const QByteArray &body) {
                PeerStats &stats = m_stats[kPostFlood];
                if (status == 200) {
                    stats.notes[QStringLiteral("acks")] += body.count("\"type\":\"ack\"");
                    stats.notes[QStringLiteral("rateLimited")] += body.count("\"rate_limited\"");
                }
                if (keepsAlive(head))
                    postNext(peer);
            });
    // A refused request closes the connection: a new one follows at once.
    onClosed(peer, 50, [this, address] { openPostFlooder(address); });
}

void HostileCrowd::postNext(RawPeer *peer)
{
    if (m_stopped || !peer->isConnected())
        return;
    const qint64 now = m_clock.elapsed();
    const double seconds = double(now - m_lastCreditMs) / 1000.0;
    m_lastCreditMs = now;
    // Budgets refill with time; a tenth of a second's worth at most is saved up.
    m_postCredit = std::min(m_postCredit + seconds * m_plan.postsPerSecond,
                            std::max(1.0, m_plan.postsPerSecond / 10));
    m_messageCredit = std::min(m_messageCredit + seconds * m_plan.postMessagesPerSecond,
                               std::max(25.0, m_plan.postMessagesPerSecond / 10));
    if (m_postCredit < 1) {
        QTimer::singleShot(5, peer, [this, peer] { postNext(peer); });
        return;
    }
    m_postCredit -= 1;
    PeerStats &stats = m_stats[kPostFlood];
    const int draw = int(m_random() % 100);
    if (draw < 35 && m_messageCredit >= 25) {
        // Valid messages on the flood channel, within the budget the relay shares out.
        m_messageCredit -= 25;
        QByteArray batch = "[";
        for (int i = 0; i < 25; ++i) {
            batch += (i ? "," : "") + QByteArray(R"({"id":"hp-)") + QByteArray::number(m_seed) +
                     '-' + QByteArray::number(++m_floodN) +
                     R"(","type":"hostile.post","channel":")" + floodChannel().toUtf8() +
                     R"(","payload":{"pad":")" + QByteArray(200, 'p') + "\"}}";
        }
        peer->send(post(batch + "]"));
        stats.notes[QStringLiteral("validMessages")] += 25;
    } else if (draw < 75) {
        // Not JSON: 400, before any budget is spent.
        QByteArray junk(64 + int(m_random() % 512), '\0');
        for (char &c : junk)
            c = char(m_random() % 256);
        peer->send(post(junk));
    } else if (draw < 85) {
        // More messages than one request may hold: 413.
        static const QByteArray tooMany = [] {
            QByteArray b = "[";
            for (int i = 0; i < 1001; ++i)
                b += QByteArray(i ? "," : "") + R"({"id":"x","type":"t","channel":"chat"})";
            return b + "]";
        }();
        peer->send(post(tooMany));
    } else if (draw < 92) {
        // A body far over the limit, announced: 413 without reading it.
        peer->send("POST /api/messages HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                   "Content-Type: application/json\r\nContent-Length: 209715200\r\n\r\n" +
                   QByteArray(64 * 1024, '['));
    } else if (draw < 97) {
        // A chunked body: 411.
        peer->send("POST /api/messages HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                   "Transfer-Encoding: chunked\r\n\r\n5\r\n[{}]x\r\n0\r\n\r\n");
    } else {
        peer->send("POST /api/nothing HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 2\r\n\r\n{}");
    }
}

} // namespace vigil::chaos
