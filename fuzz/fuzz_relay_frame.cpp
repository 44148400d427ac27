// Client frames through the relay: a real Relay listening on loopback, and a WebSocket client
// that authenticates, waits for `welcome`, sends the input as text frames and waits until the
// relay has handled them. So a frame takes the same path as from any client: WebSocketSessions
// (rate limit, malformed frames, ping, subscribe with replay, unsubscribe, update_filter) and
// Relay::acceptClientMessage() (rights, de-duplication, operator actions, publishing).
//
// The input is one frame, or several separated by NUL bytes (a NUL cannot occur in JSON text),
// so a subscribe, a publish and a replay can meet in one input. Every input gets a new relay
// and a new session: a crash found here reproduces from its input alone.
//
// The relay has no seam for a session without a socket; the loopback connection is the "fake
// session". Qt sockets need no thread of their own, so this stays one thread.
#include "fuzzsupport.h"
#include "protocol/envelope.h"
#include "relay/relay.h"

#include <QCoreApplication>
#include <QDir>
#include <QEventLoop>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkProxy>
#include <QNetworkRequest>
#include <QTimer>
#include <QWebSocket>

using namespace vigil;

namespace {

constexpr int kMaxFrames = 16;
// Longer than any answer can take; past it the relay is stuck, which is a finding.
constexpr int kStuckMs = 20000;

// An operator with rights on some channels only, so the forbidden paths are reached too.
const char kTokens[] = R"({ "tokens": [
  { "token": "fuzz-operator-token", "user": "fuzzer", "role": "operator",
    "read": ["incidents", "alerts", "chat", "logs", "agents", "activity"],
    "write": ["incidents", "alerts", "chat", "logs"] }
] })";

QString tokensPath()
{
    static const QString path = [] {
        const QString p = QDir(fuzz::scratchDir()).filePath(QStringLiteral("tokens.json"));
        fuzz::writeFile(p, QByteArray(kTokens));
        return p;
    }();
    return path;
}

// Small limits, so short inputs reach eviction, paging and refusals.
RelayConfig config()
{
    RelayConfig c;
    c.tokensFile = tokensPath();
    c.historySize = 16;
    c.historyBytes = 64 * 1024;
    c.maxChannels = 8;
    c.maxMessageBytes = 4096;
    c.heartbeatMs = 600000;
    c.deadAfterMs = 1200000;
    c.dedupWindow = 32;
    c.maxBadFrames = 1000;
    c.rateLimit = 1e6;
    c.rateBurst = 1000000;
    c.maxSubscriptions = 6;
    c.replayPageBytes = 2048;
    return c;
}

// Runs the event loop until `done` says so; aborts when that takes longer than kStuckMs.
template<typename Done> void waitFor(QEventLoop &loop, const char *what, Done done)
{
    QTimer stuck;
    stuck.setSingleShot(true);
    bool timedOut = false;
    QObject::connect(&stuck, &QTimer::timeout, &loop, [&] {
        timedOut = true;
        loop.quit();
    });
    stuck.start(kStuckMs);
    while (!done() && !timedOut)
        loop.processEvents(QEventLoop::WaitForMoreEvents);
    if (timedOut)
        fuzz::fail(what);
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
    fuzz::initialize();
    (void)tokensPath();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QList<QByteArray> frames = fuzz::bytes(data, size).split('\0').mid(0, kMaxFrames);
    static quint64 round = 0;
    const QString sentinel = QStringLiteral("fuzz-sentinel-%1").arg(++round);

    {
        Relay relay(config());
        QString error;
        if (!relay.start(&error))
            fuzz::fail("the relay did not start", error);

        QWebSocket socket;
        socket.setProxy(QNetworkProxy::NoProxy);
        bool welcomed = false;
        bool answered = false;
        bool closed = false;
        QObject::connect(&socket, &QWebSocket::textMessageReceived, [&](const QString &text) {
            const ParseResult parsed = parseEnvelope(text.toUtf8(), 0);
            if (!parsed.ok())
                fuzz::fail("the relay sent a frame that is no envelope", text.left(200));
            if (parsed.envelope.type == u"welcome")
                welcomed = true;
            if (parsed.envelope.type == u"pong" &&
                parsed.envelope.payload.toObject().value(QStringLiteral("sentinel")) == sentinel)
                answered = true;
        });
        QObject::connect(&socket, &QWebSocket::disconnected, [&] { closed = true; });
        QNetworkRequest request(relay.url());
        request.setRawHeader("Authorization", "Bearer fuzz-operator-token");
        socket.open(request);

        QEventLoop loop;
        waitFor(loop, "no welcome from the relay", [&] { return welcomed || closed; });
        if (!welcomed)
            fuzz::fail("the relay refused the fuzzer's session",
                       socket.closeReason() + QStringLiteral(" ") + socket.errorString());

        for (const QByteArray &frame : frames)
            socket.sendTextMessage(QString::fromUtf8(frame));
        // Frames are handled in order: once the ping after them is answered, so are they.
        Envelope ping;
        ping.type = QStringLiteral("ping");
        ping.payload = QJsonObject{{QStringLiteral("sentinel"), sentinel}};
        socket.sendTextMessage(QString::fromUtf8(ping.serialize()));
        waitFor(loop, "the relay stopped answering", [&] { return answered || closed; });

        socket.abort();
        relay.stop();
    }
    // What the relay and the socket left to deleteLater().
    QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
    return 0;
}
