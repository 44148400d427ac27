#include "envelope.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QUuid>

#include <cmath>

namespace vigil {

namespace {

// 2^53: the largest integer a JSON number (an IEEE double) carries exactly.
constexpr double kMaxExactInteger = 9007199254740992.0;

QString jsonTypeName(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::Null:
        return QStringLiteral("null");
    case QJsonValue::Bool:
        return QStringLiteral("a boolean");
    case QJsonValue::Double:
        return QStringLiteral("a number");
    case QJsonValue::String:
        return QStringLiteral("a string");
    case QJsonValue::Array:
        return QStringLiteral("an array");
    case QJsonValue::Object:
        return QStringLiteral("an object");
    case QJsonValue::Undefined:
        break;
    }
    return QStringLiteral("nothing");
}

ParseResult failure(ParseError::Code code, const QString &field, const QString &message)
{
    ParseResult result;
    result.error = {code, field, message};
    return result;
}

ParseResult wrongType(const QString &field, const QString &expected, const QJsonValue &got)
{
    return failure(
        ParseError::WrongType, field,
        QStringLiteral("field \"%1\" must be %2 (got %3)").arg(field, expected, jsonTypeName(got)));
}

} // namespace

qint64 jsonInteger(const QJsonValue &value, qint64 fallback)
{
    if (!value.isDouble())
        return fallback;
    const double number = value.toDouble();
    if (!std::isfinite(number) || std::floor(number) != number || number > kMaxExactInteger ||
        number < -kMaxExactInteger)
        return fallback;
    return static_cast<qint64>(number);
}

namespace {

// Reads an optional non-negative integer field; returns false and fills `error` on failure.
bool readInteger(const QJsonObject &object, const QString &field, qint64 *out, ParseResult *error)
{
    const QJsonValue value = object.value(field);
    if (value.isUndefined())
        return true;
    if (!value.isDouble()) {
        *error = wrongType(field, QStringLiteral("an integer"), value);
        return false;
    }
    const double number = value.toDouble();
    if (!std::isfinite(number) || std::floor(number) != number) {
        *error = failure(ParseError::InvalidValue, field,
                         QStringLiteral("field \"%1\" must be a whole number").arg(field));
        return false;
    }
    if (number < 0 || number > kMaxExactInteger) {
        *error = failure(ParseError::InvalidValue, field,
                         QStringLiteral("field \"%1\" must be between 0 and 2^53").arg(field));
        return false;
    }
    *out = static_cast<qint64>(number);
    return true;
}

// Reads an optional short string field (id, channel); empty and overlong values are rejected.
bool readName(const QJsonObject &object, const QString &field, QString *out, ParseResult *error)
{
    const QJsonValue value = object.value(field);
    if (value.isUndefined())
        return true;
    if (!value.isString()) {
        *error = wrongType(field, QStringLiteral("a string"), value);
        return false;
    }
    const QString text = value.toString();
    if (text.isEmpty()) {
        *error = failure(ParseError::InvalidValue, field,
                         QStringLiteral("field \"%1\" must not be empty").arg(field));
        return false;
    }
    if (text.startsWith(QChar(0xFEFF))) {
        // Qt's JSON reader (and others) drop a U+FEFF that starts a string, taking it for a
        // byte order mark: such a name would change on its next trip through JSON.
        *error = failure(ParseError::InvalidValue, field,
                         QStringLiteral("field \"%1\" begins with U+FEFF (a byte order mark), "
                                        "which JSON readers drop")
                             .arg(field));
        return false;
    }
    if (text.size() > kMaxNameLength) {
        *error = failure(ParseError::InvalidValue, field,
                         QStringLiteral("field \"%1\" is %2 characters long, the limit is %3")
                             .arg(field)
                             .arg(text.size())
                             .arg(kMaxNameLength));
        return false;
    }
    *out = text;
    return true;
}

} // namespace

QString priorityName(Priority priority)
{
    switch (priority) {
    case Priority::Critical:
        return QStringLiteral("critical");
    case Priority::High:
        return QStringLiteral("high");
    case Priority::Normal:
        return QStringLiteral("normal");
    case Priority::Low:
        return QStringLiteral("low");
    }
    return QStringLiteral("normal");
}

