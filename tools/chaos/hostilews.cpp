// The hostile peers on the relay's WebSocket side: readers that never read, oversized frames,
// malformed frames, and a flood.
#include "hostilecrowd.h"
#include "hostilekinds.h"

#include <QElapsedTimer>

#include <memory>

namespace vigil::chaos {

using namespace hostile;

namespace {

constexpr int kReopenMs = 1000;
constexpr qint64 kKiB = 1024;
constexpr qint64 kFloodQueueBytes = 256 * kKiB;
constexpr int kReaderBuffer = 8192;

bool isWelcome(quint8 opcode, const QByteArray &payload)
{
    return opcode == 0x1 && payload.contains("\"welcome\"");
}

} // namespace

void HostileCrowd::openWsReader(int address)
{
    RawPeer *peer = newPeer(kWsReaders, address, kReaderBuffer);
    if (!peer) {
        later(kReopenMs, [this, address] { openWsReader(address); });
        return;
    }
    connect(peer, &RawPeer::connected, peer, &RawPeer::sendUpgrade);
    connect(
        peer, &RawPeer::frameReceived, peer,
        [this, peer](quint8 opcode, const QByteArray &payload) {
            if (!isWelcome(opcode, payload))
                return;
            // Live on every channel, and the flood channel's whole history besides: a page
            // of replay (4 MiB) is waiting for it at once.
            QByteArray list;
            for (const QString &channel : readerChannels()) {
                list += QByteArray(list.isEmpty() ? "" : ",") + R"({"name":")" + channel.toUtf8() +
                        (channel == floodChannel() ? R"(","since":0})" : "\"}");
            }
            peer->sendText(R"({"id":"hr-)" + QByteArray::number(++m_floodN) +
                           R"(","type":"subscribe","channel":"system","payload":{"channels":[)" +
                           list + "]}}");
            ++m_stats[kWsReaders].notes[QStringLiteral("subscribed")];
            peer->stopReading();
            m_silent.append(peer);
        });
    onClosed(peer, 2 * kReopenMs, [this, address] { openWsReader(address); });
}

void HostileCrowd::openOversized(int address)
{
    RawPeer *peer = newPeer(kOversized, address);
    if (!peer) {
        later(kReopenMs, [this, address] { openOversized(address); });
        return;
    }
    connect(peer, &RawPeer::connected, peer, &RawPeer::sendUpgrade);
    connect(peer, &RawPeer::frameReceived, peer,
            [this, peer](quint8 opcode, const QByteArray &payload) {
                if (!isWelcome(opcode, payload))
                    return;
                PeerStats &stats = m_stats[kOversized];
                // The relay's default limit is 1 MiB for a frame and for a message.
                switch (m_oversizedN++ % 3) {
                case 0: // a 2 MiB frame, sent whole
                    peer->send(RawPeer::frame(0x1, QByteArray(2048 * kKiB, 'x')));
                    ++stats.notes[QStringLiteral("whole2MiB")];
                    break;
                case 1: // a header announcing 1 GiB, and 64 KiB of it
                    peer->send(
                        RawPeer::frame(0x1, QByteArray(64 * kKiB, 'y'), true, true, 1ULL << 30));
                    ++stats.notes[QStringLiteral("announced1GiB")];
                    break;
                default: { // 1.5 MiB in 24 fragments, each well under the limit
                    QByteArray fragments;
                    for (int i = 0; i < 24; ++i)
                        fragments += RawPeer::frame(i == 0 ? 0x1 : 0x0, QByteArray(64 * kKiB, 'z'),
                                                    true, i == 23);
                    peer->send(fragments, 24);
                    ++stats.notes[QStringLiteral("fragmented1536KiB")];
                    break;
                }
                }
                QTimer::singleShot(10000, peer, [this, peer] {
                    ++m_stats[kOversized].notes[QStringLiteral("notClosedIn10s")];
                    peer->abort();
                });
            });
    onClosed(peer, kReopenMs, [this, address] { openOversized(address); });
}

