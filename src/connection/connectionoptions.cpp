#include "connectionoptions.h"

#include <QFile>

namespace vigil {

bool parseServerUrl(const QString &text, QUrl *url, QString *error)
{
    const QUrl parsed(text, QUrl::StrictMode);
    const QString scheme = parsed.scheme();
    if (!parsed.isValid() || parsed.host().isEmpty() || (scheme != u"ws" && scheme != u"wss")) {
        // Quote what was typed (an invalid URL has no text of its own), without a query or
        // user info: either may hold a secret.
        QString shown = parsed.isValid()
                            ? parsed.adjusted(QUrl::RemoveQuery | QUrl::RemoveUserInfo).toString()
                            : text.trimmed().section(u'?', 0, 0);
        if (!parsed.isValid() && shown.contains(u'@'))
            shown = shown.section(u'@', -1);
        *error =
            QStringLiteral("'%1' is not a ws:// or wss:// URL with a host").arg(shown.left(200));
        return false;
    }
    *url = parsed;
    return true;
}

bool readTokenFile(const QString &path, QString *token, QString *error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read the token file %1: %2").arg(path, file.errorString());
        return false;
    }
    *token = QString::fromUtf8(file.readLine(4096)).trimmed();
    if (token->isEmpty()) {
        *error = QStringLiteral("the token file %1 is empty").arg(path);
        return false;
    }
    return true;
}

bool loadCaFile(const QString &path, QList<QSslCertificate> *certificates, QString *error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read the CA file %1: %2").arg(path, file.errorString());
        return false;
    }
    *certificates = QSslCertificate::fromData(file.readAll(), QSsl::Pem);
    if (certificates->isEmpty()) {
        *error = QStringLiteral("the CA file %1 holds no PEM certificate").arg(path);
        return false;
    }
    return true;
}

QString profileKey(const QList<QUrl> &urls)
{
    if (urls.isEmpty())
        return {};
    return urls.first()
        .adjusted(QUrl::RemoveUserInfo | QUrl::RemoveQuery | QUrl::RemoveFragment |
                  QUrl::StripTrailingSlash)
        .toString();
}

} // namespace vigil
