#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QMetaType>
#include <QString>
#include <QStringList>

#include <optional>

namespace vigil {

/// Default upper bound for one envelope on the wire (1 MiB), shared by client and relay.
inline constexpr qsizetype kDefaultMaxMessageBytes = 1024 * 1024;

/// Longest id, type or channel name we accept. Keeps de-duplication windows and logs bounded.
inline constexpr qsizetype kMaxNameLength = 128;

/// \brief Delivery priority of an envelope; lower enum value drains first.
enum class Priority { Critical = 0, High = 1, Normal = 2, Low = 3 };

[[nodiscard]] QString priorityName(Priority priority);
[[nodiscard]] std::optional<Priority> priorityFromName(const QString &name);

/// The channels named by the protocol. Other channel names are accepted on the wire (a backend
/// may add its own) but these are the ones Vigil subscribes to by default.
[[nodiscard]] const QStringList &knownChannels();
[[nodiscard]] bool isValidChannelName(const QString &name);

/// A whole number a peer sent as a JSON number (a seq, a head, a time in ms): `fallback` when
/// it is not a number, not whole, or beyond what a JSON number carries exactly (2^53 either
/// way). Never converts an out-of-range double to an integer (undefined behaviour).
[[nodiscard]] qint64 jsonInteger(const QJsonValue &value, qint64 fallback);

/// \brief Why a frame was rejected: a category for counting plus a sentence for people.
struct ParseError
{
    enum Code { None, Empty, NotJson, NotObject, MissingField, WrongType, InvalidValue, TooLarge };
    Code code = None;
    QString field;   ///< the offending field, empty when the frame as a whole is at fault
    QString message; ///< specific and human-readable; never contains the frame's body
};

[[nodiscard]] QString parseErrorCodeName(ParseError::Code code);

/// \brief One protocol message: the value type behind every frame Vigil sends or receives.
class Envelope
{
public:
    QString id;           ///< idempotency key; a UUID for client messages
    QString type;         ///< e.g. "incident.updated", "ping"
    QString channel;      ///< e.g. "incidents", "system"
    QJsonValue payload;   ///< any JSON value; Undefined when the frame had none
    qint64 timestamp = 0; ///< ms since the Unix epoch
    Priority priority = Priority::Normal;
    qint64 seq = -1; ///< server-assigned per-channel sequence; -1 when absent

    [[nodiscard]] bool hasSeq() const { return seq >= 0; }

    /// A new client message with a fresh UUID id and the current wall-clock time.
    [[nodiscard]] static Envelope create(const QString &type, const QString &channel,
                                         const QJsonValue &payload = QJsonValue(),
                                         Priority priority = Priority::Normal);
    [[nodiscard]] static QString newId();

    [[nodiscard]] QJsonObject toJson() const;
    /// Compact UTF-8 JSON, one envelope per frame.
    [[nodiscard]] QByteArray serialize() const;

    friend bool operator==(const Envelope &a, const Envelope &b);
    friend bool operator!=(const Envelope &a, const Envelope &b) { return !(a == b); }
};

/// \brief The outcome of parsing a frame: an envelope, or the reason there is none.
struct ParseResult
{
    Envelope envelope;
    ParseError error;
    [[nodiscard]] bool ok() const { return error.code == ParseError::None; }
};

/// Parses and validates one frame. Checks the size first, so an oversize frame is never decoded.
[[nodiscard]] ParseResult parseEnvelope(const QByteArray &frame,
                                        qsizetype maxBytes = kDefaultMaxMessageBytes);
/// Cuts a JSON array (an HTTP answer carrying envelopes) into its elements' texts, as sent,
/// without decoding them: each is then parsed once, by parseEnvelope(), with its own size
/// limit. False when `text` is not one JSON array (unbalanced, unterminated, trailing data).
[[nodiscard]] bool splitJsonArray(const QByteArray &text, QList<QByteArray> *elements);
/// Validates an already-decoded JSON object (used for arrays of envelopes in HTTP bodies).
[[nodiscard]] ParseResult envelopeFromJson(const QJsonObject &object);

/// Extra rules for a message a client wants fanned out: it must carry an id and a channel.
/// Returns an error with code None when the envelope qualifies.
[[nodiscard]] ParseError validateClientMessage(const Envelope &envelope);

} // namespace vigil

Q_DECLARE_METATYPE(vigil::Envelope)