QByteArray HostileCrowd::garbageFrame(bool softOnly)
{
    auto noise = [this](int size, bool printable) {
        QByteArray bytes(size, '\0');
        for (char &c : bytes)
            c = printable ? char(' ' + m_random() % 95) : char(m_random() % 256);
        return bytes;
    };
    const int draw = int(m_random() % (softOnly ? 70 : 100));
    if (draw < 30) // text that is not JSON
        return RawPeer::frame(0x1, noise(8 + int(m_random() % 200), true));
    if (draw < 45) // JSON, not an object
        return RawPeer::frame(0x1, "[1,2,3]");
    if (draw < 60) // an object without a type
        return RawPeer::frame(0x1, R"({"channel":"chat","payload":{"x":1}})");
    if (draw < 70) // binary
        return RawPeer::frame(0x2, noise(16 + int(m_random() % 100), false));
    if (draw < 78) // text that is not UTF-8
        return RawPeer::frame(0x1, QByteArray("{\"type\":\"\xc3\x28\xa0\xa1\"}"));
    if (draw < 83) // a reserved opcode
        return RawPeer::frame(0x3, "reserved");
    if (draw < 88) { // a reserved bit set
        QByteArray frame = RawPeer::frame(0x1, R"({"type":"ping"})");
        frame[0] = char(frame.at(0) | 0x40);
        return frame;
    }
    if (draw < 93) // not masked
        return RawPeer::frame(0x1, R"({"type":"ping"})", false);
    if (draw < 97) // a control frame longer than 125 bytes
        return RawPeer::frame(0x9, QByteArray(200, 'p'));
    return noise(16 + int(m_random() % 48), false); // not even a frame
}

void HostileCrowd::openGarbage(int address)
{
    RawPeer *peer = newPeer(kGarbage, address);
    if (!peer) {
        later(kReopenMs, [this, address] { openGarbage(address); });
        return;
    }
    connect(peer, &RawPeer::connected, peer, &RawPeer::sendUpgrade);
    connect(peer, &RawPeer::frameReceived, peer,
            [this, peer](quint8 opcode, const QByteArray &payload) {
                if (!isWelcome(opcode, payload)) {
                    if (payload.contains("\"error\""))
                        ++m_stats[kGarbage].notes[QStringLiteral("errorsReceived")];
                    return;
                }
                // Every other connection sends only what the relay answers with an error, so
                // it meets the rule for malformed frames in a row; the others break the
                // protocol sooner or later.
                const bool softOnly = m_garbageN++ % 2 == 0;
                auto *timer = new QTimer(peer);
                timer->setInterval(1000 / std::max(1, m_plan.garbagePerSecond));
                connect(timer, &QTimer::timeout, peer, [this, peer, softOnly] {
                    if (peer->isConnected())
                        peer->send(garbageFrame(softOnly));
                });
                timer->start();
            });
    onClosed(peer, kReopenMs / 5, [this, address] { openGarbage(address); });
}

void HostileCrowd::openWsFlooder(int address)
{
    RawPeer *peer = newPeer(kWsFlood, address);
    if (!peer) {
        later(kReopenMs, [this, address] { openWsFlooder(address); });
        return;
    }
    connect(peer, &RawPeer::connected, peer, &RawPeer::sendUpgrade);
    connect(peer, &RawPeer::frameReceived, peer,
            [this, peer](quint8 opcode, const QByteArray &payload) {
                PeerStats &stats = m_stats[kWsFlood];
                if (isWelcome(opcode, payload)) {
                    // floodPerSecond, or as fast as the relay reads if that is slower.
                    auto *timer = new QTimer(peer);
                    timer->setInterval(10);
                    auto clock = std::make_shared<QElapsedTimer>();
                    clock->start();
                    auto sent = std::make_shared<qint64>(0);
                    connect(timer, &QTimer::timeout, peer, [this, peer, clock, sent] {
                        const qint64 due = clock->elapsed() * m_plan.floodPerSecond / 1000;
                        *sent += floodMore(peer, due - *sent);
                    });
                    timer->start();
                } else if (payload.contains("\"type\":\"ack\"")) {
                    ++stats.notes[QStringLiteral("acks")];
                } else if (payload.contains("rate_limited")) {
                    ++stats.notes[QStringLiteral("rateLimited")];
                } else {
                    ++stats.notes[QStringLiteral("otherAnswers")];
                }
            });
    onClosed(peer, m_plan.floodReconnectMs, [this, address] { openWsFlooder(address); });
}

qint64 HostileCrowd::floodMore(RawPeer *peer, qint64 frames)
{
    const QByteArray pad(600, 'w');
    const QByteArray prefix = R"({"id":"hw-)" + QByteArray::number(m_seed) + '-';
    const QByteArray middle = R"(","type":"hostile.flood","channel":")" + floodChannel().toUtf8() +
                              R"(","payload":{"pad":")" + pad + R"(","n":)";
    qint64 sent = 0;
    while (sent < frames && peer->isConnected() && peer->bytesToWrite() < kFloodQueueBytes) {
        QByteArray batch;
        const int count = int(std::min<qint64>(32, frames - sent));
        for (int i = 0; i < count; ++i) {
            const QByteArray n = QByteArray::number(++m_floodN);
            batch += RawPeer::frame(0x1, prefix + n + middle + n + "}}");
        }
        peer->send(batch, count);
        sent += count;
    }
    return sent;
}

} // namespace vigil::chaos
