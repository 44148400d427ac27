// The outbox opened from a file of arbitrary bytes: whatever a damaged disk, an old version or a
// hand-edited file left at its path, opening it, reading every list the app and vigil-cli read,
// and queuing and delivering one more message must neither crash nor hang. A file that is no
// healthy outbox is moved aside and replaced (SqliteFile), which this reaches as well.
//
// No property of the data is checked: a crafted file can hold any schema, even triggers, with
// user_version 2. What must hold is that Vigil survives it.
#include "fuzzsupport.h"
#include "storage/outbox.h"

#include <QDateTime>
#include <QDir>
#include <QJsonObject>

using namespace vigil;

namespace {

// The profiles of the seeds (fuzz/makeseeds.cpp).
const QString kProfiles[] = {QStringLiteral("fuzz"), QStringLiteral("other")};

qint64 nextAttemptAt(int failures)
{
    return qint64(failures) * 1000;
}

void exercise(Outbox &outbox)
{
    for (const QString &profile : kProfiles) {
        QList<DeadLetter> buried;
        const QList<OutboxEntry> entries = outbox.pending(profile, 50, 0, &buried);
        (void)outbox.pending(profile, 50, 1);
        (void)outbox.stats(profile);
        (void)outbox.deadLetters(profile);
        (void)outbox.evictions(profile, 20);
        if (!entries.isEmpty()) {
            const QString first = entries.first().envelope.id;
            (void)outbox.markSent(first);
            (void)outbox.recordFailure(first, QStringLiteral("fuzz"), nextAttemptAt, 2);
            (void)outbox.contains(first);
        }
    }
    // One more message through the whole cycle, over whatever the file holds.
    const Envelope message = Envelope::create(
        QStringLiteral("incident.ack"), QStringLiteral("incidents"),
        QJsonObject{{QStringLiteral("incident"), QStringLiteral("INC-1")}}, Priority::High);
    QString error;
    if (const auto id = outbox.enqueue(kProfiles[0], message, &error, 60000)) {
        (void)outbox.pending(kProfiles[0]);
        (void)outbox.markSent(QStringList{*id});
        (void)outbox.markDelivered(*id);
    }
    (void)outbox.expire(QDateTime::currentMSecsSinceEpoch() + 3600000);
    (void)outbox.retryDeadLetters(kProfiles[0]);
    (void)outbox.purgeDeadLetters(kProfiles[1]);
    (void)outbox.remove(QStringLiteral("fuzz-missing"));
    (void)outbox.enqueueCommits();
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
    fuzz::initialize();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz::clearScratch();
    const QString path = QDir(fuzz::scratchDir()).filePath(QStringLiteral("outbox.sqlite"));
    fuzz::writeFile(path, fuzz::bytes(data, size));

    // Small limits, so a full queue and its evictions are reached too.
    OutboxLimits limits;
    limits.maxCount = 4;
    limits.maxBytes = 4096;
    limits.maxFileBytes = 1024 * 1024;
    {
        Outbox outbox(limits);
        QString error;
        if (outbox.open(path, &error)) {
            (void)outbox.recoveryNotice();
            exercise(outbox);
        } else if (error.isEmpty()) {
            fuzz::fail("the outbox did not open and did not say why");
        }
    }
    // What the next start of the app meets: the file as the first one left it.
    Outbox again(limits);
    QString error;
    if (again.open(path, &error))
        (void)again.pending(kProfiles[0]);
    return 0;
}
