#pragma once

#include <QHash>
#include <QString>
#include <QStringList>

namespace vigil {

/// \brief Who is on the other end of a connection, and what they may read and write.
struct Principal
{
    QString user;
    QString role;
    QStringList read;  ///< channel names, or "*" for all
    QStringList write; ///< channel names, or "*" for all

    [[nodiscard]] bool canRead(const QString &channel) const;
    [[nodiscard]] bool canWrite(const QString &channel) const;
    /// Everyone may do everything: the relay without a tokens file (loopback only).
    [[nodiscard]] static Principal anonymous();
};

/// The token of an `Authorization` header value of the Bearer scheme, whose name is
/// case-insensitive (`Bearer`, `bearer`, `BEARER`); empty for any other value.
[[nodiscard]] QString bearerToken(const QByteArray &authorization);

/// \brief The `--tokens FILE` table: token -> principal.
class TokenTable
{
public:
    /// Reads the JSON tokens file (see docs/relay.md). A malformed file is an error that names
    /// the problem (never the tokens themselves) and leaves the table as it was. A file other
    /// users may read or write is logged as a warning.
    bool load(const QString &path, QString *error);
    [[nodiscard]] bool isEmpty() const { return m_tokens.isEmpty(); }
    [[nodiscard]] int size() const { return int(m_tokens.size()); }
    /// The principal of `token`, or nullptr. Comparison does not leak timing per character.
    [[nodiscard]] const Principal *find(const QString &token) const;

private:
    QHash<QString, Principal> m_tokens;
};

} // namespace vigil
