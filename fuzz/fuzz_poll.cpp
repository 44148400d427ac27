// A long-poll answer (GET /api/poll) and the answer to a posted message (POST /api/messages), as
// HttpTransport reads them: splitJsonArray() cuts the body into its elements without decoding
// it, then each element is parsed on its own, or skipped when it is over the message limit.
//
// Checked besides not crashing: every JSON array a standard parser reads is cut into exactly its
// elements, each of which decodes to the same value; and the elements are pieces of the body.
#include "fuzzsupport.h"
#include "protocol/envelope.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

using namespace vigil;

namespace {

// Small, so short inputs reach the skipped-message path.
constexpr qsizetype kMaxMessageBytes = 128;

// What HttpTransport::emitElements() does with each element, minus the signals.
void handle(const QList<QByteArray> &elements)
{
    for (const QByteArray &element : elements) {
        if (element.size() > kMaxMessageBytes) {
            const QJsonObject o = QJsonDocument::fromJson(element).object();
            const QString channel = o.value(QStringLiteral("channel")).toString();
            const qint64 seq = jsonInteger(o.value(QStringLiteral("seq")), -1);
            (void)(isValidChannelName(channel) && seq >= 0);
        } else {
            const ParseResult parsed = parseEnvelope(element, kMaxMessageBytes);
            if (!parsed.ok() && parsed.error.message.isEmpty())
                fuzz::fail("an element refused without a message");
        }
    }
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
    fuzz::initialize();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray body = fuzz::bytes(data, size);
    QList<QByteArray> elements;
    const bool isArray = splitJsonArray(body, &elements);
    for (const QByteArray &element : std::as_const(elements)) {
        if (element.isEmpty() || !body.contains(element))
            fuzz::fail("an element that is not a piece of the body",
                       QString::fromUtf8(element.toPercentEncoding()));
    }

    // Qt's JSON parser as the reference. It also skips a leading UTF-8 byte-order mark, which
    // RFC 8259 allows a parser to refuse and Vigil's servers never send: not compared.
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(body, &error);
    if (error.error == QJsonParseError::NoError && doc.isArray() &&
        !body.startsWith("\xEF\xBB\xBF")) {
        const QJsonArray array = doc.array();
        if (!isArray || elements.size() != array.size())
            fuzz::fail("a JSON array was not cut into its elements",
                       QStringLiteral("split %1, %2 elements, the array has %3")
                           .arg(isArray)
                           .arg(elements.size())
                           .arg(array.size()));
        for (qsizetype i = 0; i < array.size(); ++i) {
            const QJsonDocument alone =
                QJsonDocument::fromJson(QByteArray("[" + elements.at(i) + "]"));
            if (!alone.isArray() || alone.array().size() != 1 || alone.array().at(0) != array.at(i))
                fuzz::fail("an element decodes differently on its own",
                           QString::fromUtf8(elements.at(i).toPercentEncoding()));
        }
    }

    handle(elements);
    // The answer to a POST: an array of acks, or one envelope alone.
    if (!isArray && body.trimmed().startsWith('{'))
        handle({body.trimmed()});
    return 0;
}
