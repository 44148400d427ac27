#pragma once

#include <QList>
#include <QSslCertificate>
#include <QString>
#include <QUrl>

namespace vigil {

/// Helpers that turn what an operator typed (flags, settings) into connection settings, each
/// with a sentence for the user when the input is wrong. Shared by vigil and vigil-cli.

/// A ws:// or wss:// URL with a host. The error never repeats a query string or credentials.
bool parseServerUrl(const QString &text, QUrl *url, QString *error);
/// The first line of `path`, trimmed; an unreadable or empty file is an error.
bool readTokenFile(const QString &path, QString *token, QString *error);
/// Every PEM certificate in `path`; a file without any is an error.
bool loadCaFile(const QString &path, QList<QSslCertificate> *certificates, QString *error);

/// The key that separates one server's queue and positions from another's: the primary URL
/// without credentials, query or trailing slash.
[[nodiscard]] QString profileKey(const QList<QUrl> &urls);

} // namespace vigil
