// The relay's tokens file (--tokens FILE, docs/relay.md) read by TokenTable::load() from a file
// of arbitrary bytes.
//
// Checked besides not crashing: a refusal names the problem but never a token; a table that
// loads finds every listed token's principal, and nothing for a token it does not list; a
// refused file leaves the table loaded before it unchanged.
#include "fuzzsupport.h"
#include "relay/principal.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>

using namespace vigil;

namespace {

// The file's tokens, as a standard parser reads them (empty when it is not that shape).
QList<QJsonObject> entriesOf(const QByteArray &contents)
{
    QList<QJsonObject> entries;
    const QJsonArray list =
        QJsonDocument::fromJson(contents).object().value(QStringLiteral("tokens")).toArray();
    for (const QJsonValue &v : list)
        entries.append(v.toObject());
    return entries;
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
    fuzz::initialize();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray contents = fuzz::bytes(data, size);
    const QString path = QDir(fuzz::scratchDir()).filePath(QStringLiteral("tokens.json"));
    fuzz::writeFile(path, contents);

    // A table loaded before: a refused file must leave it exactly as it was.
    const QString earlierPath = QDir(fuzz::scratchDir()).filePath(QStringLiteral("earlier.json"));
    const QString earlierToken = QStringLiteral("fuzz-earlier-token-7f3a9c");
    fuzz::writeFile(earlierPath, QByteArrayLiteral(R"({"tokens":[{"token":"fuzz-earlier-token-)"
                                                   R"(7f3a9c","user":"earlier"}]})"));
    TokenTable table;
    QString error;
    if (!table.load(earlierPath, &error))
        fuzz::fail("the earlier tokens file is refused", error);
    error.clear();
    const bool loaded = table.load(path, &error);
    const QList<QJsonObject> entries = entriesOf(contents);

    if (!loaded) {
        if (error.isEmpty())
            fuzz::fail("a refused tokens file without a reason");
        const Principal *kept = table.find(earlierToken);
        if (table.size() != 1 || !kept || kept->user != u"earlier")
            fuzz::fail("a refused tokens file changed the table loaded before", error);
        // Long enough not to occur in the file's path or the sentence by chance.
        for (const QJsonObject &entry : entries) {
            const QString token = entry.value(QStringLiteral("token")).toString();
            if (token.size() >= 12 && error.contains(token))
                fuzz::fail("a refusal names a token", error);
        }
        return 0;
    }

    if (table.isEmpty() || table.size() != entries.size())
        fuzz::fail("a loaded table does not hold one token per entry",
                   QStringLiteral("%1 vs %2").arg(table.size()).arg(entries.size()));
    for (const QJsonObject &entry : entries) {
        const QString token = entry.value(QStringLiteral("token")).toString();
        const Principal *who = table.find(token);
        if (!who || who->user != entry.value(QStringLiteral("user")).toString())
            fuzz::fail("a listed token does not find its principal");
        for (const QString &channel : who->read + who->write) {
            if (channel.isEmpty())
                fuzz::fail("an empty channel name in a principal's rights");
        }
    }
    const QString stranger = QStringLiteral("vigil-fuzz-not-a-listed-token");
    const bool listed = std::any_of(entries.begin(), entries.end(), [&](const QJsonObject &e) {
        return e.value(QStringLiteral("token")).toString() == stranger;
    });
    if (table.find(QString()) || (!listed && table.find(stranger)))
        fuzz::fail("an unlisted token finds a principal");
    return 0;
}
