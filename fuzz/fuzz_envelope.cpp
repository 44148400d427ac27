// The envelope parser: every frame the client, the relay and the CLI receive goes through
// parseEnvelope() first. Besides not crashing, what it accepts must survive Vigil's own round
// trip: an accepted envelope, serialized and parsed again, is the same envelope.
#include "fuzzsupport.h"
#include "protocol/envelope.h"

#include <QJsonDocument>

using namespace vigil;

namespace {

// The envelope as sent, bytes outside printable ASCII escaped, and which fields differ from
// `other`.
QString describe(const Envelope &e, const Envelope *other = nullptr)
{
    QString text = QString::fromLatin1(e.serialize().toPercentEncoding(" {}[]\":,.-_"));
    if (other) {
        text += QStringLiteral("\ndiffers in:");
        if (e.id != other->id)
            text += QStringLiteral(" id");
        if (e.type != other->type)
            text += QStringLiteral(" type");
        if (e.channel != other->channel)
            text += QStringLiteral(" channel");
        if (e.payload != other->payload)
            text += QStringLiteral(" payload");
        if (e.timestamp != other->timestamp)
            text += QStringLiteral(" timestamp");
        if (e.priority != other->priority)
            text += QStringLiteral(" priority");
        if (e.seq != other->seq)
            text += QStringLiteral(" seq");
    }
    return text;
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
    fuzz::initialize();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray frame = fuzz::bytes(data, size);
    const ParseResult parsed = parseEnvelope(frame);
    // A small limit reaches the size check; it must never let through what the default refuses.
    const ParseResult limited = parseEnvelope(frame, 256);
    if (limited.ok() && !parsed.ok())
        fuzz::fail("accepted under a small limit, refused under the default one");
    if (!limited.ok() && frame.size() <= 256 && parsed.ok())
        fuzz::fail("refused under a limit the frame fits", limited.error.message);
    if (!parsed.ok()) {
        if (parsed.error.message.isEmpty())
            fuzz::fail("a refusal without a message");
        return 0;
    }

    const Envelope &envelope = parsed.envelope;
    (void)validateClientMessage(envelope);
    (void)priorityName(envelope.priority);

    // Qt 6.4's JSON parser drops a U+FEFF that starts a string read as raw UTF-8 (it takes it
    // for a byte-order mark), and the value it keeps compares unequal to the same text parsed
    // again. parseEnvelope refuses a type, id or channel that begins with it; inside a payload
    // it is Qt's matter, not Vigil's: a frame holding those bytes, or one whose serialized form
    // does (the frame wrote it as the escape \ufeff), is not compared.
    const QByteArray serialized = envelope.serialize();
    if (frame.contains("\xEF\xBB\xBF") || serialized.contains("\xEF\xBB\xBF"))
        return 0;
    // Vigil's own round trip, through the frame and through the JSON object.
    const ParseResult again = parseEnvelope(serialized, 0);
    if (!again.ok())
        fuzz::fail("an accepted envelope does not parse once serialized",
                   again.error.message + QStringLiteral("\n") + describe(envelope));
    if (again.envelope != envelope)
        fuzz::fail("an envelope changed in a serialize/parse round trip",
                   describe(envelope) + QStringLiteral("\n") + describe(again.envelope, &envelope));
    const ParseResult fromObject = envelopeFromJson(envelope.toJson());
    if (!fromObject.ok() || fromObject.envelope != envelope)
        fuzz::fail("an envelope changed in a toJson/envelopeFromJson round trip",
                   describe(envelope));
    return 0;
}
