#pragma once

#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QSsl>
#include <QSslError>
#include <QString>

class QSslCertificate;

// The words and figures the link check's probes put into their results, so every probe names
// a TLS problem or a close code the same way. Sentences for people are translated in the
// "vigil::Diagnostics" context; the values for exports (JSON) are not.
namespace vigil::diagnostics {

/// "TLS 1.3", or a phrase for anything older or unknown: the untranslated text (marked for
/// translation), the same in every language, for exports and scripts.
[[nodiscard]] const char *protocolName(QSsl::SslProtocol protocol);
/// protocolName() for people: translated.
[[nodiscard]] QString protocolText(QSsl::SslProtocol protocol);
/// "The certificate has expired (CertificateExpired); ...": the sentence for people and the
/// enum name for searching the Qt documentation.
[[nodiscard]] QString describeSslErrors(const QList<QSslError> &errors);
/// The enum names of `errors`, each once.
[[nodiscard]] QJsonArray sslErrorNames(const QList<QSslError> &errors);
/// `sentence` (a translated text with one %1) filled with describeSslErrors(), with the names
/// added to `data` as "errors".
[[nodiscard]] QString sslFailure(const QString &sentence, const QList<QSslError> &errors,
                                 QJsonObject *data);
/// Subject, issuer, expiry and days left of a server's certificate.
[[nodiscard]] QJsonObject certificateJson(const QSslCertificate &certificate);
/// Why a server closes right after the upgrade, for the codes Vigil uses; empty for others.
[[nodiscard]] QString closeCodeMeaning(int code);
/// A round trip for people: two decimals below 10 ms, one above.
[[nodiscard]] QString formatMs(double ms);
/// A round trip for exports: to the microsecond.
[[nodiscard]] double roundedMs(double ms);

} // namespace vigil::diagnostics
