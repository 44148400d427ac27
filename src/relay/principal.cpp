#include "principal.h"

#include "protocol/logging.h"

#include <QCryptographicHash>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace vigil {

namespace {

bool allows(const QStringList &list, const QString &channel)
{
    return list.contains(QStringLiteral("*")) || list.contains(channel);
}

bool readChannelList(const QJsonObject &entry, const QString &field, int index, QStringList *out,
                     QString *error)
{
    const QJsonValue value = entry.value(field);
    if (value.isUndefined()) {
        out->clear();
        return true;
    }
    if (!value.isArray()) {
        *error =
            QStringLiteral("tokens[%1].%2 must be an array of channel names").arg(index).arg(field);
        return false;
    }
    for (const QJsonValue &v : value.toArray()) {
        if (!v.isString() || v.toString().isEmpty()) {
            *error = QStringLiteral("tokens[%1].%2 must hold only channel names (strings)")
                         .arg(index)
                         .arg(field);
            return false;
        }
        out->append(v.toString());
    }
    return true;
}

// Tokens are kept by their hash: lookups do not compare the secret byte by byte.
QString keyFor(const QString &token)
{
    return QString::fromLatin1(
        QCryptographicHash::hash(token.toUtf8(), QCryptographicHash::Sha256).toHex());
}

} // namespace

QString bearerToken(const QByteArray &authorization)
{
    // RFC 9110 11.1: the auth-scheme is case-insensitive; one or more spaces follow it.
    const QByteArray value = authorization.trimmed();
    constexpr qsizetype kScheme = 6; // "bearer"
    if (value.size() <= kScheme || (value.at(kScheme) != ' ' && value.at(kScheme) != '\t') ||
        value.left(kScheme).compare("bearer", Qt::CaseInsensitive) != 0)
        return {};
    return QString::fromUtf8(value.mid(kScheme).trimmed());
}

bool Principal::canRead(const QString &channel) const
{
    return allows(read, channel);
}

bool Principal::canWrite(const QString &channel) const
{
    return allows(write, channel);
}

Principal Principal::anonymous()
{
    return {QStringLiteral("anonymous"),
            QStringLiteral("operator"),
            {QStringLiteral("*")},
            {QStringLiteral("*")}};
}

bool TokenTable::load(const QString &path, QString *error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read the tokens file %1: %2").arg(path, file.errorString());
        return false;
    }
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(file.readAll(), &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        *error = QStringLiteral("the tokens file %1 is not valid JSON: %2 at offset %3")
                     .arg(path, parseError.errorString())
                     .arg(parseError.offset);
        return false;
    }
    const QJsonValue list = doc.object().value(QStringLiteral("tokens"));
    if (!doc.isObject() || !list.isArray()) {
        *error = QStringLiteral("the tokens file %1 must be an object with a \"tokens\" array")
                     .arg(path);
        return false;
    }
    const QJsonArray entries = list.toArray();
    // Read whole before it replaces the table: a refused file changes nothing.
    QHash<QString, Principal> tokens;
    for (int i = 0; i < entries.size(); ++i) {
        const QJsonObject entry = entries.at(i).toObject();
        const QString token = entry.value(QStringLiteral("token")).toString();
        if (!entries.at(i).isObject() || token.isEmpty()) {
            *error = QStringLiteral("tokens[%1] needs a non-empty \"token\" string").arg(i);
            return false;
        }
        Principal p;
        p.user = entry.value(QStringLiteral("user")).toString();
        p.role = entry.value(QStringLiteral("role")).toString();
        if (p.user.isEmpty()) {
            *error = QStringLiteral("tokens[%1] needs a non-empty \"user\" string").arg(i);
            return false;
        }
        if (!readChannelList(entry, QStringLiteral("read"), i, &p.read, error) ||
            !readChannelList(entry, QStringLiteral("write"), i, &p.write, error))
            return false;
        const QString key = keyFor(token);
        if (tokens.contains(key)) {
            *error = QStringLiteral("tokens[%1] repeats a token used by an earlier entry").arg(i);
            return false;
        }
        tokens.insert(key, p);
    }
    if (tokens.isEmpty()) {
        *error = QStringLiteral("the tokens file %1 lists no tokens").arg(path);
        return false;
    }
    if (QFileInfo(path).permissions() & (QFile::ReadOther | QFile::WriteOther)) {
        qCWarning(lcRelay).noquote()
            << "the tokens file" << path
            << "can be read or changed by every user of this machine: make it readable by the "
               "relay's user only (chmod 600)";
    }
    m_tokens = std::move(tokens);
    return true;
}

const Principal *TokenTable::find(const QString &token) const
{
    if (token.isEmpty())
        return nullptr;
    const auto it = m_tokens.constFind(keyFor(token));
    return it == m_tokens.constEnd() ? nullptr : &it.value();
}

} // namespace vigil
