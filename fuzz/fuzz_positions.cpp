// The channel positions (PositionStore) opened from a file of arbitrary bytes, then read and
// written as the app does when it resubscribes and as messages arrive. Like the outbox target,
// it checks survival, not data: a crafted file may hold any schema with user_version 2.
#include "fuzzsupport.h"
#include "storage/positionstore.h"

#include <QDir>

using namespace vigil;

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
    fuzz::initialize();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz::clearScratch();
    const QString path = QDir(fuzz::scratchDir()).filePath(QStringLiteral("positions.sqlite"));
    fuzz::writeFile(path, fuzz::bytes(data, size));

    // The profile of the seeds (fuzz/makeseeds.cpp).
    const QString profile = QStringLiteral("fuzz");
    {
        PositionStore store;
        QString error;
        if (!store.open(path, &error)) {
            if (error.isEmpty())
                fuzz::fail("the positions did not open and did not say why");
            return 0;
        }
        (void)store.recoveryNotice();
        QHash<QString, SavedPosition> positions = store.load(profile);
        // Forward in the same epoch, and one channel in a new epoch.
        for (auto it = positions.begin(); it != positions.end(); ++it)
            it->seq += 1;
        positions.insert(QStringLiteral("incidents"), {7, QStringLiteral("fuzz-epoch")});
        (void)store.save(profile, positions);
        (void)store.load(profile);
        (void)store.load(QStringLiteral("other"));
    }
    // The next start of the app.
    PositionStore again;
    QString error;
    if (again.open(path, &error))
        (void)again.load(profile);
    return 0;
}