std::optional<Priority> priorityFromName(const QString &name)
{
    for (Priority p : {Priority::Critical, Priority::High, Priority::Normal, Priority::Low}) {
        if (name == priorityName(p))
            return p;
    }
    return std::nullopt;
}

const QStringList &knownChannels()
{
    static const QStringList channels = {
        QStringLiteral("incidents"), QStringLiteral("agents"),       QStringLiteral("chat"),
        QStringLiteral("alerts"),    QStringLiteral("activity"),     QStringLiteral("logs"),
        QStringLiteral("metrics"),   QStringLiteral("notifications")};
    return channels;
}

bool isValidChannelName(const QString &name)
{
    if (name.isEmpty() || name.size() > 64)
        return false;
    for (QChar c : name) {
        const bool ok = (c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z') ||
                        (c >= u'0' && c <= u'9') || c == u'.' || c == u'_' || c == u'-';
        if (!ok)
            return false;
    }
    return true;
}

QString parseErrorCodeName(ParseError::Code code)
{
    switch (code) {
    case ParseError::None:
        return QStringLiteral("none");
    case ParseError::Empty:
        return QStringLiteral("empty");
    case ParseError::NotJson:
        return QStringLiteral("not_json");
    case ParseError::NotObject:
        return QStringLiteral("not_object");
    case ParseError::MissingField:
        return QStringLiteral("missing_field");
    case ParseError::WrongType:
        return QStringLiteral("wrong_type");
    case ParseError::InvalidValue:
        return QStringLiteral("invalid_value");
    case ParseError::TooLarge:
        return QStringLiteral("too_large");
    }
    return QStringLiteral("unknown");
}

Envelope Envelope::create(const QString &type, const QString &channel, const QJsonValue &payload,
                          Priority priority)
{
    Envelope e;
    e.id = newId();
    e.type = type;
    e.channel = channel;
    e.payload = payload;
    e.timestamp = QDateTime::currentMSecsSinceEpoch();
    e.priority = priority;
    return e;
}

QString Envelope::newId()
{
    return QUuid::createUuid().toString(QUuid::WithoutBraces);
}

QJsonObject Envelope::toJson() const
{
    QJsonObject o;
    if (!id.isEmpty())
        o.insert(QStringLiteral("id"), id);
    o.insert(QStringLiteral("type"), type);
    if (!channel.isEmpty())
        o.insert(QStringLiteral("channel"), channel);
    if (!payload.isUndefined())
        o.insert(QStringLiteral("payload"), payload);
    o.insert(QStringLiteral("timestamp"), timestamp);
    if (priority != Priority::Normal)
        o.insert(QStringLiteral("priority"), priorityName(priority));
    if (hasSeq())
        o.insert(QStringLiteral("seq"), seq);
    return o;
}

QByteArray Envelope::serialize() const
{
    return QJsonDocument(toJson()).toJson(QJsonDocument::Compact);
}

bool operator==(const Envelope &a, const Envelope &b)
{
    return a.id == b.id && a.type == b.type && a.channel == b.channel && a.payload == b.payload &&
           a.timestamp == b.timestamp && a.priority == b.priority && a.seq == b.seq;
}

bool splitJsonArray(const QByteArray &text, QList<QByteArray> *elements)
{
    const auto isSpace = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
    const qsizetype n = text.size();
    qsizetype i = 0;
    const auto skipSpace = [&] {
        while (i < n && isSpace(text.at(i)))
            ++i;
    };
    elements->clear();
    skipSpace();
    if (i >= n || text.at(i) != '[')
        return false;
    ++i;
    skipSpace();
    if (i < n && text.at(i) == ']') {
        ++i;
        skipSpace();
        return i == n;
    }
    while (i < n) {
        const qsizetype start = i;
        int depth = 0;
        bool inString = false;
        for (; i < n; ++i) {
            const char c = text.at(i);
            if (inString) {
                if (c == '\\')
                    ++i; // the escaped character cannot end the string
                else if (c == '"')
                    inString = false;
            } else if (c == '"') {
                inString = true;
            } else if (c == '{' || c == '[') {
                ++depth;
            } else if (c == '}' || c == ']') {
                if (depth == 0)
                    break;
                --depth;
            } else if (c == ',' && depth == 0) {
                break;
            }
        }
        if (i >= n)
            return false; // unterminated
        const QByteArray element = text.mid(start, i - start).trimmed();
        if (element.isEmpty())
            return false;
        elements->append(element);
        if (text.at(i) == ']') {
            ++i;
            skipSpace();
            return i == n;
        }
        if (text.at(i) != ',')
            return false; // a '}' closing nothing
        ++i;
    }
    return false;
}

ParseResult parseEnvelope(const QByteArray &frame, qsizetype maxBytes)
{
    if (maxBytes > 0 && frame.size() > maxBytes) {
        return failure(ParseError::TooLarge, {},
                       QStringLiteral("message is %1 bytes, over the limit of %2 bytes")
                           .arg(frame.size())
                           .arg(maxBytes));
    }
    if (frame.trimmed().isEmpty())
        return failure(ParseError::Empty, {}, QStringLiteral("empty message"));

    QJsonParseError jsonError;
    const QJsonDocument doc = QJsonDocument::fromJson(frame, &jsonError);
    if (jsonError.error != QJsonParseError::NoError) {
        // QJsonDocument only takes objects and arrays at the top level. Tell a bare scalar
        // ("42", "\"hi\"", "true") apart from broken JSON: the former is "not an object".
        const QJsonDocument wrapped = QJsonDocument::fromJson("[" + frame + "]");
        if (wrapped.isArray() && wrapped.array().size() == 1) {
            return failure(ParseError::NotObject, {},
                           QStringLiteral("message is not a JSON object (got %1)")
                               .arg(jsonTypeName(wrapped.array().first())));
        }
        return failure(ParseError::NotJson, {},
                       QStringLiteral("message is not valid JSON: %1 at offset %2")
                           .arg(jsonError.errorString())
                           .arg(jsonError.offset));
    }
    if (!doc.isObject()) {
        return failure(ParseError::NotObject, {},
                       QStringLiteral("message is not a JSON object (got an array)"));
    }
    return envelopeFromJson(doc.object());
}

ParseResult envelopeFromJson(const QJsonObject &o)
{
    ParseResult result;
    Envelope &e = result.envelope;

    const QJsonValue type = o.value(QStringLiteral("type"));
    if (type.isUndefined())
        return failure(ParseError::MissingField, QStringLiteral("type"),
                       QStringLiteral("field \"type\" is missing"));
    if (!readName(o, QStringLiteral("type"), &e.type, &result))
        return result;
    if (!readName(o, QStringLiteral("id"), &e.id, &result))
        return result;
    if (!readName(o, QStringLiteral("channel"), &e.channel, &result))
        return result;
    if (!e.channel.isEmpty() && !isValidChannelName(e.channel)) {
        return failure(ParseError::InvalidValue, QStringLiteral("channel"),
                       QStringLiteral("field \"channel\" is not a valid channel name (use up to 64 "
                                      "letters, digits, '.', '_' or '-')"));
    }
    if (!readInteger(o, QStringLiteral("timestamp"), &e.timestamp, &result))
        return result;
    if (!readInteger(o, QStringLiteral("seq"), &e.seq, &result))
        return result;

    const QJsonValue priority = o.value(QStringLiteral("priority"));
    if (!priority.isUndefined()) {
        if (!priority.isString())
            return wrongType(QStringLiteral("priority"), QStringLiteral("a string"), priority);
        const auto p = priorityFromName(priority.toString());
        if (!p) {
            return failure(ParseError::InvalidValue, QStringLiteral("priority"),
                           QStringLiteral("unknown priority \"%1\" (expected critical, high, "
                                          "normal or low)")
                               .arg(priority.toString().left(32)));
        }
        e.priority = *p;
    }
    e.payload = o.value(QStringLiteral("payload"));
    return result;
}

ParseError validateClientMessage(const Envelope &e)
{
    if (e.id.isEmpty())
        return {ParseError::MissingField, QStringLiteral("id"),
                QStringLiteral("field \"id\" is missing: client messages need an id for "
                               "de-duplication")};
    if (e.channel.isEmpty())
        return {ParseError::MissingField, QStringLiteral("channel"),
                QStringLiteral("field \"channel\" is missing")};
    return {};
}

} // namespace vigil
