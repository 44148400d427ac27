#include "serverendpoint.h"

namespace vigil {

ServerEndpoint::ServerEndpoint(QString token, QList<QSslCertificate> extraCaCertificates)
    : m_token(std::move(token))
    , m_extraCaCertificates(std::move(extraCaCertificates))
{}

QSslConfiguration ServerEndpoint::tls() const
{
    QSslConfiguration configuration = QSslConfiguration::defaultConfiguration();
    if (!m_extraCaCertificates.isEmpty())
        configuration.addCaCertificates(m_extraCaCertificates);
    return configuration;
}

QNetworkRequest ServerEndpoint::request(const QUrl &url) const
{
    QNetworkRequest request(url);
    if (!m_token.isEmpty())
        request.setRawHeader("Authorization", "Bearer " + m_token.toUtf8());
    if (url.scheme() == u"https" || url.scheme() == u"wss")
        request.setSslConfiguration(tls());
    return request;
}

QString ServerEndpoint::redacted(const QUrl &url)
{
    return url.adjusted(QUrl::RemoveUserInfo | QUrl::RemoveQuery | QUrl::RemoveFragment).toString();
}

int ServerEndpoint::refusedUpgradeStatus(const QString &errorText)
{
    const QLatin1StringView marker("status code: ");
    const qsizetype at = errorText.indexOf(marker);
    if (at < 0)
        return 0;
    qsizetype end = at + marker.size();
    while (end < errorText.size() && errorText.at(end).isDigit())
        ++end;
    bool ok = false;
    const int status = errorText.mid(at + marker.size(), end - at - marker.size()).toInt(&ok);
    return ok && status >= 100 && status <= 999 ? status : 0;
}

} // namespace vigil
