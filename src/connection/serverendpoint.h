#pragma once

#include <QList>
#include <QNetworkRequest>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QString>
#include <QUrl>

namespace vigil {

/// \brief How to reach one server: its credentials and whom to trust for TLS, applied the same
/// way by the WebSocket link, the HTTP fallback and the diagnostics.
class ServerEndpoint
{
public:
    ServerEndpoint() = default;
    ServerEndpoint(QString token, QList<QSslCertificate> extraCaCertificates);

    void setToken(const QString &token) { m_token = token; }
    [[nodiscard]] const QString &token() const { return m_token; }

    /// The system CAs plus the operator's own (--ca-file); no certificate error is ignored.
    [[nodiscard]] QSslConfiguration tls() const;
    /// A request for `url`: the bearer token (never logged) and, for https/wss, tls().
    [[nodiscard]] QNetworkRequest request(const QUrl &url) const;

    /// `url` as it may appear in a log line or on screen: no user info, query (a token may ride
    /// there) or fragment.
    [[nodiscard]] static QString redacted(const QUrl &url);
    /// The HTTP status of a refused WebSocket upgrade, read from QWebSocket's error text
    /// ("Unhandled http status code: 403"): Qt reports it only as text. 0 when it is not one.
    [[nodiscard]] static int refusedUpgradeStatus(const QString &errorText);

private:
    QString m_token;
    QList<QSslCertificate> m_extraCaCertificates;
};

} // namespace vigil
