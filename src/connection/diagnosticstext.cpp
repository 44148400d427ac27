#include "diagnosticstext.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QMetaEnum>
#include <QSslCertificate>
#include <QStringList>

#include <cmath>

namespace vigil::diagnostics {

namespace {

QString sslErrorName(const QSslError &error)
{
    return QString::fromLatin1(
        QMetaEnum::fromType<QSslError::SslError>().valueToKey(error.error()));
}

} // namespace

const char *protocolName(QSsl::SslProtocol protocol)
{
    switch (protocol) {
    case QSsl::TlsV1_2:
        return "TLS 1.2";
    case QSsl::TlsV1_3:
        return "TLS 1.3";
    default:
        return QT_TRANSLATE_NOOP("vigil::Diagnostics", "an older or unknown TLS version");
    }
}

QString protocolText(QSsl::SslProtocol protocol)
{
    return QCoreApplication::translate("vigil::Diagnostics", protocolName(protocol));
}

QString describeSslErrors(const QList<QSslError> &errors)
{
    QStringList parts;
    for (const QSslError &e : errors)
        parts.append(QStringLiteral("%1 (%2)").arg(e.errorString(), sslErrorName(e)));
    parts.removeDuplicates();
    return parts.join(QStringLiteral("; "));
}

QJsonArray sslErrorNames(const QList<QSslError> &errors)
{
    QStringList names;
    for (const QSslError &e : errors)
        names.append(sslErrorName(e));
    names.removeDuplicates();
    return QJsonArray::fromStringList(names);
}

QString sslFailure(const QString &sentence, const QList<QSslError> &errors, QJsonObject *data)
{
    data->insert(QStringLiteral("errors"), sslErrorNames(errors));
    return sentence.arg(describeSslErrors(errors));
}

QJsonObject certificateJson(const QSslCertificate &certificate)
{
    const QDateTime expiry = certificate.expiryDate().toUTC();
    return {{QStringLiteral("subject"), certificate.subjectDisplayName()},
            {QStringLiteral("issuer"), certificate.issuerDisplayName()},
            {QStringLiteral("expires"), expiry.toString(Qt::ISODate)},
            {QStringLiteral("daysLeft"), QDateTime::currentDateTimeUtc().daysTo(expiry)}};
}

// The codes of docs/protocol.md.
QString closeCodeMeaning(int code)
{
    switch (code) {
    case 1001:
        return QCoreApplication::translate("vigil::Diagnostics", "the server is going away");
    case 1006:
        return QCoreApplication::translate("vigil::Diagnostics",
                                           "the connection dropped without a close frame");
    case 1008:
        return QCoreApplication::translate("vigil::Diagnostics", "policy violation");
    case 4401:
        return QCoreApplication::translate("vigil::Diagnostics",
                                           "the token is missing or not accepted");
    case 4403:
        return QCoreApplication::translate("vigil::Diagnostics", "this Origin is not allowed");
    case 4429:
        return QCoreApplication::translate("vigil::Diagnostics", "rate limited");
    case 4503:
        return QCoreApplication::translate("vigil::Diagnostics",
                                           "the server is at its connection limit");
    default:
        return {};
    }
}

QString formatMs(double ms)
{
    return QString::number(ms, 'f', ms < 10 ? 2 : 1);
}

// Microseconds are the most a loopback RTT can tell; more digits are noise in an export.
double roundedMs(double ms)
{
    return std::round(ms * 1000.0) / 1000.0;
}

} // namespace vigil::diagnostics
