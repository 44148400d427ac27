// The client's Server-Sent Events parser (SseParser), as HttpTransport feeds it: whatever the
// network hands over, in pieces of any size. The first input byte chooses the pieces; the rest
// is the stream.
//
// Checked besides not crashing: the events (and the decision to drop the stream) do not depend
// on where the stream was cut, and the parser's memory stays within its bounds.
#include "connection/sseparser.h"
#include "fuzzsupport.h"

#include <QList>

using namespace vigil;

namespace {

// Small limits, so short inputs reach the oversized-event and dropped-stream paths.
constexpr qsizetype kMaxEventBytes = 64;
constexpr qint64 kMaxSkipBytes = 1024;

struct Run
{
    QList<SseParser::Event> events;
    bool dropped = false;
    QString error;
    QByteArray lastId;
    qint64 retryMs = -1;
};

bool same(const SseParser::Event &a, const SseParser::Event &b)
{
    return a.type == b.type && a.data == b.data && a.id == b.id && a.oversized == b.oversized &&
           a.bytes == b.bytes;
}

QString describe(const SseParser::Event &e)
{
    return QStringLiteral("type=%1 id=%2 oversized=%3 bytes=%4 data=%5")
        .arg(QString::fromUtf8(e.type.toPercentEncoding()),
             QString::fromUtf8(e.id.toPercentEncoding()))
        .arg(e.oversized)
        .arg(e.bytes)
        .arg(QString::fromUtf8(e.data.toPercentEncoding()));
}

// Feeds `stream` in pieces whose sizes come from `pattern` (0: all at once).
Run feed(const QByteArray &stream, quint8 pattern)
{
    Run run;
    SseParser parser(kMaxEventBytes, kMaxSkipBytes);
    const SseParser::Sink sink = [&run](const SseParser::Event &event) {
        if (event.data.size() > kMaxEventBytes)
            fuzz::fail("an event's data is over the limit", describe(event));
        if (event.oversized && !event.data.isEmpty())
            fuzz::fail("an oversized event kept its data", describe(event));
        run.events.append(event);
        return true;
    };
    qsizetype at = 0;
    int step = 0;
    while (at < stream.size()) {
        // Piece sizes 1..8 in a rhythm set by the pattern's bits, or everything at once.
        const qsizetype piece =
            pattern == 0 ? stream.size() : 1 + ((pattern >> (step++ % 6)) & 0x7);
        const qsizetype n = std::min(piece, stream.size() - at);
        if (!parser.feed(QByteArrayView(stream).sliced(at, n), sink)) {
            run.dropped = true;
            break;
        }
        at += n;
        // A line and the event being assembled, each bounded by the event limit.
        if (parser.bufferedBytes() > 2 * kMaxEventBytes + 8)
            fuzz::fail("the parser holds more than its limits allow",
                       QString::number(parser.bufferedBytes()));
    }
    run.error = parser.error();
    run.lastId = parser.lastEventId();
    run.retryMs = parser.retryMs();
    if (run.dropped && run.error.isEmpty())
        fuzz::fail("the stream was dropped without a reason");
    if (run.retryMs > 3600000)
        fuzz::fail("retry is not clamped to an hour", QString::number(run.retryMs));
    return run;
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
    fuzz::initialize();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    const quint8 pattern = data[0];
    const QByteArray stream = fuzz::bytes(data + 1, size - 1);
    const Run whole = feed(stream, 0);
    const Run pieces = feed(stream, pattern == 0 ? 1 : pattern);

    if (whole.dropped != pieces.dropped || whole.error != pieces.error)
        fuzz::fail("where the stream was cut decided whether it was dropped",
                   whole.error + QStringLiteral(" | ") + pieces.error);
    if (whole.events.size() != pieces.events.size())
        fuzz::fail("where the stream was cut changed the number of events",
                   QStringLiteral("%1 vs %2").arg(whole.events.size()).arg(pieces.events.size()));
    for (qsizetype i = 0; i < whole.events.size(); ++i) {
        if (!same(whole.events.at(i), pieces.events.at(i)))
            fuzz::fail("where the stream was cut changed an event",
                       describe(whole.events.at(i)) + QStringLiteral("\n") +
                           describe(pieces.events.at(i)));
    }
    if (whole.lastId != pieces.lastId || whole.retryMs != pieces.retryMs)
        fuzz::fail("where the stream was cut changed the last id or retry");
    return 0;
}
